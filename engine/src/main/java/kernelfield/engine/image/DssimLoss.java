package kernelfield.engine.image;

import kernelfield.engine.compute.CpuDevice;

/**
 * Structural dissimilarity loss {@code D-SSIM = (1 - SSIM) / 2}, SSIM as in {@link Ssim} (by
 * default the 3DGS convention: 11 x 11 Gaussian window, sigma 1.5, zero padding, mean over all
 * elements). Gradient {@code -dSSIM/dpred / 2}.
 */
public final class DssimLoss implements ImageLoss {
    private final Ssim ssim;

    /** 3DGS convention: {@link Ssim.Boundary#ZERO_PAD}, shared device. Allocates the SSIM workspace (10 float maps). */
    public DssimLoss(int width, int height, int channels) {
        this(new Ssim(width, height, channels));
    }

    public DssimLoss(int width, int height, int channels, Ssim.Boundary boundary, CpuDevice device) {
        this(new Ssim(width, height, channels, boundary, device));
    }

    private DssimLoss(Ssim ssim) {
        this.ssim = ssim;
    }

    /** The SSIM evaluator used (and its workspace). */
    public Ssim ssim() {
        return ssim;
    }

    @Override
    public int width() {
        return ssim.width();
    }

    @Override
    public int height() {
        return ssim.height();
    }

    @Override
    public int channels() {
        return ssim.channels();
    }

    @Override
    public double value(float[] pred, float[] target) {
        return (1 - ssim.value(pred, target)) / 2;
    }

    @Override
    public double backward(float[] pred, float[] target, float[] grad, float weight) {
        return (1 - ssim.backward(pred, target, grad, -0.5f * weight)) / 2;
    }
}
