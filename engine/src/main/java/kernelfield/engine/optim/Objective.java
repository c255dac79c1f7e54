package kernelfield.engine.optim;

/**
 * The loss of a step: computes it and fills the gradients of the differentiable blocks
 * ({@link ParamBlock#grad()}, zeroed by the trainer before the call; accumulate into them).
 * With the same parameters and random state it must give the same bits (fixed reduction order).
 */
@FunctionalInterface
public interface Objective {
    /** Computes the loss of step {@code ctx.step()} and fills the gradients. */
    StepResult evaluate(StepContext ctx);
}
