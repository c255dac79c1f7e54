package kernelfield.reconstruction.surface;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
