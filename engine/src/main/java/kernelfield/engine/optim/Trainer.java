package kernelfield.engine.optim;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import kernelfield.engine.io.KfFormatException;

/**
 * The training loop. Each step:
 * <ol>
 * <li>gradients of all blocks zeroed;</li>
 * <li>{@link Strategy#beforeBackward} of each strategy, in order;</li>
 * <li>the {@link Objective} computes the loss and fills the gradients;</li>
 * <li>{@link Strategy#afterBackward};</li>
 * <li>the {@link Adam} update at the step's learning rates (row-sparse when the result carries
 *     visible rows);</li>
 * <li>{@link Strategy#afterStep} (densify, prune, reset);</li>
 * <li>listeners are told; a checkpoint is written when one is due.</li>
 * </ol>
 * The run stops before a step when the step count reached {@code maxSteps} or the time budget of
 * this {@link #run()} call is spent, and after a step when a hook called
 * {@link StepContext#requestStop()} or the loss is not finite (that step's update is skipped). It
 * always finishes cleanly: listeners get {@code onFinish} and, when a checkpoint file is set, a
 * last checkpoint is written.
 *
 * <p><b>Determinism</b>: with the same seed, objective and strategies (deterministic themselves),
 * the parameters are bit-identical run to run, and a run resumed from a checkpoint continues
 * bit-identically to one never interrupted (the checkpoint holds blocks, moments, Adam step
 * counts, the step, the random state and {@link Checkpointable} states). Time only decides
 * <em>when</em> a run stops, never what a step computes.
 *
 * <p>Not thread-safe; the objective may use threads inside a step.
 */
public final class Trainer {
    private final ParamSet params;
    private final Adam optimizer;
    private final Objective objective;
    private final List<Strategy> strategies;
    private final ProgressListener listener;
    private final long maxSteps;
    private final Duration timeBudget;
    private final Path checkpointFile;
    private final long checkpointEvery;
    private final SeededRandom random;
    private final Context ctx = new Context();

    private long step;
    private double elapsedBefore;

    private Trainer(Builder b) {
        this.params = b.params;
        this.optimizer = b.optimizer;
        this.objective = b.objective;
        this.strategies = List.copyOf(b.strategies);
        this.listener = b.listener;
        this.maxSteps = b.maxSteps;
        this.timeBudget = b.timeBudget;
        this.checkpointFile = b.checkpointFile;
        this.checkpointEvery = b.checkpointEvery;
        this.random = new SeededRandom(b.seed);
    }

    /** Starts a builder; set {@code maxSteps} and/or {@code timeBudget}. */
    public static Builder builder(ParamSet params, Adam optimizer, Objective objective) {
        return new Builder(params, optimizer, objective);
    }

    /** Configuration of a {@link Trainer}. */
    public static final class Builder {
        private final ParamSet params;
        private final Adam optimizer;
        private final Objective objective;
        private final List<Strategy> strategies = new ArrayList<>();
        private ProgressListener listener = ProgressListener.none();
        private long maxSteps = Long.MAX_VALUE;
        private Duration timeBudget;
        private Path checkpointFile;
        private long checkpointEvery;
        private long seed;

        private Builder(ParamSet params, Adam optimizer, Objective objective) {
            this.params = Objects.requireNonNull(params, "params");
            this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
            this.objective = Objects.requireNonNull(objective, "objective");
        }

        /** Adds a strategy; hooks run in the order added. */
        public Builder strategy(Strategy s) {
            strategies.add(Objects.requireNonNull(s, "strategy"));
            return this;
        }

        /** The progress listener (use {@link ProgressListener#composite} for several). Not closed by the trainer. */
        public Builder listener(ProgressListener l) {
            this.listener = Objects.requireNonNull(l, "listener");
            return this;
        }

        /** Stop when this many steps in total have been taken ({@code >= 0}). */
        public Builder maxSteps(long n) {
            if (n < 0) throw new IllegalArgumentException("maxSteps " + n + " < 0");
            this.maxSteps = n;
            return this;
        }

        /** Stop each {@link #run()} after this much wall time (checked before every step). */
        public Builder timeBudget(Duration budget) {
            if (budget.isNegative()) throw new IllegalArgumentException("time budget " + budget + " is negative");
            this.timeBudget = budget;
            return this;
        }

        /** Seed of the run's random generator (default 0). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Writes a checkpoint to {@code file} (atomically, replacing it) every {@code everySteps}
         * steps ({@code 0}: only at the end of each run) and at the end of each run.
         */
        public Builder checkpoint(Path file, long everySteps) {
            if (everySteps < 0) throw new IllegalArgumentException("checkpoint interval " + everySteps + " < 0");
            this.checkpointFile = Objects.requireNonNull(file, "file");
            this.checkpointEvery = everySteps;
            return this;
        }

        /**
         * @throws IllegalStateException when neither a step count nor a time budget is set
         */
        public Trainer build() {
            if (maxSteps == Long.MAX_VALUE && timeBudget == null) {
                throw new IllegalStateException("set maxSteps and/or timeBudget: the run would never stop");
            }
            return new Trainer(this);
        }
    }

