package kernelfield.engine.image;

import kernelfield.engine.compute.CpuDevice;

/**
 * Mean squared error (L2) {@code mean (pred - target)^2} over all {@code H * W * C} elements;
 * gradient {@code 2 (pred - target) / N}. Parallel over rows, deterministic.
 */
public final class MseLoss extends PixelwiseLoss {

    public MseLoss(int width, int height, int channels) {
        this(width, height, channels, CpuDevice.shared());
    }

    public MseLoss(int width, int height, int channels, CpuDevice device) {
        super(width, height, channels, device);
    }

    @Override
    public double backward(float[] pred, float[] target, float[] grad, float weight) {
        check(pred, target, grad);
        final int row = w * c;
        final double g = 2.0 * weight / n;
        double sum = device.sum(h, ImageShape.ROW_GRAIN, (y0, y1) -> {
            double acc = 0;
            for (int i = y0 * row, e = y1 * row; i < e; i++) {
                double d = (double) pred[i] - target[i];
                acc += d * d;
                if (grad != null) grad[i] += (float) (g * d);
            }
            return acc;
        });
        return sum / n;
    }
}
