package kernelfield.engine.optim;

/**
 * Exponential (log-linear) decay as 3DGS uses for the Gaussian positions:
 * with {@code t = clamp(step / maxSteps, 0, 1)},
 * {@code lr(step) = delay(step) * exp((1 - t) ln lrInit + t ln lrFinal)}, so {@code lr(0) = lrInit},
 * {@code lr(maxSteps) = lrFinal} and {@code ln lr} is linear in between. The optional delay
 * multiplies by {@code delayMult + (1 - delayMult) sin(pi/2 clamp(step / delaySteps, 0, 1))},
 * easing in from {@code delayMult} over {@code delaySteps} (no delay when {@code delaySteps == 0}).
 * A negative step, or {@code lrInit == lrFinal == 0}, gives 0.
 *
 * @param lrInit     rate at step 0, {@code > 0} (or both rates 0)
 * @param lrFinal    rate at {@code maxSteps}, {@code > 0} (or both rates 0)
 * @param maxSteps   steps of the decay, {@code >= 1}
 * @param delaySteps steps of the eased delay, {@code >= 0}
 * @param delayMult  delay factor at step 0, in {@code [0, 1]}
 */
public record ExponentialDecaySchedule(double lrInit, double lrFinal, long maxSteps, long delaySteps, double delayMult)
        implements LearningRateSchedule {
    public ExponentialDecaySchedule {
        boolean zero = lrInit == 0 && lrFinal == 0;
        if (!zero && !(lrInit > 0 && lrFinal > 0 && Double.isFinite(lrInit) && Double.isFinite(lrFinal))) {
            throw new IllegalArgumentException("exponential decay needs positive finite rates, got " + lrInit + " -> " + lrFinal);
        }
        if (maxSteps < 1) throw new IllegalArgumentException("exponential decay: maxSteps " + maxSteps + " < 1");
        if (delaySteps < 0) throw new IllegalArgumentException("exponential decay: delaySteps " + delaySteps + " < 0");
        if (!(delayMult >= 0 && delayMult <= 1)) throw new IllegalArgumentException("exponential decay: delayMult " + delayMult + " not in [0, 1]");
    }

    @Override
    public double at(long step) {
        if (step < 0 || (lrInit == 0 && lrFinal == 0)) return 0;
        double delay = 1;
        if (delaySteps > 0) {
            double s = Math.min(1.0, (double) step / delaySteps);
            delay = delayMult + (1 - delayMult) * Math.sin(0.5 * Math.PI * s);
        }
        double t = Math.min(1.0, (double) step / maxSteps);
        return delay * Math.exp(Math.log(lrInit) * (1 - t) + Math.log(lrFinal) * t);
    }
}
