package kernelfield.reconstruction.surface;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import kernelfield.engine.compute.CpuDevice;
import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.geometry.MeshTopology;
import kernelfield.fields.nks.NksField;
import kernelfield.fields.nks.VoxelHierarchy;
import kernelfield.reconstruction.surface.internal.HierarchyMesher;
import org.junit.jupiter.api.Test;

/** The default mesher of untiled runs: dual marching cubes over the adaptive octree ({@link HierarchyMesher}). */
class DualMeshingTest {
    private static final SurfaceReconstruction.Options OPT = SurfaceReconstruction.Options.defaults().withThreads(2);

    /** The sphere of radius 0.5 around (1, 2, 3), keeping one point in 50 of its cap {@code z - 3 > cut}. */
    static PointCloud cutSphere(int n, double cut, long seed) {
        PointCloud all = SurfaceReconstructionTest.sphere(n, 0.5, seed);
        float[] p = all.positions(), nn = all.normals();
        int m = 0;
        float[] q = new float[p.length], qn = new float[p.length];
        for (int i = 0; i < n; i++) {
            if (p[3 * i + 2] - 3 > cut && i % 50 != 0) continue;
            System.arraycopy(p, 3 * i, q, 3 * m, 3);
            System.arraycopy(nn, 3 * i, qn, 3 * m, 3);
            m++;
        }
        return new PointCloud(java.util.Arrays.copyOf(q, 3 * m), java.util.Arrays.copyOf(qn, 3 * m));
    }

    private static SurfaceReconstruction.Result closedSphere, closedCutSphere;

    /** The watertight reconstruction of the 20000-point sphere with the default options, computed once. */
    private static synchronized SurfaceReconstruction.Result closedSphere() {
        if (closedSphere == null) closedSphere = SurfaceReconstruction.reconstruct(SurfaceReconstructionTest.sphere(20000, 0.5, 1), OPT.withWatertight(true), null);
        return closedSphere;
    }

    /** The watertight reconstruction of the sphere with a sparse cap at voxel size 0.02, computed once. */
    private static synchronized SurfaceReconstruction.Result closedCutSphere() {
        if (closedCutSphere == null) closedCutSphere = SurfaceReconstruction.reconstruct(cutSphere(40000, 0.3, 3), OPT.withVoxelSize(0.02).withWatertight(true), null);
        return closedCutSphere;
    }

    static void assertClosedSphereLike(TriangleMesh m) {
        MeshTopology.Report r = MeshTopology.analyze(m);
        assertTrue(r.isWatertight(), r.toString());
        assertTrue(r.isEdgeManifold(), r.toString());
        assertTrue(r.isConsistentlyOriented(), r.toString());
        assertEquals(2, r.eulerCharacteristic(), r.toString());
        assertEquals(1, r.components(), r.toString());
        assertTrue(MeshTopology.signedVolume(m) > 0, "outward");
    }

    @Test
    void defaultMeshIsEdgeManifoldAndWatertightIsClosed() {
        PointCloud pc = SurfaceReconstructionTest.sphere(20000, 0.5, 1);
        SurfaceReconstruction.Result trimmed = SurfaceReconstruction.reconstruct(pc, OPT, null);
        MeshTopology.Report r = MeshTopology.analyze(trimmed.mesh());
        assertTrue(r.isEdgeManifold(), r.toString());
        assertTrue(r.isConsistentlyOriented(), r.toString());
        SurfaceReconstruction.Result closed = closedSphere();
        assertClosedSphereLike(closed.mesh());
        // Newton-refined vertices sit on the zero set, far closer than a marching-cubes cell, and on the sphere
        double hm = closed.voxelSize() / 4;
        float[] v = closed.mesh().vertices();
        float[] fv = new float[v.length / 3];
        try (CpuDevice device = CpuDevice.withThreads(2)) {
            closed.field().evaluate(v, fv, device);
        }
        for (int i = 0; i < fv.length; i++) assertTrue(Math.abs(fv[i]) < 0.02 * hm, "vertex " + i + ": f = " + fv[i]);
        for (int i = 0; i < v.length; i += 3) {
            double d = Math.sqrt((v[i] - 1.0) * (v[i] - 1.0) + (v[i + 1] - 2.0) * (v[i + 1] - 2.0) + (v[i + 2] - 3.0) * (v[i + 2] - 3.0));
            assertEquals(0.5, d, 0.005, "vertex " + i / 3);
        }
    }

