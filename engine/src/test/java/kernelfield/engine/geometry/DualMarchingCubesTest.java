package kernelfield.engine.geometry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import kernelfield.engine.data.TriangleMesh;
import org.junit.jupiter.api.Test;

class DualMarchingCubesTest {

    interface Sdf {
        double at(double x, double y, double z);
    }

    static final Sdf SPHERE = (x, y, z) -> Math.sqrt(x * x + y * y + z * z) - 0.7;
    static final Sdf TORUS = (x, y, z) -> {
        double q = Math.sqrt(x * x + y * y) - 0.55;
        return Math.sqrt(q * q + z * z) - 0.22;
    };

    /** Base lattice: 64 cells of 1/32 over [-1, 1] on each axis. */
    static final double H = 1.0 / 32;
    static final double[] ORIGIN = {-1, -1, -1};

    static SparseMarchingCubes.Field field(Sdf f) {
        return p -> {
            float[] v = new float[p.length / 3];
            for (int i = 0; i < v.length; i++) v[i] = (float) f.at(p[3 * i], p[3 * i + 1], p[3 * i + 2]);
            return v;
        };
    }

    /**
     * A random octree over the 64^3 lattice: 4^3 roots of level 4; a cell within its half diagonal
     * (times 1.5) of the surface is split while above level {@code finest}, always above level 2,
     * otherwise with probability 0.6. Cells far from the surface stay large.
     */
    static int[] randomOctree(Sdf f, long seed, int finest) {
        Random rnd = new Random(seed);
        List<int[]> out = new ArrayList<>();
        for (int z = 0; z < 4; z++) for (int y = 0; y < 4; y++) for (int x = 0; x < 4; x++) split(f, 4, x, y, z, finest, rnd, out);
        int[] a = new int[4 * out.size()];
        for (int i = 0; i < out.size(); i++) System.arraycopy(out.get(i), 0, a, 4 * i, 4);
        return a;
    }

    private static void split(Sdf f, int l, int x, int y, int z, int finest, Random rnd, List<int[]> out) {
        double s = H * (1 << l);
        double cx = ORIGIN[0] + (x + 0.5) * s, cy = ORIGIN[1] + (y + 0.5) * s, cz = ORIGIN[2] + (z + 0.5) * s;
        boolean near = Math.abs(f.at(cx, cy, cz)) < 1.5 * s * Math.sqrt(3) / 2;
        if (l > finest && near && (l > 2 || rnd.nextDouble() < 0.6)) {
            for (int c = 0; c < 8; c++) split(f, l - 1, 2 * x + (c & 1), 2 * y + (c >> 1 & 1), 2 * z + (c >> 2 & 1), finest, rnd, out);
        } else {
            out.add(new int[] {l, x, y, z});
        }
    }

    static void assertGoodClosedSurface(TriangleMesh m, Sdf f, int euler, double tol) {
        MeshTopology.Report r = MeshTopology.analyze(m);
        assertTrue(m.triangleCount() > 100, "triangles " + m.triangleCount());
        assertTrue(r.isWatertight(), r.toString());
        assertTrue(r.isEdgeManifold(), r.toString());
        assertTrue(r.isConsistentlyOriented(), r.toString());
        assertEquals(euler, r.eulerCharacteristic(), r.toString());
        assertEquals(1, r.components(), r.toString());
        assertEquals(m.vertexCount(), r.vertices(), "no unused vertices");
        float[] v = m.vertices();
        double worst = 0;
        for (int i = 0; i < m.vertexCount(); i++) worst = Math.max(worst, Math.abs(f.at(v[3 * i], v[3 * i + 1], v[3 * i + 2])));
        assertTrue(worst < tol, "vertex off the surface by " + worst);
        int[] t = m.triangles();
        for (int q = 0; q < t.length; q += 3) {
            assertTrue(t[q] != t[q + 1] && t[q + 1] != t[q + 2] && t[q] != t[q + 2], "triangle " + q / 3 + " repeats a vertex");
            assertTrue(m.triangleArea(q / 3) > 1e-10, "triangle " + q / 3 + " has zero area");
        }
        assertTrue(MeshTopology.signedVolume(m) > 0, "outward orientation");
    }

