package kernelfield.engine.image;

import kernelfield.engine.data.FloatImage;

/**
 * A differentiable loss between a predicted and a target image of a fixed size, both
 * {@code (H, W, C)} float arrays (row-major, channels interleaved, as {@link FloatImage#data()}).
 *
 * <p>{@link #value} computes the loss; {@link #backward} computes it too and <em>adds</em>
 * {@code weight * dLoss/dPred} into a gradient array, so that weighted sums of losses accumulate
 * into one gradient. Implementations keep their workspace (allocated once, at construction), so
 * neither method allocates beyond loop tasks; an instance is therefore not thread-safe. Results
 * are deterministic for any thread count. NaN inputs give NaN results (not checked).
 */
public interface ImageLoss {
    int width();

    int height();

    int channels();

    /** The loss of {@code pred (H, W, C)} against {@code target (H, W, C)}. Modifies nothing. */
    double value(float[] pred, float[] target);

    /**
     * The loss, and {@code grad[i] += weight * dLoss/dPred[i]} for every element of
     * {@code grad (H, W, C)}. Modifies {@code grad} only.
     */
    double backward(float[] pred, float[] target, float[] grad, float weight);

    /** {@link #value(float[], float[])} on images. */
    default double value(FloatImage pred, FloatImage target) {
        checkImage(pred);
        checkImage(target);
        return value(pred.data(), target.data());
    }

    /** {@link #backward(float[], float[], float[], float)} on images. */
    default double backward(FloatImage pred, FloatImage target, float[] grad, float weight) {
        checkImage(pred);
        checkImage(target);
        return backward(pred.data(), target.data(), grad, weight);
    }

    private void checkImage(FloatImage im) {
        if (im.width() != width() || im.height() != height() || im.channels() != channels()) {
            throw new IllegalArgumentException("image " + im.width() + "x" + im.height() + "x" + im.channels()
                    + ", loss set up for " + width() + "x" + height() + "x" + channels());
        }
    }

    /**
     * {@code wa * a + wb * b}, e.g. the 3DGS photometric loss {@code 0.8 * L1 + 0.2 * D-SSIM}.
     * Both losses must have the same image size.
     */
    static ImageLoss weighted(ImageLoss a, double wa, ImageLoss b, double wb) {
        if (a.width() != b.width() || a.height() != b.height() || a.channels() != b.channels()) {
            throw new IllegalArgumentException("losses of different image sizes");
        }
        return new ImageLoss() {
            @Override
            public int width() {
                return a.width();
            }

            @Override
            public int height() {
                return a.height();
            }

            @Override
            public int channels() {
                return a.channels();
            }

            @Override
            public double value(float[] pred, float[] target) {
                return wa * a.value(pred, target) + wb * b.value(pred, target);
            }

            @Override
            public double backward(float[] pred, float[] target, float[] grad, float weight) {
                return wa * a.backward(pred, target, grad, (float) (weight * wa))
                        + wb * b.backward(pred, target, grad, (float) (weight * wb));
            }
        };
    }
}
