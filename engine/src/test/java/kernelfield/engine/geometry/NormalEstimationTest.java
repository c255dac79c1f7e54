package kernelfield.engine.geometry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.SplittableRandom;
import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.geometry.internal.SymmetricEigen3;
import kernelfield.engine.testing.SharedData;
import org.junit.jupiter.api.Test;

class NormalEstimationTest {

    private static float[] sphere(int n, long seed, double noise) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] p = new float[3 * n];
        for (int i = 0; i < n; i++) {
            double x, y, z, l;
            do {
                x = r.nextGaussian();
                y = r.nextGaussian();
                z = r.nextGaussian();
                l = Math.sqrt(x * x + y * y + z * z);
            } while (l < 1e-9);
            double rad = 1 + noise * r.nextGaussian();
            p[3 * i] = (float) (rad * x / l);
            p[3 * i + 1] = (float) (rad * y / l);
            p[3 * i + 2] = (float) (rad * z / l);
        }
        return p;
    }

    private static void assertUnit(float[] n) {
        for (int i = 0; i < n.length; i += 3) {
            double l = Math.sqrt(n[i] * n[i] + n[i + 1] * n[i + 1] + n[i + 2] * n[i + 2]);
            assertEquals(1.0, l, 1e-5, "normal " + i / 3 + " is unit");
        }
    }

    @Test
    void sphereNormalsAreRadial() {
        float[] p = sphere(20_000, 1, 0.0);
        float[] n = NormalEstimation.estimate(p, 12);
        assertUnit(n);
        int good = 0;
        for (int i = 0; i < p.length / 3; i++) {
            double d = Math.abs(p[3 * i] * n[3 * i] + p[3 * i + 1] * n[3 * i + 1] + p[3 * i + 2] * n[3 * i + 2]);
            if (d > 0.99) good++;
        }
        assertEquals(p.length / 3, good, "all |n . true| > 0.99");
        // Orientation towards a sensor per point (outside the sphere): all outward.
        // Six sensors on the axes; each point is seen by the one along its dominant axis.
        float[] sensors = {5, 0, 0, -5, 0, 0, 0, 5, 0, 0, -5, 0, 0, 0, 5, 0, 0, -5};
        int[] which = new int[p.length / 3];
        for (int i = 0; i < which.length; i++) {
            int a = 0;
            for (int c = 1; c < 3; c++) if (Math.abs(p[3 * i + c]) > Math.abs(p[3 * i + a])) a = c;
            which[i] = 2 * a + (p[3 * i + a] >= 0 ? 0 : 1);
        }
        NormalEstimation.orientTowardsSensors(p, n, sensors, which);
        for (int i = 0; i < which.length; i++) {
            assertTrue(p[3 * i] * n[3 * i] + p[3 * i + 1] * n[3 * i + 1] + p[3 * i + 2] * n[3 * i + 2] > 0.99);
        }
        // Towards the centre as a single viewpoint: all inward.
        NormalEstimation.orientTowards(p, n, 0, 0, 0);
        for (int i = 0; i < which.length; i++) {
            assertTrue(p[3 * i] * n[3 * i] + p[3 * i + 1] * n[3 * i + 1] + p[3 * i + 2] * n[3 * i + 2] < -0.99);
        }
        // Consistent propagation: outward again (the top point is turned to +z).
        NormalEstimation.orientConsistently(p, n, 10);
        for (int i = 0; i < which.length; i++) {
            assertTrue(p[3 * i] * n[3 * i] + p[3 * i + 1] * n[3 * i + 1] + p[3 * i + 2] * n[3 * i + 2] > 0.99, "point " + i);
        }
    }

    @Test
    void planeNormalsWithNoise() {
        // A tilted plane with a little noise.
        SplittableRandom r = new SplittableRandom(2);
        int n = 10_000;
        double[] nt = {0.3, -0.4, Math.sqrt(1 - 0.25)};
        double[] u = {1, 0, -0.3 / nt[2]}, w = {0, 1, 0.4 / nt[2]};
        float[] p = new float[3 * n];
        for (int i = 0; i < n; i++) {
            double a = r.nextDouble() * 4 - 2, b = r.nextDouble() * 4 - 2, e = r.nextGaussian() * 0.002;
            for (int c = 0; c < 3; c++) p[3 * i + c] = (float) (a * u[c] + b * w[c] + e * nt[c]);
        }
        float[] nr = NormalEstimation.estimate(p, 16);
        assertUnit(nr);
        NormalEstimation.orientTowards(p, nr, 0, 0, 10);
        for (int i = 0; i < n; i++) {
            double d = nr[3 * i] * nt[0] + nr[3 * i + 1] * nt[1] + nr[3 * i + 2] * nt[2];
            assertTrue(d > 0.99, "point " + i + ": " + d);
        }
    }

    @Test
    void degenerateNeighbourhoods() {
        float[] out = new float[3];
        // All points equal: zero covariance.
        SymmetricEigen3.smallestEigenvector(0, 0, 0, 0, 0, 0, out, 0);
        assertEquals(1f, out[2]);
        // A line along (1,1,0): the normal must be orthogonal to it.
        SymmetricEigen3.smallestEigenvector(1, 1, 0, 1, 0, 0, out, 0);
        assertEquals(0, out[0] + out[1], 1e-6);
        assertEquals(1, out[0] * out[0] + out[1] * out[1] + out[2] * out[2], 1e-6);
        // Isotropic: any unit vector.
        SymmetricEigen3.smallestEigenvector(2, 0, 0, 2, 0, 0 + 2, out, 0);
        assertEquals(1, out[0] * out[0] + out[1] * out[1] + out[2] * out[2], 1e-6);
        // Diagonal with distinct values: the axis of the smallest.
        SymmetricEigen3.smallestEigenvector(3, 0, 0, 1, 0, 2, out, 0);
        assertEquals(1, Math.abs(out[1]), 1e-6);
        // Collinear and duplicate point sets through the whole pipeline: finite unit normals.
        float[] line = new float[3 * 200];
        for (int i = 0; i < 200; i++) {
            line[3 * i] = i;
            line[3 * i + 1] = 2 * i;
            line[3 * i + 2] = 3 * i;
        }
        float[] nl = NormalEstimation.estimate(line, 8);
        assertUnit(nl);
        for (int i = 0; i < 200; i++) assertEquals(0, nl[3 * i] + 2 * nl[3 * i + 1] + 3 * nl[3 * i + 2], 1e-4);
        float[] same = new float[3 * 50];
        assertUnit(NormalEstimation.estimate(same, 8));
        NormalEstimation.orientConsistently(same, NormalEstimation.estimate(same, 8), 8);
    }

    @Test
    void randomMatricesAgainstPowerIteration() {
        SplittableRandom r = new SplittableRandom(3);
        float[] out = new float[3];
        for (int t = 0; t < 2000; t++) {
            double[] g = new double[9];
            for (int i = 0; i < 9; i++) g[i] = r.nextGaussian();
            // A = G G^T (positive semi-definite, like a covariance).
            double[][] a = new double[3][3];
            for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 3; k++) a[i][j] += g[3 * i + k] * g[3 * j + k];
            SymmetricEigen3.smallestEigenvector(a[0][0], a[0][1], a[0][2], a[1][1], a[1][2], a[2][2], out, 0);
            // A v = lambda v with lambda = v^T A v: residual small relative to the norm of A.
            double lam = 0;
            double[] av = new double[3];
            for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) av[i] += a[i][j] * out[j];
            for (int i = 0; i < 3; i++) lam += out[i] * av[i];
            double res = 0, norm = 0;
            for (int i = 0; i < 3; i++) {
                res += (av[i] - lam * out[i]) * (av[i] - lam * out[i]);
                for (int j = 0; j < 3; j++) norm += a[i][j] * a[i][j];
            }
            assertTrue(Math.sqrt(res) < 1e-5 * Math.sqrt(norm), "residual");
            // And lambda is the smallest: v^T A v <= x^T A x for the coordinate axes.
            for (int i = 0; i < 3; i++) assertTrue(lam <= a[i][i] + 1e-9 * Math.sqrt(norm));
        }
    }

    @Test
    void bunnyOrientationAgreesWithMesh() throws IOException {
        TriangleMesh bunny = TestMeshes.readOff(SharedData.require("scans/bunny00.off"));
        assertTrue(TestMeshes.signedVolume6(bunny) > 0, "bunny faces point outward");
        PointCloud samples = SurfaceSampler.sample(bunny, 40_000);
        float[] p = samples.positions();
        float[] truth = samples.normals();
        int n = samples.size();
        PointCloud oriented = NormalEstimation.estimateOriented(new PointCloud(p, null), NormalEstimation.DEFAULT_K);
        float[] nr = oriented.normals();
        assertUnit(nr);
        int agree = 0;
        for (int i = 0; i < n; i++) {
            if (nr[3 * i] * truth[3 * i] + nr[3 * i + 1] * truth[3 * i + 1] + nr[3 * i + 2] * truth[3 * i + 2] > 0) agree++;
        }
        double frac = agree / (double) n;
        System.out.println("bunny: " + frac + " of " + n + " oriented normals agree with the mesh");
        assertTrue(frac > 0.99, "fraction agreeing with the mesh normals: " + frac);
        // Deterministic.
        PointCloud again = NormalEstimation.estimateOriented(new PointCloud(p, null), NormalEstimation.DEFAULT_K);
        org.junit.jupiter.api.Assertions.assertArrayEquals(nr, again.normals());
    }

    @Test
    void oneSearchEqualsEstimateThenOrient() {
        float[] p = sphere(8_000, 4, 0.01);
        KdTree tree = KdTree.build(p);
        float[] a = NormalEstimation.estimateOriented(p, tree, 12);
        float[] b = NormalEstimation.estimate(p, tree, 12);
        NormalEstimation.orientConsistently(p, b, tree, 12);
        assertArrayEquals(b, a);
        assertUnit(a);
        for (int i = 0; i < p.length / 3; i++) {
            double d = p[3 * i] * a[3 * i] + p[3 * i + 1] * a[3 * i + 1] + p[3 * i + 2] * a[3 * i + 2];
            assertTrue(d > 0, "point " + i + " outward: " + d);
        }
        // the same for any pool size
        float[] c = new java.util.concurrent.ForkJoinPool(1).submit(() -> NormalEstimation.estimateOriented(p, tree, 12)).join();
        assertArrayEquals(a, c);
    }

    @Test
    void eachComponentIsOrientedFromItsHighestPoint() {
        // Two spheres far apart (two components of the kNN graph) and a flat square below them,
        // whose highest point turns it to +z; normals given with random signs.
        float[] s1 = sphere(3_000, 5, 0.0), s2 = sphere(3_000, 6, 0.0);
        int np = 2_000;
        float[] p = new float[s1.length + s2.length + 3 * np];
        System.arraycopy(s1, 0, p, 0, s1.length);
        for (int i = 0; i < s2.length; i += 3) {
            p[s1.length + i] = s2[i] + 10;
            p[s1.length + i + 1] = s2[i + 1];
            p[s1.length + i + 2] = s2[i + 2];
        }
        SplittableRandom r = new SplittableRandom(9);
        int o = s1.length + s2.length;
        for (int i = 0; i < np; i++) {
            p[o + 3 * i] = (float) (r.nextDouble() * 2 - 20);
            p[o + 3 * i + 1] = (float) (r.nextDouble() * 2);
            p[o + 3 * i + 2] = (float) (-10 + 1e-3 * (i % 7));
        }
        int n = p.length / 3;
        float[] nr = new float[3 * n];
        for (int i = 0; i < n; i++) {
            double sgn = r.nextBoolean() ? 1 : -1;
            if (i < 6_000) {
                float cx = i < 3_000 ? 0 : 10;
                nr[3 * i] = (float) (sgn * (p[3 * i] - cx));
                nr[3 * i + 1] = (float) (sgn * p[3 * i + 1]);
                nr[3 * i + 2] = (float) (sgn * p[3 * i + 2]);
            } else {
                nr[3 * i + 2] = (float) sgn;
            }
        }
        NormalEstimation.orientConsistently(p, nr, 8);
        for (int i = 0; i < n; i++) {
            if (i < 6_000) {
                float cx = i < 3_000 ? 0 : 10;
                double d = (p[3 * i] - cx) * nr[3 * i] + p[3 * i + 1] * nr[3 * i + 1] + p[3 * i + 2] * nr[3 * i + 2];
                assertTrue(d > 0, "sphere point " + i + " outward");
            } else {
                assertEquals(1f, nr[3 * i + 2], "plane point " + i + " up");
            }
        }
    }

    @Test
    void noisyBunnyOrientationAgreesWithMesh() throws IOException {
        TriangleMesh bunny = TestMeshes.readOff(SharedData.require("scans/bunny00.off"));
        double diag = bunny.bounds().diagonal();
        PointCloud noisy = SurfaceSampler.sample(bunny, 30_000, 5, 0.0025 * diag);
        float[] p = noisy.positions();
        float[] nr = NormalEstimation.estimateOriented(p, KdTree.build(p), 24);
        float[] truth = noisy.normals(); // the faces' normals
        int agree = 0, n = noisy.size();
        for (int i = 0; i < n; i++) {
            if (nr[3 * i] * truth[3 * i] + nr[3 * i + 1] * truth[3 * i + 1] + nr[3 * i + 2] * truth[3 * i + 2] > 0) agree++;
        }
        double frac = agree / (double) n;
        System.out.println("noisy bunny (0.25%): " + frac + " of " + n + " oriented normals agree with the mesh");
        assertTrue(frac > 0.95, "fraction agreeing with the mesh normals: " + frac);
    }
}
