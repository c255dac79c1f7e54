package kernelfield.engine.optim;

/** A constant learning rate. */
public record ConstantSchedule(double lr) implements LearningRateSchedule {
    public ConstantSchedule {
        if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("learning rate " + lr + " must be finite and >= 0");
    }

    @Override
    public double at(long step) {
        return lr;
    }
}
