package kernelfield.engine.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class ProgressListenerTest {
    @TempDir
    Path dir;

    private static Trainer quadratic(long steps, ProgressListener l) {
        ParamSet p = ParamSet.of(new ParamBlock("x", 4, 1, "x", true));
        Objective o = ctx -> {
            ParamBlock x = ctx.params().get("x");
            double loss = 0;
            for (int i = 0; i < 4; i++) {
                float r = x.value()[i] - i;
                loss += r * r;
                x.grad()[i] = 2 * r;
            }
            return StepResult.of(loss).with("x0", x.value()[0]).with("step_sq", ctx.step() * ctx.step());
        };
        return Trainer.builder(p, new Adam().setLearningRate("x", 0.1), o).maxSteps(steps).listener(l).build();
    }

    @Test
    void jsonLinesLogParses() throws IOException {
        Path log = dir.resolve("logs/train.jsonl");
        try (JsonLinesLog jl = new JsonLinesLog(log, 3)) {
            quadratic(10, jl).run();
        }
        List<String> lines = Files.readAllLines(log);
        ObjectMapper json = new ObjectMapper();
        // steps 0, 3, 6, 9 (the last is always logged), then the finish line.
        assertEquals(5, lines.size(), String.join("\n", lines));
        double lastTime = -1;
        long[] expect = {0, 3, 6, 9};
        for (int k = 0; k < 4; k++) {
            JsonNode n = json.readTree(lines.get(k));
            assertEquals(expect[k], n.get("step").asLong());
            assertTrue(n.get("time_s").asDouble() >= lastTime);
            lastTime = n.get("time_s").asDouble();
            assertTrue(n.get("loss").isNumber());
            assertEquals((double) expect[k] * expect[k], n.get("metrics").get("step_sq").asDouble());
            assertTrue(n.get("metrics").has("x0"));
        }
        JsonNode fin = json.readTree(lines.get(4));
        assertEquals("finish", fin.get("event").asText());
        assertEquals("MAX_STEPS", fin.get("reason").asText());
        assertEquals(10, fin.get("next_step").asLong());
    }

    @Test
    void nonFiniteNumbersStayValidJson() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonLinesLog jl = new JsonLinesLog(bytes)) {
            jl.onStep(new StepReport(4, 10, 0.5, Double.NaN, java.util.Map.of("psnr", Double.POSITIVE_INFINITY)));
        }
        JsonNode n = new ObjectMapper().readTree(bytes.toString(StandardCharsets.UTF_8));
        assertEquals("NaN", n.get("loss").asText());
        assertEquals("Infinity", n.get("metrics").get("psnr").asText());
    }

    @Test
    void lineModePrintsStepsEtaAndAFinalLine() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (TerminalProgress tp = new TerminalProgress("fit", out, false, Duration.ZERO)) {
            quadratic(5, tp).run();
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("fit: step 1/5 (20.0%)"), text);
        assertTrue(text.contains("fit: step 5/5 (100.0%)"), text);
        assertTrue(text.contains("it/s") && text.contains("ETA") && text.contains("loss ") && text.contains("x0 "), text);
        assertTrue(text.contains("fit: stopped (max steps) at step 5"), text);
    }

    @Test
    void barModeAndCompositeReachEveryListener() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int[] steps = new int[1];
        ProgressListener counter = r -> steps[0]++;
        try (TerminalProgress bar = new TerminalProgress("bar", out, true, Duration.ofSeconds(5));
                ProgressListener all = ProgressListener.composite(bar, counter)) {
            quadratic(20, all).run();
        }
        assertEquals(20, steps[0]);
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("bar") && text.contains("20/20"), text);
    }
}