    @Test
    void watertightRunsMeshDualAtThreeCellsPerVoxel() {
        // trimmed runs at 3 cells per voxel keep the uniform lattice; closed ones take the dual mesh, whose leaves
        // over the sparse cap stay at coarser cells: fewer triangles than the uniform lattice there (the uniform
        // path would give exactly as many: the vertex refinement moves vertices, it adds none)
        PointCloud pc = cutSphere(40000, 0.3, 3);
        SurfaceReconstruction.Options o = OPT.withVoxelSize(0.02).withMeshSubdivision(3).withWatertight(true);
        TriangleMesh dual = SurfaceReconstruction.reconstruct(pc, o, null).mesh();
        TriangleMesh uniform = SurfaceReconstruction.reconstructUniform(pc, o).mesh();
        assertClosedSphereLike(dual);
        int capDual = capTriangles(dual), capUniform = capTriangles(uniform);
        assertTrue(capDual < capUniform, "triangles over the cap: " + capDual + " vs uniform " + capUniform);
    }

    /**
     * The leaves {@code (N, 4)} of {@link #cutSphere}'s closed field on the lattice of {@code hm}: some above the
     * finest size on the sparse cap (z - 3 > 0.35), none on the surface of the densely sampled body (z - 3 < 0.2).
     */
    private static void assertCoarseOnlyOnTheCap(VoxelHierarchy hier, int[] leaves, double hm) {
        int capCoarse = 0, bodyCoarse = 0;
        for (int i = 0; i < leaves.length; i += 4) {
            int l = leaves[i];
            double s = hm * (1 << l);
            double cx = hier.originX() + (leaves[i + 1] + 0.5) * s, cy = hier.originY() + (leaves[i + 2] + 0.5) * s;
            double cz = hier.originZ() + (leaves[i + 3] + 0.5) * s;
            double rad = Math.sqrt((cx - 1) * (cx - 1) + (cy - 2) * (cy - 2) + (cz - 3) * (cz - 3));
            if (l > 0 && Math.abs(rad - 0.5) < 0.3 * s) {
                if (cz - 3 > 0.35) capCoarse++;
                else if (cz - 3 < 0.2) bodyCoarse++;
            }
        }
        assertTrue(capCoarse > 0, "coarse leaves on the sparse cap: " + capCoarse);
        assertEquals(0, bodyCoarse, "coarse leaves on the surface where the finest level is active");
    }

    /** Triangles of {@code m} whose first vertex lies over the sparse cap of {@link #cutSphere} (z - 3 > 0.35). */
    private static int capTriangles(TriangleMesh m) {
        float[] v = m.vertices();
        int[] t = m.triangles();
        int c = 0;
        for (int i = 0; i < t.length; i += 3) if (v[3 * t[i] + 2] - 3 > 0.35) c++;
        return c;
    }

