package kernelfield.reconstruction.nvs;

import java.io.IOException;
import java.nio.file.Path;

import kernelfield.engine.data.Camera;
import kernelfield.engine.data.FloatImage;
import kernelfield.engine.io.Images;
import kernelfield.engine.io.KfFormatException;

/**
 * Images of a posed dataset as the trainer and the evaluation use them: read, resampled to the
 * training resolution, composited over a background.
 */
public final class NvsImages {
    private NvsImages() {
    }

    /**
     * The size of a camera at a resolution scale: {@code max(1, round(w * scale))} by
     * {@code max(1, round(h * scale))}.
     */
    public static int[] scaledSize(Camera c, double scale) {
        return new int[] {Math.max(1, (int) Math.round(c.width() * scale)), Math.max(1, (int) Math.round(c.height() * scale))};
    }

    /** The camera at a resolution scale (intrinsics scaled with the size); the camera itself at scale 1. */
    public static Camera scaledCamera(Camera c, double scale) {
        int[] s = scaledSize(c, scale);
        return s[0] == c.width() && s[1] == c.height() ? c : c.resized(s[0], s[1]);
    }

    /**
     * Reads an image and resamples it to {@code (width, height)} by area averaging (exact box
     * filter, fractional pixel coverage), keeping its channels (RGB or RGBA, straight alpha: colour
     * is averaged weighted by alpha). Allocates the result.
     *
     * @throws KfFormatException when the file's size is not the camera's (checked by the caller's
     *     camera: pass its full size as {@code expectW, expectH}, or 0 to skip)
     */
    public static FloatImage read(Path file, int expectW, int expectH, int width, int height) throws IOException {
        FloatImage img = Images.read(file);
        if (expectW > 0 && (img.width() != expectW || img.height() != expectH)) {
            throw new KfFormatException(file, "image is " + img.width() + "x" + img.height() + ", the camera expects "
                    + expectW + "x" + expectH);
        }
        if (img.channels() != 3 && img.channels() != 4) {
            img = img.channels() >= 3 ? img.firstChannels(3) : grey(img);
        }
        return resample(img, width, height);
    }

    private static FloatImage grey(FloatImage g) {
        int n = g.width() * g.height();
        float[] out = new float[3 * n];
        for (int p = 0; p < n; p++) {
            float v = g.data()[p * g.channels()];
            out[3 * p] = out[3 * p + 1] = out[3 * p + 2] = v;
        }
        return new FloatImage(g.width(), g.height(), 3, out);
    }

    /**
     * Area resampling to {@code (w, h)}; the image itself when the size is unchanged. With 4
     * channels the colour is alpha-weighted (straight alpha in, straight alpha out).
     */
    public static FloatImage resample(FloatImage img, int w, int h) {
        if (img.width() == w && img.height() == h) return img;
        int c = img.channels();
        boolean alpha = c == 4;
        float[] src = img.data();
        if (alpha) { // premultiply
            src = src.clone();
            for (int p = 0; p < img.width() * img.height(); p++) {
                float a = src[4 * p + 3];
                for (int k = 0; k < 3; k++) src[4 * p + k] *= a;
            }
        }
        float[] tmp = resampleAxis(src, img.width(), img.height(), c, w, true);
        float[] out = resampleAxis(tmp, w, img.height(), c, h, false);
        if (alpha) {
            for (int p = 0; p < w * h; p++) {
                float a = out[4 * p + 3];
                for (int k = 0; k < 3; k++) out[4 * p + k] = a > 0 ? Math.min(1f, out[4 * p + k] / a) : 0f;
            }
        }
        return new FloatImage(w, h, c, out);
    }

    /** Box-filter resampling along x (horizontal) or y to {@code n} samples. */
    private static float[] resampleAxis(float[] src, int w, int h, int c, int n, boolean horizontal) {
        int len = horizontal ? w : h;
        int ow = horizontal ? n : w, oh = horizontal ? h : n;
        float[] out = new float[ow * oh * c];
        double ratio = (double) len / n;
        for (int o = 0; o < n; o++) {
            double a = o * ratio, b = (o + 1) * ratio;
            int i0 = (int) Math.floor(a), i1 = Math.min(len, (int) Math.ceil(b));
            for (int i = i0; i < i1; i++) {
                double wgt = (Math.min(b, i + 1) - Math.max(a, i)) / ratio;
                if (wgt <= 0) continue;
                float fw = (float) wgt;
                if (horizontal) {
                    for (int y = 0; y < h; y++) {
                        int si = (y * w + i) * c, oi = (y * ow + o) * c;
                        for (int k = 0; k < c; k++) out[oi + k] += fw * src[si + k];
                    }
                } else {
                    for (int x = 0; x < w; x++) {
                        int si = (i * w + x) * c, oi = (o * ow + x) * c;
                        for (int k = 0; k < c; k++) out[oi + k] += fw * src[si + k];
                    }
                }
            }
        }
        return out;
    }

    /** RGB over {@code background (3)}: an RGBA image composited (straight alpha), an RGB one as it is. */
    public static FloatImage rgbOver(FloatImage img, float[] background) {
        return img.channels() == 4 ? img.compositeOver(background[0], background[1], background[2]) : img;
    }
}
