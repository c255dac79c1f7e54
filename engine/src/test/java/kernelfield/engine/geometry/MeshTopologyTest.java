package kernelfield.engine.geometry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.testing.SharedData;
import org.junit.jupiter.api.Test;

class MeshTopologyTest {
    /** Unit tetrahedron with outward triangles. */
    static TriangleMesh tetra(float dx) {
        float[] v = {dx, 0, 0, dx + 1, 0, 0, dx, 1, 0, dx, 0, 1};
        return new TriangleMesh(v, new int[] {0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3});
    }

    @Test
    void closedMeshes() {
        MeshTopology.Report r = MeshTopology.analyze(tetra(0));
        assertEquals(new MeshTopology.Report(4, 6, 4, 0, 0, 0, 1), r);
        assertTrue(r.isWatertight());
        assertEquals(2, r.eulerCharacteristic());
        assertEquals(1 / 6.0, MeshTopology.signedVolume(tetra(0)), 1e-7);
        assertEquals(1 / 6.0, MeshTopology.signedVolume(tetra(5)), 1e-6, "volume does not depend on position");
        TriangleMesh s = TestMeshes.icosphere(3);
        assertTrue(MeshTopology.isWatertight(s));
        assertEquals(2, MeshTopology.eulerCharacteristic(s));
        assertEquals(4 / 3.0 * Math.PI, MeshTopology.signedVolume(s), 0.05);
    }

    @Test
    void boundaryNonManifoldOrientationAndComponents() {
        TriangleMesh open = TestMeshes.without(tetra(0), 3);
        MeshTopology.Report r = MeshTopology.analyze(open);
        assertEquals(3, r.boundaryEdges());
        assertFalse(r.isWatertight());
        assertTrue(r.isEdgeManifold());
        assertEquals(1, r.eulerCharacteristic(), "a disk");

        // three triangles on one edge
        float[] v = {0, 0, 0, 1, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 1};
        TriangleMesh fin = new TriangleMesh(v, new int[] {0, 1, 2, 1, 0, 3, 0, 1, 4});
        MeshTopology.Report f = MeshTopology.analyze(fin);
        assertEquals(1, f.nonManifoldEdges());
        assertFalse(f.isEdgeManifold());
        assertFalse(MeshTopology.isWatertight(fin));

        // one flipped triangle: still closed, orientation inconsistent on its three edges
        int[] t = tetra(0).triangles().clone();
        int s = t[1];
        t[1] = t[2];
        t[2] = s;
        MeshTopology.Report fl = MeshTopology.analyze(new TriangleMesh(tetra(0).vertices(), t));
        assertTrue(fl.isWatertight());
        assertEquals(3, fl.inconsistentEdges());
        assertFalse(fl.isConsistentlyOriented());

        // two tetrahedra in one mesh, and an unused vertex
        float[] v2 = new float[27];
        System.arraycopy(tetra(0).vertices(), 0, v2, 0, 12);
        System.arraycopy(tetra(3).vertices(), 0, v2, 12, 12);
        int[] t2 = new int[24];
        for (int i = 0; i < 12; i++) {
            t2[i] = tetra(0).triangles()[i];
            t2[12 + i] = tetra(0).triangles()[i] + 4;
        }
        TriangleMesh two = new TriangleMesh(v2, t2);
        assertEquals(2, MeshTopology.componentCount(two));
        assertArrayEquals(new int[] {0, 0, 0, 0, 1, 1, 1, 1}, MeshTopology.componentLabels(two));
        MeshTopology.Report tr = MeshTopology.analyze(two);
        assertEquals(8, tr.vertices());
        assertEquals(4, tr.eulerCharacteristic());
        assertEquals(2 / 6.0, MeshTopology.signedVolume(two), 1e-6);
    }

    /** The same mesh with every triangle given its own three vertices. */
    static TriangleMesh split(TriangleMesh m, double jitter, long seed) {
        Random r = new Random(seed);
        int[] t = m.triangles();
        float[] v = new float[3 * t.length];
        int[] nt = new int[t.length];
        for (int i = 0; i < t.length; i++) {
            for (int k = 0; k < 3; k++) v[3 * i + k] = (float) (m.vertices()[3 * t[i] + k] + jitter * (r.nextDouble() - 0.5));
            nt[i] = i;
        }
        return new TriangleMesh(v, nt);
    }

    @Test
    void weldingRestoresTopology() {
        TriangleMesh s = TestMeshes.icosphere(2);
        TriangleMesh soup = split(s, 0, 1);
        assertEquals(soup.triangleCount() * 3, MeshTopology.analyze(soup).boundaryEdges());
        TriangleMesh w = MeshTopology.weldVertices(soup, 0);
        assertEquals(s.vertexCount(), w.vertexCount());
        assertTrue(MeshTopology.isWatertight(w));
        assertEquals(2, MeshTopology.eulerCharacteristic(w));
        assertEquals(MeshTopology.signedVolume(s), MeshTopology.signedVolume(w), 1e-9);

        TriangleMesh noisy = split(s, 1e-5, 2);
        assertTrue(MeshTopology.weldVertices(noisy, 0).vertexCount() > s.vertexCount());
        TriangleMesh wn = MeshTopology.weldVertices(noisy, 1e-4);
        assertEquals(s.vertexCount(), wn.vertexCount());
        assertTrue(MeshTopology.isWatertight(wn));
    }

    @Test
    void degenerateFacesAreRemoved() {
        float[] v = {0, 0, 0, 1, 0, 0, 0, 1, 0, 2, 0, 0};
        TriangleMesh m = new TriangleMesh(v, new int[] {0, 1, 2, 0, 0, 2, 0, 1, 3, 2, 1, 0});
        TriangleMesh c = MeshTopology.removeDegenerateFaces(m, 0);
        assertArrayEquals(new int[] {0, 1, 2, 2, 1, 0}, c.triangles());
        // welding a collapsed edge makes a repeated index, which is then removed
        float[] v2 = {0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0};
        TriangleMesh w = MeshTopology.weldVertices(new TriangleMesh(v2, new int[] {0, 1, 2, 0, 2, 3}), 0);
        assertEquals(3, w.vertexCount());
        assertEquals(1, MeshTopology.removeDegenerateFaces(w, 0).triangleCount());
    }

    @Test
    void realMeshes() throws Exception {
        TriangleMesh bunny = TestMeshes.cachedOff(SharedData.require("scans/bunny00.off"));
        MeshTopology.Report r = MeshTopology.analyze(bunny);
        assertTrue(r.isWatertight(), r.toString());
        assertTrue(r.isConsistentlyOriented(), r.toString());
        assertEquals(1, r.components());
        assertTrue(MeshTopology.signedVolume(bunny) > 0);
        TriangleMesh holes = TestMeshes.cachedOff(SharedData.require("scans/holes.off"));
        assertTrue(MeshTopology.analyze(holes).boundaryEdges() > 0);
    }
}