    @Test
    void sparseCapOnCoarseLevelsIsClosedWithCoarseLeaves() {
        // over the cap z - 3 > 0.3 the points are 7 times further apart than the finest voxels reach: between them
        // only coarse levels hold voxels, and the leaves there stop at those levels' cells; the closed field gives a
        // closed dual mesh (with fewer points the field itself opens over the cap, and the uniform mesh with it)
        PointCloud pc = cutSphere(40000, 0.3, 3);
        SurfaceReconstruction.Options o = OPT.withVoxelSize(0.02);
        SurfaceReconstruction.Result open = SurfaceReconstruction.reconstruct(pc, o, null);
        MeshTopology.Report ro = MeshTopology.analyze(open.mesh());
        assertTrue(ro.isEdgeManifold(), ro.toString());
        assertTrue(ro.isConsistentlyOriented(), ro.toString());
        SurfaceReconstruction.Result closed = closedCutSphere();
        assertClosedSphereLike(closed.mesh());
        MeshTopology.Report rc = MeshTopology.analyze(closed.mesh());
        NksField f = closed.field();
        VoxelHierarchy hier = f.hierarchy();
        assertTrue(hier.levelCount() >= 3, "levels " + hier.levelCount());
        int sd = HierarchyMesher.powerOfTwo(SurfaceReconstruction.chooseSubdivision(0.02, Math.sqrt(3)));
        try (CpuDevice device = CpuDevice.withThreads(2)) {
            int[] cells = kernelfield.reconstruction.surface.internal.SurfaceCells.crossedCells(f, false, 1.5, sd, device);
            double[] origin = {hier.originX(), hier.originY(), hier.originZ()};
            TriangleMesh uniform = SurfaceReconstruction.polygonize(cells, (g, out, d) -> f.evaluateLattice(0, sd, g, out, d), origin, 0.02 / sd, device);
            int ub = MeshTopology.boundaryEdgeCount(uniform);
            assertTrue(ub == 0 && rc.boundaryEdges() == 0, "boundary edges: dual " + rc.boundaryEdges() + ", uniform " + ub);
            int[] leaves = HierarchyMesher.octree(f, false, sd, HierarchyMesher.FLATNESS, HierarchyMesher.LIPSCHITZ, device);
            assertCoarseOnlyOnTheCap(hier, leaves, hier.finestVoxelSize() / sd);
        }
    }

    @Test
    void meshIsIndependentOfThreadCount() {
        PointCloud pc = SurfaceReconstructionTest.sphere(20000, 0.5, 5);
        TriangleMesh a = SurfaceReconstruction.reconstruct(pc, OPT.withThreads(1).withWatertight(true), null).mesh();
        TriangleMesh b = SurfaceReconstruction.reconstruct(pc, OPT.withThreads(2).withWatertight(true), null).mesh();
        assertArrayEquals(a.vertices(), b.vertices());
        assertArrayEquals(a.triangles(), b.triangles());
    }

    /** Leaves {@code (N, 4)} as the set of base cells they cover; fails on an overlap. */
    private static Set<Long> baseCells(int[] leaves) {
        Set<Long> cells = new HashSet<>();
        for (int i = 0; i < leaves.length; i += 4) {
            int l = leaves[i], w = 1 << l;
            for (int z = 0; z < w; z++) {
                for (int y = 0; y < w; y++) {
                    for (int x = 0; x < w; x++) {
                        long key = ((long) ((leaves[i + 3] << l) + z) << 42) | ((long) ((leaves[i + 2] << l) + y) << 21) | ((leaves[i + 1] << l) + x);
                        assertTrue(cells.add(key), "leaf (" + l + ", " + leaves[i + 1] + ", " + leaves[i + 2] + ", " + leaves[i + 3] + ") overlaps another");
                    }
                }
            }
        }
        return cells;
    }

