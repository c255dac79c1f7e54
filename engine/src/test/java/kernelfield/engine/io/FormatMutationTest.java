package kernelfield.engine.io;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;

/**
 * Feeds mutated files of every format to the readers: truncations, bit flips and header edits.
 * Each reader must either succeed or throw {@link KfFormatException} (no other exception, no huge
 * allocation) and finish quickly.
 */
class FormatMutationTest {
    @TempDir
    static Path dir;

    /** Valid small files by name (the extension picks the reader). */
    static final Map<String, byte[]> VALID = new LinkedHashMap<>();

    /** Where mutated files are written: a tmpfs folder when the machine has one, else the test's temp folder. */
    static Path work;

    @BeforeAll
    static void workFolder() throws IOException {
        Path shm = Path.of("/dev/shm");
        work = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "kf-mutation") : dir;
    }

    @AfterAll
    static void removeWorkFolder() throws IOException {
        if (!work.equals(dir)) {
            try (var s = Files.list(work)) {
                for (Path p : s.toList()) Files.delete(p);
            }
            Files.delete(work);
        }
    }

    @BeforeAll
    static void writeValidFiles() throws IOException {
        Random rnd = new Random(9);
        int n = 12;
        float[] p = new float[3 * n], q = new float[3 * n], c = new float[3 * n], in = new float[n];
        for (int i = 0; i < 3 * n; i++) {
            p[i] = (float) rnd.nextGaussian();
            q[i] = (float) rnd.nextGaussian();
            c[i] = rnd.nextInt(256) / 255f;
        }
        for (int i = 0; i < n; i++) in[i] = rnd.nextFloat();
        PointCloud pc = new PointCloud(p, q, c, Map.of("intensity", in));
        int[] t = new int[3 * 10];
        for (int i = 0; i < t.length; i++) t[i] = rnd.nextInt(n);
        TriangleMesh m = new TriangleMesh(p, t, q, c);
        save("m-le.ply", f -> PlyIO.write(f, m, PlyEncoding.BINARY_LITTLE_ENDIAN));
        save("m-be.ply", f -> PlyIO.write(f, m, PlyEncoding.BINARY_BIG_ENDIAN));
        save("m-ascii.ply", f -> PlyIO.write(f, m, PlyEncoding.ASCII));
        save("c-le.ply", f -> PlyIO.write(f, pc, PlyEncoding.BINARY_LITTLE_ENDIAN));
        save("m.obj", f -> ObjIO.write(f, m));
        save("m.off", f -> OffIO.write(f, m));
        save("c.xyz", f -> XyzIO.write(f, pc, false));
        save("c.pwn", f -> XyzIO.write(f, pc, true));
        save("c-ascii.pcd", f -> PcdIO.write(f, pc, PcdIO.Encoding.ASCII));
        save("c-bin.pcd", f -> PcdIO.write(f, pc, PcdIO.Encoding.BINARY));
        save("c-lzf.pcd", f -> PcdIO.write(f, pc, PcdIO.Encoding.BINARY_COMPRESSED));
        // an OBJ with polygons, negative indices and texture coordinates
        VALID.put("q.obj", ("v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nvt 0 0\nvn 0 0 1\nf 1/1/1 2/1/1 3/1/1 4/1/1\nf -1 -2 -3\n")
                .getBytes(StandardCharsets.US_ASCII));
    }

    interface Writer {
        void write(Path f) throws IOException;
    }

    static void save(String name, Writer w) throws IOException {
        Path f = dir.resolve("valid-" + name);
        w.write(f);
        VALID.put(name, Files.readAllBytes(f));
        // sanity: the valid file reads
        PointCloudIO.read(f);
    }

    /** A mutated input: a description and its bytes. */
    record Input(String what, byte[] bytes) {
    }

    /**
     * Reads each input as a file called {@code name} with every applicable reader, in batches that
     * must each finish within a time limit (a hang fails the test, naming the batch).
     */
    static void feed(String name, List<Input> inputs) throws Exception {
        Path f = work.resolve("mut-" + name);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int from = 0; from < inputs.size(); from += 50) {
            List<Input> batch = inputs.subList(from, Math.min(inputs.size(), from + 50));
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                for (Input in : batch) {
                    String what = name + " (" + in.what + ")";
                    Files.write(f, in.bytes);
                    long before = mx.getCurrentThreadAllocatedBytes();
                    attempt(what, () -> PointCloudIO.read(f));
                    if (FileFormat.of(f).holdsMeshes()) attempt(what, () -> MeshIO.read(f));
                    attempt(what, () -> PointCloudIO.describe(f));
                    long used = mx.getCurrentThreadAllocatedBytes() - before;
                    assertTrue(used < (64L << 20), what + ": allocated " + used + " bytes for a " + in.bytes.length + " byte file");
                }
            }, () -> name + ": a reader did not finish in time on one of " + batch.get(0).what + " .. " + batch.get(batch.size() - 1).what);
        }
    }

    interface Read {
        Object run() throws Exception;
    }

    static void attempt(String what, Read r) {
        try {
            r.run();
        } catch (KfFormatException e) {
            if (e.getMessage() == null || !e.getMessage().contains("mut-")) fail(what + ": message does not name the file: " + e.getMessage());
        } catch (Throwable e) {
            fail(what + ": " + e, e);
        }
    }

    @TestFactory
    List<DynamicTest> truncations() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : VALID.entrySet()) {
            tests.add(DynamicTest.dynamicTest(e.getKey(), () -> {
                byte[] b = e.getValue();
                List<Input> in = new ArrayList<>();
                for (int len = 0; len < b.length; len += len < 160 ? 1 : 1 + b.length / 60) {
                    in.add(new Input("cut at " + len, java.util.Arrays.copyOf(b, len)));
                }
                feed(e.getKey(), in);
            }));
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> bitFlips() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : VALID.entrySet()) {
            tests.add(DynamicTest.dynamicTest(e.getKey(), () -> {
                Random rnd = new Random(e.getKey().hashCode());
                byte[] b = e.getValue();
                List<Input> in = new ArrayList<>();
                for (int k = 0; k < 100; k++) {
                    byte[] m = b.clone();
                    int flips = 1 + rnd.nextInt(3);
                    StringBuilder what = new StringBuilder("flip");
                    for (int j = 0; j < flips; j++) {
                        int pos = k % 2 == 0 ? rnd.nextInt(Math.min(m.length, 400)) : rnd.nextInt(m.length);
                        int bit = rnd.nextInt(8);
                        m[pos] ^= (byte) (1 << bit);
                        what.append(' ').append(pos).append(':').append(bit);
                    }
                    in.add(new Input(what.toString(), m));
                }
                feed(e.getKey(), in);
            }));
        }
        return tests;
    }

    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?(e[-+]?\\d+)?");
    private static final Pattern WORD = Pattern.compile("\\b(float|float32|uchar|uint8|int|int32|uint|ascii|binary_little_endian|binary_big_endian|list|F|U|I|ascii|binary|binary_compressed|OFF|COFF|CNOFF|NOFF|vertex|face|v|vn|f|FIELDS|SIZE|TYPE|COUNT|WIDTH|HEIGHT|POINTS)\\b");

    @TestFactory
    List<DynamicTest> headerAndTokenEdits() {
        List<DynamicTest> tests = new ArrayList<>();
        String[] numberEdits = {"*1000", "1000000000000", "-1", "0", "x1", "nan", "1e999", "4294967296"};
        for (Map.Entry<String, byte[]> e : VALID.entrySet()) {
            tests.add(DynamicTest.dynamicTest(e.getKey(), () -> {
                String s = new String(e.getValue(), StandardCharsets.ISO_8859_1);
                List<Input> in = new ArrayList<>();
                int headerEnd = Math.max(s.indexOf("end_header"), s.indexOf("\nDATA"));
                int region = Math.min(s.length(), headerEnd > 0 ? headerEnd + 24 : 400);
                Matcher m = NUMBER.matcher(s);
                int count = 0;
                while (m.find() && m.start() < region && count++ < 25) {
                    for (String edit : numberEdits) {
                        String rep = edit.equals("*1000") ? m.group() + "000" : edit;
                        in.add(new Input("number '" + m.group() + "' at " + m.start() + " -> " + rep,
                                (s.substring(0, m.start()) + rep + s.substring(m.end())).getBytes(StandardCharsets.ISO_8859_1)));
                    }
                }
                Matcher w = WORD.matcher(s.substring(0, region));
                while (w.find()) {
                    for (String rep : new String[] {"floaty", "", "list", "int8 x"}) {
                        in.add(new Input("word '" + w.group() + "' at " + w.start() + " -> '" + rep + "'",
                                (s.substring(0, w.start()) + rep + s.substring(w.end())).getBytes(StandardCharsets.ISO_8859_1)));
                    }
                }
                // lines removed or doubled
                String[] lines = s.substring(0, region).split("\n", -1);
                int off = 0;
                for (String line : lines) {
                    int end = Math.min(off + line.length() + 1, s.length());
                    in.add(new Input("line removed at " + off, (s.substring(0, off) + s.substring(end)).getBytes(StandardCharsets.ISO_8859_1)));
                    in.add(new Input("line doubled at " + off, (s.substring(0, end) + s.substring(off)).getBytes(StandardCharsets.ISO_8859_1)));
                    off = end;
                }
                feed(e.getKey(), in);
            }));
        }
        return tests;
    }
}
