package kernelfield.fields.nks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import kernelfield.engine.compute.CpuDevice;
import kernelfield.engine.sparse.CsrMatrix;
import org.junit.jupiter.api.Test;

class NksSolverTest {
    private static final double[] ORIGIN = {0, 0, 0};

    /** A few oriented samples on a sphere of radius 0.6 around (1.2, 1.2, 1.2). */
    private static NksSolver.Samples sphereSamples(int n, long seed) {
        return sphereSamples(n, seed, 0);
    }

    /** The same with Gaussian noise of standard deviation {@code noise} along the radius (none: the same samples as above). */
    static NksSolver.Samples sphereSamples(int n, long seed, double noise) {
        Random r = new Random(seed);
        float[] p = new float[3 * n], nn = new float[3 * n], w = new float[n];
        for (int i = 0; i < n; i++) {
            double x = r.nextGaussian(), y = r.nextGaussian(), z = r.nextGaussian();
            double l = Math.sqrt(x * x + y * y + z * z);
            x /= l;
            y /= l;
            z /= l;
            double rad = noise > 0 ? 0.6 + noise * r.nextGaussian() : 0.6;
            p[3 * i] = (float) (1.2 + rad * x);
            p[3 * i + 1] = (float) (1.2 + rad * y);
            p[3 * i + 2] = (float) (1.2 + rad * z);
            nn[3 * i] = (float) x;
            nn[3 * i + 1] = (float) y;
            nn[3 * i + 2] = (float) z;
            w[i] = (float) (0.01 + 0.02 * r.nextDouble());
        }
        return new NksSolver.Samples(p, nn, w);
    }

    /** Direct float64 evaluation of one level's kernel sum, by definition (every voxel visited). */
    private static double direct(VoxelHierarchy.Level lv, double[] alpha, double x, double y, double z, double[] grad) {
        double h = lv.voxelSize();
        double v = 0;
        if (grad != null) java.util.Arrays.fill(grad, 0);
        for (int i = 0; i < lv.size(); i++) {
            long k = lv.keys()[i];
            double tx = x / h - (VoxelHierarchy.mortonX(k) + 0.5), ty = y / h - (VoxelHierarchy.mortonY(k) + 0.5);
            double tz = z / h - (VoxelHierarchy.mortonZ(k) + 0.5);
            double bx = QuadraticBSpline.value(tx), by = QuadraticBSpline.value(ty), bz = QuadraticBSpline.value(tz);
            v += alpha[i] * bx * by * bz;
            if (grad != null) {
                grad[0] += alpha[i] * QuadraticBSpline.derivative(tx) * by * bz / h;
                grad[1] += alpha[i] * bx * QuadraticBSpline.derivative(ty) * bz / h;
                grad[2] += alpha[i] * bx * by * QuadraticBSpline.derivative(tz) / h;
            }
        }
        return v;
    }

    /** The level energy by definition, with the Dirichlet integral by Gauss quadrature (exact here). */
    private static double energy(VoxelHierarchy.Level lv, NksSolver.Samples s, double[] fval, double[] fgrad, double[] alpha,
            NksSolver.Options o) {
        double h = lv.voxelSize();
        double e = 0;
        double[] g = new double[3];
        float[] p = s.positions(), n = s.normals();
        for (int i = 0; i < s.size(); i++) {
            double f = fval[i] + direct(lv, alpha, p[3 * i], p[3 * i + 1], p[3 * i + 2], g);
            double gx = fgrad[3 * i] + g[0] - n[3 * i], gy = fgrad[3 * i + 1] + g[1] - n[3 * i + 1], gz = fgrad[3 * i + 2] + g[2] - n[3 * i + 2];
            e += s.weights()[i] * (o.valueWeight() * f * f / (h * h) + o.gradientWeight() * (gx * gx + gy * gy + gz * gz));
        }
        // integrate |grad f|^2 over the cells [a, a+1)^3 h covering all supports
        int lo = Integer.MAX_VALUE, hi = Integer.MIN_VALUE;
        for (long k : lv.keys()) {
            lo = Math.min(lo, Math.min(VoxelHierarchy.mortonX(k), Math.min(VoxelHierarchy.mortonY(k), VoxelHierarchy.mortonZ(k))));
            hi = Math.max(hi, Math.max(VoxelHierarchy.mortonX(k), Math.max(VoxelHierarchy.mortonY(k), VoxelHierarchy.mortonZ(k))));
        }
        double[] gq = {0.5 - 0.5 * Math.sqrt(0.6), 0.5, 0.5 + 0.5 * Math.sqrt(0.6)};
        double[] gw = {5.0 / 18, 8.0 / 18, 5.0 / 18};
        double dir = 0;
        for (int cz = lo - 2; cz <= hi + 2; cz++) {
            for (int cy = lo - 2; cy <= hi + 2; cy++) {
                for (int cx = lo - 2; cx <= hi + 2; cx++) {
                    for (int a = 0; a < 3; a++) {
                        for (int b = 0; b < 3; b++) {
                            for (int c = 0; c < 3; c++) {
                                direct(lv, alpha, (cx + gq[a]) * h, (cy + gq[b]) * h, (cz + gq[c]) * h, g);
                                dir += gw[a] * gw[b] * gw[c] * h * h * h * (g[0] * g[0] + g[1] * g[1] + g[2] * g[2]);
                            }
                        }
                    }
                }
            }
        }
        e += o.smoothness() / h * dir;
        for (double a : alpha) e += o.ridge() * a * a;
        return e;
    }

