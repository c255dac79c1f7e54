package kernelfield.engine.geometry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;
import org.junit.jupiter.api.Test;

class SurfaceSamplerTest {

    @Test
    void samplesDoNotDependOnTheStorageOrder() {
        // The same sphere with its triangles and vertices stored in a shuffled order.
        TriangleMesh m = TestMeshes.icosphere(3);
        int f = m.triangleCount(), nv = m.vertexCount();
        java.util.Random rnd = new java.util.Random(5);
        int[] perm = new int[f];
        int[] vperm = new int[nv];
        for (int i = 0; i < f; i++) perm[i] = i;
        for (int i = 0; i < nv; i++) vperm[i] = i;
        for (int i = f - 1; i > 0; i--) swap(perm, i, rnd.nextInt(i + 1));
        for (int i = nv - 1; i > 0; i--) swap(vperm, i, rnd.nextInt(i + 1));
        float[] v = m.vertices(), v2 = new float[v.length];
        for (int i = 0; i < nv; i++) System.arraycopy(v, 3 * i, v2, 3 * vperm[i], 3);
        int[] t = m.triangles(), t2 = new int[t.length];
        for (int i = 0; i < f; i++) {
            for (int k = 0; k < 3; k++) t2[3 * perm[i] + k] = vperm[t[3 * i + k]];
        }
        PointCloud a = SurfaceSampler.sample(m, 5000, 3L);
        PointCloud b = SurfaceSampler.sample(new TriangleMesh(v2, t2), 5000, 3L);
        assertArrayEquals(a.positions(), b.positions());
        assertArrayEquals(a.normals(), b.normals());
    }

    private static void swap(int[] a, int i, int j) {
        int x = a[i];
        a[i] = a[j];
        a[j] = x;
    }

    @Test
    void samplesPerFaceProportionalToArea() {
        // Three disjoint triangles with areas 1 : 4 : 0 : 9 (one degenerate).
        float[] v = {0, 0, 0, 1, 0, 0, 0, 2, 0,
                     5, 0, 0, 7, 0, 0, 5, 4, 0,
                     9, 0, 0, 9, 0, 0, 9, 0, 0,
                     20, 0, 0, 23, 0, 0, 20, 6, 0};
        int[] t = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
        TriangleMesh m = new TriangleMesh(v, t);
        int n = 140_000;
        int[] face = new int[n];
        PointCloud pc = SurfaceSampler.sample(m, n, 7L, 0.0, face);
        int[] count = new int[4];
        for (int f : face) count[f]++;
        double[] expected = {n / 14.0, 4 * n / 14.0, 0, 9 * n / 14.0};
        assertEquals(0, count[2], "degenerate face never drawn");
        for (int f : new int[] {0, 1, 3}) {
            // Stratified: the expected count up to one sample at each end of the face's interval.
            assertEquals(expected[f], count[f], 2.0, "face " + f);
        }
        // Output order is shuffled: the first tenth is spread proportionally too (binomial, 5 sd).
        int[] prefix = new int[4];
        for (int i = 0; i < n / 10; i++) prefix[face[i]]++;
        for (int f : new int[] {0, 1, 3}) {
            double e = expected[f] / 10, sd = Math.sqrt(e * (1 - e / (n / 10.0)));
            assertEquals(e, prefix[f], 5 * sd, "prefix, face " + f);
        }
        // Each sample lies inside its triangle (z = 0, within the x range), with normal +z.
        float[] p = pc.positions(), nr = pc.normals();
        for (int i = 0; i < n; i++) {
            assertEquals(0f, p[3 * i + 2], 0f);
            assertEquals(1f, nr[3 * i + 2], 0f);
            float x = p[3 * i];
            float x0 = v[9 * face[i]];
            assertTrue(x >= x0 - 1e-5f && x <= x0 + 3.0001f);
        }
    }

    @Test
    void uniformInsideATriangle() {
        // Right triangle (0,0),(1,0),(0,1): the fraction with x < 0.5 is 1 - 0.25 = 0.75.
        TriangleMesh m = new TriangleMesh(new float[] {0, 0, 0, 1, 0, 0, 0, 1, 0}, new int[] {0, 1, 2});
        int n = 100_000;
        float[] p = SurfaceSampler.sample(m, n).positions();
        int left = 0, inside = 0;
        double mx = 0;
        for (int i = 0; i < n; i++) {
            if (p[3 * i] < 0.5f) left++;
            if (p[3 * i] >= 0 && p[3 * i + 1] >= 0 && p[3 * i] + p[3 * i + 1] <= 1.000001f) inside++;
            mx += p[3 * i];
        }
        assertEquals(n, inside);
        assertEquals(0.75, left / (double) n, 0.005);
        assertEquals(1.0 / 3.0, mx / n, 0.003); // centroid
    }

    @Test
    void deterministicAndSeeded() {
        TriangleMesh cube = TestMeshes.cube();
        PointCloud a = SurfaceSampler.sample(cube, 5000), b = SurfaceSampler.sample(cube, 5000);
        assertArrayEquals(a.positions(), b.positions());
        assertArrayEquals(a.normals(), b.normals());
        PointCloud c = SurfaceSampler.sample(cube, 5000, 99L);
        assertFalse(Arrays.equals(a.positions(), c.positions()));
        // Same triangles shifted: corresponding samples shift exactly.
        PointCloud e = SurfaceSampler.sample(TestMeshes.translated(cube, 0, 0, 2), 5000);
        for (int i = 0; i < 5000; i++) assertEquals(a.positions()[3 * i + 2] + 2, e.positions()[3 * i + 2], 1e-6f);
    }

    @Test
    void cubeNormalsOutwardAndNoise() {
        TriangleMesh cube = TestMeshes.cube();
        assertEquals(6.0, TestMeshes.signedVolume6(cube), 1e-9);
        PointCloud pc = SurfaceSampler.sample(cube, 20_000);
        float[] p = pc.positions(), nr = pc.normals();
        for (int i = 0; i < pc.size(); i++) {
            double dot = (p[3 * i] - 0.5) * nr[3 * i] + (p[3 * i + 1] - 0.5) * nr[3 * i + 1] + (p[3 * i + 2] - 0.5) * nr[3 * i + 2];
            assertEquals(0.5, dot, 1e-5, "outward, on the face");
        }
        double sigma = 0.01;
        PointCloud noisy = SurfaceSampler.sample(cube, 20_000, SurfaceSampler.DEFAULT_SEED, sigma);
        float[] q = noisy.positions();
        double sum = 0, sum2 = 0;
        for (int i = 0; i < q.length; i++) {
            double e = q[i] - p[i];
            sum += e;
            sum2 += e * e;
        }
        int m = q.length;
        assertEquals(0, sum / m, 4 * sigma / Math.sqrt(m));
        assertEquals(sigma, Math.sqrt(sum2 / m), 0.02 * sigma);
    }

    @Test
    void rejectsBadInput() {
        TriangleMesh flat = new TriangleMesh(new float[] {0, 0, 0, 1, 0, 0, 2, 0, 0}, new int[] {0, 1, 2});
        assertThrows(IllegalArgumentException.class, () -> SurfaceSampler.sample(flat, 10));
        assertEquals(0, SurfaceSampler.sample(flat, 0).size());
        assertThrows(IllegalArgumentException.class, () -> SurfaceSampler.sample(TestMeshes.cube(), 10, 1L, -1.0));
    }
}
