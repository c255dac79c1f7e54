package kernelfield.fields.nks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import kernelfield.engine.compute.CpuDevice;
import org.junit.jupiter.api.Test;

class KernelFeaturesTest {
    private static final double[] ORIGIN = {0, 0, 0};

    private static NksSolver.Samples sphereSamples(int n, long seed, double noise) {
        return NksSolverTest.sphereSamples(n, seed, noise);
    }

    /** Features in 0.3..3 drawn per voxel. */
    private static float[][] randomFeatures(VoxelHierarchy hier, long seed) {
        Random r = new Random(seed);
        float[][] f = new float[hier.levelCount()][];
        for (int l = 0; l < f.length; l++) {
            f[l] = new float[hier.level(l).size()];
            for (int v = 0; v < f[l].length; v++) f[l][v] = (float) Math.exp(Math.log(0.3) + Math.log(10) * r.nextDouble());
        }
        return f;
    }

    @Test
    void unitFeaturesReproduceTheSolveWithoutFeaturesBitForBit() {
        NksSolver.Samples s = sphereSamples(400, 3, 0.01);
        VoxelHierarchy hier = VoxelHierarchy.build(s.positions(), ORIGIN, 0.1, 3, 1, true, CpuDevice.shared());
        NksSolver.Options o = NksSolver.Options.defaults().withSweeps(2);
        float[][] ones = new float[hier.levelCount()][];
        for (int l = 0; l < ones.length; l++) {
            ones[l] = new float[hier.level(l).size()];
            java.util.Arrays.fill(ones[l], 1f);
        }
        NksSolver.Result plain = NksSolver.solve(hier, s, o, CpuDevice.shared(), null);
        NksSolver.Result unit = NksSolver.solve(hier, s, ones, o, CpuDevice.shared(), null);
        NksSolver.Result scaled = NksSolver.solve(hier, s, randomFeatures(hier, 4), o, CpuDevice.shared(), null);
        for (int l = 0; l < hier.levelCount(); l++) {
            assertArrayEquals(plain.field().coefficients(l), unit.field().coefficients(l), "level " + l);
            assertTrue(!java.util.Arrays.equals(plain.field().coefficients(l), scaled.field().coefficients(l)), "features change level " + l);
        }
        assertArrayEquals(plain.iterations(), unit.iterations());
    }

    /** 1D integrals of B-spline products at offset d by Gauss quadrature on the unit cells: {@code [value*value, deriv*deriv]}. */
    private static double[] integrals1d(int d) {
        double[] gq = {0.5 - 0.5 * Math.sqrt(0.6), 0.5, 0.5 + 0.5 * Math.sqrt(0.6)};
        double[] gw = {5.0 / 18, 8.0 / 18, 5.0 / 18};
        double m = 0, s = 0;
        for (int c = -3; c <= 3; c++) {
            for (int q = 0; q < 3; q++) {
                double t = c + gq[q]; // cells [c, c+1) of the knot lattice (knots at the voxel faces)
                double a = t - 0.5, b = t - 0.5 - d; // relative to the centres 0.5 and 0.5 + d
                m += gw[q] * QuadraticBSpline.value(a) * QuadraticBSpline.value(b);
                s += gw[q] * QuadraticBSpline.derivative(a) * QuadraticBSpline.derivative(b);
            }
        }
        return new double[] {m, s};
    }

