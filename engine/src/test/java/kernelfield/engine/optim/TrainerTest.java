package kernelfield.engine.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    @TempDir
    Path dir;

    // ---- a line fit by least squares ----

    private static final int POINTS = 64;

    private static float xAt(int j) {
        return -1 + 2f * j / (POINTS - 1);
    }

    private static float yAt(int j) {
        return 3 * xAt(j) - 0.5f + 0.05f * (float) Math.sin(17.0 * j);
    }

    /** Mean squared error of y = a x + b over all points; fills d/da, d/db. */
    private static StepResult lineObjective(StepContext ctx) {
        ParamBlock line = ctx.params().get("line");
        float a = line.value()[0], b = line.value()[1];
        double loss = 0, ga = 0, gb = 0;
        for (int j = 0; j < POINTS; j++) {
            double r = a * xAt(j) + b - yAt(j);
            loss += r * r;
            ga += 2 * r * xAt(j);
            gb += 2 * r;
        }
        line.grad()[0] += (float) (ga / POINTS);
        line.grad()[1] += (float) (gb / POINTS);
        return StepResult.of(loss / POINTS).with("slope", a);
    }

    @Test
    void fitsALineByLeastSquares() throws IOException {
        ParamSet params = ParamSet.of(new ParamBlock("line", 1, 2, "line", true));
        Adam adam = new Adam().setSchedule("line", LearningRateSchedule.exponential(0.05, 1e-4, 1500));
        TrainResult r = Trainer.builder(params, adam, TrainerTest::lineObjective).maxSteps(1500).build().run();
        assertEquals(TrainResult.StopReason.MAX_STEPS, r.reason());
        assertEquals(1500, r.stepsRun());
        // Closed-form least squares.
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (int j = 0; j < POINTS; j++) {
            sx += xAt(j);
            sy += yAt(j);
            sxx += xAt(j) * xAt(j);
            sxy += xAt(j) * yAt(j);
        }
        double slope = (POINTS * sxy - sx * sy) / (POINTS * sxx - sx * sx);
        double icpt = (sy - slope * sx) / POINTS;
        assertEquals(slope, params.get("line").value()[0], 1e-3);
        assertEquals(icpt, params.get("line").value()[1], 1e-3);
        assertTrue(r.lastLoss() < 2e-3, "loss " + r.lastLoss());
    }

    @Test
    void stopsOnRequestAndOnDivergence() throws IOException {
        ParamSet params = ParamSet.of(new ParamBlock("line", 1, 2, "line", true));
        Adam adam = new Adam().setLearningRate("line", 0.05);
        Strategy stopWhenGood = new Strategy() {
            @Override
            public void afterStep(StepContext ctx, StepResult result) {
                if (result.loss() < 0.01) ctx.requestStop();
            }
        };
        TrainResult r = Trainer.builder(params, adam, TrainerTest::lineObjective).maxSteps(100_000)
                .strategy(stopWhenGood).build().run();
        assertEquals(TrainResult.StopReason.REQUESTED, r.reason());
        assertTrue(r.lastLoss() < 0.01 && r.stepsRun() < 100_000);

        ParamSet p2 = ParamSet.of(new ParamBlock("line", 1, 2, "line", true));
        Objective blowsUp = ctx -> {
            StepResult s = lineObjective(ctx);
            return ctx.step() == 3 ? StepResult.of(Double.NaN) : s;
        };
        TrainResult d = Trainer.builder(p2, adam, blowsUp).maxSteps(10).build().run();
        assertEquals(TrainResult.StopReason.DIVERGED, d.reason());
        assertEquals(3, d.nextStep());
        assertEquals(3, p2.get("line").adamSteps(), "the diverged step is not applied");
    }

    @Test
    void timeBudgetStopsTheRunCleanly() throws IOException {
        ParamSet params = ParamSet.of(new ParamBlock("line", 1, 2, "line", true));
        Adam adam = new Adam().setLearningRate("line", 0.01);
        Objective slow = ctx -> {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return lineObjective(ctx);
        };
        Path ckpt = dir.resolve("budget.kfckpt");
        Path log = dir.resolve("budget.jsonl");
        boolean[] finished = new boolean[1];
        ProgressListener flag = new ProgressListener() {
            @Override
            public void onStep(StepReport report) {
            }

            @Override
            public void onFinish(TrainResult result) {
                finished[0] = true;
            }
        };
        try (JsonLinesLog jl = new JsonLinesLog(log, 1)) {
            Trainer t = Trainer.builder(params, adam, slow).timeBudget(Duration.ofMillis(150))
                    .listener(ProgressListener.composite(jl, flag)).checkpoint(ckpt, 0).build();
            TrainResult r = t.run();
            assertEquals(TrainResult.StopReason.TIME_BUDGET, r.reason());
            assertTrue(r.stepsRun() > 0, "some steps ran");
            assertTrue(finished[0], "listeners were told");
            Checkpoint c = Checkpoint.read(ckpt);
            assertEquals(r.nextStep(), c.step(), "a final checkpoint was written");
        }
        assertTrue(Files.readAllLines(log).getLast().contains("TIME_BUDGET"));
        assertThrows(IllegalStateException.class,
                () -> Trainer.builder(params, adam, slow).build(), "a run with no stop condition is refused");
    }

    // ---- a stochastic, densifying toy for determinism and resume ----

    private static final int TARGETS = 5;

    private static float target(int t, int c) {
        return (float) Math.cos(1.7 * t + 2.3 * c);
    }

    private static ParamSet kernels() {
        ParamBlock pts = new ParamBlock("pts", 6, 2, "pts", true);
        for (int i = 0; i < 12; i++) pts.value()[i] = 0.1f * i;
        return ParamSet.of(pts, new ParamBlock("accum", 6, 1, "none", false),
                new ParamBlock("shared", 1, 3, "shared", true));
    }

    /**
     * Each step picks a random target for every point and random visibility; the loss pulls visible
     * points to their targets and a shared vector to the mean of the targets.
     */
    private static final Objective KERNEL_OBJECTIVE = ctx -> {
        ParamBlock pts = ctx.params().get("pts");
        ParamBlock shared = ctx.params().get("shared");
        SeededRandom rnd = ctx.random();
        int n = pts.rows();
        boolean[] visible = new boolean[n];
        double loss = 0;
        for (int i = 0; i < n; i++) {
            visible[i] = rnd.nextInt(4) != 0;
            int t = rnd.nextInt(TARGETS);
            if (!visible[i]) continue;
            for (int c = 0; c < 2; c++) {
                float r = pts.value()[i * 2 + c] - target(t, c) + 0.1f * (float) rnd.nextGaussian();
                loss += r * r;
                pts.grad()[i * 2 + c] += 2 * r / n;
            }
        }
        for (int c = 0; c < 3; c++) {
            float r = shared.value()[c] - 0.25f * c;
            loss += r * r;
            shared.grad()[c] += 2 * r;
        }
        return StepResult.of(loss / n).with("kernels", n).withVisibleRows(visible);
    };

    /** Accumulates gradient norms; every 7 steps clones the 2 largest, every 11 prunes the farthest from 0. */
    private static final class Densify implements Strategy, Checkpointable {
        int events;

        @Override
        public void afterBackward(StepContext ctx, StepResult r) {
            ParamBlock pts = ctx.params().get("pts");
            ParamBlock acc = ctx.params().get("accum");
            for (int i = 0; i < pts.rows(); i++) {
                acc.value()[i] += Math.abs(pts.grad()[2 * i]) + Math.abs(pts.grad()[2 * i + 1]);
            }
        }

        @Override
        public void afterStep(StepContext ctx, StepResult r) {
            long s = ctx.step();
            ParamBlock pts = ctx.params().get("pts");
            ParamBlock acc = ctx.params().get("accum");
            if (s % 7 == 6) {
                int best = 0, second = 1;
                for (int i = 0; i < pts.rows(); i++) {
                    if (acc.value()[i] > acc.value()[best]) {
                        second = best;
                        best = i;
                    } else if (i != best && acc.value()[i] > acc.value()[second]) {
                        second = i;
                    }
                }
                int[] src = events % 2 == 0 ? new int[] {best, second} : new int[] {best};
                pts.appendCopiesOf(src);
                acc.appendRows(new float[src.length]);
                java.util.Arrays.fill(acc.value(), 0f);
                events++;
            }
            if (s % 11 == 10 && pts.rows() > 4) {
                boolean[] keep = new boolean[pts.rows()];
                int far = 0;
                for (int i = 0; i < pts.rows(); i++) {
                    keep[i] = true;
                    if (Math.abs(pts.value()[2 * i]) > Math.abs(pts.value()[2 * far])) far = i;
                }
                keep[far] = false;
                pts.keepRows(keep);
                acc.keepRows(keep);
                events++;
            }
        }

        @Override
        public byte[] saveState() {
            return ByteBuffer.allocate(4).putInt(events).array();
        }

        @Override
        public void restoreState(byte[] state) {
            events = ByteBuffer.wrap(state).getInt();
        }
    }

    private static Adam kernelAdam() {
        return new Adam().setSchedule("pts", LearningRateSchedule.exponential(0.05, 0.005, 60))
                .setSchedule("shared", LearningRateSchedule.cosine(0.1, 0.01, 60).withWarmUp(5, 0.2));
    }

    private Trainer kernelTrainer(ParamSet params, long maxSteps, Path ckpt) {
        Trainer.Builder b = Trainer.builder(params, kernelAdam(), KERNEL_OBJECTIVE).strategy(new Densify())
                .maxSteps(maxSteps).seed(2024);
        if (ckpt != null) b.checkpoint(ckpt, 0);
        return b.build();
    }

    private static void assertSameBits(ParamSet a, ParamSet b) {
        for (ParamBlock x : a.blocks()) {
            ParamBlock y = b.get(x.name());
            assertEquals(x.rows(), y.rows(), x.name());
            assertArrayEquals(x.value(), y.value(), x.name());
            assertArrayEquals(x.m(), y.m(), x.name() + " m");
            assertArrayEquals(x.v(), y.v(), x.name() + " v");
            assertEquals(x.adamSteps(), y.adamSteps(), x.name());
        }
    }

    @Test
    void seededRunsAreBitIdentical() throws IOException {
        ParamSet a = kernels(), b = kernels();
        kernelTrainer(a, 60, null).run();
        kernelTrainer(b, 60, null).run();
        assertSameBits(a, b);
        assertNotEquals(6, a.get("pts").rows(), "the strategy changed the row count");
        ParamSet c = kernels();
        Trainer.builder(c, kernelAdam(), KERNEL_OBJECTIVE).strategy(new Densify()).maxSteps(60).seed(2025).build().run();
        assertTrue(!java.util.Arrays.equals(a.get("shared").value(), c.get("shared").value())
                || !java.util.Arrays.equals(a.get("pts").value(), c.get("pts").value()), "the seed matters");
    }

    @Test
    void resumedRunMatchesAnUninterruptedOneBitForBit() throws IOException {
        ParamSet whole = kernels();
        TrainResult full = kernelTrainer(whole, 60, null).run();
        assertEquals(60, full.nextStep());

        Path ckpt = dir.resolve("half.kfckpt");
        ParamSet first = kernels();
        TrainResult part = kernelTrainer(first, 27, ckpt).run(); // stops mid-schedule, between densify events
        assertEquals(27, part.nextStep());

        ParamSet resumed = kernels(); // a fresh model, as a new process would build
        Trainer t = kernelTrainer(resumed, 60, null);
        t.resume(ckpt);
        assertEquals(27, t.step());
        TrainResult rest = t.run();
        assertEquals(33, rest.stepsRun());
        assertSameBits(whole, resumed);
        assertEquals(full.lastLoss(), rest.lastLoss());
    }
}