    @Test
    void assembledMatrixIsSymmetricAndMatchesTheEnergy() {
        NksSolver.Samples s = sphereSamples(12, 5);
        NksSolver.Options o = new NksSolver.Options(3.0, 1.0, 0.05, 1e-3, 1, 1e-10, 500);
        VoxelHierarchy hier = VoxelHierarchy.build(s.positions(), ORIGIN, 0.3, 2, 1, false, CpuDevice.shared());
        Random r = new Random(9);
        double[] fval = new double[s.size()], fgrad = new double[3 * s.size()];
        for (int i = 0; i < fval.length; i++) fval[i] = 0.1 * r.nextGaussian();
        for (int i = 0; i < fgrad.length; i++) fgrad[i] = 0.3 * r.nextGaussian();
        for (int l = 0; l < 2; l++) {
            VoxelHierarchy.Level lv = hier.level(l);
            NksSolver.LevelSystem sys = NksSolver.assemble(hier, s, l, fval, fgrad, o, CpuDevice.shared());
            CsrMatrix a = sys.matrix().toCsrMatrix();
            int n = lv.size();
            double maxAbs = 0;
            for (int k = 0; k < a.nnz(); k++) maxAbs = Math.max(maxAbs, Math.abs(a.value(k)));
            for (int i = 0; i < n; i++) {
                for (int k = a.rowPointers()[i]; k < a.rowPointers()[i + 1]; k++) {
                    int j = a.columnIndices()[k];
                    assertEquals(a.value(k), a.get(j, i), 1e-6 * maxAbs, "A[" + i + "," + j + "] vs A[" + j + "," + i + "]");
                }
            }
            // E(alpha) - E(0) = alpha^T A alpha - 2 b^T alpha for random alpha
            double e0 = energy(lv, s, fval, fgrad, new double[n], o);
            for (int trial = 0; trial < 2; trial++) {
                double[] alpha = new double[n];
                for (int i = 0; i < n; i++) alpha[i] = 0.2 * r.nextGaussian();
                double[] aa = new double[n];
                a.multiply(alpha, aa);
                double quad = 0, lin = 0;
                for (int i = 0; i < n; i++) {
                    quad += alpha[i] * aa[i];
                    lin += sys.rhs()[i] * alpha[i];
                }
                double e = energy(lv, s, fval, fgrad, alpha, o);
                assertEquals(e - e0, quad - 2 * lin, 1e-5 * Math.abs(quad) + 1e-9, "level " + l + " trial " + trial);
            }
        }
    }

    @Test
    void fieldEvaluationMatchesDefinitionAndItsGradientMatchesFiniteDifferences() {
        NksSolver.Samples s = sphereSamples(40, 8);
        VoxelHierarchy hier = VoxelHierarchy.build(s.positions(), ORIGIN, 0.1, 3, 1, true, CpuDevice.shared());
        Random r = new Random(2);
        double[][] coef = new double[3][];
        for (int l = 0; l < 3; l++) {
            coef[l] = new double[hier.level(l).size()];
            for (int i = 0; i < coef[l].length; i++) coef[l][i] = r.nextGaussian();
        }
        NksField f = new NksField(hier, coef);
        double[] g = new double[3], gd = new double[3];
        float[] pts = new float[3 * 50];
        for (int q = 0; q < 50; q++) {
            double x = 0.4 + 1.6 * r.nextDouble(), y = 0.4 + 1.6 * r.nextDouble(), z = 0.4 + 1.6 * r.nextDouble();
            pts[3 * q] = (float) x;
            pts[3 * q + 1] = (float) y;
            pts[3 * q + 2] = (float) z;
            double want = 0;
            double[] gw = new double[3];
            for (int l = 0; l < 3; l++) {
                want += direct(hier.level(l), coef[l], x, y, z, gd);
                for (int a = 0; a < 3; a++) gw[a] += gd[a];
            }
            double v = f.valueAndGradient(x, y, z, g, 0);
            assertEquals(want, v, 1e-12);
            assertEquals(want, f.value(x, y, z), 1e-12);
            for (int a = 0; a < 3; a++) assertEquals(gw[a], g[a], 1e-10);
            double eps = 1e-6;
            double fdx = (f.value(x + eps, y, z) - f.value(x - eps, y, z)) / (2 * eps);
            double fdz = (f.value(x, y, z + eps) - f.value(x, y, z - eps)) / (2 * eps);
            assertEquals(fdx, g[0], 1e-5 * (1 + Math.abs(fdx)));
            assertEquals(fdz, g[2], 1e-5 * (1 + Math.abs(fdz)));
        }
        float[] out = new float[50], outV = new float[50], outG = new float[150];
        f.evaluate(pts, out, CpuDevice.shared());
        f.evaluate(pts, outV, outG, CpuDevice.shared());
        for (int q = 0; q < 50; q++) {
            double v = f.valueAndGradient(pts[3 * q], pts[3 * q + 1], pts[3 * q + 2], g, 0);
            assertEquals((float) v, out[q]);
            assertEquals((float) v, outV[q]);
            assertEquals((float) g[1], outG[3 * q + 1]);
        }
    }