    @Test
    void voxelOfThreeCellsIsTiledByItsCoarsestOctreeCells() {
        // every parity of the voxel's lowest base cell: 1 cell of level 1 and 19 of level 0, covering the 27 base cells once
        for (int c = 0; c < 8; c++) {
            int x0 = 3 * (5 + (c & 1)), y0 = 3 * (8 + (c >> 1 & 1)), z0 = 3 * (11 + (c >> 2 & 1));
            int[] rows = HierarchyMesher.tiles(x0, y0, z0, 3);
            assertEquals(80, rows.length, "tiles of the voxel at " + x0 + ", " + y0 + ", " + z0);
            int level1 = 0;
            for (int i = 0; i < rows.length; i += 4) level1 += rows[i];
            assertEquals(1, level1);
            Set<Long> cells = baseCells(rows);
            assertEquals(27, cells.size());
            for (long k : cells) {
                int x = (int) (k & 0x1fffff), y = (int) (k >> 21 & 0x1fffff), z = (int) (k >> 42);
                assertTrue(x >= x0 && x < x0 + 3 && y >= y0 && y < y0 + 3 && z >= z0 && z < z0 + 3, "cell outside the voxel");
            }
        }
        // a far-field voxel of level 2 (12 base cells) from a multiple of 4: cells of levels 2 and 3, covering it exactly
        int[] t = HierarchyMesher.tiles(12, 24, 36, 12);
        assertEquals(12 * 12 * 12, baseCells(t).size());
        for (int i = 0; i < t.length; i += 4) assertTrue(t[i] == 2 || t[i] == 3, "tiles of a level-2 voxel are of level 2 or 3");
        // a power of two aligned: itself
        assertArrayEquals(new int[] {2, 2, 3, 1}, HierarchyMesher.tiles(8, 12, 4, 4));
    }

    /** Vertices within {@code 0.02 hm} of the zero set of {@code f} and, unless {@code radiusTol} is 0, within it of the sphere. */
    private static void assertOnSphere(NksField f, TriangleMesh m, double hm, double radiusTol) {
        float[] v = m.vertices();
        float[] fv = new float[v.length / 3];
        try (CpuDevice device = CpuDevice.withThreads(2)) {
            f.evaluate(v, fv, device);
        }
        for (int i = 0; i < fv.length; i++) assertTrue(Math.abs(fv[i]) < 0.02 * hm, "vertex " + i + ": f = " + fv[i]);
        for (int i = 0; i < v.length && radiusTol > 0; i += 3) {
            double d = Math.sqrt((v[i] - 1.0) * (v[i] - 1.0) + (v[i + 1] - 2.0) * (v[i + 1] - 2.0) + (v[i + 2] - 3.0) * (v[i + 2] - 3.0));
            assertEquals(0.5, d, radiusTol, "vertex " + i / 3);
        }
    }

