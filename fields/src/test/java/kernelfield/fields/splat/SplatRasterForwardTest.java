package kernelfield.fields.splat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import kernelfield.engine.data.Camera;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SplatRasterForwardTest {
    private static final float[] BG = {0.1f, 0.2f, 0.3f};
    private static final double[] BG_D = {0.1, 0.2, 0.3};

    private static Camera headOn(int w, int h, double f) {
        return Camera.pinhole("c", w, h, f, f, w / 2.0, h / 2.0, new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1},
                new double[] {0, 0, 0});
    }

    @ParameterizedTest
    @CsvSource({"1, 0, GAUSSIAN, false", "2, 1, GAUSSIAN, true", "3, 2, GES, false", "4, 3, GES_SCALED, true",
        "5, 3, GES, true", "6, 0, GAUSSIAN, false"})
    void matchesTheFloat64Reference(long seed, int degree, SplatKernel kernel, boolean aa) {
        int w = 45, h = 37; // not multiples of the tile size
        GaussianSet g = SplatScenes.random(40, seed, kernel != SplatKernel.GAUSSIAN, degree, 0.12);
        Camera cam = SplatScenes.defaultCamera(w, h);
        SplatRasterSettings s = new SplatRasterSettings(kernel, aa, false, 2);
        double[] ref = SplatReference.render(SplatReference.Params.of(g), cam, s, BG_D);
        float[] img;
        try (SplatRasterCpu r = new SplatRasterCpu(s)) {
            img = r.forward(g, cam, BG).rgb();
        }
        int close = 0;
        double maxErr = 0;
        for (int i = 0; i < ref.length; i++) {
            double e = Math.abs(img[i] - ref[i]);
            maxErr = Math.max(maxErr, e);
            if (e < 2e-5) close++;
        }
        // float32 vs float64: the skip/stop thresholds may flip on a rare pixel
        assertTrue(close >= ref.length - 3, "values within 2e-5 of the float64 reference: " + close + " of "
                + ref.length + ", max error " + maxErr);
        assertTrue(maxErr < 0.02, "max error " + maxErr);
    }

    /**
     * Many layers per pixel (the per-run culling, the early stop at transmittance 1e-4 and the clamp
     * at 0.99 all happen): the vector path still matches the float64 reference pixel for pixel.
     */
    @ParameterizedTest
    @CsvSource({"11, GAUSSIAN", "12, GES", "13, GES_SCALED"})
    void denseSceneMatchesTheFloat64Reference(long seed, SplatKernel kernel) {
        int w = 70, h = 45;
        GaussianSet g = SplatScenes.random(1500, seed, kernel != SplatKernel.GAUSSIAN, 3, 0.05);
        float[] ol = g.opacityLogits().value();
        for (int i = 0; i < ol.length; i++) ol[i] += 2f; // mostly opaque: pixels saturate
        Camera cam = SplatScenes.defaultCamera(w, h);
        SplatRasterSettings s = new SplatRasterSettings(kernel, false, false, 2);
        double[] ref = SplatReference.render(SplatReference.Params.of(g), cam, s, BG_D);
        float[] img, trans;
        try (SplatRasterCpu r = new SplatRasterCpu(s)) {
            SplatFrame f = r.forward(g, cam, BG);
            img = f.rgb();
            trans = f.transmittance();
        }
        int stopped = 0;
        for (float t : trans) if (t < 1e-3f) stopped++;
        assertTrue(stopped > w * h / 10, "only " + stopped + " pixels saturated: the scene does not test the stop");
        int close = 0;
        double maxErr = 0;
        for (int i = 0; i < ref.length; i++) {
            double e = Math.abs(img[i] - ref[i]);
            maxErr = Math.max(maxErr, e);
            if (e < 5e-5) close++;
        }
        // float32 vs float64: a threshold (skip, stop) may flip on a few pixels
        assertTrue(close >= ref.length - ref.length / 200, "values within 5e-5 of the float64 reference: " + close
                + " of " + ref.length + ", max error " + maxErr);
    }

    @Test
    void singleSplatHeadOnHasTheGaussianFootprint() {
        int w = 48, h = 40;
        double f = 40, z = 4, sigma = 0.2, opacity = 0.8;
        float[] means = {0, 0, (float) z};
        float ls = (float) Math.log(sigma);
        float logit = (float) Math.log(opacity / (1 - opacity));
        float dc = (float) ((0.9 - 0.5) / 0.28209479177387814);
        GaussianSet g = GaussianSet.of(means, new float[] {ls, ls, ls}, new float[] {1, 0, 0, 0},
                new float[] {logit}, new float[] {dc, dc, dc}, null, null);
        float[] img;
        float[] trans;
        try (SplatRasterCpu r = new SplatRasterCpu(SplatRasterSettings.defaults().withThreads(1))) {
            SplatFrame fr = r.forward(g, headOn(w, h, f), new float[3]);
            img = fr.rgb();
            trans = fr.transmittance();
        }
        double s2 = Math.pow(f * sigma / z, 2) + 0.3; // px^2, with the low-pass
        int lit = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double dx = x + 0.5 - w / 2.0, dy = y + 0.5 - h / 2.0;
                double a = opacity * Math.exp(-0.5 * (dx * dx + dy * dy) / s2);
                double inside = Math.sqrt(dx * dx + dy * dy) <= 3 * Math.sqrt(s2) - 1 ? 1 : 0;
                if (a < 1 / 255.0) {
                    if (inside > 0) assertEquals(0, img[3 * (y * w + x)], 1e-7, "pixel " + x + "," + y);
                    continue;
                }
                if (inside == 0) continue; // outside the radius the tile may or may not cover it
                lit++;
                for (int c = 0; c < 3; c++) assertEquals(0.9 * a, img[3 * (y * w + x) + c], 1e-5, "pixel " + x + "," + y);
                assertEquals(1 - a, trans[y * w + x], 1e-5);
            }
        }
        assertTrue(lit > 20, "lit pixels " + lit);
        // symmetric about the principal point
        assertEquals(img[3 * (20 * w + 24)], img[3 * (19 * w + 23)], 1e-6);
    }

    @Test
    void zeroOpacityShowsTheBackground() {
        GaussianSet g = SplatScenes.random(30, 7, false, 1, 0.15);
        java.util.Arrays.fill(g.opacityLogits().value(), -40f);
        try (SplatRasterCpu r = new SplatRasterCpu(SplatRasterSettings.defaults().withThreads(2))) {
            SplatFrame fr = r.forward(g, SplatScenes.defaultCamera(40, 30), BG);
            float[] img = fr.rgb();
            for (int p = 0; p < 40 * 30; p++) {
                for (int c = 0; c < 3; c++) assertEquals(BG[c], img[3 * p + c], 0f);
                assertEquals(1f, fr.transmittance()[p], 0f);
            }
        }
    }

    @Test
    void anOpaqueNearSplatHidesAFarOne() {
        // the far (green) splat is listed first: the order must come from depth
        float ln = (float) Math.log(0.5);
        float[] means = {0, 0, 6, 0, 0, 3};
        float[] ls = {ln, ln, ln, ln, ln, ln};
        float[] q = {1, 0, 0, 0, 1, 0, 0, 0};
        float[] ol = {10, 10};
        float k = (float) (0.5 / 0.28209479177387814);
        float[] dc = {-k, k, -k, k, -k, -k}; // far: green (0,1,0); near: red (1,0,0)
        GaussianSet g = GaussianSet.of(means, ls, q, ol, dc, null, null);
        try (SplatRasterCpu r = new SplatRasterCpu(SplatRasterSettings.defaults().withThreads(1).withDepth(true))) {
            SplatFrame fr = r.forward(g, headOn(32, 32, 30), new float[3]);
            int p = 16 * 32 + 16;
            float[] img = fr.rgb();
            assertEquals(0.99, img[3 * p], 1e-4, "near red splat, alpha clamped at 0.99");
            assertTrue(img[3 * p + 1] < 0.0101, "far green splat behind: " + img[3 * p + 1]);
            assertEquals(0, img[3 * p + 2], 1e-6);
            // depth: alpha-weighted, pixel centre (16.5, 16.5) vs projected means at (16, 16)
            double o = 1 / (1 + Math.exp(-10));
            double an = Math.min(0.99, o * Math.exp(-0.25 / (Math.pow(30 * 0.5 / 3, 2) + 0.3)));
            double af = Math.min(0.99, o * Math.exp(-0.25 / (Math.pow(30 * 0.5 / 6, 2) + 0.3)));
            assertEquals(an * 3 + (1 - an) * af * 6, fr.depth()[p], 1e-4);
        }
    }

    @Test
    void splatsBehindTheNearPlaneAreCulled() {
        float[] means = {0, 0, 0.15f, 0, 0, -2};
        GaussianSet g = GaussianSet.of(means, new float[6], new float[] {1, 0, 0, 0, 1, 0, 0, 0}, new float[] {5, 5},
                new float[6], null, null);
        try (SplatRasterCpu r = new SplatRasterCpu(SplatRasterSettings.defaults().withThreads(1))) {
            SplatFrame fr = r.forward(g, headOn(16, 16, 20), BG);
            assertEquals(0, fr.radii()[0]);
            assertEquals(0, fr.radii()[1]);
            assertEquals(0, fr.tileEntries());
            assertEquals(BG[0], fr.rgb()[0], 0f);
        }
    }

    @Test
    void antialiasingKeepsTheIntegralOfTinySplats() {
        // a sub-pixel splat: plain low-pass inflates its footprint, the Mip filter compensates
        float ls = (float) Math.log(0.002);
        GaussianSet g = GaussianSet.of(new float[] {0, 0, 4}, new float[] {ls, ls, ls}, new float[] {1, 0, 0, 0},
                new float[] {-1}, new float[] {1, 1, 1}, null, null);
        double sumPlain = 0, sumAa = 0;
        Camera cam = headOn(32, 32, 40);
        try (SplatRasterCpu r = new SplatRasterCpu(SplatRasterSettings.defaults().withThreads(1));
             SplatRasterCpu ra = new SplatRasterCpu(SplatRasterSettings.defaults().withThreads(1).withAntialiased(true))) {
            float[] a = r.forward(g, cam, new float[3]).rgb();
            float[] b = ra.forward(g, cam, new float[3]).rgb();
            for (int i = 0; i < a.length; i += 3) {
                sumPlain += a[i];
                sumAa += b[i];
            }
        }
        assertTrue(sumAa < 0.2 * sumPlain, "anti-aliased " + sumAa + " vs plain " + sumPlain);
    }
}
