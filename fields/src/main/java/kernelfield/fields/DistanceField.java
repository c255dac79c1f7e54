package kernelfield.fields;

/** A signed or unsigned distance field evaluated at batches of points. */
public interface DistanceField {

    /** True when the field is signed (negative inside), false for unsigned distance. */
    boolean signed();

    /**
     * Evaluates the field at {@code points (M, 3)} into {@code values (M)} and, when non-null,
     * its gradient into {@code gradients (M, 3)}. Allocates nothing beyond per-thread scratch.
     */
    void evaluate(float[] points, float[] values, float[] gradients);
}
