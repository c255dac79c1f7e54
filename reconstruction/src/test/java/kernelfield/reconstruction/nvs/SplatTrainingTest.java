package kernelfield.reconstruction.nvs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import kernelfield.engine.data.Camera;
import kernelfield.engine.data.CameraDataset;
import kernelfield.engine.data.FloatImage;
import kernelfield.engine.io.Images;
import kernelfield.engine.optim.ParamBlock;
import kernelfield.engine.optim.SeededRandom;
import kernelfield.fields.splat.GaussianSet;
import kernelfield.fields.splat.SplatFormats;
import kernelfield.fields.splat.SplatRasterCpu;
import kernelfield.fields.splat.SplatRasterSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Splat training on a small synthetic scene: convergence, structure changes, time budget, outputs. */
class SplatTrainingTest {
    @TempDir
    Path dir;

    static final int SIZE = 48;

    /** A camera at {@code eye} looking at the origin, world +z up, OpenCV axes. */
    static Camera lookAt(String name, double[] eye) {
        double[] z = norm(new double[] {-eye[0], -eye[1], -eye[2]});
        double[] up = {0, 0, 1};
        double[] x = norm(cross(z, up));
        double[] y = cross(z, x);
        double[] rc2w = {x[0], y[0], z[0], x[1], y[1], z[1], x[2], y[2], z[2]};
        return Camera.fromCameraToWorld(name, SIZE, SIZE, SIZE * 1.2, SIZE * 1.2, SIZE / 2.0, SIZE / 2.0, rc2w, eye);
    }

    static double[] cross(double[] a, double[] b) {
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    static double[] norm(double[] a) {
        double n = Math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
        return new double[] {a[0] / n, a[1] / n, a[2] / n};
    }

    /** 50 opaque-ish coloured Gaussians in a ball of radius 0.6 at the origin. */
    static GaussianSet groundTruth() {
        Random r = new Random(7);
        int n = 50;
        float[] m = new float[3 * n], ls = new float[3 * n], q = new float[4 * n], ol = new float[n], dc = new float[3 * n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 3; k++) m[3 * i + k] = (float) ((r.nextDouble() - 0.5) * 1.0);
            for (int k = 0; k < 3; k++) ls[3 * i + k] = (float) Math.log(0.06 + 0.1 * r.nextDouble());
            for (int k = 0; k < 4; k++) q[4 * i + k] = (float) r.nextGaussian();
            ol[i] = (float) (1.5 + r.nextDouble());
            for (int k = 0; k < 3; k++) dc[3 * i + k] = (float) (r.nextGaussian() * 1.2);
        }
        return GaussianSet.of(m, ls, q, ol, dc, null, null);
    }

    /** A dataset of {@code views} cameras on a ring (plus a test view) rendered from the ground truth over white. */
    CameraDataset dataset(int views) throws IOException {
        GaussianSet gt = groundTruth();
        List<CameraDataset.View> train = new ArrayList<>(), test = new ArrayList<>();
        try (SplatRasterCpu raster = new SplatRasterCpu(SplatRasterSettings.defaults().withThreads(2))) {
            for (int i = 0; i <= views; i++) {
                double a = 2 * Math.PI * (i + (i == views ? 0.5 : 0)) / views;
                double elev = i % 2 == 0 ? 0.5 : 1.2;
                Camera c = lookAt("v" + i, new double[] {3 * Math.cos(a), 3 * Math.sin(a), elev});
                FloatImage img = raster.forward(gt, c, new float[] {1, 1, 1}).toImage();
                Path f = dir.resolve((i == views ? "test_" : "train_") + i + ".png");
                Images.writePng(f, img);
                (i == views ? test : train).add(new CameraDataset.View(c, f));
            }
        }
        Map<String, List<CameraDataset.View>> splits = new LinkedHashMap<>();
        splits.put("train", train);
        splits.put("test", test);
        return new CameraDataset(dir, splits, null);
    }

