package kernelfield.reconstruction.fit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.function.LongConsumer;

import kernelfield.engine.optim.Adam;
import kernelfield.engine.optim.LearningRateSchedule;
import kernelfield.engine.optim.Objective;
import kernelfield.engine.optim.ProgressListener;
import kernelfield.engine.optim.StepContext;
import kernelfield.engine.optim.StepResult;
import kernelfield.engine.optim.Strategy;
import kernelfield.engine.optim.TrainResult;
import kernelfield.engine.optim.Trainer;
import kernelfield.fields.rbf.RbfField;

/** The training loop the fits share: a step count or a time budget, and the schedule's length. */
final class Training {
    /** Steps between re-estimates of the schedule's length under a time budget. */
    static final int CALIBRATION_STEPS = 20;

    private Training() {
    }

    /**
     * Trains the field's parameters until {@code steps} (when {@code > 0}) or the budget (when
     * finite) is reached. Allocates the trainer.
     *
     * @param budgetSeconds training seconds ({@code +inf}: no limit; below 0 counts as 0)
     */
    static TrainResult run(RbfField field, Adam adam, Objective objective, Strategy after, ProgressListener listener,
            long seed, long steps, double budgetSeconds) {
        Trainer.Builder tb = Trainer.builder(field.params(), adam, objective).strategy(after).listener(listener).seed(seed);
        if (steps > 0) tb.maxSteps(steps);
        if (Double.isFinite(budgetSeconds)) tb.timeBudget(Duration.ofNanos((long) (Math.max(budgetSeconds, 0) * 1e9)));
        try {
            return tb.build().run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The fits' Adam (beta 0.9/0.99, eps 1e-15) with one cosine decay from {@code lr} over the
     * plan's length on the kernel features, the decoder and the kernels.
     */
    static Adam cosineAdam(double lr, Plan plan) {
        LearningRateSchedule cos = step -> ImageFit.cosine(lr, step, plan.planned());
        return new Adam(0.9, 0.99, 1e-15).setSchedule("features", cos).setSchedule("decoder", cos).setSchedule("kernels", cos);
    }

    /**
     * After each step: the field's caches refreshed (frozen kernels), the plan told, then
     * {@code then} (may be null) given the steps done.
     */
    static Strategy frozenKernelSteps(RbfField field, Plan plan, LongConsumer then) {
        return new Strategy() {
            @Override
            public void afterStep(StepContext ctx, StepResult r) {
                field.parametersChanged(false);
                plan.afterStep(ctx.step() + 1);
                if (then != null) then.accept(ctx.step() + 1);
            }
        };
    }

    /**
     * The length of the learning-rate schedule: the step count when given, otherwise estimated
     * every {@value #CALIBRATION_STEPS} steps from the recent speed so that the schedule ends with
     * the time budget (early steps may still run uncompiled code). The clock starts at construction.
     */
    static final class Plan {
        private final boolean calibrate;
        private final double budget;
        private final long trainStart = System.nanoTime();
        private long planned;
        private double lastEl;
        private long lastDone;

        /**
         * @param steps  training steps ({@code 0}: as many as the budget allows; then 1000 until estimated)
         * @param budget training seconds ({@code +inf}: none)
         */
        Plan(long steps, double budget) {
            this.planned = steps > 0 ? steps : 1000;
            this.calibrate = steps <= 0 && Double.isFinite(budget);
            this.budget = budget;
        }

        /** The planned number of steps. */
        long planned() {
            return planned;
        }

        /** Call after each step with the steps done; returns the training seconds so far. */
        double afterStep(long done) {
            double el = (System.nanoTime() - trainStart) * 1e-9;
            if (calibrate && done % CALIBRATION_STEPS == 0) {
                double perStep = lastDone == 0 ? el / done : (el - lastEl) / (done - lastDone);
                planned = Math.max(done + 1, done + (long) (Math.max(budget - el, 0) / perStep));
                lastEl = el;
                lastDone = done;
            }
            return el;
        }
    }
}
