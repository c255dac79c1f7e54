package kernelfield.engine.optim;

import java.util.List;

/**
 * Receives training progress from the {@link Trainer}, on the training thread: keep it cheap.
 * Implementations: {@link TerminalProgress}, {@link JsonLinesLog}, {@link #composite}.
 */
public interface ProgressListener extends AutoCloseable {
    /**
     * A run starts.
     *
     * @param firstStep             the step about to be taken (non-zero after a resume)
     * @param maxSteps              the step the run stops at, or {@link Long#MAX_VALUE}
     * @param timeBudgetSeconds     this run's time budget, or infinity
     * @param elapsedBeforeSeconds  training seconds spent before this run (from a checkpoint)
     */
    default void onStart(long firstStep, long maxSteps, double timeBudgetSeconds, double elapsedBeforeSeconds) {
    }

    /** A step was taken. */
    void onStep(StepReport report);

    /** The run ended (normally; not called when the objective throws). */
    default void onFinish(TrainResult result) {
    }

    /** Releases what the listener holds (files, the terminal). Idempotent. */
    @Override
    default void close() {
    }

    /** A listener that does nothing. */
    static ProgressListener none() {
        return report -> {
        };
    }

    /** A listener that forwards every call to each of {@code listeners}, in order. */
    static ProgressListener composite(ProgressListener... listeners) {
        List<ProgressListener> all = List.of(listeners);
        return new ProgressListener() {
            @Override
            public void onStart(long firstStep, long maxSteps, double budget, double before) {
                for (ProgressListener l : all) l.onStart(firstStep, maxSteps, budget, before);
            }

            @Override
            public void onStep(StepReport report) {
                for (ProgressListener l : all) l.onStep(report);
            }

            @Override
            public void onFinish(TrainResult result) {
                for (ProgressListener l : all) l.onFinish(result);
            }

            @Override
            public void close() {
                RuntimeException first = null;
                for (ProgressListener l : all) {
                    try {
                        l.close();
                    } catch (RuntimeException e) {
                        if (first == null) first = e;
                        else first.addSuppressed(e);
                    }
                }
                if (first != null) throw first;
            }
        };
    }
}
