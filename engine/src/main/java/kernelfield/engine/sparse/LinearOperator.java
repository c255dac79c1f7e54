package kernelfield.engine.sparse;

import kernelfield.engine.compute.CpuDevice;
import kernelfield.engine.compute.VectorOps;

/**
 * A linear map {@code y = A x} given by its action, so that solvers such as
 * {@link ConjugateGradient} work on assembled matrices ({@link CsrMatrix}) and on matrix-free
 * operators alike (e.g. {@link #normalEquations normal equations} {@code A^T A + lambda I}).
 */
public interface LinearOperator {
    /** Length of {@code y}. */
    int rows();

    /** Length of {@code x}. */
    int cols();

    /**
     * {@code y = A x}: overwrites {@code y (rows)}, reads {@code x (cols)}; the two must not be the
     * same array. Deterministic: the result must not depend on the thread count of {@code device}.
     */
    void apply(double[] x, double[] y, CpuDevice device);

    /**
     * The matrix-free operator {@code A^T A + lambda I} of the regularised least-squares problem
     * {@code min |A x - b|^2 + lambda |x|^2}, without forming {@code A^T A}. Allocates one scratch
     * vector of {@code a.rows()} doubles, once, here; {@code apply} of the returned operator then
     * allocates nothing, and must not be called concurrently from several threads.
     *
     * @param a      {@code (m, n)} matrix
     * @param lambda Tikhonov weight, {@code >= 0} and finite
     * @return an {@code (n, n)} symmetric positive (semi-)definite operator
     */
    static LinearOperator normalEquations(CsrMatrix a, double lambda) {
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("lambda must be finite and >= 0, got " + lambda);
        }
        double[] t = new double[a.rows()];
        return new LinearOperator() {
            @Override
            public int rows() {
                return a.cols();
            }

            @Override
            public int cols() {
                return a.cols();
            }

            @Override
            public void apply(double[] x, double[] y, CpuDevice device) {
                a.multiply(x, t, device);
                a.multiplyTranspose(t, y, device);
                if (lambda != 0) {
                    device.parallelFor(y.length, 1 << 14, (c, s, e) -> VectorOps.axpy(lambda, x, s, y, s, e - s));
                }
            }
        };
    }
}
