package kernelfield.engine.optim;

import java.util.Objects;

/**
 * A linear warm-up around another schedule: {@code lr(step) = f(step) * inner(step)} with
 * {@code f} rising linearly from {@code startFactor} at step 0 to 1 at {@code warmupSteps},
 * and 1 after.
 */
public record WarmUpSchedule(LearningRateSchedule inner, long warmupSteps, double startFactor)
        implements LearningRateSchedule {
    public WarmUpSchedule {
        Objects.requireNonNull(inner, "inner");
        if (warmupSteps < 0) throw new IllegalArgumentException("warm-up steps " + warmupSteps + " < 0");
        if (!(startFactor >= 0 && startFactor <= 1)) throw new IllegalArgumentException("warm-up start factor " + startFactor + " not in [0, 1]");
    }

    @Override
    public double at(long step) {
        double f = 1;
        if (step < warmupSteps) {
            f = startFactor + (1 - startFactor) * Math.max(0, step) / (double) warmupSteps;
        }
        return f * inner.at(step);
    }
}