    @Test
    void threeCellsPerVoxelGiveAClosedMeshOnTheZeroSet() {
        NksField f = closedSphere().field();
        double h0 = f.hierarchy().finestVoxelSize();
        try (CpuDevice d1 = CpuDevice.withThreads(1); CpuDevice d2 = CpuDevice.withThreads(2)) {
            for (boolean trim : new boolean[] {false, true}) {
                TriangleMesh m1 = HierarchyMesher.mesh(f, trim, 3, HierarchyMesher.FLATNESS, HierarchyMesher.LIPSCHITZ, 1, d1);
                TriangleMesh m2 = HierarchyMesher.mesh(f, trim, 3, HierarchyMesher.FLATNESS, HierarchyMesher.LIPSCHITZ, 1, d2);
                assertArrayEquals(m1.vertices(), m2.vertices(), "trim " + trim);
                assertArrayEquals(m1.triangles(), m2.triangles(), "trim " + trim);
                // closed (trimmed to the distance mask, which holds the whole sphere here, or not), on the zero set
                assertClosedSphereLike(m1);
                assertOnSphere(f, m1, h0 / 3, 0.005);
                if (!trim) continue;
                // the octree: level-0 leaves at the surface, coarser tiles away from it, no overlaps, and no
                // leaf crosses a finest voxel's boundary (voxels are 3 base cells)
                int[] leaves = HierarchyMesher.octree(f, true, 3, HierarchyMesher.FLATNESS, HierarchyMesher.LIPSCHITZ, d2);
                Set<Long> cells = baseCells(leaves);
                assertEquals(27L * f.hierarchy().level(0).size(), cells.size(), "the active voxels' base cells, each once");
                int coarse = 0;
                for (int i = 0; i < leaves.length; i += 4) {
                    int l = leaves[i];
                    assertTrue(l <= 1, "level " + l);
                    if (l == 1) {
                        coarse++;
                        for (int a = 1; a <= 3; a++) {
                            int x = leaves[i + a] << 1;
                            assertEquals(x / 3, (x + 1) / 3, "leaf crosses a voxel boundary");
                        }
                    }
                }
                assertTrue(coarse > 0, "level-1 tiles away from the surface");
            }
            // the trimmed mesh skips the leaves without a sign change around them: the same mesh as all dual cells
            for (int sd = 1; sd <= 4; sd++) {
                int[] leaves = HierarchyMesher.octree(f, true, sd, HierarchyMesher.FLATNESS, HierarchyMesher.LIPSCHITZ, d2);
                int s2 = 2 * sd;
                kernelfield.engine.geometry.DualMarchingCubes.LeafField lf = (rows, out) -> {
                    int m = rows.length / 4;
                    int[] g = new int[3 * m];
                    for (int i = 0; i < m; i++) {
                        int l = rows[4 * i];
                        for (int a = 0; a < 3; a++) g[3 * i + a] = (rows[4 * i + 1 + a] << (l + 1)) + (1 << l);
                    }
                    f.evaluateLattice(0, s2, g, out, d2);
                };
                VoxelHierarchy hier = f.hierarchy();
                TriangleMesh all = kernelfield.engine.geometry.DualMarchingCubes.extract(leaves, lf,
                        new double[] {hier.originX(), hier.originY(), hier.originZ()}, h0 / sd, 0f, d2);
                TriangleMesh pruned = HierarchyMesher.mesh(f, true, sd, HierarchyMesher.FLATNESS, HierarchyMesher.LIPSCHITZ, 0, d1);
                assertTrue(all.triangleCount() > 1000, "sd " + sd);
                assertArrayEquals(all.vertices(), pruned.vertices(), "sd " + sd);
                assertArrayEquals(all.triangles(), pruned.triangles(), "sd " + sd);
            }
            // the other subdivisions mesh the same field closed too
            for (int sd : new int[] {1, 2, 4}) {
                TriangleMesh m = HierarchyMesher.mesh(f, false, sd, HierarchyMesher.FLATNESS, HierarchyMesher.LIPSCHITZ, 1, d2);
                assertClosedSphereLike(m);
            }
        }
    }

    @Test
    void sparseCapAtThreeCellsPerVoxelIsClosedWithCoarseLeaves() {
        NksField f = closedCutSphere().field();
        VoxelHierarchy hier = f.hierarchy();
        assertTrue(hier.levelCount() >= 3, "levels " + hier.levelCount());
        try (CpuDevice device = CpuDevice.withThreads(2)) {
            int[] leaves = HierarchyMesher.octree(f, false, 3, HierarchyMesher.FLATNESS, HierarchyMesher.LIPSCHITZ, device);
            baseCells(leaves);
            double hm = hier.finestVoxelSize() / 3;
            assertCoarseOnlyOnTheCap(hier, leaves, hm);
            TriangleMesh m = HierarchyMesher.mesh(f, false, 3, HierarchyMesher.FLATNESS, HierarchyMesher.LIPSCHITZ, 1, device);
            assertClosedSphereLike(m);
            // on the zero set (which over the sparse cap is not the sphere)
            assertOnSphere(f, m, hm, 0);
        }
    }

    @Test
    void subdivisionOutsideOneToFourIsRejected() {
        PointCloud pc = SurfaceReconstructionTest.sphere(2000, 0.5, 2);
        NksField f = SurfaceReconstruction.reconstruct(pc, OPT.withVoxelSize(0.1), null).field();
        try (CpuDevice device = CpuDevice.withThreads(1)) {
            for (int sd : new int[] {0, 5}) {
                IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                        () -> HierarchyMesher.mesh(f, true, sd, 0, 1, 1, device));
                assertFalse(e.getMessage().isEmpty());
            }
        }
    }
}
