package kernelfield.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;

class PlyFileTest {
    @TempDir
    Path dir;

    /** A file with every scalar type, several list shapes, comments and obj_info. */
    static PlyFile allTypes(Random rnd, int n) {
        PlyFile ply = new PlyFile(PlyEncoding.BINARY_LITTLE_ENDIAN);
        ply.comments().add("made by a test");
        ply.comments().add("");
        ply.objInfo().add("num_cols 7");
        PlyElement v = new PlyElement("vertex", n);
        byte[] c = new byte[n], uc = new byte[n];
        short[] s = new short[n], us = new short[n];
        int[] i = new int[n], ui = new int[n];
        float[] f = new float[n];
        double[] d = new double[n];
        for (int k = 0; k < n; k++) {
            c[k] = (byte) rnd.nextInt();
            uc[k] = (byte) rnd.nextInt();
            s[k] = (short) rnd.nextInt();
            us[k] = (short) rnd.nextInt();
            i[k] = rnd.nextInt();
            ui[k] = rnd.nextInt();
            f[k] = randomFloat(rnd);
            d[k] = rnd.nextGaussian() * Math.pow(10, rnd.nextInt(40) - 20);
        }
        v.add(PlyProperty.scalar("c", PlyType.CHAR, c)).add(PlyProperty.scalar("uc", PlyType.UCHAR, uc))
                .add(PlyProperty.scalar("s", PlyType.SHORT, s)).add(PlyProperty.scalar("us", PlyType.USHORT, us))
                .add(PlyProperty.scalar("i", PlyType.INT, i)).add(PlyProperty.scalar("ui", PlyType.UINT, ui))
                .add(new PlyProperty("f", PlyType.FLOAT, null, "float32", null)).add(PlyProperty.scalar("d", PlyType.DOUBLE, d));
        v.property("f").setData(f, null);
        ply.add(v);
        PlyElement face = new PlyElement("face", n);
        int[] off = new int[n + 1];
        for (int k = 0; k < n; k++) off[k + 1] = off[k] + rnd.nextInt(6);
        int[] items = new int[off[n]];
        for (int k = 0; k < items.length; k++) items[k] = rnd.nextInt(Math.max(1, n));
        face.add(PlyProperty.list("vertex_indices", PlyType.UCHAR, PlyType.INT, off, items));
        short[] sitems = new short[off[n]];
        for (int k = 0; k < sitems.length; k++) sitems[k] = (short) rnd.nextInt();
        face.add(PlyProperty.list("shorts", PlyType.UINT, PlyType.SHORT, off.clone(), sitems));
        double[] ditems = new double[off[n]];
        for (int k = 0; k < ditems.length; k++) ditems[k] = rnd.nextDouble();
        face.add(new PlyProperty("doubles", PlyType.DOUBLE, PlyType.USHORT, "float64", "uint16"));
        face.property("doubles").setData(ditems, off.clone());
        ply.add(face);
        ply.add(new PlyElement("empty", 0));
        return ply;
    }

    /** Random float bits: normals, denormals, zeros of both signs, extremes (no NaN). */
    static float randomFloat(Random rnd) {
        return switch (rnd.nextInt(6)) {
            case 0 -> -0.0f;
            case 1 -> Float.intBitsToFloat(rnd.nextInt(0x007fffff) + 1) * (rnd.nextBoolean() ? 1 : -1);
            case 2 -> (float) rnd.nextGaussian();
            case 3 -> 0.0f;
            default -> {
                float x;
                do {
                    x = Float.intBitsToFloat(rnd.nextInt());
                } while (!Float.isFinite(x));
                yield x;
            }
        };
    }

