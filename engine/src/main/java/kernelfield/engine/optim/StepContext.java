package kernelfield.engine.optim;

/**
 * What the {@link Trainer} hands to the {@link Objective} and the {@link Strategy} hooks at each
 * step. Valid only during the call it is given to.
 */
public interface StepContext {
    /** The current step, 0-based; the step about to be (or being) taken. */
    long step();

    /** The step the run stops at (exclusive), or {@link Long#MAX_VALUE} when it runs on time only. */
    long maxSteps();

    /** The parameters being trained. */
    ParamSet params();

    /** The run's random generator; its state is checkpointed. Use it for all randomness of the run. */
    SeededRandom random();

    /** The optimizer (to read learning rates, e.g. for a strategy that scales noise by the rate). */
    Adam optimizer();

    /** Asks the trainer to stop cleanly after the current step (e.g. on convergence). */
    void requestStop();
}
