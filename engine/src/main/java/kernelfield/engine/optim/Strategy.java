package kernelfield.engine.optim;

/**
 * Hooks around a training step, where representation-specific structure changes live
 * (densify, prune, reset, relocate). Order in a step: gradients zeroed, {@link #beforeBackward},
 * the {@link Objective} (forward and backward), {@link #afterBackward}, the Adam update,
 * {@link #afterStep}. A strategy may resize blocks in {@link #afterStep} (and in
 * {@link #beforeBackward}); moments follow the rows (see {@link ParamBlock}). State that must
 * survive a checkpoint belongs in non-differentiable {@link ParamBlock}s, or the strategy
 * implements {@link Checkpointable}.
 */
public interface Strategy {
    /** Before the objective runs: e.g. prepare per-step statistics buffers. */
    default void beforeBackward(StepContext ctx) {
    }

    /** After the gradients are filled, before the update: e.g. accumulate gradient statistics. */
    default void afterBackward(StepContext ctx, StepResult result) {
    }

    /** After the update: e.g. densify, prune, reset opacities. */
    default void afterStep(StepContext ctx, StepResult result) {
    }
}
