package kernelfield.engine.optim;

/**
 * Cosine annealing: with {@code t = clamp(step / maxSteps, 0, 1)},
 * {@code lr = lrMin + (lrMax - lrMin) (1 + cos(pi t)) / 2}.
 */
public record CosineSchedule(double lrMax, double lrMin, long maxSteps) implements LearningRateSchedule {
    public CosineSchedule {
        if (!(lrMax >= 0 && lrMin >= 0 && Double.isFinite(lrMax) && Double.isFinite(lrMin))) {
            throw new IllegalArgumentException("cosine schedule needs finite rates >= 0, got " + lrMax + " -> " + lrMin);
        }
        if (maxSteps < 1) throw new IllegalArgumentException("cosine schedule: maxSteps " + maxSteps + " < 1");
    }

    @Override
    public double at(long step) {
        double t = Math.clamp((double) step / maxSteps, 0.0, 1.0);
        return lrMin + (lrMax - lrMin) * 0.5 * (1 + Math.cos(Math.PI * t));
    }
}
