package kernelfield.fields.splat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our 3DGS PLY against PlayCanvas splat-transform 2.7.1 (installed by {@code npm ci} in
 * {@code bench/splat/interop}; the fuller check is {@code bench/splat/interop.sh}). Skips when
 * {@code node} or the package is missing.
 */
class SplatTransformInteropTest {
    private static final double C0 = SplatFormats.SH_C0;
    private static Path cli;

    @TempDir
    Path dir;

    @BeforeAll
    static void findSplatTransform() {
        Path rel = Path.of("bench/splat/interop/node_modules/@playcanvas/splat-transform/bin/cli.mjs");
        Path cwd = Path.of("").toAbsolutePath();
        for (Path p = cwd; p != null && cli == null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(rel))) cli = p.resolve(rel);
        }
        assumeTrue(cli != null, "splat-transform not installed: run 'npm ci' in bench/splat/interop (looked above " + cwd + ")");
        boolean node;
        try {
            Process pr = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            node = pr.waitFor(20, TimeUnit.SECONDS) && pr.exitValue() == 0;
            if (pr.isAlive()) pr.destroyForcibly();
        } catch (IOException | InterruptedException e) {
            node = false;
        }
        assumeTrue(node, "node is not installed or does not run: skipping the splat-transform interop test");
    }

    /** Runs splat-transform with {@code args}; returns its standard output. */
    private String splatTransform(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("node", cli.toString(), "-w", "--no-tty"));
        cmd.addAll(List.of(args));
        Path log = dir.resolve("st-" + System.nanoTime() + ".log");
        Path out = dir.resolve("st-" + System.nanoTime() + ".out");
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).redirectOutput(out.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("splat-transform did not finish in 120 s: " + cmd);
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> "splat-transform " + cmd + " failed:\n" + stdout + readQuietly(log));
        return stdout;
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** {@code --summary} output: {@code column -> {min, max, mean}}, plus {@code "#rows" -> {n}}. */
    private static Map<String, double[]> parseSummary(String text) {
        Map<String, double[]> m = new HashMap<>();
        Matcher rows = Pattern.compile("\\*\\*Row Count:\\*\\*\\s*(\\d+)").matcher(text);
        assertTrue(rows.find(), () -> "no row count in the summary:\n" + text);
        m.put("#rows", new double[] {Integer.parseInt(rows.group(1))});
        for (String line : text.split("\n")) {
            String[] c = line.trim().replaceAll("^\\||\\|$", "").split("\\|");
            if (c.length < 5) continue;
            try {
                m.put(c[0].trim(), new double[] {Double.parseDouble(c[1].trim()), Double.parseDouble(c[2].trim()),
                        Double.parseDouble(c[4].trim())});
            } catch (NumberFormatException e) {
                // header or separator row
            }
        }
        return m;
    }

    private static double[] minMaxMean(float[] a, int cols, int c) {
        int n = a.length / cols;
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int i = 0; i < n; i++) {
            double v = a[i * cols + c];
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
        }
        return new double[] {min, max, sum / n};
    }

    private static void assertShown(Map<String, double[]> s, String col, double[] raw, java.util.function.DoubleUnaryOperator shown) {
        double[] theirs = s.get(col);
        assertNotNull(theirs, "summary has no column " + col);
        String[] what = {"min", "max", "mean"};
        for (int k = 0; k < 3; k++) {
            double ours = shown.applyAsDouble(raw[k]);
            assertEquals(ours, theirs[k], 2e-6 + 2e-5 * Math.abs(ours), col + " " + what[k]);
        }
    }

    @Test
    void summaryAndPlyRoundTripAgreeWithOurs() throws Exception {
        int n = 3000;
        GaussianSet g = SplatScenes.random(n, 11, false, 3, 0.05);
        Path ours = dir.resolve("ours.ply");
        SplatFormats.writePly(ours, g);

        Map<String, double[]> s = parseSummary(splatTransform(ours.toString(), "-m", "null"));
        assertEquals(n, (int) s.get("#rows")[0]);
        float[] xyz = g.means().value(), ls = g.logScales().value(), q = g.quaternions().value(),
                op = g.opacityLogits().value(), dc = g.shDc().value(), rest = g.shRest().value();
        for (int k = 0; k < 3; k++) {
            assertShown(s, "xyz".substring(k, k + 1), minMaxMean(xyz, 3, k), v -> v);
            assertShown(s, "scale_" + k, minMaxMean(ls, 3, k), Math::exp);
            assertShown(s, "f_dc_" + k, minMaxMean(dc, 3, k), v -> 0.5 + C0 * v);
        }
        assertShown(s, "opacity", minMaxMean(op, 1, 0), v -> 1 / (1 + Math.exp(-v)));
        for (int k = 0; k < 4; k++) assertShown(s, "rot_" + k, minMaxMean(q, 4, k), v -> v);
        // channel-major f_rest in the file: f_rest_{c*15 + k-1} is memory column (k-1)*3 + c
        assertShown(s, "f_rest_1", minMaxMean(rest, 45, 3), v -> v);       // c 0, k 2
        assertShown(s, "f_rest_16", minMaxMean(rest, 45, 4), v -> v);      // c 1, k 2
        assertShown(s, "f_rest_44", minMaxMean(rest, 45, 44), v -> v);     // c 2, k 15

        Path rt = dir.resolve("rt.ply");
        splatTransform(ours.toString(), rt.toString());
        GaussianSet back = SplatFormats.readPly(rt);
        assertEquals(3, back.activeShDegree());
        assertArrayEquals(xyz, back.means().value());
        assertArrayEquals(ls, back.logScales().value());
        assertArrayEquals(q, back.quaternions().value());
        assertArrayEquals(op, back.opacityLogits().value());
        assertArrayEquals(dc, back.shDc().value());
        assertArrayEquals(rest, back.shRest().value());
    }

    @Test
    void spzRoundTripReadsBackWithinQuantization() throws Exception {
        int n = 2000;
        GaussianSet g = SplatScenes.random(n, 12, false, 3, 0.05);
        g.opacityLogits().value()[0] = 30f; // alpha byte 255: splat-transform decodes it to +Infinity
        Path ours = dir.resolve("ours.ply"), spz = dir.resolve("rt.spz"), rt = dir.resolve("rt-spz.ply");
        SplatFormats.writePly(ours, g);
        splatTransform(ours.toString(), spz.toString());
        splatTransform(spz.toString(), rt.toString());
        GaussianSet b = SplatFormats.readPly(rt);
        assertEquals(n, b.size());
        assertEquals(SplatFormats.OPACITY_LOGIT_LIMIT, b.opacityLogits().value()[0]);
        float[] x0 = g.means().value(), x1 = b.means().value(), q0 = g.quaternions().value(), q1 = b.quaternions().value();
        float[] o0 = g.opacityLogits().value(), o1 = b.opacityLogits().value(), c0 = g.shDc().value(), c1 = b.shDc().value();
        float[] s0 = g.logScales().value(), s1 = b.logScales().value();
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 3; k++) {
                assertEquals(x0[3 * i + k], x1[3 * i + k], 1e-3, "splat " + i + " position");
                assertEquals(s0[3 * i + k], s1[3 * i + k], 0.04, "splat " + i + " log-scale");
                assertEquals(0.5 + C0 * c0[3 * i + k], 0.5 + C0 * c1[3 * i + k], 0.01, "splat " + i + " colour");
            }
            assertEquals(1 / (1 + Math.exp(-o0[i])), 1 / (1 + Math.exp(-o1[i])), 0.01, "splat " + i + " opacity");
            double dot = 0, n0 = 0, n1 = 0;
            for (int k = 0; k < 4; k++) {
                dot += q0[4 * i + k] * q1[4 * i + k];
                n0 += q0[4 * i + k] * q0[4 * i + k];
                n1 += q1[4 * i + k] * q1[4 * i + k];
            }
            assertTrue(Math.abs(dot) / Math.sqrt(n0 * n1) > 0.999, "splat " + i + ": rotation changed (|cos| " + Math.abs(dot) / Math.sqrt(n0 * n1) + ")");
        }
    }
}
