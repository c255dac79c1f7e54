package kernelfield.engine.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import kernelfield.engine.compute.CpuDevice;
import kernelfield.engine.data.FloatImage;
import org.junit.jupiter.api.Test;

class ImageLossTest {
    /** A smooth random image plus noise, values in 0..1: realistic local statistics. */
    static float[] image(int w, int h, int c, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double fx = r.nextDouble(0.1, 0.5);
        double fy = r.nextDouble(0.1, 0.5);
        float[] a = new float[w * h * c];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int ch = 0; ch < c; ch++) {
                    double v = 0.5 + 0.3 * Math.sin(fx * x + ch) * Math.cos(fy * y) + 0.15 * r.nextDouble(-1, 1);
                    a[(y * w + x) * c + ch] = (float) Math.min(1, Math.max(0, v));
                }
            }
        }
        return a;
    }

    static float[] perturbed(float[] a, double amount, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] b = a.clone();
        for (int i = 0; i < b.length; i++) b[i] = (float) (b[i] + amount * r.nextDouble(-1, 1));
        return b;
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    /** Central difference in float64 of {@code f} at element {@code i} of {@code x}. */
    static double fd(ToDoubleFunction<double[]> f, double[] x, int i, double step) {
        double keep = x[i];
        x[i] = keep + step;
        double fp = f.applyAsDouble(x);
        x[i] = keep - step;
        double fm = f.applyAsDouble(x);
        x[i] = keep;
        return (fp - fm) / (2 * step);
    }

    /** Asserts {@code |g - fd| <= rel * max|fd| } at the given indices; returns the worst ratio. */
    static double checkGradient(float[] grad, ToDoubleFunction<double[]> f, double[] x, int[] indices, double rel) {
        double[] ref = new double[indices.length];
        double scale = 0;
        for (int k = 0; k < indices.length; k++) {
            ref[k] = fd(f, x, indices[k], 1e-5);
            scale = Math.max(scale, Math.abs(ref[k]));
        }
        assertTrue(scale > 0, "gradient is zero everywhere: the check would be vacuous");
        double worst = 0;
        for (int k = 0; k < indices.length; k++) {
            double err = Math.abs(grad[indices[k]] - ref[k]) / scale;
            worst = Math.max(worst, err);
            assertTrue(err <= rel, "element " + indices[k] + ": analytic " + grad[indices[k]] + ", finite difference " + ref[k] + " (scale " + scale + ")");
        }
        return worst;
    }

    static int[] all(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        return a;
    }

    static int[] some(int n, int count, long seed) {
        return new SplittableRandom(seed).ints(count, 0, n).toArray();
    }

    @Test
    void ssimValueMatchesDirectFloat64() {
        int[][] sizes = {{12, 10, 3}, {41, 37, 3}, {29, 13, 1}, {16, 16, 4}, {11, 11, 2}};
        for (int[] s : sizes) {
            int w = s[0], h = s[1], c = s[2];
            float[] x = image(w, h, c, 1);
            float[] y = perturbed(x, 0.2, 2);
            double ref = SsimReference.ssim(toDouble(x), toDouble(y), w, h, c, false);
            double got = new Ssim(w, h, c).value(x, y);
            assertEquals(ref, got, 2e-6, "zero-pad " + w + "x" + h + "x" + c);
            if (w >= 11 && h >= 11) {
                double refValid = SsimReference.ssim(toDouble(x), toDouble(y), w, h, c, true);
                double gotValid = new Ssim(w, h, c, Ssim.Boundary.VALID, CpuDevice.shared()).value(x, y);
                assertEquals(refValid, gotValid, 2e-6, "valid " + w + "x" + h + "x" + c);
            }
            assertEquals(1.0, new Ssim(w, h, c).value(x, x), 1e-6, "identical images");
        }
    }

    @Test
    void ssimGradientMatchesFiniteDifferencesSmall() {
        int w = 12, h = 10, c = 3;
        float[] x = image(w, h, c, 3);
        float[] y = perturbed(x, 0.2, 4);
        double[] yd = toDouble(y);
        double[] xd = toDouble(x);
        float[] grad = new float[x.length];
        double v = new Ssim(w, h, c).backward(x, y, grad, 1f);
        double worst = checkGradient(grad, xs -> SsimReference.ssim(xs, yd, w, h, c, false), xd, all(x.length), 1e-4);
        assertEquals(SsimReference.ssim(xd, yd, w, h, c, false), v, 2e-6);
        System.out.printf("SSIM gradient 12x10x3: worst error %.2e of the largest component%n", worst);
    }

    @Test
    void ssimGradientMatchesFiniteDifferencesVectorPathsAndValid() {
        int w = 43, h = 31, c = 3;
        float[] x = image(w, h, c, 5);
        float[] y = perturbed(x, 0.15, 6);
        double[] yd = toDouble(y);
        double[] xd = toDouble(x);
        int[] idx = some(x.length, 60, 7);
        // Also the corners and edges, where the zero padding matters.
        int[] edges = {0, 1, 2, c * (w - 1), c * w * (h - 1) + 1, x.length - 1, c * w * 5 + 2, c * (w * 20 + 5)};
        int[] all = java.util.stream.IntStream.concat(java.util.Arrays.stream(idx), java.util.Arrays.stream(edges)).toArray();
        for (Ssim.Boundary b : Ssim.Boundary.values()) {
            boolean valid = b == Ssim.Boundary.VALID;
            float[] grad = new float[x.length];
            new Ssim(w, h, c, b, CpuDevice.shared()).backward(x, y, grad, 1f);
            checkGradient(grad, xs -> SsimReference.ssim(xs, yd, w, h, c, valid), xd, all, 1e-4);
        }
    }

    @Test
    void dssimAccumulatesWithWeight() {
        int w = 20, h = 14, c = 3;
        float[] x = image(w, h, c, 8);
        float[] y = perturbed(x, 0.1, 9);
        float[] gs = new float[x.length];
        Ssim ssim = new Ssim(w, h, c);
        double s = ssim.backward(x, y, gs, 1f);
        DssimLoss d = new DssimLoss(w, h, c);
        float[] gd = new float[x.length];
        java.util.Arrays.fill(gd, 0.25f);
        double v = d.backward(x, y, gd, 3f);
        assertEquals((1 - s) / 2, v, 1e-12);
        assertEquals(v, d.value(x, y), 1e-12);
        for (int i = 0; i < x.length; i++) assertEquals(0.25f - 1.5f * gs[i], gd[i], 1e-6f * (1 + Math.abs(gs[i])));
        float[] map = new float[x.length];
        assertEquals(s, ssim.map(x, y, map), 1e-12);
        double mean = 0;
        for (float m : map) mean += m;
        assertEquals(s, mean / map.length, 1e-6);
    }

    @Test
    void l1AndMseGradientsMatchFiniteDifferences() {
        int w = 12, h = 10, c = 3;
        float[] x = image(w, h, c, 10);
        float[] y = perturbed(x, 0.2, 11);
        double[] xd = toDouble(x);
        double[] yd = toDouble(y);
        int n = x.length;
        ToDoubleFunction<double[]> l1 = xs -> {
            double s = 0;
            for (int i = 0; i < n; i++) s += Math.abs(xs[i] - yd[i]);
            return s / n;
        };
        ToDoubleFunction<double[]> l2 = xs -> {
            double s = 0;
            for (int i = 0; i < n; i++) s += (xs[i] - yd[i]) * (xs[i] - yd[i]);
            return s / n;
        };
        float[] g1 = new float[n];
        double v1 = new L1Loss(w, h, c).backward(x, y, g1, 1f);
        assertEquals(l1.applyAsDouble(xd), v1, 1e-12);
        checkGradient(g1, l1, xd, all(n), 1e-6);
        float[] g2 = new float[n];
        double v2 = new MseLoss(w, h, c).backward(x, y, g2, 1f);
        assertEquals(l2.applyAsDouble(xd), v2, 1e-12);
        checkGradient(g2, l2, xd, all(n), 1e-5);
        // The 3DGS photometric loss as a weighted sum.
        ImageLoss gs = ImageLoss.weighted(new L1Loss(w, h, c), 0.8, new DssimLoss(w, h, c), 0.2);
        float[] g = new float[n];
        double v = gs.backward(x, y, g, 1f);
        double ssim = SsimReference.ssim(xd, yd, w, h, c, false);
        assertEquals(0.8 * l1.applyAsDouble(xd) + 0.2 * (1 - ssim) / 2, v, 1e-6);
        checkGradient(g, xs -> 0.8 * l1.applyAsDouble(xs) + 0.2 * (1 - SsimReference.ssim(xs, yd, w, h, c, false)) / 2,
                xd, some(n, 40, 12), 1e-4);
        // FloatImage overloads check the size.
        FloatImage a = new FloatImage(w, h, c, x);
        assertEquals(v1, new L1Loss(w, h, c).value(a, new FloatImage(w, h, c, y)), 0.0);
        assertThrows(IllegalArgumentException.class, () -> new L1Loss(w, h, 1).value(a, a));
        assertThrows(IllegalArgumentException.class, () -> new MseLoss(w, h, c).value(x, new float[3]));
    }

    @Test
    void resultsAreBitIdenticalAcrossThreadCounts() {
        int w = 64, h = 50, c = 3;
        float[] x = image(w, h, c, 13);
        float[] y = perturbed(x, 0.2, 14);
        float[] refGrad = null;
        double refVal = 0;
        for (int t : new int[] {1, 2, 3, 7}) {
            try (CpuDevice dev = CpuDevice.withThreads(t)) {
                float[] g = new float[x.length];
                double v = new DssimLoss(w, h, c, Ssim.Boundary.ZERO_PAD, dev).backward(x, y, g, 1f);
                v += new L1Loss(w, h, c, dev).backward(x, y, g, 0.5f);
                if (refGrad == null) {
                    refGrad = g;
                    refVal = v;
                } else {
                    assertArrayEquals(refGrad, g, 0f, "threads " + t);
                    assertEquals(refVal, v, 0.0, "threads " + t);
                }
            }
        }
    }

    @Test
    void psnr() {
        float[] a = {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f};
        float[] b = {0.6f, 0.4f, 0.6f, 0.4f, 0.6f, 0.4f};
        FloatImage ia = new FloatImage(2, 1, 3, a);
        FloatImage ib = new FloatImage(2, 1, 3, b);
        double mse = Psnr.mse(a, b);
        assertEquals(0.01, mse, 1e-8);
        assertEquals(20.0, Psnr.psnr(ia, ib), 1e-5);
        assertEquals(Double.POSITIVE_INFINITY, Psnr.psnr(ia, ia));
        // Masked: only the first pixel counts; there the error is 0.1 in every channel.
        float[] b2 = b.clone();
        b2[3] = 0.9f;
        assertEquals(20.0, Psnr.psnr(ia, new FloatImage(2, 1, 3, b2), new float[] {1, 0}), 1e-5);
        assertTrue(Psnr.psnr(ia, new FloatImage(2, 1, 3, b2)) < 20.0);
        assertThrows(IllegalArgumentException.class, () -> Psnr.psnr(ia, ib, new float[] {0, 0}));
        assertThrows(IllegalArgumentException.class, () -> Psnr.psnr(ia, ib, new float[] {1}));
        assertThrows(IllegalArgumentException.class, () -> Psnr.psnr(ia, ib, new float[] {1, Float.NaN}));
        assertThrows(IllegalArgumentException.class, () -> Psnr.psnr(ia, new FloatImage(1, 2, 3, b)));
    }

    @Test
    void badSizes() {
        assertThrows(IllegalArgumentException.class, () -> new Ssim(10, 20, 3, Ssim.Boundary.VALID, CpuDevice.shared()));
        assertThrows(IllegalArgumentException.class, () -> new Ssim(0, 20, 3));
        Ssim s = new Ssim(4, 4, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.value(new float[16], new float[15]));
        assertTrue(e.getMessage().contains("expected 16"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.backward(new float[16], new float[16], new float[4], 1f));
    }
}
