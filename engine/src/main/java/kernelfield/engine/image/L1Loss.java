package kernelfield.engine.image;

import kernelfield.engine.compute.CpuDevice;

/**
 * Mean absolute error {@code mean |pred - target|} over all {@code H * W * C} elements. Its
 * gradient is {@code sign(pred - target) / N}, taken as 0 where the two are equal.
 * Parallel over rows, deterministic (per-row-chunk sums in double, added in chunk order).
 */
public final class L1Loss implements ImageLoss {
    private final int w;
    private final int h;
    private final int c;
    private final int n;
    private final CpuDevice device;

    public L1Loss(int width, int height, int channels) {
        this(width, height, channels, CpuDevice.shared());
    }

    public L1Loss(int width, int height, int channels, CpuDevice device) {
        this.n = ImageShape.size(width, height, channels);
        this.w = width;
        this.h = height;
        this.c = channels;
        this.device = device;
    }

    @Override
    public int width() {
        return w;
    }

    @Override
    public int height() {
        return h;
    }

    @Override
    public int channels() {
        return c;
    }

    @Override
    public double value(float[] pred, float[] target) {
        return backward(pred, target, null, 0f);
    }

    @Override
    public double backward(float[] pred, float[] target, float[] grad, float weight) {
        ImageShape.check("pred", pred, n, w, h, c);
        ImageShape.check("target", target, n, w, h, c);
        if (grad != null) ImageShape.check("grad", grad, n, w, h, c);
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
