package kernelfield.engine.image;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import kernelfield.engine.compute.CpuDevice;

/**
 * Structural similarity (SSIM) of two {@code (H, W, C)} images, per channel, with its analytic
 * gradient with respect to the first ("predicted") image.
 *
 * <p>Conventions (those of the 3D Gaussian Splatting training loss and of scikit-image's
 * {@code structural_similarity(gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
 * data_range=1)}): an 11 x 11 Gaussian window of sigma 1.5 (normalised to sum 1, applied as a
 * separable filter), {@code C1 = 0.01^2}, {@code C2 = 0.03^2}, population (not sample)
 * covariances, and
 * <pre>
 *   SSIM = (2 mu1 mu2 + C1)(2 s12 + C2) / ((mu1^2 + mu2^2 + C1)(s11 + s22 + C2))
 * </pre>
 * per element, with {@code mu = G * x}, {@code s11 = G * x^2 - mu1^2}, {@code s12 = G * (x y) -
 * mu1 mu2}. The result is the mean of this map over its elements. Two boundary conventions:
 * <ul>
 * <li>{@link Boundary#ZERO_PAD} (the default; the 3DGS loss): same-size maps, the image taken as
 *     zero outside (the window is not renormalised), the mean taken over all {@code H W C}
 *     elements;</li>
 * <li>{@link Boundary#VALID}: the mean only over the elements whose whole window lies inside the
 *     image (rows and columns 5 .. size - 6), as scikit-image reports it (its border handling
 *     then plays no part). Needs {@code W, H >= 11}.</li>
 * </ul>
 *
 * <p>Filtering runs in float on the Vector API, the per-element formula and all sums in double;
 * parallel over rows and deterministic for any thread count. The workspace, ten float maps of
 * {@code H W C}, is allocated once at construction: an instance is not thread-safe.
 */
public final class Ssim {
    /** Where the SSIM map is averaged and how the image is extended beyond its border. */
    public enum Boundary {
        ZERO_PAD, VALID
    }

    /** Window radius: the window has {@code 2 * RADIUS + 1 = 11} taps. */
    public static final int RADIUS = 5;
    public static final double SIGMA = 1.5;
    public static final double C1 = 0.01 * 0.01;
    public static final double C2 = 0.03 * 0.03;

    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final int TAPS = 2 * RADIUS + 1;
    private static final float[] WINDOW = window();

    private final int w;
    private final int h;
    private final int c;
    private final int n;
    private final Boundary boundary;
    private final CpuDevice device;
    // Horizontal-pass results, then per-element backward coefficients, then a temporary.
    private final float[][] tmp = new float[5][];
    // Filtered moments mu1, mu2, E[x^2], E[y^2], E[x y]; in backward, the filtered coefficients.
    private final float[][] mom = new float[5][];

    public Ssim(int width, int height, int channels) {
        this(width, height, channels, Boundary.ZERO_PAD, CpuDevice.shared());
    }

    /**
     * @throws IllegalArgumentException on a bad size, or {@link Boundary#VALID} with an image
     *                                  narrower or lower than 11 pixels
     */
    public Ssim(int width, int height, int channels, Boundary boundary, CpuDevice device) {
        this.n = ImageShape.size(width, height, channels);
        if (boundary == Boundary.VALID && (width < TAPS || height < TAPS)) {
            throw new IllegalArgumentException("VALID SSIM needs images of at least " + TAPS + "x" + TAPS + ", got " + width + "x" + height);
        }
        this.w = width;
        this.h = height;
        this.c = channels;
        this.boundary = boundary;
        this.device = device;
        for (int k = 0; k < 5; k++) {
            tmp[k] = new float[n];
            mom[k] = new float[n];
        }
    }

    /** The normalised 1D Gaussian window, 11 taps (a copy). */
    public static float[] windowWeights() {
        return WINDOW.clone();
    }

    private static float[] window() {
        double[] g = new double[TAPS];
        double s = 0;
        for (int k = 0; k < TAPS; k++) {
            g[k] = Math.exp(-((k - RADIUS) * (k - RADIUS)) / (2 * SIGMA * SIGMA));
            s += g[k];
        }
        float[] out = new float[TAPS];
        for (int k = 0; k < TAPS; k++) out[k] = (float) (g[k] / s);
        return out;
    }

