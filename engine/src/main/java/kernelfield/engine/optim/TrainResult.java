package kernelfield.engine.optim;

/**
 * How a {@link Trainer#run()} ended.
 *
 * @param stepsRun       steps taken by this call
 * @param nextStep       the step a further run would take next (total steps taken so far)
 * @param elapsedSeconds training seconds since the start of training (including time before a resume)
 * @param lastLoss       the loss of the last step taken (NaN when none, or the non-finite loss when diverged)
 * @param reason         why it stopped
 */
public record TrainResult(long stepsRun, long nextStep, double elapsedSeconds, double lastLoss, StopReason reason) {
    /** Why a run stopped. */
    public enum StopReason {
        /** The step count reached the maximum. */
        MAX_STEPS,
        /** The time budget was spent (checked before every step). */
        TIME_BUDGET,
        /** A strategy or the objective asked to stop ({@link StepContext#requestStop()}). */
        REQUESTED,
        /** The objective returned a loss that is not finite; that step's update was not applied. */
        DIVERGED
    }
}
