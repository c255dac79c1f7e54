package kernelfield.engine.sparse;

import kernelfield.engine.compute.CpuDevice;
import kernelfield.engine.compute.VectorOps;

/** Diagonal (Jacobi) preconditioner {@code M = diag(A)}: {@code z = r / diag(A)}. */
public final class JacobiPreconditioner implements Preconditioner {
    private final double[] inverseDiagonal;

    /**
     * From the diagonal of a square matrix. Allocates {@code n} doubles.
     *
     * @throws IllegalArgumentException if {@code a} is not square or a diagonal entry is not
     *                                  positive and finite (the message names the row)
     */
    public JacobiPreconditioner(CsrMatrix a) {
        a.requireSquare("Jacobi preconditioner");
        this.inverseDiagonal = invert(a.diagonal());
    }

    /** From a given diagonal {@code (n)}, which must be positive and finite. Copies it. */
    public JacobiPreconditioner(double[] diagonal) {
        this.inverseDiagonal = invert(diagonal.clone());
    }

    private static double[] invert(double[] d) {
        for (int i = 0; i < d.length; i++) {
            if (!(d[i] > 0) || Double.isInfinite(d[i])) {
                throw new IllegalArgumentException("row " + i + ": diagonal " + d[i] + " is not positive and finite (matrix not SPD?)");
            }
            d[i] = 1.0 / d[i];
        }
        return d;
    }

    public int size() {
        return inverseDiagonal.length;
    }

    @Override
    public void apply(double[] r, double[] z, CpuDevice device) {
        if (r.length != inverseDiagonal.length || z.length != inverseDiagonal.length) {
            throw new IllegalArgumentException("vectors of " + r.length + " and " + z.length + ", preconditioner of " + inverseDiagonal.length);
        }
        device.parallelFor(r.length, 1 << 14, (c, s, e) -> VectorOps.mul(r, s, inverseDiagonal, s, z, s, e - s));
    }
}
