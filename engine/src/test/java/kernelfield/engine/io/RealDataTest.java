package kernelfield.engine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import kernelfield.engine.data.Bounds;
import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.testing.SharedData;

/** The real files of the shared data folder (skipped where it is absent). */
class RealDataTest {
    @TempDir
    Path dir;

    /** The V and F counts of an OFF header, read independently of the reader under test. */
    static long[] offCounts(Path f) throws IOException {
        try (var lines = Files.lines(f)) {
            List<String> l = lines.map(String::trim).filter(s -> !s.isEmpty() && !s.startsWith("#")).limit(2).toList();
            String[] t = l.get(1).split("\\s+");
            return new long[] {Long.parseLong(t[0]), Long.parseLong(t[1])};
        }
    }

    void offMesh(String name) throws IOException {
        Path f = SharedData.require(name);
        long[] vf = offCounts(f);
        TriangleMesh m = MeshIO.read(f);
        assertEquals(vf[0], m.vertexCount());
        assertTrue(m.triangleCount() >= vf[1]);
        assertTrue(m.area() > 0);
        // write and read back in every mesh format
        for (String ext : new String[] {"ply", "obj", "off"}) {
            Path g = dir.resolve("m." + ext);
            MeshIO.write(g, m);
            TriangleMesh b = MeshIO.read(g);
            assertEquals(m.vertexCount(), b.vertexCount());
            assertEquals(m.triangleCount(), b.triangleCount());
            assertEquals(m.area(), b.area(), 1e-9 * m.area());
        }
    }

    @Test
    void bunny() throws IOException {
        offMesh("scans/bunny00.off");
        TriangleMesh m = MeshIO.read(SharedData.require("scans/bunny00.off"));
        assertEquals(37706, m.vertexCount());
        assertEquals(75408, m.triangleCount());
    }

    @Test
    void fandiskAndHoles() throws IOException {
        offMesh("scans/fandisk.off");
        offMesh("scans/holes.off");
    }

    @Test
    void orientedPointSets() throws IOException {
        for (String name : new String[] {"scans/kitten.xyz", "scans/sphere_20k_normal.xyz"}) {
            Path f = SharedData.require(name);
            long lines;
            try (var l = Files.lines(f)) {
                lines = l.filter(s -> !s.isBlank()).count();
            }
            PointCloud pc = PointCloudIO.read(f);
            assertEquals(lines, pc.size(), name);
            assertTrue(pc.hasNormals());
            float[] n = pc.normals();
            for (int i = 0; i < n.length; i += 3) {
                double len = Math.sqrt(n[i] * n[i] + n[i + 1] * n[i + 1] + n[i + 2] * n[i + 2]);
                assertEquals(1.0, len, 1e-3, name + " normal " + i / 3);
            }
        }
        PointCloud sphere = PointCloudIO.read(SharedData.require("scans/sphere_20k_normal.xyz"));
        assertEquals(21000, sphere.size()); // the file holds 21,000 lines despite its name
        float[] p = sphere.positions();
        double[] r = new double[sphere.size()];
        for (int i = 0; i < p.length; i += 3) r[i / 3] = Math.sqrt(p[i] * p[i] + p[i + 1] * p[i + 1] + p[i + 2] * p[i + 2]);
        java.util.Arrays.sort(r);
        assertEquals(1.0, r[r.length / 2], 0.01); // a noisy unit sphere: median radius 1.0014
        assertTrue(r[0] > 0.8 && r[r.length - 1] < 1.2);
    }

    @Test
    void bunnyScanPcdCompressed() throws IOException {
        Path f = SharedData.require("scans/bun0.pcd");
        PcdIO.Result r = PcdIO.read(f);
        assertEquals(PcdIO.Encoding.BINARY_COMPRESSED, r.header().encoding());
        assertEquals(112586, r.header().points());
        assertEquals(112586, r.cloud().size() + r.droppedNonFinite());
        Bounds b = r.cloud().bounds();
        // the bounds Open3D 0.16 reports for this file
        assertEquals(-13.79977989, b.minX(), 1e-5);
        assertEquals(7.97956514, b.maxY(), 1e-5);
        assertEquals(1.70909297, b.maxZ(), 1e-5);
        // our own encoder writes it back; our decoder and PCL's layout agree
        Path g = dir.resolve("b.pcd");
        PcdIO.write(g, r.cloud(), PcdIO.Encoding.BINARY_COMPRESSED);
        FormatRoundTripTest.assertBits(r.cloud().positions(), PcdIO.read(g).cloud().positions());
    }

    @Test
    void tableScenePcd() throws IOException {
        Path f = SharedData.require("scans/table_scene_lms400.pcd");
        PcdIO.Result r = PcdIO.read(f);
        assertEquals(460400, r.header().points());
        assertEquals(460400, r.cloud().size() + r.droppedNonFinite());
        assertTrue(r.cloud().attributes().containsKey("intensity"));
        assertTrue(r.cloud().size() > 400_000);
        FileSummary s = PointCloudIO.describe(f);
        assertEquals(460400, s.count("point"));
        assertTrue(s.format().contains("binary_compressed"));
    }

    @Test
    void carMeshPly() throws IOException {
        Path f = SharedData.require("nvs/car/mesh.ply");
        PlyFile h = PlyFile.readHeader(f);
        TriangleMesh m = MeshIO.read(f);
        assertEquals(h.element("vertex").count(), m.vertexCount());
        assertTrue(m.triangleCount() >= h.element("face").count());
        Bounds b = m.bounds();
        // normalized into a cube of side 2 at the origin
        assertTrue(b.maxX() <= 1.001 && b.minX() >= -1.001 && b.maxZ() <= 1.001 && b.minZ() >= -1.001, b.toString());
        FileSummary s = MeshIO.describe(f);
        assertEquals(605, s.count("vertex"));
        assertEquals(334, s.count("face"));
        // read then written gives the same bytes
        Path g = dir.resolve("car.ply");
        PlyFile.read(f).write(g);
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(f), Files.readAllBytes(g)));
    }
}
