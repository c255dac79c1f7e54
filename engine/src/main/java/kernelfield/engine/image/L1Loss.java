package kernelfield.engine.image;

import kernelfield.engine.compute.CpuDevice;

/**
 * Mean absolute error {@code mean |pred - target|} over all {@code H * W * C} elements. Its
 * gradient is {@code sign(pred - target) / N}, taken as 0 where the two are equal.
 * Parallel over rows, deterministic (per-row-chunk sums in double, added in chunk order).
 */
public final class L1Loss extends PixelwiseLoss {

    public L1Loss(int width, int height, int channels) {
        this(width, height, channels, CpuDevice.shared());
    }

    public L1Loss(int width, int height, int channels, CpuDevice device) {
        super(width, height, channels, device);
    }

    @Override
    public double backward(float[] pred, float[] target, float[] grad, float weight) {
        check(pred, target, grad);
        final int row = w * c;
        final float g = (float) (weight / (double) n);
        double sum = device.sum(h, ImageShape.ROW_GRAIN, (y0, y1) -> {
            double acc = 0;
            for (int i = y0 * row, e = y1 * row; i < e; i++) {
                double d = (double) pred[i] - target[i];
                acc += Math.abs(d);
                if (grad != null) grad[i] += d > 0 ? g : d < 0 ? -g : 0f;
            }
            return acc;
        });
        return sum / n;
    }
}