    /** The next step to take (steps taken so far). */
    public long step() {
        return step;
    }

    /** The parameters trained. */
    public ParamSet params() {
        return params;
    }

    /** The run's random generator. */
    public SeededRandom random() {
        return random;
    }

    /**
     * Runs steps until a stop condition (see the class comment). May be called again to continue
     * (e.g. with a fresh time budget). Modifies the parameters.
     *
     * @throws IOException when a checkpoint cannot be written
     */
    public TrainResult run() throws IOException {
        long t0 = System.nanoTime();
        long budgetNanos = timeBudget == null ? Long.MAX_VALUE : saturatedNanos(timeBudget);
        double budgetSeconds = timeBudget == null ? Double.POSITIVE_INFINITY : timeBudget.toNanos() * 1e-9;
        listener.onStart(step, maxSteps, budgetSeconds, elapsedBefore);
        long stepsRun = 0;
        double lastLoss = Double.NaN;
        TrainResult.StopReason reason;
        while (true) {
            if (step >= maxSteps) {
                reason = TrainResult.StopReason.MAX_STEPS;
                break;
            }
            if (System.nanoTime() - t0 >= budgetNanos) {
                reason = TrainResult.StopReason.TIME_BUDGET;
                break;
            }
            ctx.stop = false;
            params.zeroGrad();
            for (Strategy s : strategies) s.beforeBackward(ctx);
            StepResult r = objective.evaluate(ctx);
            if (r == null) throw new IllegalStateException("objective returned no result at step " + step);
            lastLoss = r.loss();
            if (!Double.isFinite(r.loss())) {
                reason = TrainResult.StopReason.DIVERGED;
                break;
            }
            for (Strategy s : strategies) s.afterBackward(ctx, r);
            optimizer.step(params, step, r.visibleRows());
            for (Strategy s : strategies) s.afterStep(ctx, r);
            step++;
            stepsRun++;
            double now = elapsedBefore + (System.nanoTime() - t0) * 1e-9;
            listener.onStep(new StepReport(step - 1, maxSteps, now, r.loss(), r.metrics()));
            if (checkpointFile != null && checkpointEvery > 0 && step % checkpointEvery == 0 && step < maxSteps) {
                saveCheckpoint(checkpointFile, now);
            }
            if (ctx.stop) {
                reason = TrainResult.StopReason.REQUESTED;
                break;
            }
        }
        double elapsed = elapsedBefore + (System.nanoTime() - t0) * 1e-9;
        elapsedBefore = elapsed;
        if (checkpointFile != null) saveCheckpoint(checkpointFile, elapsed);
        TrainResult result = new TrainResult(stepsRun, step, elapsed, lastLoss, reason);
        listener.onFinish(result);
        return result;
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Writes a checkpoint of the current state to {@code file}, atomically. */
    public void saveCheckpoint(Path file) throws IOException {
        saveCheckpoint(file, elapsedBefore);
    }

    private void saveCheckpoint(Path file, double elapsed) throws IOException {
        Map<String, byte[]> extras = new LinkedHashMap<>();
        for (int i = 0; i < strategies.size(); i++) {
            if (strategies.get(i) instanceof Checkpointable c) extras.put("strategy." + i, c.saveState());
        }
        if (objective instanceof Checkpointable c) extras.put("objective", c.saveState());
        Checkpoint.write(file, step, elapsed, random.state(), params, extras);
    }

    /**
     * Restores the state of a checkpoint: parameters (rows may differ from the current ones),
     * moments, step, random state, elapsed time and {@link Checkpointable} states. The next
     * {@link #run()} continues where the checkpointed run was.
     *
     * @throws KfFormatException when the file is not a valid checkpoint of this model
     */
    public void resume(Path file) throws IOException {
        Checkpoint c = Checkpoint.read(file);
        for (int i = 0; i < strategies.size(); i++) {
            if (strategies.get(i) instanceof Checkpointable && !c.extras().containsKey("strategy." + i)) {
                throw new KfFormatException(file, "no state for strategy " + i + " ("
                        + strategies.get(i).getClass().getSimpleName() + ") in the checkpoint");
            }
        }
        if (objective instanceof Checkpointable && !c.extras().containsKey("objective")) {
            throw new KfFormatException(file, "no state for the objective in the checkpoint");
        }
        c.restoreInto(params);
        for (int i = 0; i < strategies.size(); i++) {
            if (strategies.get(i) instanceof Checkpointable cp) cp.restoreState(c.extras().get("strategy." + i));
        }
        if (objective instanceof Checkpointable cp) cp.restoreState(c.extras().get("objective"));
        random.setState(c.rngState());
        step = c.step();
        elapsedBefore = c.elapsedSeconds();
    }

    private final class Context implements StepContext {
        boolean stop;

        @Override
        public long step() {
            return step;
        }

        @Override
        public long maxSteps() {
            return maxSteps;
        }

        @Override
        public ParamSet params() {
            return params;
        }

        @Override
        public SeededRandom random() {
            return random;
        }

        @Override
        public Adam optimizer() {
            return optimizer;
        }

        @Override
        public void requestStop() {
            stop = true;
        }
    }
}
