package kernelfield.engine.image;

import kernelfield.engine.data.FloatImage;

/**
 * Peak signal-to-noise ratio for images with values in 0..1: {@code PSNR = -10 log10(MSE)} in dB
 * ({@code +Infinity} for identical images), the MSE taken over all elements, or over the pixels of
 * a mask. Sums in double, sequentially: deterministic. Allocates nothing.
 */
public final class Psnr {
    private Psnr() {
    }

    /** PSNR in dB of {@code pred (H, W, C)} against {@code target (H, W, C)}. */
    public static double psnr(FloatImage pred, FloatImage target) {
        checkSameSize(pred, target);
        return fromMse(mse(pred.data(), target.data()));
    }

    /** PSNR in dB over the pixels where {@code mask (H, W)} is set, the mask used as weights (0 or 1 usually). */
    public static double psnr(FloatImage pred, FloatImage target, float[] mask) {
        checkSameSize(pred, target);
        return fromMse(mse(pred.data(), target.data(), pred.channels(), mask));
    }

    /** {@code -10 log10(mse)}. */
    public static double fromMse(double mse) {
        return -10.0 * Math.log10(mse);
    }

    /** Mean squared error over all elements of two arrays of the same length. */
    public static double mse(float[] pred, float[] target) {
        if (pred.length != target.length) throw new IllegalArgumentException("lengths differ: " + pred.length + " vs " + target.length);
        if (pred.length == 0) throw new IllegalArgumentException("empty images");
        double s = 0;
        for (int i = 0; i < pred.length; i++) {
            double d = (double) pred[i] - target[i];
            s += d * d;
        }
        return s / pred.length;
    }

    /**
     * Weighted mean squared error: {@code sum_p m_p sum_c d^2 / (C sum_p m_p)} over the pixels
     * {@code p} of {@code mask (H * W)}, with {@code pred, target (H, W, C)}.
     *
     * @throws IllegalArgumentException on mismatched lengths, a negative or non-finite weight, or an empty mask
     */
    public static double mse(float[] pred, float[] target, int channels, float[] mask) {
        if (pred.length != target.length) throw new IllegalArgumentException("lengths differ: " + pred.length + " vs " + target.length);
        if (channels <= 0 || (long) mask.length * channels != pred.length) {
            throw new IllegalArgumentException("mask of " + mask.length + " pixels does not fit images of " + pred.length + " floats with " + channels + " channels");
        }
        double s = 0;
        double m = 0;
        for (int p = 0; p < mask.length; p++) {
            float mp = mask[p];
            if (!(mp >= 0) || Float.isInfinite(mp)) throw new IllegalArgumentException("mask pixel " + p + ": weight " + mp + ", expected >= 0 and finite");
            if (mp == 0) continue;
            double e = 0;
            for (int c = 0, i = p * channels; c < channels; c++, i++) {
                double d = (double) pred[i] - target[i];
                e += d * d;
            }
            s += mp * e;
            m += mp;
        }
        if (m == 0) throw new IllegalArgumentException("mask selects no pixel");
        return s / (m * channels);
    }

    private static void checkSameSize(FloatImage a, FloatImage b) {
        if (a.width() != b.width() || a.height() != b.height() || a.channels() != b.channels()) {
            throw new IllegalArgumentException("image sizes differ: " + a + " vs " + b);
        }
    }
}