    /**
     * The oracle: the minimiser of the feature-scaled energy of a one-level hierarchy, from the
     * dense float64 normal equations in the unscaled {@code alpha} built from the definition
     * ({@code S J^T W J S + lambda_g G + lambda_0 I}, right-hand side {@code S J^T W t}), solved by
     * Cholesky; returns the field's coefficients {@code beta = S alpha}.
     */
    private static double[] denseOracle(VoxelHierarchy.Level lv, NksSolver.Samples s, float[] feat, NksSolver.Options o) {
        int n = lv.size();
        double h = lv.voxelSize();
        double[][] a = new double[n][n];
        double[] b = new double[n];
        float[] p = s.positions(), nn = s.normals(), w = s.weights();
        double[] phi = new double[n], gx = new double[n], gy = new double[n], gz = new double[n];
        for (int i = 0; i < s.size(); i++) {
            for (int v = 0; v < n; v++) {
                long k = lv.keys()[v];
                double tx = p[3 * i] / h - (VoxelHierarchy.mortonX(k) + 0.5), ty = p[3 * i + 1] / h - (VoxelHierarchy.mortonY(k) + 0.5);
                double tz = p[3 * i + 2] / h - (VoxelHierarchy.mortonZ(k) + 0.5);
                double bx = QuadraticBSpline.value(tx), by = QuadraticBSpline.value(ty), bz = QuadraticBSpline.value(tz);
                // the scaled basis s_v K_v
                phi[v] = feat[v] * bx * by * bz;
                gx[v] = feat[v] * QuadraticBSpline.derivative(tx) * by * bz / h;
                gy[v] = feat[v] * bx * QuadraticBSpline.derivative(ty) * bz / h;
                gz[v] = feat[v] * bx * by * QuadraticBSpline.derivative(tz) / h;
            }
            double cv = w[i] * o.valueWeight() / (h * h), cg = w[i] * o.gradientWeight();
            for (int u = 0; u < n; u++) {
                if (phi[u] == 0 && gx[u] == 0 && gy[u] == 0 && gz[u] == 0) continue;
                b[u] += cg * (gx[u] * nn[3 * i] + gy[u] * nn[3 * i + 1] + gz[u] * nn[3 * i + 2]);
                for (int v = 0; v < n; v++) a[u][v] += cv * phi[u] * phi[v] + cg * (gx[u] * gx[v] + gy[u] * gy[v] + gz[u] * gz[v]);
            }
        }
        for (int u = 0; u < n; u++) {
            long ku = lv.keys()[u];
            for (int v = 0; v < n; v++) {
                long kv = lv.keys()[v];
                int dx = VoxelHierarchy.mortonX(kv) - VoxelHierarchy.mortonX(ku), dy = VoxelHierarchy.mortonY(kv) - VoxelHierarchy.mortonY(ku);
                int dz = VoxelHierarchy.mortonZ(kv) - VoxelHierarchy.mortonZ(ku);
                if (Math.abs(dx) > 2 || Math.abs(dy) > 2 || Math.abs(dz) > 2) continue;
                double[] ix = integrals1d(dx), iy = integrals1d(dy), iz = integrals1d(dz);
                // (lambda_g / h) int grad K_u . grad K_v = lambda_g (S M M + M S M + M M S)
                a[u][v] += o.smoothness() * (ix[1] * iy[0] * iz[0] + ix[0] * iy[1] * iz[0] + ix[0] * iy[0] * iz[1]);
            }
            a[u][u] += o.ridge();
        }
        // Cholesky
        double[][] lo = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = a[i][j];
                for (int k = 0; k < j; k++) sum -= lo[i][k] * lo[j][k];
                if (i == j) {
                    assertTrue(sum > 0, "dense matrix not positive definite");
                    lo[i][i] = Math.sqrt(sum);
                } else {
                    lo[i][j] = sum / lo[j][j];
                }
            }
        }
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double sum = b[i];
            for (int k = 0; k < i; k++) sum -= lo[i][k] * y[k];
            y[i] = sum / lo[i][i];
        }
        double[] alpha = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double sum = y[i];
            for (int k = i + 1; k < n; k++) sum -= lo[k][i] * alpha[k];
            alpha[i] = sum / lo[i][i];
        }
        double[] beta = new double[n];
        for (int v = 0; v < n; v++) beta[v] = feat[v] * alpha[v];
        return beta;
    }

    @Test
    void featureScaledSolveMatchesADenseFloat64SolveOfTheSameEnergy() {
        NksSolver.Samples s = sphereSamples(40, 5, 0.02);
        VoxelHierarchy hier = VoxelHierarchy.build(s.positions(), ORIGIN, 0.3, 1, 1, false, CpuDevice.shared());
        NksSolver.Options o = new NksSolver.Options(3.0, 1.0, 0.05, 1e-3, 1, 1e-12, 5000);
        float[][] feat = randomFeatures(hier, 6);
        double[] ref = denseOracle(hier.level(0), s, feat[0], o);
        double[] got = NksSolver.solve(hier, s, feat, o, CpuDevice.shared(), null).field().coefficients(0);
        double[] plain = NksSolver.solve(hier, s, o, CpuDevice.shared(), null).field().coefficients(0);
        double scale = 0, err = 0, diff = 0;
        for (int v = 0; v < ref.length; v++) {
            scale = Math.max(scale, Math.abs(ref[v]));
            err = Math.max(err, Math.abs(got[v] - ref[v]));
            diff = Math.max(diff, Math.abs(plain[v] - ref[v]));
        }
        assertTrue(err < 1e-4 * scale, "max error " + err + " against max |beta| " + scale);
        // the oracle tells the features apart: the solve without them is far from it
        assertTrue(diff > 1e-2 * scale, "features made no difference: " + diff);
        // and with unit features the oracle is the plain solve
        float[] ones = new float[ref.length];
        java.util.Arrays.fill(ones, 1f);
        double[] ref1 = denseOracle(hier.level(0), s, ones, o);
        for (int v = 0; v < ref.length; v++) assertEquals(ref1[v], plain[v], 1e-4 * scale, "voxel " + v);
    }

    @Test
    void descriptorsAreDimensionless() {
        NksSolver.Samples s = sphereSamples(3000, 7, 0.01);
        double h = 0.07, noise = 0.01;
        VoxelHierarchy hier = VoxelHierarchy.build(s.positions(), ORIGIN, h, 3, 1, true, CpuDevice.shared());
        float[][] d = KernelFeatures.descriptors(hier, s, noise, CpuDevice.shared());
        double k = 10;
        float[] p = s.positions().clone(), w = s.weights().clone();
        for (int i = 0; i < p.length; i++) p[i] = (float) (p[i] * k);
        for (int i = 0; i < w.length; i++) w[i] = (float) (w[i] * k * k);
        NksSolver.Samples sk = new NksSolver.Samples(p, s.normals(), w);
        VoxelHierarchy hk = VoxelHierarchy.build(p, ORIGIN, h * k, 3, 1, true, CpuDevice.shared());
        float[][] dk = KernelFeatures.descriptors(hk, sk, noise * k, CpuDevice.shared());
        int finite = 0, checked = 0;
        for (int l = 0; l < 3; l++) {
            assertEquals(d[l].length, dk[l].length, "level " + l + " size");
            assertEquals(hier.level(l).size() * KernelFeatures.DESCRIPTORS, d[l].length);
            for (int i = 0; i < d[l].length; i++) {
                if (Float.isNaN(d[l][i])) {
                    assertTrue(Float.isNaN(dk[l][i]), "level " + l + " entry " + i);
                    continue;
                }
                finite++;
                checked++;
                assertEquals(d[l][i], dk[l][i], 2e-3 * (1 + Math.abs(d[l][i])), "level " + l + " voxel " + i / KernelFeatures.DESCRIPTORS
                        + " descriptor " + i % KernelFeatures.DESCRIPTORS);
            }
        }
        assertTrue(finite > 1000, "too few finite descriptors: " + finite + " of " + checked);
        // the descriptors carry the noise: a noisier sphere has a larger RMS plane distance on the finest level
        NksSolver.Samples noisy = sphereSamples(3000, 7, 0.03);
        VoxelHierarchy hn = VoxelHierarchy.build(noisy.positions(), ORIGIN, h, 3, 1, true, CpuDevice.shared());
        assertTrue(median(KernelFeatures.descriptors(hn, noisy, 0.03, CpuDevice.shared())[0], 0) > 1.5 * median(d[0], 0));
    }

    private static double median(float[] d, int column) {
        double[] v = new double[d.length / KernelFeatures.DESCRIPTORS];
        int m = 0;
        for (int i = 0; i < v.length; i++) if (!Float.isNaN(d[KernelFeatures.DESCRIPTORS * i + column])) v[m++] = d[KernelFeatures.DESCRIPTORS * i + column];
        v = java.util.Arrays.copyOf(v, m);
        java.util.Arrays.sort(v);
        return v[m / 2];
    }

    @Test
    void learnedModelLoadsAndIsFinite() {
        KernelFeatures.Model m = KernelFeatures.Model.learned();
        for (double w : m.weights()) assertTrue(Double.isFinite(w));
        assertTrue(Double.isFinite(m.finestBias()) && Double.isFinite(m.coarseBias()) && m.clamp() > 0);
        // round trip of the resource format
        KernelFeatures.Model back = KernelFeatures.Model.parse(m.format("a header\nof two lines"), "round trip");
        assertArrayEquals(m.toVector(), back.toVector(), 0);
        assertEquals(m.clamp(), back.clamp());
        // the features it gives lie in [e^-c, e^c], and 1 where a voxel has no samples
        float[] d = {5, 0.5f, 0.3f, -2, 0.4f, 0.2f, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        double f = m.feature(d, 0, 0);
        assertTrue(f >= Math.exp(-m.clamp()) * 0.999999 && f <= Math.exp(m.clamp()) * 1.000001, "feature " + f);
        assertEquals(1.0, m.feature(d, KernelFeatures.DESCRIPTORS, 0));
    }

    @Test
    void malformedModelTextAndFeaturesAreRejected() {
        String good = KernelFeatures.Model.identity().format("h");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KernelFeatures.Model.parse(good.replace("w3 = ", "w3 = x"), "f.txt"));
        assertTrue(e.getMessage().contains("f.txt line") && e.getMessage().contains("w3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> KernelFeatures.Model.parse(good.replaceAll("(?m)^clamp.*$", ""), "f.txt"));
        assertTrue(e.getMessage().contains("missing clamp"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KernelFeatures.Model.parse(good + "w9 = 1\n", "f.txt"));
        assertThrows(IllegalArgumentException.class, () -> KernelFeatures.Model.parse(good + "w0 = 1\n", "f.txt"));
        assertThrows(IllegalArgumentException.class, () -> KernelFeatures.Model.parse(good.replace("clamp = 2", "clamp = 0"), "f.txt"));
        NksSolver.Samples s = sphereSamples(50, 1, 0);
        VoxelHierarchy hier = VoxelHierarchy.build(s.positions(), ORIGIN, 0.3, 2, 1, true, CpuDevice.shared());
        float[][] bad = randomFeatures(hier, 2);
        bad[1][3] = 0;
        e = assertThrows(IllegalArgumentException.class, () -> NksSolver.solve(hier, s, bad, NksSolver.Options.defaults(), CpuDevice.shared(), null));
        assertTrue(e.getMessage().contains("level 1 voxel 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> NksSolver.solve(hier, s, new float[][] {new float[2], null}, NksSolver.Options.defaults(), CpuDevice.shared(), null));
    }
}