    public int width() {
        return w;
    }

    public int height() {
        return h;
    }

    public int channels() {
        return c;
    }

    public Boundary boundary() {
        return boundary;
    }

    /** Mean SSIM of {@code x (H, W, C)} against {@code y (H, W, C)}. Modifies only the workspace. */
    public double value(float[] x, float[] y) {
        return run(x, y, null, 0f, null);
    }

    /**
     * Mean SSIM, and {@code grad[i] += weight * dSSIM/dx[i]} over {@code grad (H, W, C)}.
     * Modifies {@code grad} and the workspace.
     */
    public double backward(float[] x, float[] y, float[] grad, float weight) {
        ImageShape.check("grad", grad, n, w, h, c);
        return run(x, y, grad, weight, null);
    }

    /**
     * Mean SSIM, and the per-element SSIM map written into {@code map (H, W, C)} (all elements,
     * whatever the boundary mode; only the mean depends on it).
     */
    public double map(float[] x, float[] y, float[] map) {
        ImageShape.check("map", map, n, w, h, c);
        return run(x, y, null, 0f, map);
    }

    private double run(float[] x, float[] y, float[] grad, float weight, float[] mapOut) {
        ImageShape.check("x", x, n, w, h, c);
        ImageShape.check("y", y, n, w, h, c);
        final int row = w * c;
        // 1. Horizontal pass of x, y, x^2, y^2, x y; 2. vertical pass: the five moments.
        device.parallelFor(h, ImageShape.ROW_GRAIN, (ch, y0, y1) -> {
            for (int r = y0; r < y1; r++) horizontalMoments(x, y, r * row);
        });
        device.parallelFor(h, ImageShape.ROW_GRAIN, (ch, y0, y1) -> {
            for (int k = 0; k < 5; k++) {
                for (int r = y0; r < y1; r++) vertical(tmp[k], mom[k], r);
            }
        });
        final boolean valid = boundary == Boundary.VALID;
        final int rLo = valid ? RADIUS : 0;
        final int rHi = valid ? h - RADIUS : h;
        final int xLo = valid ? RADIUS : 0;
        final int xHi = valid ? w - RADIUS : w;
        final long count = (long) (rHi - rLo) * (xHi - xLo) * c;
        final double invN = 1.0 / count;
        final boolean needGrad = grad != null;
        // 3. Per element: SSIM, and for the gradient the coefficients dA, dB, dC (into tmp[0..2]).
        double total = device.sum(h, ImageShape.ROW_GRAIN, (y0, y1) -> {
            float[] mu1m = mom[0], mu2m = mom[1], e11m = mom[2], e22m = mom[3], e12m = mom[4];
            float[] dAm = tmp[0], dBm = tmp[1], dCm = tmp[2];
            double acc = 0;
            for (int r = y0; r < y1; r++) {
                boolean rowIn = r >= rLo && r < rHi;
                for (int px = 0; px < w; px++) {
                    boolean in = rowIn && px >= xLo && px < xHi;
                    for (int ch = 0, i = (r * w + px) * c; ch < c; ch++, i++) {
                        double mu1 = mu1m[i];
                        double mu2 = mu2m[i];
                        double s11 = e11m[i] - mu1 * mu1;
                        double s22 = e22m[i] - mu2 * mu2;
                        double s12 = e12m[i] - mu1 * mu2;
                        double a1 = 2 * mu1 * mu2 + C1;
                        double a2 = 2 * s12 + C2;
                        double b1 = mu1 * mu1 + mu2 * mu2 + C1;
                        double b2 = s11 + s22 + C2;
                        double s = a1 * a2 / (b1 * b2);
                        if (mapOut != null) mapOut[i] = (float) s;
                        if (in) acc += s;
                        if (needGrad) {
                            if (in) {
                                double dMu1 = 2 * mu2 * a2 / (b1 * b2) - 2 * mu1 * s / b1;
                                double dS11 = -s / b2;
                                double dS12 = 2 * a1 / (b1 * b2);
                                dAm[i] = (float) ((dMu1 - 2 * mu1 * dS11 - mu2 * dS12) * invN);
                                dBm[i] = (float) (dS11 * invN);
                                dCm[i] = (float) (dS12 * invN);
                            } else {
                                dAm[i] = 0f;
                                dBm[i] = 0f;
                                dCm[i] = 0f;
                            }
                        }
                    }
                }
            }
            return acc;
        });
        if (needGrad) {
            // 4. dSSIM/dx = G * dA + 2 x (G * dB) + y (G * dC); G is symmetric, so G^T = G.
            //    Horizontal pass tmp[0..2] -> mom[0..2] (the moments are no longer needed), then a
            //    vertical pass fused with the combination into grad.
            device.parallelFor(h, ImageShape.ROW_GRAIN, (ch, y0, y1) -> {
                for (int k = 0; k < 3; k++) {
                    for (int r = y0; r < y1; r++) horizontal(tmp[k], mom[k], r * row);
                }
            });
            device.parallelFor(h, ImageShape.ROW_GRAIN, (ch, y0, y1) -> {
                for (int r = y0; r < y1; r++) verticalGradient(x, y, grad, weight, r);
            });
        }
        return total * invN;
    }

