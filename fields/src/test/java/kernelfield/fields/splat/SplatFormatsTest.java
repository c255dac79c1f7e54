package kernelfield.fields.splat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import kernelfield.engine.io.KfFormatException;
import kernelfield.engine.io.PlyElement;
import kernelfield.engine.io.PlyEncoding;
import kernelfield.engine.io.PlyFile;
import kernelfield.engine.io.PlyProperty;
import kernelfield.engine.io.PlyType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 3DGS PLY and .splat: layout, round trips, tolerance to other writers, bad input. */
class SplatFormatsTest {
    @TempDir
    Path dir;

    static GaussianSet randomSet(int n, long seed, boolean shape) {
        GaussianSet g = SplatScenes.random(n, seed, shape, 3, 0.05);
        // a few awkward bit patterns that must survive
        g.means().value()[0] = -0.0f;
        g.shRest().value()[1] = Float.MIN_VALUE;
        g.opacityLogits().value()[n - 1] = 1e-38f;
        return g;
    }

    @Test
    void plyLayoutIsTheStandardOne() throws IOException {
        GaussianSet g = randomSet(7, 1, false);
        Path f = dir.resolve("a.ply");
        SplatFormats.writePly(f, g);
        PlyFile ply = PlyFile.read(f);
        assertEquals(PlyEncoding.BINARY_LITTLE_ENDIAN, ply.encoding());
        PlyElement v = ply.element("vertex");
        assertEquals(7, v.count());
        assertEquals(62, v.properties().size());
        List<String> names = new ArrayList<>();
        for (PlyProperty p : v.properties()) {
            assertEquals(PlyType.FLOAT, p.type());
            names.add(p.name());
        }
        List<String> expected = new ArrayList<>(List.of("x", "y", "z", "nx", "ny", "nz", "f_dc_0", "f_dc_1", "f_dc_2"));
        for (int i = 0; i < 45; i++) expected.add("f_rest_" + i);
        expected.addAll(List.of("opacity", "scale_0", "scale_1", "scale_2", "rot_0", "rot_1", "rot_2", "rot_3"));
        assertEquals(expected, names);
        assertEquals(7 * 62 * 4, Files.size(f) - headerBytes(f));
        // channel-major f_rest: file f_rest_{c*15 + k-1} is memory column (k-1)*3 + c
        float[] rest = g.shRest().value();
        for (int i = 0; i < 7; i++) {
            for (int c = 0; c < 3; c++) {
                for (int k = 1; k <= 15; k++) {
                    assertEquals(Float.floatToRawIntBits(rest[i * 45 + (k - 1) * 3 + c]),
                            Float.floatToRawIntBits(v.property("f_rest_" + (c * 15 + k - 1)).floats()[i]));
                }
            }
            assertEquals(g.quaternions().value()[4 * i], v.property("rot_0").floats()[i]);
            assertEquals(g.logScales().value()[3 * i + 2], v.property("scale_2").floats()[i]);
            assertEquals(0f, v.property("nx").floats()[i]);
        }
    }

    private static long headerBytes(Path f) throws IOException {
        byte[] b = Files.readAllBytes(f);
        String s = new String(b, 0, Math.min(b.length, 4096), java.nio.charset.StandardCharsets.ISO_8859_1);
        return s.indexOf("end_header\n") + "end_header\n".length();
    }

    @Test
    void plyWriteReadWriteIsBitExact() throws IOException {
        for (boolean shape : new boolean[] {false, true}) {
            GaussianSet g = randomSet(300, 2, shape);
            Path a = dir.resolve("a" + shape + ".ply"), b = dir.resolve("b" + shape + ".ply");
            SplatFormats.writePly(a, g);
            GaussianSet r = SplatFormats.read(a);
            assertEquals(3, r.activeShDegree());
            assertEquals(shape, r.hasShape());
            for (int k = 0; k < g.params().size(); k++) {
                assertBits(g.params().blocks().get(k).value(), r.params().blocks().get(k).value());
            }
            SplatFormats.write(b, r);
            assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        }
    }

