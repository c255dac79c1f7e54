package kernelfield.fields.rbf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import kernelfield.engine.optim.ParamBlock;

/**
 * Forward values against the float64 twin {@link RbfReference}, and every analytic gradient
 * (kernel features, centres, shapes, grid, decoder, query points) against float64 central
 * finite differences of the twin.
 */
class RbfFieldGradientTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(2, RbfKernel.INVERSE_QUADRATIC, true, true),
                Arguments.of(-2, RbfKernel.INVERSE_QUADRATIC, true, true),
                Arguments.of(-3, RbfKernel.GAUSSIAN, true, false),
                Arguments.of(2, RbfKernel.GAUSSIAN, true, false),
                Arguments.of(2, RbfKernel.WENDLAND, false, true),
                Arguments.of(3, RbfKernel.INVERSE_QUADRATIC, true, true),
                Arguments.of(3, RbfKernel.GAUSSIAN, false, false),
                Arguments.of(3, RbfKernel.WENDLAND, true, true));
    }

    /** A negative {@code dim} means the same dimension with normalized kernel values. */
    static RbfField makeField(int dimArg, RbfKernel kernel, boolean composed, boolean sineDecoder, long seed) {
        return makeField(dimArg, kernel, composed, sineDecoder, seed, 0);
    }

    /** As {@link #makeField(int, RbfKernel, boolean, boolean, long)}; {@code gnfNeurons > 0}: the GNF decoder. */
    static RbfField makeField(int dimArg, RbfKernel kernel, boolean composed, boolean sineDecoder, long seed, int gnfNeurons) {
        int dim = Math.abs(dimArg);
        Random r = new Random(seed);
        int k = 40;
        float[] centers = new float[k * dim];
        for (int i = 0; i < centers.length; i++) centers[i] = r.nextFloat();
        int sc = RbfBasis.shapeCols(dim);
        float[] shapes = new float[k * sc];
        for (int j = 0; j < k; j++) {
            int d = 0;
            for (int a = 0; a < dim; a++) {
                for (int b = a; b < dim; b++) {
                    shapes[j * sc + d++] = a == b ? 3f + 3f * r.nextFloat() : (r.nextFloat() - 0.5f) * 2f;
                }
            }
        }
        float[] lo = new float[dim];
        float[] hi = new float[dim];
        java.util.Arrays.fill(hi, 1f);
        // the neighbour cap (64) is above the kernel count, so no k-nearest swap makes a step.
        // 19 channels: exercises vector lanes and the scalar tail; hidden 20 likewise
        RbfFieldConfig cfg = new RbfFieldConfig(dim, lo, hi, kernel, 4f, 64, 19, 0.5f, composed ? 12f : 0f,
                new int[] {3, 5}, 3, new int[] {20, 17}, 1f, sineDecoder ? 6f : 0f, 2, true, seed, dimArg < 0);
        if (gnfNeurons > 0) cfg = cfg.withGaussianDecoder(gnfNeurons);
        RbfField f = new RbfField(cfg, centers, shapes);
        // features and grid away from their tiny initial values so every path carries signal
        for (ParamBlock b : f.params().blocks()) {
            if (b.name().equals("rbf.features") || b.name().equals("grid.features")) {
                float[] v = b.value();
                for (int i = 0; i < v.length; i++) v[i] = (r.nextFloat() - 0.5f);
            }
        }
        f.parametersChanged();
        return f;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void forwardMatchesFloat64Twin(int dimArg, RbfKernel kernel, boolean composed, boolean sineDecoder) {
        assertForwardMatchesTwin(makeField(dimArg, kernel, composed, sineDecoder, 7), Math.abs(dimArg));
    }

    /** 37 points' outputs against {@link RbfReference}; most points reached by kernels. */
    static void assertForwardMatchesTwin(RbfField f, int dim) {
        int n = 37;
        float[] pts = points(n, dim, 11);
        RbfField.Workspace ws = f.workspace(n);
        f.forward(ws, pts, 0, n);
        int reached = 0;
        for (int s = 0; s < n; s++) {
            double[] x = new double[dim];
            for (int a = 0; a < dim; a++) x[a] = pts[s * dim + a];
            double[] ref = RbfReference.eval(f, x);
            for (int o = 0; o < 2; o++) {
                assertEquals(ref[o], ws.output()[s * 2 + o], 1e-4 * (1 + Math.abs(ref[o])), "point " + s + " output " + o);
            }
            if (ws.neighbourCount(s) > 0) reached++;
        }
        assertTrue(reached > n / 2, "most points are reached by kernels (" + reached + ")");
    }

    @ParameterizedTest
    @MethodSource("cases")
    void gradientsMatchFiniteDifferences(int dimArg, RbfKernel kernel, boolean composed, boolean sineDecoder) {
        assertGradientsMatchFiniteDifferences(makeField(dimArg, kernel, composed, sineDecoder, 3), Math.abs(dimArg));
    }

    /** Every block's gradient (24 entries each) and the point gradients of 9 points against the twin. */
    static void assertGradientsMatchFiniteDifferences(RbfField f, int dim) {
        int n = 9;
        float[] pts = points(n, dim, 5);
        float[] dOut = new float[n * 2];
        Random r = new Random(1);
        for (int i = 0; i < dOut.length; i++) dOut[i] = r.nextFloat() - 0.5f;
        RbfField.Workspace ws = f.workspace(n);
        f.forward(ws, pts, 0, n);
        float[] grad = new float[f.gradientLength()];
        float[] dPts = new float[n * dim];
        f.backward(ws, pts, 0, n, dOut, grad, dPts, 0);

        int checked = 0;
        for (ParamBlock b : f.params().blocks()) {
            int off = f.gradientOffset(b);
            assertTrue(off >= 0, b.name() + " is differentiable");
            float[] v = b.value();
            double scale = 0;
            double[] num = new double[Math.min(v.length, 24)];
            int[] which = new int[num.length];
            for (int t = 0; t < num.length; t++) {
                int i = (int) ((long) t * v.length / num.length);
                which[t] = i;
                num[t] = numeric(f, pts, n, dim, dOut, () -> v[i], x -> v[i] = x);
                scale = Math.max(scale, Math.abs(num[t]));
            }
            for (int t = 0; t < num.length; t++) {
                double a = grad[off + which[t]];
                assertEquals(num[t], a, 2e-3 * scale + 2e-3 * Math.abs(num[t]) + 1e-6,
                        b.name() + "[" + which[t] + "]");
                checked++;
            }
            assertTrue(scale > 0 || b.name().startsWith("rbf.") && !b.name().equals("rbf.features"),
                    b.name() + " has a non-zero gradient somewhere");
        }
        assertTrue(checked > 50);
        // point gradients
        double scale = 0;
        double[] num = new double[n * dim];
        for (int i = 0; i < n * dim; i++) {
            int ii = i;
            num[i] = numeric(f, pts, n, dim, dOut, () -> pts[ii], x -> pts[ii] = x);
            scale = Math.max(scale, Math.abs(num[i]));
        }
        for (int i = 0; i < n * dim; i++) {
            assertEquals(num[i], dPts[i], 2e-3 * scale + 2e-3 * Math.abs(num[i]) + 1e-6, "point coordinate " + i);
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void neighbourTableGivesTheSameBitsAsLookups(int dimArg, RbfKernel kernel, boolean composed, boolean sineDecoder) {
        RbfField f = makeField(dimArg, kernel, composed, sineDecoder, 5);
        int dim = Math.abs(dimArg);
        int n = 50;
        float[] pts = points(n, dim, 9);
        RbfField.Neighbours nb;
        try (var dev = kernelfield.engine.compute.CpuDevice.withThreads(2)) {
            nb = f.neighbours(pts, n, dev);
        }
        assertEquals(n, nb.size());
        RbfField.Workspace a = f.workspace(n);
        RbfField.Workspace b = f.workspace(n);
        f.forward(a, pts, 0, n);
        int[] rows = new int[n];
        for (int s = 0; s < n; s++) rows[s] = s;
        f.forward(b, pts, 0, n, nb, rows, 0);
        org.junit.jupiter.api.Assertions.assertArrayEquals(a.output(), b.output());
        float[] dOut = new float[n * 2];
        java.util.Arrays.fill(dOut, 0.25f);
        float[] ga = new float[f.gradientLength()];
        float[] gb = new float[f.gradientLength()];
        float[] pa = new float[n * dim];
        float[] pb = new float[n * dim];
        f.backward(a, pts, 0, n, dOut, ga, pa, 0);
        f.backward(b, pts, 0, n, dOut, gb, pb, 0);
        org.junit.jupiter.api.Assertions.assertArrayEquals(ga, gb);
        org.junit.jupiter.api.Assertions.assertArrayEquals(pa, pb);
        assertTrue(nb.count(0) >= 0 && nb.count(0) <= f.basis().maxNeighbours());
    }

    private static final double STEP = 1e-5;

    interface Getter {
        float get();
    }

    interface Setter {
        void set(float x);
    }

    /** Central difference of L = sum dOut * out, in float64 through the twin. */
    static double numeric(RbfField f, float[] pts, int n, int dim, float[] dOut, Getter get, Setter set) {
        float v0 = get.get();
        double h = Math.max(STEP * Math.abs(v0), STEP);
        float vp = (float) (v0 + h), vm = (float) (v0 - h);
        set.set(vp);
        double lp = loss(f, pts, n, dim, dOut);
        set.set(vm);
        double lm = loss(f, pts, n, dim, dOut);
        set.set(v0);
        return (lp - lm) / ((double) vp - vm);
    }

    private static double loss(RbfField f, float[] pts, int n, int dim, float[] dOut) {
        double l = 0;
        for (int s = 0; s < n; s++) {
            double[] x = new double[dim];
            for (int a = 0; a < dim; a++) x[a] = pts[s * dim + a];
            double[] y = RbfReference.eval(f, x);
            for (int o = 0; o < y.length; o++) l += dOut[s * y.length + o] * y[o];
        }
        return l;
    }

    static float[] points(int n, int dim, long seed) {
        Random r = new Random(seed);
        float[] p = new float[n * dim];
        for (int i = 0; i < p.length; i++) p[i] = 0.05f + 0.9f * r.nextFloat();
        return p;
    }
}