    /** Horizontal 11-tap filter of x, y, x^2, y^2, x y along one row starting at {@code base}, into tmp[0..4]. */
    private void horizontalMoments(float[] x, float[] y, int base) {
        final int row = w * c;
        final float[] o0 = tmp[0], o1 = tmp[1], o2 = tmp[2], o3 = tmp[3], o4 = tmp[4];
        final int lo = RADIUS * c;          // first element whose window is inside the row
        final int hi = row - RADIUS * c;    // one past the last such element
        int i = 0;
        // Scalar borders (and everything when the row is short).
        int borderEnd = Math.min(lo, row);
        for (; i < borderEnd; i++) momentsScalar(x, y, base, i, row, o0, o1, o2, o3, o4);
        if (hi > lo) {
            int bound = lo + FS.loopBound(hi - lo);
            for (; i < bound; i += FS.length()) {
                FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0, a4 = a0;
                for (int k = 0; k < TAPS; k++) {
                    int j = base + i + (k - RADIUS) * c;
                    FloatVector xv = FloatVector.fromArray(FS, x, j);
                    FloatVector yv = FloatVector.fromArray(FS, y, j);
                    FloatVector wk = FloatVector.broadcast(FS, WINDOW[k]);
                    FloatVector xw = xv.mul(wk);
                    FloatVector yw = yv.mul(wk);
                    a0 = a0.add(xw);
                    a1 = a1.add(yw);
                    a2 = xw.fma(xv, a2);
                    a3 = yw.fma(yv, a3);
                    a4 = xw.fma(yv, a4);
                }
                a0.intoArray(o0, base + i);
                a1.intoArray(o1, base + i);
                a2.intoArray(o2, base + i);
                a3.intoArray(o3, base + i);
                a4.intoArray(o4, base + i);
            }
        }
        for (; i < row; i++) momentsScalar(x, y, base, i, row, o0, o1, o2, o3, o4);
    }

    private void momentsScalar(float[] x, float[] y, int base, int i, int row,
                               float[] o0, float[] o1, float[] o2, float[] o3, float[] o4) {
        float a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0;
        for (int k = 0; k < TAPS; k++) {
            int j = i + (k - RADIUS) * c;
            if (j < 0 || j >= row) continue;
            float xv = x[base + j];
            float yv = y[base + j];
            float xw = xv * WINDOW[k];
            float yw = yv * WINDOW[k];
            a0 += xw;
            a1 += yw;
            a2 = Math.fma(xw, xv, a2);
            a3 = Math.fma(yw, yv, a3);
            a4 = Math.fma(xw, yv, a4);
        }
        o0[base + i] = a0;
        o1[base + i] = a1;
        o2[base + i] = a2;
        o3[base + i] = a3;
        o4[base + i] = a4;
    }

