package kernelfield.engine.optim;

import java.util.Map;

/**
 * One completed step, as {@link ProgressListener}s see it.
 *
 * @param step        0-based index of the step just taken
 * @param maxSteps    the step the run stops at (exclusive), or {@link Long#MAX_VALUE} when it runs on time only
 * @param timeSeconds training seconds elapsed since the start of training (including time before a resume)
 * @param loss        the step's loss
 * @param metrics     the step's named metrics; unmodifiable
 */
public record StepReport(long step, long maxSteps, double timeSeconds, double loss, Map<String, Double> metrics) {
}