    static SplatTrainingOptions.Builder small() {
        return SplatTrainingOptions.defaults().toBuilder().initPoints(300).threads(2).maxShDegree(0)
                .densifyFrom(100).densifyInterval(50).densifyUntil(400).opacityResetInterval(0).seed(3);
    }

    @Test
    void trainsFromRandomInitAndPsnrRises() throws IOException {
        CameraDataset ds = dataset(6);
        SplatTrainingOptions o = small().iterations(400).build();
        try (SplatTraining t = SplatTraining.create(ds, o)) {
            double before = t.evaluate(t.trainViews(), null).meanPsnr();
            t.train(Double.POSITIVE_INFINITY, null);
            assertEquals(400, t.step());
            double after = t.evaluate(t.trainViews(), null).meanPsnr();
            double test = t.evaluate(t.testViews(), null).meanPsnr();
            assertTrue(after > before + 8, "train PSNR " + before + " -> " + after);
            assertTrue(after > 24, "train PSNR after 400 steps: " + after);
            assertTrue(test > 18, "held-out PSNR: " + test);
            long[] c = ((DensifyStrategy) t.strategy()).counts();
            assertTrue(c[0] + c[1] > 0, "densification cloned or split something: " + java.util.Arrays.toString(c));
        }
    }

    @Test
    void mcmcTrainsAndKeepsTheCap() throws IOException {
        CameraDataset ds = dataset(6);
        SplatTrainingOptions o = small().iterations(200).strategy(SplatTrainingOptions.StrategyKind.MCMC).maxSplats(340).build();
        try (SplatTraining t = SplatTraining.create(ds, o)) {
            double before = t.evaluate(t.trainViews(), null).meanPsnr();
            t.train(Double.POSITIVE_INFINITY, null);
            double after = t.evaluate(t.trainViews(), null).meanPsnr();
            assertTrue(after > before + 6, "train PSNR " + before + " -> " + after);
            assertTrue(t.gaussians().size() <= 340 && t.gaussians().size() > 300, "count " + t.gaussians().size());
        }
    }

    @Test
    void sameSeedSameBitsAnyThreadCount() throws IOException {
        CameraDataset ds = dataset(4);
        float[][] runs = new float[2][];
        for (int k = 0; k < 2; k++) {
            SplatTrainingOptions o = small().iterations(120).threads(k + 1).build();
            try (SplatTraining t = SplatTraining.create(ds, o)) {
                t.train(Double.POSITIVE_INFINITY, null);
                runs[k] = t.gaussians().means().value().clone();
            }
        }
        assertArrayEquals(runs[0], runs[1]);
    }

