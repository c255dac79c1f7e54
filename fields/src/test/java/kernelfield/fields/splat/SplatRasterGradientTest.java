package kernelfield.fields.splat;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import kernelfield.engine.data.Camera;
import kernelfield.engine.optim.ParamBlock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every gradient of {@link SplatRasterCpu#backward} against float64 central finite differences of
 * the {@link SplatReference} twin, for the loss {@code L = sum(w * image)} with random weights.
 */
class SplatRasterGradientTest {
    private static final double H = 1e-5;
    private static final double[] BG = {0.2, 0.1, 0.3};
    private static final double RTOL = 2e-3;

    @ParameterizedTest(name = "seed {0}, SH {1}, {2}, antialiased {3}")
    @CsvSource({
        "11, 0, GAUSSIAN, false, false", "12, 1, GAUSSIAN, false, true", "13, 2, GAUSSIAN, true, false",
        "14, 3, GAUSSIAN, false, false", "15, 3, GAUSSIAN, true, true", "16, 0, GES, false, false",
        "17, 2, GES, true, true", "18, 3, GES_SCALED, false, false", "19, 1, GES_SCALED, true, true",
        "20, 3, GES, false, false"})
    void gradientsMatchFiniteDifferences(long seed, int degree, SplatKernel kernel, boolean aa, boolean guard) {
        int w = 32, h = 24, n = 8;
        GaussianSet g = SplatScenes.random(n, seed, kernel != SplatKernel.GAUSSIAN, degree, 0.12);
        if (guard) {
            // two large splats beyond the frustum guard (x, then y), reaching into the image
            float[] m = g.means().value(), ls = g.logScales().value();
            m[0] = 2.6f;
            m[1] = 0.1f;
            m[2] = 3f;
            m[3] = -0.2f;
            m[4] = 2.3f;
            m[5] = 3.2f;
            for (int k = 0; k < 6; k++) ls[k] = (float) Math.log(0.6 + 0.1 * k);
        }
        Camera cam = SplatScenes.defaultCamera(w, h);
        SplatRasterSettings s = new SplatRasterSettings(kernel, aa, false, 2);
        Random r = new Random(seed * 31);
        float[] dl = new float[w * h * 3];
        for (int i = 0; i < dl.length; i++) dl[i] = (float) (r.nextDouble() * 2 - 1);
        try (SplatRasterCpu rast = new SplatRasterCpu(s)) {
            SplatFrame fr = rast.forward(g, cam, new float[] {(float) BG[0], (float) BG[1], (float) BG[2]});
            int visible = 0;
            for (int i = 0; i < n; i++) if (fr.radii()[i] > 0) visible++;
            assertTrue(visible >= n / 2, "visible splats " + visible);
            rast.backward(fr, dl);
        }
        SplatReference.Params p = SplatReference.Params.of(g);
        List<String> failures = new ArrayList<>();
        int[] skipped = new int[1], checked = new int[1];
        check("xyz", g.means(), p.means, p, cam, s, dl, failures, skipped, checked);
        check("scaling", g.logScales(), p.logScales, p, cam, s, dl, failures, skipped, checked);
        check("rotation", g.quaternions(), p.quats, p, cam, s, dl, failures, skipped, checked);
        check("opacity", g.opacityLogits(), p.opLogits, p, cam, s, dl, failures, skipped, checked);
        check("f_dc", g.shDc(), p.dc, p, cam, s, dl, failures, skipped, checked);
        check("f_rest", g.shRest(), p.rest, p, cam, s, dl, failures, skipped, checked);
        if (kernel != SplatKernel.GAUSSIAN) check("shape", g.shape(), p.shape, p, cam, s, dl, failures, skipped, checked);
        assertTrue(failures.isEmpty(), failures.size() + " gradients off:\n" + String.join("\n", failures));
        assertTrue(skipped[0] <= checked[0] / 50 + 1, "too many discontinuous entries: " + skipped[0] + " of " + checked[0]);
    }

    private static double loss(SplatReference.Params p, Camera cam, SplatRasterSettings s, float[] dl) {
        double[] img = SplatReference.render(p, cam, s, BG);
        double l = 0;
        for (int i = 0; i < img.length; i++) l += dl[i] * img[i];
        return l;
    }

    private static double fd(double[] arr, int i, double h, SplatReference.Params p, Camera cam,
                             SplatRasterSettings s, float[] dl) {
        double v = arr[i];
        arr[i] = v + h;
        double lp = loss(p, cam, s, dl);
        arr[i] = v - h;
        double lm = loss(p, cam, s, dl);
        arr[i] = v;
        return (lp - lm) / (2 * h);
    }

    private static void check(String name, ParamBlock block, double[] arr, SplatReference.Params p, Camera cam,
                              SplatRasterSettings s, float[] dl, List<String> failures, int[] skipped, int[] checked) {
        float[] an = block.grad();
        int activeRestCols = 3 * ((p.degree + 1) * (p.degree + 1) - 1);
        double[] num = new double[arr.length];
        boolean[] skip = new boolean[arr.length];
        double scale = 0;
        for (int i = 0; i < arr.length; i++) {
            if (name.equals("f_rest") && i % block.cols() >= activeRestCols) {
                if (an[i] != 0) failures.add(name + "[" + i + "]: gradient of an inactive SH band " + an[i]);
                continue;
            }
            double f1 = fd(arr, i, H, p, cam, s, dl);
            double f2 = fd(arr, i, H / 2, p, cam, s, dl);
            num[i] = f2;
            // a threshold (skip, clamp, stop, tile) crossed within the step shows as disagreeing differences
            skip[i] = Math.abs(f1 - f2) > 1e-4 * (1 + Math.abs(f2));
            if (!skip[i]) scale = Math.max(scale, Math.abs(f2));
        }
        if (scale == 0) {
            boolean allZero = true;
            for (float v : an) allZero &= v == 0;
            if (!allZero) failures.add(name + ": numerical gradient is zero but analytic is not");
            return;
        }
        for (int i = 0; i < arr.length; i++) {
            if (name.equals("f_rest") && i % block.cols() >= activeRestCols) continue;
            checked[0]++;
            if (skip[i]) {
                skipped[0]++;
                continue;
            }
            double err = Math.abs(an[i] - num[i]);
            if (err > RTOL * Math.abs(num[i]) + 1e-4 * scale) {
                failures.add(String.format("%s[%d] (splat %d, col %d): analytic %.7g, numerical %.7g", name, i,
                        i / block.cols(), i % block.cols(), an[i], num[i]));
            }
        }
    }
}
