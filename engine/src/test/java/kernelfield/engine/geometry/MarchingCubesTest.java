package kernelfield.engine.geometry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import kernelfield.engine.data.TriangleMesh;
import org.junit.jupiter.api.Test;

class MarchingCubesTest {

    interface Sdf {
        double at(double x, double y, double z);
    }

    static final Sdf SPHERE = (x, y, z) -> Math.sqrt(x * x + y * y + z * z) - 0.8;
    static final Sdf TORUS = (x, y, z) -> {
        double q = Math.sqrt(x * x + y * y) - 0.6;
        return Math.sqrt(q * q + z * z) - 0.25;
    };

    static float[] sample(SampleGrid g, Sdf f) {
        float[] p = g.samplePositions();
        float[] v = new float[p.length / 3];
        for (int i = 0; i < v.length; i++) v[i] = (float) f.at(p[3 * i], p[3 * i + 1], p[3 * i + 2]);
        return v;
    }

    static SparseMarchingCubes.Field field(Sdf f) {
        return pts -> {
            float[] v = new float[pts.length / 3];
            for (int i = 0; i < v.length; i++) v[i] = (float) f.at(pts[3 * i], pts[3 * i + 1], pts[3 * i + 2]);
            return v;
        };
    }

    static final SampleGrid GRID = new SampleGrid(41, 41, 41, -1, -1, -1, 0.05);

    @Test
    void sphereIsClosedGenusZeroAndOutward() {
        TriangleMesh m = MarchingCubes.extract(sample(GRID, SPHERE), GRID, 0);
        MeshTopology.Report r = MeshTopology.analyze(m);
        assertTrue(r.isWatertight(), r.toString());
        assertTrue(r.isConsistentlyOriented(), r.toString());
        assertEquals(2, r.eulerCharacteristic(), r.toString());
        assertEquals(1, r.components());
        assertEquals(m.vertexCount(), r.vertices(), "no unused vertices");
        float[] v = m.vertices();
        for (int i = 0; i < m.vertexCount(); i++) {
            double rad = Math.sqrt(v[3 * i] * v[3 * i] + v[3 * i + 1] * v[3 * i + 1] + v[3 * i + 2] * v[3 * i + 2]);
            assertEquals(0.8, rad, 0.008);
        }
        double vol = MeshTopology.signedVolume(m);
        assertEquals(4 / 3.0 * Math.PI * 0.8 * 0.8 * 0.8, vol, 0.02 * vol);
        // the normals point outward: compare with the radial direction
        float[] n = m.computeVertexNormals();
        for (int i = 0; i < m.vertexCount(); i++) {
            double d = n[3 * i] * v[3 * i] + n[3 * i + 1] * v[3 * i + 1] + n[3 * i + 2] * v[3 * i + 2];
            assertTrue(d > 0.7, "normal " + i);
        }
        // an iso level: radius 0.5
        TriangleMesh m2 = MarchingCubes.extract(sample(GRID, SPHERE), GRID, -0.3f);
        assertEquals(2, MeshTopology.eulerCharacteristic(m2));
        assertEquals(4 / 3.0 * Math.PI * 0.125, MeshTopology.signedVolume(m2), 0.01);
    }

    @Test
    void torusHasEulerZero() {
        TriangleMesh m = MarchingCubes.extract(sample(GRID, TORUS), GRID, 0);
        MeshTopology.Report r = MeshTopology.analyze(m);
        assertTrue(r.isWatertight(), r.toString());
        assertTrue(r.isConsistentlyOriented());
        assertEquals(0, r.eulerCharacteristic(), r.toString());
        assertEquals(1, r.components());
        double vol = 2 * Math.PI * Math.PI * 0.6 * 0.25 * 0.25;
        assertEquals(vol, MeshTopology.signedVolume(m), 0.03 * vol);
    }

