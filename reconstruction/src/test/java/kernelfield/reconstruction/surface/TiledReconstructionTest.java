package kernelfield.reconstruction.surface;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;

import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.geometry.KdTree;
import kernelfield.engine.geometry.MeshMetrics;
import kernelfield.engine.geometry.MeshTopology;
import org.junit.jupiter.api.Test;

class TiledReconstructionTest {
    private static final SurfaceReconstruction.Options OPT = SurfaceReconstruction.Options.defaults().withThreads(2);

    @Test
    void tiledAgreesWithUntiledAndSeamsAreWelded() {
        PointCloud pc = SurfaceReconstructionTest.sphere(20000, 0.5, 11);
        // 2 marching-cubes cells per voxel, as measured for the tolerances below (the automatic choice
        // here is 4: 1.35% of the vertices then lie over 0.05 voxels from the untiled ones)
        SurfaceReconstruction.Options OPT = TiledReconstructionTest.OPT.withMeshSubdivision(2);
        Tile.Grid grid = TiledReconstruction.plan(pc, OPT, 0.45);
        List<Tile> tiles = TiledReconstruction.tiles(pc, grid);
        assertTrue(tiles.size() >= 8, "tiles " + tiles.size());
        SurfaceReconstruction.Result tiled = TiledReconstruction.reconstruct(pc, OPT, 0.45, null);
        // the untiled run meshed on the same uniform lattice (its default is dual marching cubes, whose vertices differ)
        TriangleMesh whole = SurfaceReconstruction.reconstructUniform(pc, OPT.withVoxelSize(grid.voxelSize())).mesh();
        TriangleMesh m = tiled.mesh();
        // same lattice: about the same vertices, every tiled vertex on the sphere and close to the untiled mesh
        assertEquals(whole.vertexCount(), m.vertexCount(), 0.01 * whole.vertexCount());
        float[] v = m.vertices();
        double worst = 0;
        for (int i = 0; i < v.length; i += 3) {
            double d = Math.sqrt((v[i] - 1.0) * (v[i] - 1.0) + (v[i + 1] - 2.0) * (v[i + 1] - 2.0) + (v[i + 2] - 3.0) * (v[i + 2] - 3.0));
            worst = Math.max(worst, Math.abs(d - 0.5) / 0.5);
        }
        assertTrue(worst < 0.01, "radius error " + worst);
        float[] d2 = new float[m.vertexCount()];
        KdTree.build(whole.vertices()).nearestBatch(v, new int[m.vertexCount()], d2);
        double h = tiled.voxelSize();
        int far = 0;
        for (float d : d2) if (Math.sqrt(d) > 0.05 * h) far++;
        assertTrue(far < 0.01 * d2.length, far + " of " + d2.length + " tiled vertices away from the untiled ones");
        // seams welded: boundary edges (open seams) are rare
        java.util.Map<Long, Integer> edges = new java.util.HashMap<>();
        int[] t = m.triangles();
        for (int i = 0; i < t.length; i += 3) {
            for (int e = 0; e < 3; e++) {
                int a = t[i + e], b = t[i + (e + 1) % 3];
                edges.merge(((long) Math.min(a, b) << 32) | Math.max(a, b), 1, Integer::sum);
            }
        }
        long open = edges.values().stream().filter(c -> c == 1).count();
        assertTrue(open < 0.002 * edges.size(), open + " open edges of " + edges.size());
    }

