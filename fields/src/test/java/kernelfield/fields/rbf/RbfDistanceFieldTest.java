package kernelfield.fields.rbf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import kernelfield.engine.compute.CpuDevice;
import kernelfield.fields.DistanceField;
import kernelfield.fields.Representations;

class RbfDistanceFieldTest {
    static RbfField field3d() {
        RbfField f = RbfFieldGradientTest.makeField(3, RbfKernel.INVERSE_QUADRATIC, false, false, 4);
        // one output: rebuild with the same kernels and an output width of 1
        RbfFieldConfig c = f.config();
        RbfFieldConfig one = new RbfFieldConfig(3, c.boxLo(), c.boxHi(), c.kernel(), c.support(), c.maxNeighbours(), c.channels(),
                c.rbfFreqMin(), c.rbfFreqMax(), c.gridResolutions(), c.gridFeatures(), c.hidden(), c.decFreqMin(), c.decFreqMax(), 1,
                false, 4, false);
        RbfField g = new RbfField(one, f.basis().centers().value(), f.basis().shapes().value());
        java.util.Random r = new java.util.Random(2);
        for (var b : g.params().blocks()) {
            if (b.name().endsWith("features")) {
                float[] v = b.value();
                for (int i = 0; i < v.length; i++) v[i] = r.nextFloat() - 0.5f;
            }
        }
        g.parametersChanged();
        return g;
    }

    @Test
    void gradientsAreTheDerivativesOfTheValues() {
        RbfField f = field3d();
        try (CpuDevice dev = CpuDevice.withThreads(2)) {
            RbfDistanceField df = new RbfDistanceField(f, dev);
            assertTrue(df.signed());
            int m = 700; // several chunks, on both threads
            float[] p = RbfFieldGradientTest.points(m, 3, 8);
            float[] v = new float[m];
            float[] g = new float[3 * m];
            df.evaluate(p, v, g);
            float[] v2 = new float[m];
            df.evaluate(p, v2, null);
            org.junit.jupiter.api.Assertions.assertArrayEquals(v, v2);
            double scale = 0;
            for (float x : g) scale = Math.max(scale, Math.abs(x));
            assertTrue(scale > 0);
            // float central differences; a ReLU or grid-cell kink inside +-h spoils a few, so most must agree
            // (the analytic gradients themselves are checked in float64 by RbfFieldGradientTest)
            float h = 2e-4f;
            int agree = 0, total = 0;
            for (int i = 0; i < 60; i++) {
                for (int d = 0; d < 3; d++) {
                    float[] a = {p[3 * i], p[3 * i + 1], p[3 * i + 2]};
                    float[] b = a.clone();
                    a[d] += h;
                    b[d] -= h;
                    float[] va = new float[1], vb = new float[1];
                    df.evaluate(a, va, null);
                    df.evaluate(b, vb, null);
                    double num = (va[0] - (double) vb[0]) / (a[d] - (double) b[d]);
                    if (Math.abs(num - g[3 * i + d]) < 5e-3 * scale + 2e-2 * Math.abs(num)) agree++;
                    total++;
                }
            }
            assertTrue(agree >= 0.95 * total, agree + " of " + total + " gradient components agree with finite differences");
        }
    }

    @Test
    void needsA3dFieldWithOneOutput() {
        RbfField f = RbfFieldGradientTest.makeField(3, RbfKernel.GAUSSIAN, false, false, 1);
        try (CpuDevice dev = CpuDevice.withThreads(1)) {
            assertThrows(IllegalArgumentException.class, () -> new RbfDistanceField(f, dev));
        }
    }

    @Test
    void registeredAsRbf() {
        assertEquals("rbf", Representations.get("rbf").name());
        assertTrue(Representations.get("rbf").capabilities().contains(DistanceField.class));
    }
}