    @Test
    void everyCaseClosesAroundOneCell() {
        // a 4 x 4 x 4 grid, positive everywhere except the centre cell's corners, which take every
        // sign pattern with random magnitudes (so ambiguous faces go both ways)
        SampleGrid g = new SampleGrid(4, 4, 4, 0, 0, 0, 1);
        Random rnd = new Random(11);
        for (int cs = 1; cs < 256; cs++) {
            for (int rep = 0; rep < 8; rep++) {
                float[] v = new float[64];
                for (int i = 0; i < 64; i++) v[i] = 0.1f + rnd.nextFloat();
                for (int c = 0; c < 8; c++) {
                    int idx = ((1 + (c >> 2 & 1)) * 4 + 1 + (c >> 1 & 1)) * 4 + 1 + (c & 1);
                    float mag = 0.05f + rnd.nextFloat();
                    v[idx] = (cs >> c & 1) == 1 ? -mag : mag;
                }
                TriangleMesh m = MarchingCubes.extract(v, g, 0);
                MeshTopology.Report r = MeshTopology.analyze(m);
                assertTrue(r.isWatertight(), "case " + cs + ": " + r);
                assertTrue(r.isConsistentlyOriented(), "case " + cs + ": " + r);
                assertTrue(MeshTopology.signedVolume(m) > 0, "case " + cs);
                assertEquals(2 * r.components(), r.eulerCharacteristic(), "case " + cs + ": spheres only, " + r);
            }
        }
    }

    @Test
    void randomFieldsAreManifoldAndOpenOnlyAtTheGridBoundary() {
        Random rnd = new Random(12);
        for (int rep = 0; rep < 30; rep++) {
            int nx = 4 + rnd.nextInt(9), ny = 4 + rnd.nextInt(9), nz = 4 + rnd.nextInt(9);
            SampleGrid g = new SampleGrid(nx, ny, nz, -1, 2, 0.5, 0.3, 0.2, 0.1);
            float[] v = new float[nx * ny * nz];
            for (int i = 0; i < v.length; i++) v[i] = (float) rnd.nextGaussian();
            TriangleMesh m = MarchingCubes.extract(v, g, 0.1f);
            MeshTopology.Report r = MeshTopology.analyze(m);
            assertTrue(r.isEdgeManifold(), r.toString());
            assertTrue(r.isConsistentlyOriented(), r.toString());
            // every boundary edge lies on an outer face of the grid
            Map<Long, Integer> uses = new HashMap<>();
            int[] t = m.triangles();
            for (int i = 0; i < t.length; i += 3) {
                for (int k = 0; k < 3; k++) {
                    int a = t[i + k], b = t[i + (k + 1) % 3];
                    uses.merge((long) Math.min(a, b) << 32 | Math.max(a, b), 1, Integer::sum);
                }
            }
            float[] p = m.vertices();
            double[] lo = {g.x(0), g.y(0), g.z(0)}, hi = {g.x(nx - 1), g.y(ny - 1), g.z(nz - 1)};
            for (var e : uses.entrySet()) {
                if (e.getValue() != 1) continue;
                int a = (int) (e.getKey() >>> 32), b = (int) (long) e.getKey();
                boolean onFace = false;
                for (int k = 0; k < 3; k++) {
                    float lk = (float) lo[k], hk = (float) hi[k];
                    if ((p[3 * a + k] == lk && p[3 * b + k] == lk) || (p[3 * a + k] == hk && p[3 * b + k] == hk)) onFace = true;
                }
                assertTrue(onFace, "boundary edge inside the grid");
            }
            // with a positive border the level set is closed
            for (int k = 0; k < nz; k++) {
                for (int j = 0; j < ny; j++) {
                    for (int i = 0; i < nx; i++) {
                        if (i == 0 || j == 0 || k == 0 || i == nx - 1 || j == ny - 1 || k == nz - 1) v[(k * ny + j) * nx + i] = 1;
                    }
                }
            }
            TriangleMesh closed = MarchingCubes.extract(v, g, 0.1f);
            MeshTopology.Report rc = MeshTopology.analyze(closed);
            assertTrue(closed.triangleCount() == 0 || rc.isWatertight(), rc.toString());
            assertTrue(rc.isConsistentlyOriented());
            assertTrue(MeshTopology.signedVolume(closed) >= 0);
        }
    }

