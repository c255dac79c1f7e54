package kernelfield.reconstruction.surface;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        SurfaceReconstruction.Result closed = SurfaceReconstruction.reconstruct(pc, OPT.withWatertight(true), null);
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
        SurfaceReconstruction.Result closed = SurfaceReconstruction.reconstruct(pc, o.withWatertight(true), null);
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
            double hm = hier.finestVoxelSize() / sd;
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
    }

    @Test
    void meshIsIndependentOfThreadCount() {
        PointCloud pc = SurfaceReconstructionTest.sphere(20000, 0.5, 5);
        TriangleMesh a = SurfaceReconstruction.reconstruct(pc, OPT.withThreads(1).withWatertight(true), null).mesh();
        TriangleMesh b = SurfaceReconstruction.reconstruct(pc, OPT.withThreads(2).withWatertight(true), null).mesh();
        assertArrayEquals(a.vertices(), b.vertices());
        assertArrayEquals(a.triangles(), b.triangles());
    }
}