    /** Rows of every block and of both Adam moments stay aligned through clone, split and prune. */
    @Test
    void densifyAndPruneKeepBlocksAndMomentsAligned() throws IOException {
        CameraDataset ds = dataset(4);
        SplatTrainingOptions o = small().iterations(1).densifyGradThreshold(0).percentDense(0.05).build();
        try (SplatTraining t = SplatTraining.create(ds, o)) {
            GaussianSet g = t.gaussians();
            int n = g.size();
            // tag each row: value, m and v of every block carry the row's id in column 0
            for (ParamBlock b : g.params().blocks()) {
                for (int i = 0; i < n; i++) {
                    b.m()[i * b.cols()] = i + 1;
                    b.v()[i * b.cols()] = -(i + 1);
                }
            }
            float[] ol = g.opacityLogits().value();
            float[] ls = g.logScales().value();
            for (int i = 0; i < n; i++) {
                ol[i] = i % 5 == 0 ? -10f : 2f; // every 5th below the prune threshold
                float s = (float) Math.log(i % 3 == 0 ? 0.5 : 0.01); // every 3rd big: split, others cloned
                ls[3 * i] = ls[3 * i + 1] = ls[3 * i + 2] = s;
            }
            float[] tagOpacity = ol.clone();
            DensifyStrategy d = (DensifyStrategy) t.strategy();
            // mark every splat as a candidate: one view with a non-zero statistic for all
            java.lang.reflect.Field acc, den;
            try {
                acc = DensifyStrategy.class.getDeclaredField("gradAccum");
                den = DensifyStrategy.class.getDeclaredField("denom");
                acc.setAccessible(true);
                den.setAccessible(true);
                float[] a = new float[n];
                int[] c = new int[n];
                java.util.Arrays.fill(a, 1f);
                java.util.Arrays.fill(c, 1);
                acc.set(d, a);
                den.set(d, c);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
            d.densifyAndPrune(new SeededRandom(1), 0);
            int big = 0, small = 0;
            for (int i = 0; i < n; i++) {
                if (i % 5 == 0) continue;
                if (i % 3 == 0) big++;
                else small++;
            }
            // kept originals: small ones (not split, not pruned); clones of small: all small rows incl.
            // those pruned later (a clone of a low-opacity splat is pruned too); split: 2 per big kept
            assertEquals(small + small + 2 * big, g.size());
            int m = g.size();
            for (ParamBlock b : g.params().blocks()) {
                assertEquals(m, b.rows(), b.name());
                assertEquals(m * b.cols(), b.value().length);
                assertEquals(m * b.cols(), b.m().length);
                assertEquals(m * b.cols(), b.v().length);
                assertEquals(m * b.cols(), b.grad().length);
            }
            // the kept originals come first, in order, with their own moments; new rows have zero moments
            ParamBlock means = g.means();
            int r = 0;
            for (int i = 0; i < n; i++) {
                if (i % 5 == 0 || i % 3 == 0) continue;
                for (ParamBlock b : g.params().blocks()) {
                    assertEquals(i + 1, b.m()[r * b.cols()], b.name() + " row " + r);
                    assertEquals(-(i + 1), b.v()[r * b.cols()], b.name() + " row " + r);
                }
                assertEquals(tagOpacity[i], g.opacityLogits().value()[r]);
                r++;
            }
            for (; r < m; r++) {
                for (ParamBlock b : g.params().blocks()) {
                    assertEquals(0f, b.m()[r * b.cols()], b.name() + " new row " + r);
                    assertEquals(0f, b.v()[r * b.cols()]);
                }
                assertTrue(g.opacityLogits().value()[r] > 0, "no pruned splat left");
            }
            assertTrue(means.rows() == m);
        }
    }

    @Test
    void timeBudgetStopsAndStillWritesEverything() throws IOException {
        CameraDataset ds = dataset(4);
        Path out = dir.resolve("out");
        SplatTrainingOptions o = small().iterations(1_000_000).timeBudgetSeconds(1.5).build();
        long t0 = System.nanoTime();
        SplatTraining.Result r = SplatTraining.run(ds, o, out, null);
        double wall = (System.nanoTime() - t0) * 1e-9;
        assertEquals("TIME_BUDGET", r.stopReason());
        assertTrue(r.steps() > 0 && r.steps() < 1_000_000);
        assertTrue(wall < 60, "stopped on time: " + wall + " s");
        GaussianSet model = SplatFormats.readPly(out.resolve("model.ply"));
        assertEquals(r.splats(), model.size());
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertEquals(1, m.get("test").get("views").size());
        assertEquals("test_4.png", m.get("test").get("views").get(0).get("name").asText());
        assertTrue(m.get("test").get("psnr").asDouble() > 5);
        assertEquals(r.splats(), m.get("splats").asInt());
        assertEquals("TIME_BUDGET", m.get("stop_reason").asText());
        assertTrue(Files.isRegularFile(out.resolve("test").resolve("test_4.png")));
        List<String> log = Files.readAllLines(out.resolve("log.jsonl"));
        assertTrue(log.size() >= 2 && log.get(log.size() - 1).contains("finish"), log.toString());
        // the renders folder scores the same as the run's own evaluation
        NvsEvaluation.Summary again = NvsEvaluation.evaluateRenders(out.resolve("test"), ds, "test", new float[] {1, 1, 1});
        assertEquals(m.get("test").get("psnr").asDouble(), again.meanPsnr(), 0.3); // PNG quantization only
    }
}