    @Test
    void solveFitsASphereWithTheInsideNegative() {
        NksSolver.Samples s = sphereSamples(3000, 11);
        VoxelHierarchy hier = VoxelHierarchy.build(s.positions(), new double[] {0.2, 0.2, 0.2}, 0.1, 2, 1, true, CpuDevice.shared());
        NksSolver.Result r = NksSolver.solve(hier, s, NksSolver.Options.defaults().withSweeps(2), CpuDevice.shared(), null);
        NksField f = r.field();
        assertTrue(f.value(1.2, 1.2, 1.2) < 0, "inside negative");
        assertTrue(f.value(1.2, 1.2, 1.95) > 0, "outside positive");
        double worst = 0;
        for (int i = 0; i < s.size(); i++) {
            worst = Math.max(worst, Math.abs(f.value(s.positions()[3 * i], s.positions()[3 * i + 1], s.positions()[3 * i + 2])));
        }
        assertTrue(worst < 0.01, "samples near the zero level set: worst |f| " + worst);
        double[] g = new double[3];
        f.valueAndGradient(1.2, 1.2, 1.8, g, 0);
        assertEquals(1.0, g[2], 0.1, "gradient close to the normal");
        double tol = NksSolver.Options.defaults().tolerance();
        for (int l = 0; l < 2; l++) assertTrue(r.residuals()[l] <= tol * 1.0001, "level " + l + " converged: " + r.residuals()[l]);
    }

    @Test
    void neighbours125MatchesDirectLookups() {
        NksSolver.Samples s = sphereSamples(2000, 5);
        VoxelHierarchy hier = VoxelHierarchy.build(s.positions(), new double[] {0.2, 0.2, 0.2}, 0.05, 2, 1, false, CpuDevice.shared());
        int[] cols = new int[125];
        int present = 0, absent = 0;
        for (int l = 0; l < 2; l++) {
            VoxelHierarchy.Level level = hier.level(l);
            for (int r = 0; r < level.size(); r++) {
                int count = NksSolver.neighbours125(level, level.neighbours27(), r, cols);
                long key = level.keys()[r];
                int x = VoxelHierarchy.mortonX(key), y = VoxelHierarchy.mortonY(key), z = VoxelHierarchy.mortonZ(key);
                int expected = 0;
                for (int k = 0; k < 125; k++) {
                    int want = level.find(x + k % 5 - 2, y + k / 5 % 5 - 2, z + k / 25 - 2);
                    assertEquals(want, cols[k], "level " + l + " row " + r + " offset " + k);
                    if (want >= 0) expected++;
                    if (want >= 0) present++;
                    else absent++;
                }
                assertEquals(expected, count);
            }
        }
        assertTrue(present > 1000 && absent > 1000, present + " present, " + absent + " absent");
    }

    @Test
    void optionsAndSamplesAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new NksSolver.Options(-1, 1, 0, 1e-6, 1, 1e-4, 10));
        assertThrows(IllegalArgumentException.class, () -> new NksSolver.Options(1, 1, 0, 0, 1, 1e-4, 10));
        assertThrows(IllegalArgumentException.class, () -> new NksSolver.Samples(new float[3], new float[3], new float[] {Float.NaN}));
        assertThrows(IllegalArgumentException.class, () -> new NksSolver.Samples(new float[] {Float.NaN, 0, 0}, new float[3], new float[1]));
        assertThrows(IllegalArgumentException.class, () -> new NksSolver.Samples(new float[6], new float[3], new float[2]));
    }
}
