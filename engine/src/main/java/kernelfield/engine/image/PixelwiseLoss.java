package kernelfield.engine.image;

import kernelfield.engine.compute.CpuDevice;

/**
 * The shared part of the per-element losses ({@link L1Loss}, {@link MseLoss}): the image shape,
 * the device, the argument checks, and {@link #value} as a backward pass without a gradient.
 * Subclasses write the per-element loop themselves, so that it stays monomorphic and inlined.
 */
abstract sealed class PixelwiseLoss implements ImageLoss permits L1Loss, MseLoss {
    final int w;
    final int h;
    final int c;
    final int n;
    final CpuDevice device;

    PixelwiseLoss(int width, int height, int channels, CpuDevice device) {
        this.n = ImageShape.size(width, height, channels);
        this.w = width;
        this.h = height;
        this.c = channels;
        this.device = device;
    }

    @Override
    public final int width() {
        return w;
    }

    @Override
    public final int height() {
        return h;
    }

    @Override
    public final int channels() {
        return c;
    }

    @Override
    public final double value(float[] pred, float[] target) {
        return backward(pred, target, null, 0f);
    }

    /** Checks the three arrays against the shape ({@code grad} may be null). */
    final void check(float[] pred, float[] target, float[] grad) {
        ImageShape.check("pred", pred, n, w, h, c);
        ImageShape.check("target", target, n, w, h, c);
        if (grad != null) ImageShape.check("grad", grad, n, w, h, c);
    }
}