    static void assertSameData(PlyFile a, PlyFile b) {
        assertEquals(a.comments(), b.comments());
        assertEquals(a.objInfo(), b.objInfo());
        assertEquals(a.elements().size(), b.elements().size());
        for (int e = 0; e < a.elements().size(); e++) {
            PlyElement ea = a.elements().get(e), eb = b.elements().get(e);
            assertEquals(ea.name(), eb.name());
            assertEquals(ea.count(), eb.count());
            assertEquals(ea.properties().size(), eb.properties().size());
            for (int p = 0; p < ea.properties().size(); p++) {
                PlyProperty pa = ea.properties().get(p), pb = eb.properties().get(p);
                assertEquals(pa.toString(), pb.toString());
                assertEquals(pa.type(), pb.type());
                assertEquals(pa.countType(), pb.countType());
                assertArrayEquals(pa.offsets(), pb.offsets(), pa.name());
                Object da = pa.data(), db = pb.data();
                switch (da) {
                    case byte[] x -> assertArrayEquals(x, (byte[]) db);
                    case short[] x -> assertArrayEquals(x, (short[]) db);
                    case int[] x -> assertArrayEquals(x, (int[]) db);
                    case float[] x -> {
                        float[] y = (float[]) db;
                        assertEquals(x.length, y.length);
                        for (int k = 0; k < x.length; k++) assertEquals(Float.floatToRawIntBits(x[k]), Float.floatToRawIntBits(y[k]), pa.name() + " " + k);
                    }
                    case double[] x -> {
                        double[] y = (double[]) db;
                        assertEquals(x.length, y.length);
                        for (int k = 0; k < x.length; k++) assertEquals(Double.doubleToRawLongBits(x[k]), Double.doubleToRawLongBits(y[k]), pa.name() + " " + k);
                    }
                    default -> throw new AssertionError(da);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(PlyEncoding.class)
    void roundTripEveryTypeAndListShape(PlyEncoding enc) throws IOException {
        PlyFile ply = allTypes(new Random(1), 300);
        Path f = dir.resolve("all.ply");
        ply.write(f, enc);
        PlyFile back = PlyFile.read(f);
        assertEquals(enc, back.encoding());
        assertSameData(ply, back);
        assertEquals("float32", back.element("vertex").property("f").typeName());
        assertEquals("uint16", back.element("face").property("doubles").countTypeName());
        // and the bytes are stable: write again, same bytes
        Path g = dir.resolve("again.ply");
        back.write(g);
        assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(g));
    }

    @Test
    void bigEndianIsBigEndian() throws IOException {
        PlyFile ply = new PlyFile(PlyEncoding.BINARY_BIG_ENDIAN);
        PlyElement v = new PlyElement("vertex", 1);
        v.add(PlyProperty.ofFloats("x", new float[] {1.0f})).add(PlyProperty.scalar("i", PlyType.INT, new int[] {0x01020304}));
        ply.add(v);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ply.writeTo(out, PlyEncoding.BINARY_BIG_ENDIAN);
        byte[] b = out.toByteArray();
        int n = b.length;
        assertArrayEquals(new byte[] {0x3f, (byte) 0x80, 0, 0, 1, 2, 3, 4}, java.util.Arrays.copyOfRange(b, n - 8, n));
    }

    /** The 3D Gaussian splatting layout: 62 float32 per splat, binary little endian. */
    static byte[] gaussianSplatFile(Random rnd, int n) {
        List<String> names = new ArrayList<>(List.of("x", "y", "z", "nx", "ny", "nz", "f_dc_0", "f_dc_1", "f_dc_2"));
        for (int k = 0; k < 45; k++) names.add("f_rest_" + k);
        names.addAll(List.of("opacity", "scale_0", "scale_1", "scale_2", "rot_0", "rot_1", "rot_2", "rot_3"));
        assertEquals(62, names.size());
        StringBuilder h = new StringBuilder("ply\nformat binary_little_endian 1.0\nelement vertex " + n + "\n");
        for (String s : names) h.append("property float ").append(s).append('\n');
        h.append("end_header\n");
        byte[] hb = h.toString().getBytes(StandardCharsets.US_ASCII);
        ByteBuffer bb = ByteBuffer.allocate(hb.length + 62 * 4 * n).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(hb);
        for (int i = 0; i < 62 * n; i++) bb.putInt(Float.floatToRawIntBits(randomFloat(rnd)));
        return bb.array();
    }

    @Test
    void gaussianSplatLayoutRoundTripsBitExactly() throws IOException {
        byte[] original = gaussianSplatFile(new Random(7), 1000);
        Path in = dir.resolve("splats.ply");
        Files.write(in, original);
        Path out = dir.resolve("splats-out.ply");
        PlyFile.read(in).write(out);
        assertArrayEquals(original, Files.readAllBytes(out));
        // through the engine's point cloud too: positions, normals, then 56 attributes in file order
        PointCloud pc = PointCloudIO.read(in);
        assertEquals(1000, pc.size());
        assertTrue(pc.hasNormals());
        assertEquals(56, pc.attributes().size());
        assertEquals("f_dc_0", pc.attributes().keySet().iterator().next());
        Path out2 = dir.resolve("splats-pc.ply");
        PointCloudIO.write(out2, pc);
        assertArrayEquals(original, Files.readAllBytes(out2));
    }

    @Test
    void asciiFloatsRoundTripExactly() throws IOException {
        Random rnd = new Random(3);
        int n = 5000;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = randomFloat(rnd);
        x[0] = Float.MIN_VALUE;
        x[1] = Float.MAX_VALUE;
        x[2] = -Float.MIN_NORMAL;
        PlyFile ply = new PlyFile(PlyEncoding.ASCII);
        ply.add(new PlyElement("vertex", n).add(PlyProperty.ofFloats("x", x)));
        Path f = dir.resolve("a.ply");
        ply.write(f);
        float[] y = PlyFile.read(f).element("vertex").property("x").floats();
        for (int i = 0; i < n; i++) assertEquals(Float.floatToRawIntBits(x[i]), Float.floatToRawIntBits(y[i]), "value " + i + " " + x[i]);
    }

    @Test
    void readsHandWrittenAsciiWithQuirks() throws IOException {
        String s = "ply\r\nformat ascii 1.0\r\ncomment hello world\r\nobj_info x\r\nelement vertex 4\r\nproperty float x\r\nproperty float y\r\n"
                + "property float z\r\nproperty uchar red\r\nproperty uchar green\r\nproperty uchar blue\r\nproperty float quality\r\n"
                + "element face 1\r\nproperty list uint8 int32 vertex_index\r\nend_header\r\n"
                + "0 0 0 255 0 0 1.5\r\n1 0 0 0 255 0 2\r\n1 1 0 0 0 255 -3e-2\r\n0 1 0 10 20 30 4\r\n4 0 1 2 3\r\n";
        Path f = dir.resolve("q.ply");
        Files.writeString(f, s);
        TriangleMesh m = MeshIO.read(f);
        assertEquals(4, m.vertexCount());
        assertArrayEquals(new int[] {0, 1, 2, 0, 2, 3}, m.triangles());
        assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1, 10 / 255f, 20 / 255f, 30 / 255f}, m.colors(), 1e-7f);
        PointCloud pc = PointCloudIO.read(f);
        assertArrayEquals(new float[] {1.5f, 2f, -0.03f, 4f}, pc.attributes().get("quality"));
        assertNull(pc.normals());
        PlyFile ply = PlyFile.read(f);
        assertEquals(List.of("hello world"), ply.comments());
        assertEquals(List.of("x"), ply.objInfo());
    }

    @Test
    void headerOnly() throws IOException {
        Path f = dir.resolve("h.ply");
        allTypes(new Random(2), 10).write(f);
        PlyFile h = PlyFile.readHeader(f);
        assertEquals(10, h.element("vertex").count());
        assertNotNull(h.element("face").property("shorts"));
        assertTrue(!h.element("vertex").property("x" .replace("x", "f")).hasData());
    }

    @Test
    void meshRoundTripInAllEncodings() throws IOException {
        float[] v = {0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1};
        int[] t = {0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3};
        float[] n = new TriangleMesh(v, t).computeVertexNormals();
        float[] c = {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1};
        TriangleMesh m = new TriangleMesh(v, t, n, c);
        for (boolean ascii : new boolean[] {false, true}) {
            Path f = dir.resolve("m" + ascii + ".ply");
            MeshIO.write(f, m, ascii);
            TriangleMesh b = MeshIO.read(f);
            assertArrayEquals(v, b.vertices());
            assertArrayEquals(t, b.triangles());
            assertArrayEquals(n, b.normals());
            assertArrayEquals(c, b.colors());
        }
    }

    @Test
    void oneMillionVertexBinaryFile() throws IOException {
        int n = 1_000_000;
        float[] p = new float[3 * n], q = new float[3 * n];
        Random rnd = new Random(5);
        for (int i = 0; i < p.length; i++) {
            p[i] = rnd.nextFloat();
            q[i] = rnd.nextFloat();
        }
        Path f = dir.resolve("big.ply");
        PointCloudIO.write(f, new PointCloud(p, q));
        assertEquals(24L * n + Files.size(f) - 24L * n, Files.size(f));
        PointCloud back = PointCloudIO.read(f);
        assertArrayEquals(p, back.positions());
        assertArrayEquals(q, back.normals());
    }
}
