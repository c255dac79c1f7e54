package kernelfield.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;

class FormatRoundTripTest {
    @TempDir
    Path dir;

    static PointCloud cloud(int n, boolean normals, boolean colors, boolean attrs) {
        Random rnd = new Random(n);
        float[] p = new float[3 * n], q = normals ? new float[3 * n] : null, c = colors ? new float[3 * n] : null;
        for (int i = 0; i < 3 * n; i++) {
            p[i] = (float) rnd.nextGaussian() * 10;
            if (q != null) q[i] = PlyFileTest.randomFloat(rnd);
            if (c != null) c[i] = rnd.nextInt(256) / 255f;
        }
        Map<String, float[]> a = new LinkedHashMap<>();
        if (attrs) {
            float[] in = new float[n];
            for (int i = 0; i < n; i++) in[i] = rnd.nextFloat();
            a.put("intensity", in);
        }
        return new PointCloud(p, q, c, a);
    }

    static TriangleMesh mesh(boolean normals, boolean colors) {
        // an octahedron
        float[] v = {1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1};
        int[] t = {0, 2, 4, 2, 1, 4, 1, 3, 4, 3, 0, 4, 2, 0, 5, 1, 2, 5, 3, 1, 5, 0, 3, 5};
        TriangleMesh m = new TriangleMesh(v, t);
        return new TriangleMesh(v, t, normals ? m.computeVertexNormals() : null, colors ? cloud(6, false, true, false).colors() : null);
    }