    /** Horizontal 11-tap filter of one row of {@code src} starting at {@code base} into {@code dst}, zero outside the row. */
    private void horizontal(float[] src, float[] dst, int base) {
        final int row = w * c;
        final int lo = RADIUS * c;
        final int hi = row - RADIUS * c;
        int i = 0;
        int borderEnd = Math.min(lo, row);
        for (; i < borderEnd; i++) dst[base + i] = horizontalScalar(src, base, i, row);
        if (hi > lo) {
            int bound = lo + FS.loopBound(hi - lo);
            for (; i < bound; i += FS.length()) {
                FloatVector acc = FloatVector.zero(FS);
                for (int k = 0; k < TAPS; k++) {
                    acc = FloatVector.fromArray(FS, src, base + i + (k - RADIUS) * c).fma(FloatVector.broadcast(FS, WINDOW[k]), acc);
                }
                acc.intoArray(dst, base + i);
            }
        }
        for (; i < row; i++) dst[base + i] = horizontalScalar(src, base, i, row);
    }

    private float horizontalScalar(float[] src, int base, int i, int row) {
        float acc = 0;
        for (int k = 0; k < TAPS; k++) {
            int j = i + (k - RADIUS) * c;
            if (j >= 0 && j < row) acc = Math.fma(src[base + j], WINDOW[k], acc);
        }
        return acc;
    }

    /** Row {@code r}: {@code grad += weight * (V(mom0) + 2 x V(mom1) + y V(mom2))}, V the vertical filter. */
    private void verticalGradient(float[] x, float[] y, float[] grad, float weight, int r) {
        final int row = w * c;
        final int k0 = Math.max(0, RADIUS - r);
        final int k1 = Math.min(TAPS, h - r + RADIUS);
        final int base = r * row;
        final float[] m0 = mom[0], m1 = mom[1], m2 = mom[2];
        int i = 0;
        int bound = FS.loopBound(row);
        for (; i < bound; i += FS.length()) {
            FloatVector g0 = FloatVector.zero(FS), g1 = g0, g2 = g0;
            for (int k = k0; k < k1; k++) {
                int j = base + (k - RADIUS) * row + i;
                FloatVector wk = FloatVector.broadcast(FS, WINDOW[k]);
                g0 = FloatVector.fromArray(FS, m0, j).fma(wk, g0);
                g1 = FloatVector.fromArray(FS, m1, j).fma(wk, g1);
                g2 = FloatVector.fromArray(FS, m2, j).fma(wk, g2);
            }
            FloatVector xv = FloatVector.fromArray(FS, x, base + i);
            FloatVector yv = FloatVector.fromArray(FS, y, base + i);
            FloatVector g = g1.mul(xv).mul(2f).add(g0).add(g2.mul(yv));
            g.mul(weight).add(FloatVector.fromArray(FS, grad, base + i)).intoArray(grad, base + i);
        }
        for (; i < row; i++) {
            float g0 = 0, g1 = 0, g2 = 0;
            for (int k = k0; k < k1; k++) {
                int j = base + (k - RADIUS) * row + i;
                float wk = WINDOW[k];
                g0 = Math.fma(m0[j], wk, g0);
                g1 = Math.fma(m1[j], wk, g1);
                g2 = Math.fma(m2[j], wk, g2);
            }
            float g = g1 * x[base + i] * 2f + g0 + g2 * y[base + i];
            grad[base + i] += g * weight;
        }
    }

    /** Vertical 11-tap filter of {@code src} into row {@code r} of {@code dst}, zero outside the image. */
    private void vertical(float[] src, float[] dst, int r) {
        final int row = w * c;
        final int k0 = Math.max(0, RADIUS - r);
        final int k1 = Math.min(TAPS, h - r + RADIUS);  // exclusive
        final int base = r * row;
        int i = 0;
        int bound = FS.loopBound(row);
        for (; i < bound; i += FS.length()) {
            FloatVector acc = FloatVector.zero(FS);
            for (int k = k0; k < k1; k++) {
                acc = FloatVector.fromArray(FS, src, base + (k - RADIUS) * row + i).fma(FloatVector.broadcast(FS, WINDOW[k]), acc);
            }
            acc.intoArray(dst, base + i);
        }
        for (; i < row; i++) {
            float acc = 0;
            for (int k = k0; k < k1; k++) acc = Math.fma(src[base + (k - RADIUS) * row + i], WINDOW[k], acc);
            dst[base + i] = acc;
        }
    }
}