    @Test
    void sparseEqualsDenseOnTheNarrowBand() {
        for (Sdf f : new Sdf[] {SPHERE, TORUS}) {
            TriangleMesh dense = MarchingCubes.extract(sample(GRID, f), GRID, 0);
            long[] band = SparseMarchingCubes.cellsNearSurface(field(f), GRID, 2, (float) (2 * 0.05 * Math.sqrt(3) * 1.01), 0);
            assertTrue(band.length < 0.6 * 40 * 40 * 40, "band is narrow: " + band.length);
            TriangleMesh sparse = SparseMarchingCubes.extract(field(f), GRID, band, 0);
            assertArrayEquals(dense.vertices(), sparse.vertices());
            assertArrayEquals(dense.triangles(), sparse.triangles());
        }
    }

    @Test
    void sparseIgnoresOrderAndDuplicatesAndOpensWhereCellsAreMissing() {
        float[] dense = sample(GRID, SPHERE);
        TriangleMesh reference = MarchingCubes.extract(dense, GRID, 0);
        // all cells, shuffled, some twice
        Random rnd = new Random(13);
        int n = 40 * 40 * 40;
        long[] cells = new long[n + 500];
        int o = 0;
        for (int k = 0; k < 40; k++) for (int j = 0; j < 40; j++) for (int i = 0; i < 40; i++) cells[o++] = GRID.key(i, j, k);
        for (int i = 0; i < 500; i++) cells[n + i] = cells[rnd.nextInt(n)];
        for (int i = cells.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            long s = cells[i];
            cells[i] = cells[j];
            cells[j] = s;
        }
        // evaluate from the dense array itself, through the field interface
        SparseMarchingCubes.Field lookup = pts -> {
            float[] v = new float[pts.length / 3];
            for (int i = 0; i < v.length; i++) {
                int x = (int) Math.round((pts[3 * i] + 1) / 0.05), y = (int) Math.round((pts[3 * i + 1] + 1) / 0.05),
                        z = (int) Math.round((pts[3 * i + 2] + 1) / 0.05);
                v[i] = dense[(z * 41 + y) * 41 + x];
            }
            return v;
        };
        TriangleMesh sparse = SparseMarchingCubes.extract(lookup, GRID, cells, 0);
        assertArrayEquals(reference.vertices(), sparse.vertices());
        assertArrayEquals(reference.triangles(), sparse.triangles());
        // only the upper half (z >= 20): open at the cut
        long[] half = java.util.Arrays.stream(cells).filter(c -> c / (41 * 41) >= 20).toArray();
        TriangleMesh open = SparseMarchingCubes.extract(lookup, GRID, half, 0);
        MeshTopology.Report r = MeshTopology.analyze(open);
        assertTrue(r.boundaryEdges() > 0 && r.isEdgeManifold(), r.toString());
        assertEquals(1, r.eulerCharacteristic(), "a disk: " + r);
    }

    @Test
    void badInputIsRejected() {
        SampleGrid g = new SampleGrid(3, 3, 3, 0, 0, 0, 1);
        try {
            MarchingCubes.extract(new float[26], g, 0);
            throw new AssertionError("no exception");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage().contains("27"), expected.getMessage());
        }
        try {
            SparseMarchingCubes.extract(field(SPHERE), g, new long[] {g.key(2, 0, 0)}, 0);
            throw new AssertionError("no exception");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage().contains("not a cell"), expected.getMessage());
        }
        assertEquals(0, MarchingCubes.extract(new float[4], new SampleGrid(4, 1, 1, 0, 0, 0, 1), 0).triangleCount());
    }
}
