package kernelfield.reconstruction.surface;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import kernelfield.engine.compute.CpuDevice;
import kernelfield.fields.nks.NksSolver;
import kernelfield.fields.nks.VoxelHierarchy;
import org.junit.jupiter.api.Test;

class SamplingTest {
    /** Points clustered so that cells hold from one to many points; normals random-ish. */
    private static float[][] cloud(int n, long seed) {
        Random r = new Random(seed);
        float[] p = new float[3 * n], nn = new float[3 * n];
        for (int i = 0; i < n; i++) {
            double x = r.nextGaussian(), y = r.nextGaussian(), z = r.nextGaussian();
            double l = Math.sqrt(x * x + y * y + z * z);
            double rad = 1 + 0.01 * r.nextGaussian();
            p[3 * i] = (float) (2 + rad * x / l);
            p[3 * i + 1] = (float) (2 + rad * y / l);
            p[3 * i + 2] = (float) (2 + rad * z / l);
            nn[3 * i] = (float) (x / l + 0.3 * r.nextGaussian());
            nn[3 * i + 1] = (float) (y / l);
            nn[3 * i + 2] = (float) (z / l);
        }
        return new float[][] {p, nn};
    }

    @Test
    void packedAndSearchedGroupingAgreeWithADirectReduction() {
        float[][] c = cloud(30_000, 3);
        float[] p = c[0], nn = c[1];
        double[] origin = {0.5, 0.25, 0.125};
        double hs = 0.05;
        try (CpuDevice d1 = CpuDevice.withThreads(1); CpuDevice d2 = CpuDevice.withThreads(2)) {
            NksSolver.Samples a = Sampling.reduce(p, nn, p.length / 3, origin, hs, d2, true);
            NksSolver.Samples b = Sampling.reduce(p, nn, p.length / 3, origin, hs, d1, false);
            assertArrayEquals(a.positions(), b.positions());
            assertArrayEquals(a.normals(), b.normals());
            assertArrayEquals(a.weights(), b.weights());
            // direct: per Morton key, sums in index order
            TreeMap<Long, double[]> m = new TreeMap<>();
            for (int i = 0; i < p.length / 3; i++) {
                long key = VoxelHierarchy.morton((int) Math.floor((p[3 * i] - origin[0]) / hs), (int) Math.floor((p[3 * i + 1] - origin[1]) / hs),
                        (int) Math.floor((p[3 * i + 2] - origin[2]) / hs));
                double[] s = m.computeIfAbsent(key, k -> new double[7]);
                for (int x = 0; x < 3; x++) {
                    s[x] += p[3 * i + x];
                    s[3 + x] += nn[3 * i + x];
                }
                s[6]++;
            }
            assertEquals(m.size(), a.size());
            int j = 0;
            for (Map.Entry<Long, double[]> e : m.entrySet()) {
                double[] s = e.getValue();
                for (int x = 0; x < 3; x++) assertEquals((float) (s[x] / s[6]), a.positions()[3 * j + x], "cell " + j);
                double len = Math.sqrt(s[3] * s[3] + s[4] * s[4] + s[5] * s[5]);
                for (int x = 0; x < 3; x++) assertEquals((float) (s[3 + x] / len), a.normals()[3 * j + x], 1e-6, "cell " + j);
                j++;
            }
            // centroids alone: the same positions
            assertArrayEquals(a.positions(), Sampling.cellCentroids(p, p.length / 3, origin, hs, d2));
        }
    }

    @Test
    void projectionOntoLocalPlanesRemovesNoiseAcrossTheSurfaceOnly() {
        // a 100 x 100 grid on z = 1 with noise of 0.005 across it, spacing 0.01
        Random r = new Random(5);
        int n = 10_000;
        float[] p = new float[3 * n], nn = new float[3 * n];
        int[] w = new int[n];
        for (int i = 0; i < n; i++) {
            p[3 * i] = 0.01f * (i % 100);
            p[3 * i + 1] = 0.01f * (i / 100);
            p[3 * i + 2] = (float) (1 + 0.005 * r.nextGaussian());
            nn[3 * i + 2] = 1;
            w[i] = 1 + i % 3;
        }
        kernelfield.engine.geometry.KdTree tree = kernelfield.engine.geometry.KdTree.build(p);
        try (CpuDevice d1 = CpuDevice.withThreads(1); CpuDevice d2 = CpuDevice.withThreads(2)) {
            float[] q = Sampling.projectToLocalPlanes(p, nn, w, 1.0, tree, 24, d2);
            assertArrayEquals(q, Sampling.projectToLocalPlanes(p, nn, w, 1.0, tree, 24, d1), "thread count");
            assertArrayEquals(p, Sampling.projectToLocalPlanes(p, nn, w, 0.0, tree, 24, d2), "strength 0");
            double before = 0, after = 0, half = 0;
            float[] h = Sampling.projectToLocalPlanes(p, nn, w, 0.5, tree, 24, d2);
            for (int i = 0; i < n; i++) {
                assertEquals(p[3 * i], q[3 * i], "x of " + i);
                assertEquals(p[3 * i + 1], q[3 * i + 1], "y of " + i);
                before += (p[3 * i + 2] - 1.0) * (p[3 * i + 2] - 1.0);
                after += (q[3 * i + 2] - 1.0) * (q[3 * i + 2] - 1.0);
                assertEquals((p[3 * i + 2] + q[3 * i + 2]) / 2, h[3 * i + 2], 1e-6, "half way, point " + i);
            }
            before = Math.sqrt(before / n);
            after = Math.sqrt(after / n);
            assertEquals(0.005, before, 0.0005);
            // the mean of 24 neighbours: about 0.005 / sqrt(24)
            assertTrue(after < 0.3 * before, "RMS across the plane " + after + " (before " + before + ")");
        }
    }

    @Test
    void denoiseStrengthRampsWithTheNoiseOverTheCellSize() {
        assertEquals(0, SurfaceReconstruction.denoiseStrength(0, 1));
        assertEquals(0, SurfaceReconstruction.denoiseStrength(0.2, 1));
        assertEquals(1, SurfaceReconstruction.denoiseStrength(0.45, 1));
        double mid = SurfaceReconstruction.denoiseStrength(0.325, 1);
        assertTrue(mid > 0.4 && mid < 0.6, "mid " + mid);
    }
}