    @Test
    void watertightTiledSphereIsClosedManifoldAndAgreesWithUntiled() {
        // tiles of 0.4 on a sphere of radius 0.5: the surface crosses tile faces, edges and corners
        PointCloud pc = SurfaceReconstructionTest.sphere(5000, 0.5, 13);
        SurfaceReconstruction.Options wt = OPT.withWatertight(true);
        Tile.Grid grid = TiledReconstruction.plan(pc, wt, 0.4);
        List<Tile> tiles = TiledReconstruction.tiles(pc, grid);
        assertTrue(tiles.size() >= 20, "tiles " + tiles.size());
        SurfaceReconstruction.Result tiled = TiledReconstruction.reconstruct(pc, wt, 0.4, null);
        TriangleMesh m = tiled.mesh();
        MeshTopology.Report rep = MeshTopology.analyze(m);
        assertTrue(rep.isWatertight(), "tiled watertight: " + rep);
        assertTrue(rep.isConsistentlyOriented(), "tiled orientation: " + rep);
        assertEquals(1, rep.components(), "one component: " + rep);
        assertEquals(2, rep.eulerCharacteristic(), "a sphere: " + rep);
        assertTrue(MeshTopology.signedVolume(m) > 0, "outward orientation");
        TriangleMesh whole = SurfaceReconstruction.reconstruct(pc, wt.withVoxelSize(grid.voxelSize()), null).mesh();
        assertTrue(MeshTopology.isWatertight(whole));
        MeshMetrics.Result agree = MeshMetrics.compare(m, whole, MeshMetrics.Options.defaults().withTaus(0.005));
        assertTrue(agree.fscore(0.005) >= 0.99, "F@0.5% tiled vs untiled " + agree.fscore(0.005));
        // every vertex normal points outwards (within about 35 degrees: these tiles are tiny, 11
        // voxels with halos of 6, so the blended fields near seams are each fitted close to their
        // halo's edge; measured worst 27 degrees)
        float[] v = m.vertices(), n = m.normals();
        for (int i = 0; i < v.length; i += 3) {
            double dot = (v[i] - 1.0) * n[i] + (v[i + 1] - 2.0) * n[i + 1] + (v[i + 2] - 3.0) * n[i + 2];
            assertTrue(dot > 0.4, "normal at vertex " + i / 3 + ": cosine " + dot / 0.5);
        }
    }

    @Test
    void aTileIsAPureFunctionOfItsPointsAndSerializable() throws Exception {
        PointCloud pc = SurfaceReconstructionTest.sphere(8000, 0.5, 12);
        Tile.Grid grid = TiledReconstruction.plan(pc, OPT, 0.5);
        Tile tile = null;
        int most = -1;
        for (Tile t : TiledReconstruction.tiles(pc, grid)) {
            int c = TiledReconstruction.pointsOf(t, pc).size();
            if (c > most) {
                most = c;
                tile = t;
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(tile);
        }
        Tile back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (Tile) in.readObject();
        }
        assertEquals(tile, back);
        assertEquals(tile.key(), back.key());
        PointCloud pts = TiledReconstruction.pointsOf(back, pc);
        TiledReconstruction.TileResult ra = TiledReconstruction.reconstructTile(tile, TiledReconstruction.pointsOf(tile, pc), OPT);
        TriangleMesh a = ra.mesh();
        TriangleMesh b = TiledReconstruction.reconstructTile(back, pts, OPT.withThreads(1)).mesh();
        assertTrue(a.triangleCount() > 0);
        assertArrayEquals(a.vertices(), b.vertices());
        assertArrayEquals(a.triangles(), b.triangles());
        // the seam ships too, and pass 2 is a pure function of the seams
        bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(ra.seam());
        }
        TiledReconstruction.Seam seamBack;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            seamBack = (TiledReconstruction.Seam) in.readObject();
        }
        assertTrue(ra.seam().size() > 0 && ra.seam().bandVoxels().length > 0);
        TriangleMesh sa = TiledReconstruction.seamMesh(tile, List.of(ra.seam()), null, OPT);
        TriangleMesh sb = TiledReconstruction.seamMesh(back, List.of(seamBack), null, OPT.withThreads(1));
        assertTrue(sa.triangleCount() > 0);
        assertArrayEquals(sa.vertices(), sb.vertices());
        assertArrayEquals(sa.triangles(), sb.triangles());
        // only owned cells: every vertex inside the tile's cube (up to its faces)
        double[] box = tile.haloBox();
        double hw = grid.haloVoxels() * grid.voxelSize();
        float[] v = a.vertices();
        for (int i = 0; i < v.length; i += 3) {
            for (int ax = 0; ax < 3; ax++) {
                assertTrue(v[i + ax] >= box[ax] + hw - 1e-5 && v[i + ax] <= box[ax + 3] - hw + 1e-5, "vertex " + i / 3 + " outside the tile");
            }
        }
    }
}
