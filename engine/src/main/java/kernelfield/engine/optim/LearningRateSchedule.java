package kernelfield.engine.optim;

/**
 * A learning rate as a pure function of the training step, so that a resumed run, knowing only
 * its step, continues on the same schedule. Implementations are immutable and allocate nothing.
 */
@FunctionalInterface
public interface LearningRateSchedule {
    /** The learning rate at {@code step} (0-based). */
    double at(long step);

    /** A constant rate. */
    static LearningRateSchedule constant(double lr) {
        return new ConstantSchedule(lr);
    }

    /**
     * 3DGS's position schedule: log-linear from {@code lrInit} at step 0 to {@code lrFinal} at
     * {@code maxSteps}, held at {@code lrFinal} after. See {@link ExponentialDecaySchedule}.
     */
    static LearningRateSchedule exponential(double lrInit, double lrFinal, long maxSteps) {
        return new ExponentialDecaySchedule(lrInit, lrFinal, maxSteps, 0, 1.0);
    }

    /** Like {@link #exponential(double, double, long)} with 3DGS's sine-eased delay. */
    static LearningRateSchedule exponential(double lrInit, double lrFinal, long maxSteps, long delaySteps,
            double delayMult) {
        return new ExponentialDecaySchedule(lrInit, lrFinal, maxSteps, delaySteps, delayMult);
    }

    /** Cosine annealing from {@code lrMax} at step 0 to {@code lrMin} at {@code maxSteps}, held after. */
    static LearningRateSchedule cosine(double lrMax, double lrMin, long maxSteps) {
        return new CosineSchedule(lrMax, lrMin, maxSteps);
    }

    /**
     * This schedule with a linear warm-up: over the first {@code warmupSteps} steps the rate rises
     * linearly from {@code startFactor} times this schedule's rate to the full rate.
     */
    default LearningRateSchedule withWarmUp(long warmupSteps, double startFactor) {
        return new WarmUpSchedule(this, warmupSteps, startFactor);
    }
}