    @Test
    void sphereOnRandomAdaptiveOctreesIsClosedGenusZero() {
        for (long seed = 1; seed <= 6; seed++) {
            int[] leaves = randomOctree(SPHERE, seed, 0);
            TriangleMesh m = DualMarchingCubes.extract(leaves, field(SPHERE), ORIGIN, H, 0f);
            assertGoodClosedSurface(m, SPHERE, 2, 0.02);
            double vol = MeshTopology.signedVolume(m);
            double exact = 4 / 3.0 * Math.PI * 0.7 * 0.7 * 0.7;
            assertEquals(exact, vol, 0.03 * exact, "seed " + seed);
        }
    }

    @Test
    void torusOnRandomAdaptiveOctreesIsClosedGenusOne() {
        for (long seed = 11; seed <= 16; seed++) {
            int[] leaves = randomOctree(TORUS, seed, 0);
            TriangleMesh m = DualMarchingCubes.extract(leaves, field(TORUS), ORIGIN, H, 0f);
            assertGoodClosedSurface(m, TORUS, 0, 0.02);
        }
    }

    @Test
    void uniformFinestLeavesMatchTheSurfaceClosely() {
        int[] leaves = randomOctree(SPHERE, 3, 0);
        // force every leaf near the surface to level 0: split rule without randomness
        List<int[]> fine = new ArrayList<>();
        for (int z = 0; z < 4; z++) for (int y = 0; y < 4; y++) for (int x = 0; x < 4; x++) split(SPHERE, 4, x, y, z, 0, new Random(0) {
            @Override
            public double nextDouble() {
                return 0;
            }
        }, fine);
        int[] a = new int[4 * fine.size()];
        for (int i = 0; i < fine.size(); i++) System.arraycopy(fine.get(i), 0, a, 4 * i, 4);
        TriangleMesh m = DualMarchingCubes.extract(a, field(SPHERE), ORIGIN, H, 0f);
        assertGoodClosedSurface(m, SPHERE, 2, 0.002);
        assertTrue(leaves.length < a.length, "the random octree is coarser");
    }

    @Test
    void sizeJumpsAcrossUnbalancedLevelsAreCrackFree() {
        // x < 0: leaves of level 0 (1/32); x >= 0: leaves of level 3 (1/4): an 8:1 jump through the sphere
        List<int[]> out = new ArrayList<>();
        for (int z = 0; z < 64; z++) for (int y = 0; y < 64; y++) for (int x = 0; x < 32; x++) out.add(new int[] {0, x, y, z});
        for (int z = 0; z < 8; z++) for (int y = 0; y < 8; y++) for (int x = 4; x < 8; x++) out.add(new int[] {3, x, y, z});
        int[] a = new int[4 * out.size()];
        for (int i = 0; i < out.size(); i++) System.arraycopy(out.get(i), 0, a, 4 * i, 4);
        Sdf s = (x, y, z) -> Math.sqrt((x - 0.05) * (x - 0.05) + y * y + z * z) - 0.6;
        TriangleMesh m = DualMarchingCubes.extract(a, field(s), ORIGIN, H, 0f);
        assertGoodClosedSurface(m, s, 2, 0.06);
        // three levels meeting along a line
        List<int[]> mixed = new ArrayList<>();
        for (int z = 0; z < 64; z++) for (int y = 0; y < 32; y++) for (int x = 0; x < 32; x++) mixed.add(new int[] {0, x, y, z});
        for (int z = 0; z < 32; z++) for (int y = 16; y < 32; y++) for (int x = 0; x < 16; x++) mixed.add(new int[] {1, x, y, z});
        for (int z = 0; z < 16; z++) for (int y = 0; y < 16; y++) for (int x = 8; x < 16; x++) mixed.add(new int[] {2, x, y, z});
        int[] b = new int[4 * mixed.size()];
        for (int i = 0; i < mixed.size(); i++) System.arraycopy(mixed.get(i), 0, b, 4 * i, 4);
        Sdf c = (x, y, z) -> Math.sqrt(x * x + y * y + z * z) - 0.5;
        TriangleMesh mm = DualMarchingCubes.extract(b, field(c), ORIGIN, H, 0f);
        assertGoodClosedSurface(mm, c, 2, 0.03);
    }

