package kernelfield.engine.optim;

/**
 * A {@link Strategy} or {@link Objective} with state of its own that a checkpoint must carry
 * (beyond the parameter blocks), for a resumed run to continue bit-identically.
 */
public interface Checkpointable {
    /** The state as bytes; allocates them. */
    byte[] saveState();

    /** Restores a state written by {@link #saveState()}. */
    void restoreState(byte[] state);
}
