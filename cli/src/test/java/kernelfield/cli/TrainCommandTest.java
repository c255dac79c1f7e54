package kernelfield.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import kernelfield.fields.splat.GaussianSet;
import kernelfield.fields.splat.SplatFormats;
import kernelfield.reconstruction.nvs.SphereScene;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code kf train} and {@code kf eval RENDERS --dataset}, registered locally, on the shared car scene. */
class TrainCommandTest {
    @TempDir
    Path dir;


    static Path car() {
        String p = System.getProperty("kf.shared.data");
        Path root = p != null ? Path.of(p) : Path.of("..", "..", "shared", "data").toAbsolutePath().normalize();
        Path car = root.resolve("nvs/car");
        assumeTrue(Files.isRegularFile(car.resolve("transforms_train.json")),
                "shared data not present: " + car + " (tests on real data skipped)");
        return car;
    }

    @Test
    void trainThenEvalOnTheCar() throws Exception {
        Path car = car();
        Path out = dir.resolve("run");
        CliTest.Run r = CliTest.kf("train", "--method", "splat", "--data", car.toString(), "-o", out.toString(), "--iterations", "20",
                "--max-splats", "4000", "--resolution-scale", "0.25", "--background", "white", "--seed", "1", "--threads", "2");
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("test PSNR"), r.out());
        GaussianSet g = SplatFormats.readPly(out.resolve("model.ply"));
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertEquals(g.size(), m.get("splats").asInt());
        assertEquals(20, m.get("steps").asInt());
        assertTrue(m.get("init").asText().contains("visual hull"), m.get("init").asText()); // --init auto on RGBA images: masks
        assertEquals(25, m.get("test").get("views").size());
        double psnr = m.get("test").get("psnr").asDouble();
        // a hull-initialized model is already far better than a blank white image after 20 steps
        assertTrue(psnr > 17, "test PSNR after 20 steps at 64x64: " + psnr);
        assertTrue(Files.isRegularFile(out.resolve("test/r_0.png")));
        assertTrue(Files.readAllLines(out.resolve("log.jsonl")).size() >= 3);

        Path json = dir.resolve("eval.json");
        CliTest.Run e = CliTest.kf("eval", out.resolve("test").toString(), "--dataset", car.toString(), "--split", "test",
                "--background", "white", "--json", json.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("r_0.png") && e.out().contains("mean"), e.out());
        JsonNode ej = new ObjectMapper().readTree(json.toFile());
        assertEquals(25, ej.get("views").size());
        assertEquals(psnr, ej.get("psnr").asDouble(), 0.3); // renders saved as 8-bit PNG
    }

    @Test
    void initFlagOnTheCar() throws Exception {
        Path car = car();
        Path out = dir.resolve("random");
        CliTest.Run r = CliTest.kf("train", "--data", car.toString(), "-o", out.toString(), "--iterations", "1", "--init", "random",
                "--max-splats", "500", "--resolution-scale", "0.125", "--threads", "2");
        assertEquals(0, r.code(), r.err() + r.out());
        String init = new ObjectMapper().readTree(out.resolve("metrics.json").toFile()).get("init").asText();
        assertTrue(init.startsWith("500 random points") && !init.contains("hull"), init);

        r = CliTest.kf("train", "--data", car.toString(), "-o", dir.resolve("colmap").toString(), "--init", "colmap");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--init colmap") && r.err().contains("no sparse points"), r.err());
    }

    @Test
    void rbfOnASmallSphereScene() throws Exception {
        Path data = SphereScene.write(dir.resolve("sphere"), 32, 8, 2);
        Path out = dir.resolve("rbf");
        CliTest.Run r = CliTest.kf("train", "--method", "rbf", "--data", data.toString(), "-o", out.toString(), "--iterations", "40",
                "--rays", "512", "--threads", "2", "--curve", "1000", "--seed", "2", "--sh-degree", "0", "--mesh-resolution", "32",
                "--init-steps", "30", "--grid-levels", "8,16,32");
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("test PSNR") && r.out().contains("mesh.ply"), r.out());
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertEquals("rbf", m.get("method").asText());
        assertEquals(40, m.get("steps").asInt());
        assertEquals(2, m.get("test").get("views").size());
        assertTrue(m.get("test").get("psnr").asDouble() > 15, m.toString());
        assertTrue(m.get("parameters").asLong() > 10_000);
        assertTrue(m.get("mesh").get("triangles").asInt() > 0);
        assertTrue(Files.isRegularFile(out.resolve("test/r_0.png")) && Files.isRegularFile(out.resolve("test/r_1.png")));
        assertTrue(Files.isRegularFile(out.resolve("mesh.ply")) && Files.isRegularFile(out.resolve("curve.csv"))
                && Files.isRegularFile(out.resolve("curve.png")));
        assertTrue(Files.readAllLines(out.resolve("log.jsonl")).size() >= 3);

        r = CliTest.kf("train", "--method", "rbf", "--data", data.toString(), "-o", out.toString(), "--time-budget", "-1");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--time-budget"), r.err());
        r = CliTest.kf("train", "--method", "rbf", "--data", data.toString(), "-o", out.toString(), "--resolution-scale", "2");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--resolution-scale"), r.err());
        r = CliTest.kf("train", "--method", "rbf", "--data", data.toString(), "-o", out.toString(), "--sh-degree", "2");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--sh-degree"), r.err());
    }

    @Test
    void badArgumentsAreOneLineErrors() throws Exception {
        CliTest.Run r = CliTest.kf("train", "--data", dir.toString(), "-o", dir.resolve("o").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("kf: error: ") && r.err().contains("not a camera dataset"), r.err());
        r = CliTest.kf("train", "--data", dir.toString(), "-o", dir.toString(), "--background", "pink");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--background"), r.err());
        r = CliTest.kf("train", "--data", dir.toString(), "-o", dir.toString(), "--method", "nerf");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--method"), r.err());
        r = CliTest.kf("train", "--data", dir.toString(), "-o", dir.toString(), "--init", "sfm");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--init") && r.err().contains("random"), r.err());
        r = CliTest.kf("eval", dir.toString(), "--dataset", dir.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("not a camera dataset"), r.err());
        r = CliTest.kf("eval", dir.resolve("x.ply").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("GT"), r.err());
        assertEquals(0, CliTest.kf("train", "--help").code());
    }
}