    @Test
    void outputIsIndependentOfLeafOrderAndDuplicates() {
        int[] leaves = randomOctree(TORUS, 5, 0);
        TriangleMesh a = DualMarchingCubes.extract(leaves, field(TORUS), ORIGIN, H, 0f);
        List<int[]> rows = new ArrayList<>();
        for (int i = 0; i < leaves.length; i += 4) rows.add(new int[] {leaves[i], leaves[i + 1], leaves[i + 2], leaves[i + 3]});
        rows.add(rows.get(7).clone());
        Collections.shuffle(rows, new Random(42));
        int[] s = new int[4 * rows.size()];
        for (int i = 0; i < rows.size(); i++) System.arraycopy(rows.get(i), 0, s, 4 * i, 4);
        TriangleMesh b = DualMarchingCubes.extract(s, field(TORUS), ORIGIN, H, 0f);
        assertArrayEquals(a.vertices(), b.vertices());
        assertArrayEquals(a.triangles(), b.triangles());
    }

    @Test
    void aBandOfLeavesGivesAnOpenButManifoldPatch() {
        // only the leaves with z < 0: the sphere is cut there, edge-manifold with a boundary
        int[] leaves = randomOctree(SPHERE, 2, 0);
        List<int[]> lower = new ArrayList<>();
        for (int i = 0; i < leaves.length; i += 4) {
            int l = leaves[i];
            if (((leaves[i + 3] + 1) << l) <= 32) lower.add(new int[] {l, leaves[i + 1], leaves[i + 2], leaves[i + 3]});
        }
        int[] a = new int[4 * lower.size()];
        for (int i = 0; i < lower.size(); i++) System.arraycopy(lower.get(i), 0, a, 4 * i, 4);
        TriangleMesh m = DualMarchingCubes.extract(a, field(SPHERE), ORIGIN, H, 0f);
        MeshTopology.Report r = MeshTopology.analyze(m);
        assertTrue(r.isEdgeManifold(), r.toString());
        assertTrue(r.isConsistentlyOriented(), r.toString());
        assertTrue(r.boundaryEdges() > 0, r.toString());
        float[] v = m.vertices();
        for (int i = 0; i < m.vertexCount(); i++) assertTrue(v[3 * i + 2] < 0, "vertex above the band");
    }

    @Test
    void emptyAndUncrossedInputsGiveEmptyMeshes() {
        TriangleMesh e = DualMarchingCubes.extract(new int[0], field(SPHERE), ORIGIN, H, 0f);
        assertEquals(0, e.triangleCount());
        assertEquals(0, e.vertexCount());
        int[] leaves = randomOctree(SPHERE, 1, 0);
        TriangleMesh out = DualMarchingCubes.extract(leaves, field((x, y, z) -> 1.0), ORIGIN, H, 0f);
        assertEquals(0, out.triangleCount());
        assertEquals(0, out.vertexCount());
        TriangleMesh one = DualMarchingCubes.extract(new int[] {2, 1, 1, 1}, field(SPHERE), ORIGIN, H, 0f);
        assertEquals(0, one.triangleCount());
    }

