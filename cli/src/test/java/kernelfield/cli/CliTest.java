package kernelfield.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.io.MeshIO;
import kernelfield.engine.io.PointCloudIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The kf commands end to end, in process: outputs, exit codes and one-line errors. */
class CliTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    static Run kf(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        System.setOut(ps);
        try {
            int code = cl.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(old);
        }
    }

    /** An octahedron: a closed mesh with known geometry. */
    static TriangleMesh octahedron(float s) {
        float[] v = {s, 0, 0, -s, 0, 0, 0, s, 0, 0, -s, 0, 0, 0, s, 0, 0, -s};
        int[] t = {0, 2, 4, 2, 1, 4, 1, 3, 4, 3, 0, 4, 2, 0, 5, 1, 2, 5, 3, 1, 5, 0, 3, 5};
        return new TriangleMesh(v, t);
    }

    @Test
    void helpOnEveryCommand() {
        for (String c : new String[] {"info", "convert", "sample", "eval", "demo"}) {
            assertEquals(0, kf(c, "--help").code, c);
            String usage = Main.commandLine().getSubcommands().get(c).getUsageMessage();
            assertTrue(usage.startsWith("Usage: kf " + c), usage);
            assertTrue(usage.contains("--help"), usage);
        }
    }

    @Test
    void sampleConvertInfoEval() throws Exception {
        Path mesh = dir.resolve("octa.off");
        MeshIO.write(mesh, octahedron(1));
        Path pts = dir.resolve("pts.ply");
        assertEquals(0, kf("sample", mesh.toString(), "-o", pts.toString(), "-n", "5000").code);
        PointCloud pc = PointCloudIO.read(pts);
        assertEquals(5000, pc.size());
        assertTrue(pc.hasNormals());

        Path noNormals = dir.resolve("pts.xyz");
        assertEquals(0, kf("sample", mesh.toString(), "-o", noNormals.toString(), "-n", "100", "--no-normals").code);
        assertFalse(PointCloudIO.read(noNormals).hasNormals());

        Path pcd = dir.resolve("pts.pcd");
        assertEquals(0, kf("convert", pts.toString(), pcd.toString()).code);
        assertEquals(5000, PointCloudIO.read(pcd).size());
        Path obj = dir.resolve("octa.obj");
        assertEquals(0, kf("convert", mesh.toString(), obj.toString()).code);
        assertEquals(8, MeshIO.read(obj).triangleCount());

        Run info = kf("info", pcd.toString());
        assertEquals(0, info.code);
        assertTrue(info.out.contains("5000"), info.out);

        // A mesh against itself: perfect scores; against a copy 2% larger: worse, in the JSON too.
        Path json = dir.resolve("m.json");
        Run same = kf("eval", obj.toString(), mesh.toString(), "--samples", "20000", "--json", json.toString());
        assertEquals(0, same.code, same.err);
        JsonNode m = new ObjectMapper().readTree(json.toFile());
        assertEquals(0.0, m.get("chamfer_l1").asDouble(), 1e-12);
        assertEquals(1.0, m.get("fscore@0.005").asDouble(), 1e-12);
        assertEquals(1.0, m.get("normal_consistency").asDouble(), 1e-9);
        assertEquals(Math.sqrt(12), m.get("diag").asDouble(), 1e-6);

        Path big = dir.resolve("big.ply");
        MeshIO.write(big, octahedron(1.02f));
        Run worse = kf("eval", big.toString(), mesh.toString(), "--samples", "20000", "--tau", "0.001", "0.05", "--json", json.toString());
        assertEquals(0, worse.code, worse.err);
        m = new ObjectMapper().readTree(json.toFile());
        assertTrue(m.get("chamfer_l1").asDouble() > 0.001, m.toString());
        assertTrue(m.get("fscore@0.001").asDouble() < 0.5, m.toString());
        assertEquals(1.0, m.get("fscore@0.05").asDouble(), 1e-12);
        assertTrue(worse.out.contains("fscore@0.05"), worse.out);

        // Points as the prediction.
        Run points = kf("eval", pts.toString(), mesh.toString(), "--samples", "20000");
        assertEquals(0, points.code, points.err);
    }

    @Test
    void demoReconstructsTheBundledScan() throws Exception {
        Path kitten = Path.of(System.getProperty("kf.repo", ".."), "assets", "kitten.xyz");
        Run r = kf("demo", "-o", dir.toString(), "--input", kitten.toString());
        assertEquals(0, r.code, r.err);
        TriangleMesh mesh = MeshIO.read(dir.resolve("kitten.ply"));
        assertTrue(mesh.triangleCount() > 1000, mesh.toString());
        assertTrue(kernelfield.engine.geometry.MeshTopology.isWatertight(mesh), "closed scan, closed surface");
        // The reconstruction lies on the input: every input point is near the surface.
        PointCloud pts = PointCloudIO.read(kitten);
        var metrics = kernelfield.engine.geometry.MeshMetrics.compare(pts, mesh,
                kernelfield.engine.geometry.MeshMetrics.Options.defaults().withSamples(20000));
        assertTrue(metrics.fscore(0.01) > 0.95, "F@1% " + metrics.fscore(0.01));
    }

    @Test
    void badInputIsOneLineAndNonZero() throws Exception {
        Path broken = dir.resolve("broken.ply");
        Files.writeString(broken, "ply\nformat binary_little_endian 1.0\nelement vertex 1000000000000\nproperty float x\nend_header\n");
        Run r = kf("info", broken.toString());
        assertEquals(1, r.code);
        assertTrue(r.err.startsWith("kf: error: " + broken), r.err);
        assertEquals(1, r.err.strip().lines().count(), r.err);

        Run missing = kf("convert", dir.resolve("nope.ply").toString(), dir.resolve("out.ply").toString());
        assertEquals(1, missing.code);
        assertTrue(missing.err.contains("nope.ply: no such file"), missing.err);
        assertFalse(Files.exists(dir.resolve("out.ply")));

        Run usage = kf("sample");
        assertEquals(2, usage.code);

        Run verbose = kf("info", broken.toString(), "--verbose");
        assertEquals(1, verbose.code);
        assertTrue(verbose.err.contains("at kernelfield."), "stack trace with --verbose");

        // A failed write leaves nothing under the requested name.
        Path mesh = dir.resolve("octa.off");
        MeshIO.write(mesh, octahedron(1));
        Run badExt = kf("sample", mesh.toString(), "-o", dir.resolve("out.unknown").toString(), "-n", "10");
        assertEquals(1, badExt.code);
        try (Stream<Path> s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith("out")), "no partial output");
        }
    }
}