    private static void assertBits(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        for (int i = 0; i < a.length; i++) {
            if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                throw new AssertionError("element " + i + ": " + a[i] + " vs " + b[i]);
            }
        }
    }

    /** A PLY as another tool may write it: shuffled properties, doubles, extras, SH degree 1. */
    @Test
    void otherWritersDegreeOneDoublesShuffledExtras() throws IOException {
        int n = 5;
        Random r = new Random(3);
        List<String> names = new ArrayList<>(List.of("x", "y", "z", "f_dc_0", "f_dc_1", "f_dc_2", "opacity",
                "scale_0", "scale_1", "scale_2", "rot_0", "rot_1", "rot_2", "rot_3", "red", "filter_3D"));
        for (int i = 0; i < 9; i++) names.add("f_rest_" + i);
        Collections.shuffle(names, r);
        PlyElement v = new PlyElement("vertex", n);
        java.util.Map<String, double[]> vals = new java.util.HashMap<>();
        for (String s : names) {
            double[] d = new double[n];
            for (int i = 0; i < n; i++) d[i] = s.startsWith("rot_0") ? 1 + r.nextDouble() : r.nextGaussian();
            vals.put(s, d);
            v.add(s.equals("red") ? PlyProperty.scalar(s, PlyType.UCHAR, new byte[n]) : PlyProperty.scalar(s, PlyType.DOUBLE, d));
        }
        PlyFile ply = new PlyFile(PlyEncoding.ASCII);
        ply.add(new PlyElement("camera", 0));
        ply.add(v);
        Path f = dir.resolve("other.ply");
        ply.write(f);
        GaussianSet g = SplatFormats.readPly(f);
        assertEquals(1, g.activeShDegree());
        assertEquals(n, g.size());
        float[] rest = g.shRest().value();
        for (int i = 0; i < n; i++) {
            assertEquals((float) vals.get("y")[i], g.means().value()[3 * i + 1]);
            assertEquals((float) vals.get("rot_3")[i], g.quaternions().value()[4 * i + 3]);
            assertEquals((float) vals.get("opacity")[i], g.opacityLogits().value()[i]);
            for (int c = 0; c < 3; c++) {
                for (int k = 1; k <= 3; k++) {
                    // degree 1: K = 3 per channel, f_rest_{c*3 + k-1}
                    assertEquals((float) vals.get("f_rest_" + (c * 3 + k - 1))[i], rest[i * 45 + (k - 1) * 3 + c]);
                }
                for (int k = 4; k <= 15; k++) assertEquals(0f, rest[i * 45 + (k - 1) * 3 + c]);
            }
        }
    }

    @Test
    void infiniteOpacityLogitsAreClampedNanIsNot() throws IOException {
        // splat-transform writes +-Infinity opacity logits for alpha bytes 255 and 0 (e.g. decoding SPZ)
        PlyElement v = new PlyElement("vertex", 3);
        for (String s : new String[] {"x", "y", "z", "f_dc_0", "f_dc_1", "f_dc_2", "scale_0", "scale_1", "scale_2",
                "rot_0", "rot_1", "rot_2", "rot_3"}) {
            v.add(PlyProperty.ofFloats(s, new float[] {1, 2, 3}));
        }
        v.add(PlyProperty.ofFloats("opacity", new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 25f}));
        PlyFile ply = new PlyFile(PlyEncoding.BINARY_LITTLE_ENDIAN).add(v);
        Path f = dir.resolve("inf.ply");
        ply.write(f);
        float[] o = SplatFormats.readPly(f).opacityLogits().value();
        assertArrayEquals(new float[] {SplatFormats.OPACITY_LOGIT_LIMIT, -SplatFormats.OPACITY_LOGIT_LIMIT, 25f}, o);
        assertEquals(1f, (float) (1 / (1 + Math.exp(-SplatFormats.OPACITY_LOGIT_LIMIT))));

        Path g = dir.resolve("nanop.ply");
        new PlyFile(PlyEncoding.BINARY_LITTLE_ENDIAN).add(replaced(v, "opacity", new float[] {0, Float.NaN, 0})).write(g);
        KfFormatException e = assertThrows(KfFormatException.class, () -> SplatFormats.readPly(g));
        assertTrue(e.getMessage().contains("nanop.ply") && e.getMessage().contains("vertex 1") && e.getMessage().contains("opacity"),
                e.getMessage());
    }

    private static PlyElement replaced(PlyElement v, String name, float[] values) {
        PlyElement out = new PlyElement(v.name(), v.count());
        for (PlyProperty p : v.properties()) {
            if (!p.name().equals(name)) out.add(p);
        }
        out.add(PlyProperty.ofFloats(name, values));
        return out;
    }

    @Test
    void badPlyNamesTheFile() throws IOException {
        PlyElement v = new PlyElement("vertex", 2);
        for (String s : new String[] {"x", "y", "z", "f_dc_0", "f_dc_1", "f_dc_2", "opacity", "scale_0", "scale_1", "scale_2",
                "rot_0", "rot_1", "rot_2"}) {
            v.add(PlyProperty.ofFloats(s, new float[] {1, 2}));
        }
        PlyFile ply = new PlyFile(PlyEncoding.BINARY_LITTLE_ENDIAN).add(v);
        Path f = dir.resolve("norot3.ply");
        ply.write(f);
        KfFormatException e = assertThrows(KfFormatException.class, () -> SplatFormats.readPly(f));
        assertTrue(e.getMessage().contains("norot3.ply") && e.getMessage().contains("rot_3"), e.getMessage());

        v.add(PlyProperty.ofFloats("rot_3", new float[] {0, Float.NaN}));
        Path g = dir.resolve("nan.ply");
        ply.write(g);
        e = assertThrows(KfFormatException.class, () -> SplatFormats.readPly(g));
        assertTrue(e.getMessage().contains("nan.ply") && e.getMessage().contains("vertex 1"), e.getMessage());

        for (int i = 0; i < 4; i++) v.add(PlyProperty.ofFloats("f_rest_" + i, new float[2]));
        Path h = dir.resolve("rest4.ply");
        ply.write(h);
        e = assertThrows(KfFormatException.class, () -> SplatFormats.readPly(h));
        assertTrue(e.getMessage().contains("4 f_rest"), e.getMessage());

        Path none = dir.resolve("mesh.ply");
        new PlyFile(PlyEncoding.ASCII).add(new PlyElement("face", 0)).write(none);
        e = assertThrows(KfFormatException.class, () -> SplatFormats.readPly(none));
        assertTrue(e.getMessage().contains("mesh.ply") && e.getMessage().contains("vertex"), e.getMessage());

        Path trunc = dir.resolve("trunc.ply");
        SplatFormats.writePly(trunc, randomSet(10, 4, false));
        byte[] b = Files.readAllBytes(trunc);
        Files.write(trunc, java.util.Arrays.copyOf(b, b.length - 7));
        e = assertThrows(KfFormatException.class, () -> SplatFormats.readPly(trunc));
        assertTrue(e.getMessage().contains("trunc.ply"), e.getMessage());
    }

    @Test
    void splatFormatLayoutOrderAndRoundTrip() throws IOException {
        int n = 200;
        GaussianSet g = SplatScenes.random(n, 5, false, 0, 0.05);
        Path f = dir.resolve("a.splat");
        SplatFormats.write(f, g);
        byte[] bytes = Files.readAllBytes(f);
        assertEquals(32L * n, bytes.length);
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        double prev = Double.POSITIVE_INFINITY;
        boolean[] seen = new boolean[n];
        for (int r = 0; r < n; r++) {
            float x = bb.getFloat(32 * r), y = bb.getFloat(32 * r + 4), z = bb.getFloat(32 * r + 8);
            int i = -1;
            for (int j = 0; j < n; j++) {
                float[] m = g.means().value();
                if (m[3 * j] == x && m[3 * j + 1] == y && m[3 * j + 2] == z) i = j;
            }
            assertTrue(i >= 0 && !seen[i]);
            seen[i] = true;
            double vol = 1;
            for (int k = 0; k < 3; k++) {
                float s = bb.getFloat(32 * r + 12 + 4 * k);
                assertEquals(Math.exp(g.logScales().value()[3 * i + k]), s, 1e-6 * s);
                vol *= s;
            }
            double op = 1 / (1 + Math.exp(-g.opacityLogits().value()[i]));
            assertTrue(vol * op <= prev * (1 + 1e-6), "sorted by size * opacity, descending");
            prev = vol * op;
            for (int c = 0; c < 3; c++) {
                double want = Math.min(255, Math.max(0, 255 * (0.5 + SplatFormats.SH_C0 * g.shDc().value()[3 * i + c])));
                assertEquals(Math.floor(want), bytes[32 * r + 24 + c] & 0xFF, 1.0);
            }
            assertEquals(Math.floor(255 * op), bytes[32 * r + 27] & 0xFF, 1.0);
        }
        GaussianSet back = SplatFormats.read(f);
        assertEquals(n, back.size());
        assertEquals(0, back.activeShDegree());
        Path f2 = dir.resolve("b.splat");
        SplatFormats.write(f2, back);
        byte[] again = Files.readAllBytes(f2);
        java.util.Map<String, Integer> rowOf = new java.util.HashMap<>();
        for (int r = 0; r < n; r++) rowOf.put(java.util.Arrays.toString(java.util.Arrays.copyOfRange(again, 32 * r, 32 * r + 12)), r);
        for (int r = 0; r < n; r++) {
            // the order may change where quantized alphas tie; match splats by their position bytes
            Integer r2 = rowOf.get(java.util.Arrays.toString(java.util.Arrays.copyOfRange(bytes, 32 * r, 32 * r + 12)));
            assertTrue(r2 != null, "position bytes kept");
            for (int k = 24; k < 27; k++) assertEquals(bytes[32 * r + k], again[32 * r2 + k], "colour bytes");
            for (int k = 28; k < 32; k++) assertEquals(bytes[32 * r + k] & 0xFF, again[32 * r2 + k] & 0xFF, 1, "rotation bytes");
        }
        // the two sets render alike (colour quantization only)
        try (SplatRasterCpu raster = new SplatRasterCpu(SplatRasterSettings.defaults().withThreads(1))) {
            float[] a = raster.forward(g, SplatScenes.defaultCamera(32, 24), new float[] {1, 1, 1}).rgb().clone();
            float[] c = raster.forward(back, SplatScenes.defaultCamera(32, 24), new float[] {1, 1, 1}).rgb();
            double mse = 0;
            for (int i = 0; i < 32 * 24 * 3; i++) mse += (a[i] - c[i]) * (a[i] - c[i]);
            assertTrue(-10 * Math.log10(mse / (32 * 24 * 3)) > 35, "PSNR between original and .splat copy");
        }
    }

    @Test
    void badSplatFile() throws IOException {
        Path f = dir.resolve("bad.splat");
        Files.write(f, new byte[33]);
        KfFormatException e = assertThrows(KfFormatException.class, () -> SplatFormats.read(f));
        assertTrue(e.getMessage().contains("bad.splat") && e.getMessage().contains("32"), e.getMessage());
        Files.write(f, new byte[64]); // zero scales
        e = assertThrows(KfFormatException.class, () -> SplatFormats.read(f));
        assertTrue(e.getMessage().contains("splat 0") && e.getMessage().contains("scale"), e.getMessage());
        Path g = dir.resolve("x.obj");
        Files.write(g, new byte[0]);
        assertThrows(KfFormatException.class, () -> SplatFormats.read(g));
    }
}