    static void assertBits(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        for (int i = 0; i < a.length; i++) assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), "index " + i);
    }

    static void assertSameCloud(PointCloud a, PointCloud b, boolean attrs) {
        assertBits(a.positions(), b.positions());
        if (a.hasNormals()) assertBits(a.normals(), b.normals());
        else assertNull(b.normals());
        if (a.hasColors()) assertArrayEquals(a.colors(), b.colors(), 1e-7f);
        else assertNull(b.colors());
        if (attrs) {
            assertEquals(a.attributes().keySet(), b.attributes().keySet());
            for (String k : a.attributes().keySet()) assertBits(a.attributes().get(k), b.attributes().get(k));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ply", "pcd"})
    void pointCloudsWithEverything(String ext) throws IOException {
        PointCloud pc = cloud(500, true, true, true);
        for (boolean ascii : new boolean[] {false, true}) {
            Path f = dir.resolve("c" + ascii + "." + ext);
            PointCloudIO.write(f, pc, ascii);
            assertSameCloud(pc, PointCloudIO.read(f), true);
        }
    }

    @ParameterizedTest
    @EnumSource(PcdIO.Encoding.class)
    void pcdEveryEncoding(PcdIO.Encoding enc) throws IOException {
        PointCloud pc = cloud(2000, true, true, true);
        Path f = dir.resolve("c.pcd");
        PcdIO.write(f, pc, enc);
        PcdIO.Result r = PcdIO.read(f);
        assertEquals(enc, r.header().encoding());
        assertEquals(0, r.droppedNonFinite());
        assertSameCloud(pc, r.cloud(), true);
    }

    @Test
    void xyzAndPwn() throws IOException {
        PointCloud plain = cloud(300, false, false, false);
        PointCloud oriented = cloud(300, true, false, false);
        Path a = dir.resolve("a.xyz"), b = dir.resolve("b.xyz"), c = dir.resolve("c.pwn"), d = dir.resolve("d.xyzn");
        PointCloudIO.write(a, plain);
        PointCloudIO.write(b, oriented);
        PointCloudIO.write(c, oriented);
        PointCloudIO.write(d, oriented);
        assertSameCloud(plain, PointCloudIO.read(a), false);
        assertSameCloud(oriented, PointCloudIO.read(b), false);
        assertSameCloud(oriented, PointCloudIO.read(c), false);
        assertSameCloud(oriented, PointCloudIO.read(d), false);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ply", "obj", "off"})
    void meshes(String ext) throws IOException {
        for (boolean n : new boolean[] {false, true}) {
            for (boolean c : new boolean[] {false, true}) {
                TriangleMesh m = mesh(n, c);
                Path f = dir.resolve("m" + n + c + "." + ext);
                MeshIO.write(f, m);
                TriangleMesh b = MeshIO.read(f);
                assertBits(m.vertices(), b.vertices());
                assertArrayEquals(m.triangles(), b.triangles());
                if (n) assertBits(m.normals(), b.normals());
                else assertNull(b.normals());
                if (c) assertArrayEquals(m.colors(), b.colors(), 1e-7f);
                else assertNull(b.colors());
                // a mesh file read as points gives its vertices
                assertBits(m.vertices(), PointCloudIO.read(f).positions());
                FileSummary s = PointCloudIO.describe(f);
                assertEquals(6, s.count("vertex"));
                assertEquals(1.0, s.bounds().maxX());
            }
        }
    }

    @Test
    void objFeatures() throws IOException {
        Path f = dir.resolve("q.obj");
        Files.writeString(f, """
                # a quad and a triangle
                mtllib x.mtl
                o thing
                v 0 0 0 1 0 0
                v 1 0 0 0 1 0
                v 1 1 0 0 0 1
                v 0 1 0 1 1 1
                vt 0 0
                vt 1 0
                vn 0 0 1
                g g1
                usemtl m
                s off
                f 1/1/1 2/2/1 3/1/1 4/2/1
                f -4//1 -2//1 -1//1
                """);
        TriangleMesh m = MeshIO.read(f);
        assertEquals(4, m.vertexCount());
        assertArrayEquals(new int[] {0, 1, 2, 0, 2, 3, 0, 2, 3}, m.triangles());
        assertArrayEquals(new float[] {0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1}, m.normals());
        assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1}, m.colors());
    }

    @Test
    void offFeatures() throws IOException {
        Path f = dir.resolve("q.off");
        Files.writeString(f, """
                COFF
                # comment line
                4 2 0

                0 0 0 255 0 0 255
                1 0 0 0 255 0 255   # trailing comment
                1 1 0 0 0 255 255
                0 1 0 0.5 0.5 0.5 1
                4 0 1 2 3 255 0 0
                3 0 2 3
                """);
        TriangleMesh m = MeshIO.read(f);
        assertArrayEquals(new int[] {0, 1, 2, 0, 2, 3, 0, 2, 3}, m.triangles());
        assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1, 0.5f, 0.5f, 0.5f}, m.colors(), 1e-7f);
        Path g = dir.resolve("n.off");
        Files.writeString(g, "NOFF 3 1 0\n0 0 0 0 0 1\n1 0 0 0 0 1\n0 1 0 0 0 1\n3 0 1 2\n");
        TriangleMesh n = MeshIO.read(g);
        assertArrayEquals(new float[] {0, 0, 1, 0, 0, 1, 0, 0, 1}, n.normals());
        assertFalse(n.colors() != null);
    }

    @Test
    void pcdOrganizedCloudDropsNaNPoints() throws IOException {
        Path f = dir.resolve("o.pcd");
        Files.writeString(f, """
                # .PCD v0.7
                VERSION 0.7
                FIELDS x y z intensity _ hist
                SIZE 4 4 4 2 1 1
                TYPE F F F U I U
                COUNT 1 1 1 1 1 2
                WIDTH 2
                HEIGHT 2
                VIEWPOINT 0 0 0 1 0 0 0
                POINTS 4
                DATA ascii
                1 2 3 7 0 1 2
                nan nan nan 0 0 0 0
                4 5 6 65535 -1 3 4
                nan 1 1 1 1 1 1
                """);
        PcdIO.Result r = PcdIO.read(f);
        assertEquals(2, r.droppedNonFinite());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, r.cloud().positions());
        assertArrayEquals(new float[] {7, 65535}, r.cloud().attributes().get("intensity"));
        assertArrayEquals(new float[] {1, 3}, r.cloud().attributes().get("hist_0"));
        assertArrayEquals(new float[] {2, 4}, r.cloud().attributes().get("hist_1"));
        assertFalse(r.cloud().attributes().containsKey("_"));
        assertTrue(PointCloudIO.describe(f).toString().contains("2 points with non-finite"));
    }
}
