package kernelfield.engine.sparse;

import kernelfield.engine.compute.CpuDevice;

/**
 * An approximation {@code M} of an SPD matrix {@code A}, applied as {@code z = M^-1 r}. For
 * {@link ConjugateGradient}, {@code M} must be symmetric positive definite.
 */
public interface Preconditioner {
    /**
     * {@code z = M^-1 r}: overwrites {@code z (n)}, reads {@code r (n)}; the two must not be the
     * same array. Allocates nothing. Deterministic for any thread count.
     */
    void apply(double[] r, double[] z, CpuDevice device);

    /** The identity, {@code z = r}: plain (unpreconditioned) CG. */
    static Preconditioner identity() {
        return (r, z, device) -> System.arraycopy(r, 0, z, 0, r.length);
    }
}