    @Test
    void badLeavesAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> DualMarchingCubes.extract(new int[] {1, 0, 0, 0, 0, 1, 1, 1}, field(SPHERE), ORIGIN, H, 0f), "overlap");
        assertThrows(IllegalArgumentException.class,
                () -> DualMarchingCubes.extract(new int[] {1, 0, 0, 0, 0, 0, 0, 0}, field(SPHERE), ORIGIN, H, 0f), "same corner");
        assertThrows(IllegalArgumentException.class, () -> DualMarchingCubes.extract(new int[] {0, -1, 0, 0}, field(SPHERE), ORIGIN, H, 0f));
        assertThrows(IllegalArgumentException.class, () -> DualMarchingCubes.extract(new int[] {21, 0, 0, 0}, field(SPHERE), ORIGIN, H, 0f));
        assertThrows(IllegalArgumentException.class, () -> DualMarchingCubes.extract(new int[] {0, 0, 0}, field(SPHERE), ORIGIN, H, 0f));
    }

    @Test
    void skippingLeavesWithoutASignChangeAroundThemKeepsTheMesh() {
        for (long seed = 1; seed <= 8; seed++) {
            Sdf f = seed % 2 == 0 ? SPHERE : TORUS;
            int[] all = randomOctree(f, seed, seed % 3 == 0 ? 0 : 1);
            // drop some leaves (a sparse band with holes: dual cells with a missing octant), shuffle the rest
            Random rnd = new Random(seed);
            List<int[]> rows = new ArrayList<>();
            for (int i = 0; i < all.length; i += 4) {
                if (rnd.nextDouble() < 0.03) continue;
                rows.add(new int[] {all[i], all[i + 1], all[i + 2], all[i + 3]});
            }
            if (seed % 2 == 1) Collections.shuffle(rows, rnd);
            int n = rows.size();
            int[] leaves = new int[4 * n];
            for (int i = 0; i < n; i++) System.arraycopy(rows.get(i), 0, leaves, 4 * i, 4);
            float[] val = new float[n];
            for (int i = 0; i < n; i++) {
                double s = H * (1 << leaves[4 * i]);
                val[i] = (float) f.at(ORIGIN[0] + (leaves[4 * i + 1] + 0.5) * s, ORIGIN[1] + (leaves[4 * i + 2] + 0.5) * s,
                        ORIGIN[2] + (leaves[4 * i + 3] + 0.5) * s);
            }
            // active: some leaf sharing a boundary point (closed cubes intersect) is on the other side of 0
            boolean[] active = new boolean[n];
            int inactive = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n && !active[i]; j++) {
                    if ((val[i] < 0) == (val[j] < 0)) continue;
                    boolean touch = true;
                    for (int a = 1; a <= 3 && touch; a++) {
                        long lo1 = (long) leaves[4 * i + a] << leaves[4 * i], hi1 = lo1 + (1L << leaves[4 * i]);
                        long lo2 = (long) leaves[4 * j + a] << leaves[4 * j], hi2 = lo2 + (1L << leaves[4 * j]);
                        touch = lo1 <= hi2 && lo2 <= hi1;
                    }
                    active[i] = touch;
                }
                if (!active[i]) inactive++;
            }
            assertTrue(inactive > n / 10, "seed " + seed + ": " + inactive + " of " + n + " leaves skipped");
            TriangleMesh full = DualMarchingCubes.extract(leaves, field(f), ORIGIN, H, 0f);
            TriangleMesh given = DualMarchingCubes.extract(leaves, val, null, ORIGIN, H, 0f, null);
            TriangleMesh pruned = DualMarchingCubes.extract(leaves, val, active, ORIGIN, H, 0f, null);
            assertTrue(full.triangleCount() > 100, "seed " + seed);
            assertArrayEquals(full.vertices(), given.vertices(), "seed " + seed);
            assertArrayEquals(full.triangles(), given.triangles(), "seed " + seed);
            assertArrayEquals(full.vertices(), pruned.vertices(), "seed " + seed);
            assertArrayEquals(full.triangles(), pruned.triangles(), "seed " + seed);
            // the mask is honoured: skipping an active leaf loses triangles
            int k = 0;
            while (!active[k]) k++;
            boolean[] fewer = active.clone();
            fewer[k] = false;
            for (int q = 0; q < n; q++) if (active[q] && q % 2 == 0) fewer[q] = false;
            assertTrue(DualMarchingCubes.extract(leaves, val, fewer, ORIGIN, H, 0f, null).triangleCount() < full.triangleCount(), "seed " + seed);
        }
    }
}
