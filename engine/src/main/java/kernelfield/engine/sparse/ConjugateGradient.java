package kernelfield.engine.sparse;

import kernelfield.engine.compute.CpuDevice;
import kernelfield.engine.compute.VectorOps;

/**
 * Preconditioned conjugate gradient for symmetric positive definite systems {@code A x = b},
 * with {@code A} any {@link LinearOperator} (an assembled {@link CsrMatrix} or a matrix-free one).
 *
 * <p>Stops when the relative residual {@code |b - A x| / |b|} is at most {@link #tolerance}
 * (checked on the true residual, recomputed when the recursive one says so), after
 * {@link #maxIterations} iterations, on a breakdown (a non-positive curvature {@code p^T A p} or
 * {@code r^T M^-1 r}: the operator or the preconditioner is not SPD), or when the listener asks.
 *
 * <p>Deterministic: all dot products are chunk-wise reductions in a fixed order
 * ({@link CpuDevice#sum}), so the iterates are bit-identical for any thread count provided the
 * operator and the preconditioner are.
 *
 * <p>A solver keeps its four work vectors {@code (n)} between solves of the same size (allocated
 * on the first solve of a size), so it is not thread-safe; use one per thread.
 */
public final class ConjugateGradient {
    private static final int GRAIN = 1 << 13;

    /** Why a solve ended. */
    public enum Status {
        CONVERGED, MAX_ITERATIONS, BREAKDOWN, STOPPED
    }

    /**
     * The outcome of a solve.
     *
     * @param status           why it ended
     * @param iterations       iterations done (operator products beyond the first residual)
     * @param relativeResidual true relative residual {@code |b - A x| / |b|} of the returned {@code x}
     */
    public record Result(Status status, int iterations, double relativeResidual) {
        public boolean converged() {
            return status == Status.CONVERGED;
        }
    }

    /** Called after each iteration with the recursive relative residual; return false to stop. */
    @FunctionalInterface
    public interface IterationListener {
        boolean onIteration(int iteration, double relativeResidual);
    }

    private double tolerance = 1e-8;
    private int maxIterations = 10_000;
    private Preconditioner preconditioner = Preconditioner.identity();
    private CpuDevice device = CpuDevice.shared();
    private IterationListener listener;
    private double[] r;
    private double[] z;
    private double[] p;
    private double[] q;

    /** Relative residual to reach, {@code > 0}; default 1e-8. Returns this. */
    public ConjugateGradient tolerance(double tol) {
        if (!(tol > 0) || Double.isInfinite(tol)) throw new IllegalArgumentException("tolerance must be positive and finite, got " + tol);
        this.tolerance = tol;
        return this;
    }

    /** Iteration limit, {@code >= 0}; default 10000. Returns this. */
    public ConjugateGradient maxIterations(int max) {
        if (max < 0) throw new IllegalArgumentException("max iterations must be >= 0, got " + max);
        this.maxIterations = max;
        return this;
    }

    /** Preconditioner (SPD); default the identity. Returns this. */
    public ConjugateGradient preconditioner(Preconditioner m) {
        this.preconditioner = java.util.Objects.requireNonNull(m);
        return this;
    }

    /** Device for the vector operations and operator products; default {@link CpuDevice#shared()}. Returns this. */
    public ConjugateGradient device(CpuDevice d) {
        this.device = java.util.Objects.requireNonNull(d);
        return this;
    }

    /** Per-iteration callback, or null for none. Returns this. */
    public ConjugateGradient listener(IterationListener l) {
        this.listener = l;
        return this;
    }

    public double tolerance() {
        return tolerance;
    }

    public int maxIterations() {
        return maxIterations;
    }

    /**
     * Solves {@code A x = b}, starting from the given {@code x} (warm start; pass zeros for a cold
     * start) and overwriting it with the solution. Reads {@code b}. Allocates the work vectors on
     * the first solve of a given size, nothing afterwards beyond loop tasks.
     *
     * @param a SPD operator {@code (n, n)}
     * @param b right-hand side {@code (n)}, finite
     * @param x initial guess and result {@code (n)}, finite
     * @throws IllegalArgumentException if {@code a} is not square, the lengths differ, or {@code b}
     *                                  or {@code x} hold NaN or infinite values (the message names the index)
     */
    public Result solve(LinearOperator a, double[] b, double[] x) {
        int n = a.rows();
        if (a.cols() != n) throw new IllegalArgumentException("conjugate gradient needs a square operator, got " + a.rows() + " x " + a.cols());
        if (b.length != n) throw new IllegalArgumentException("b has " + b.length + " entries, operator has " + n + " rows");
        if (x.length != n) throw new IllegalArgumentException("x has " + x.length + " entries, operator has " + n + " rows");
        checkFinite("b", b);
        checkFinite("x", x);
        if (r == null || r.length != n) {
            r = new double[n];
            z = new double[n];
            p = new double[n];
            q = new double[n];
        }
        final double[] r = this.r;
        final double[] z = this.z;
        final double[] p = this.p;
        final double[] q = this.q;

        double bNorm = Math.sqrt(dot(b, b));
        if (bNorm == 0) {
            java.util.Arrays.fill(x, 0.0);
            return new Result(Status.CONVERGED, 0, 0.0);
        }
        double rel = trueResidual(a, b, x, bNorm);
        if (rel <= tolerance) return new Result(Status.CONVERGED, 0, rel);

        preconditioner.apply(r, z, device);
        System.arraycopy(z, 0, p, 0, n);
        double rz = dot(r, z);
        Status status = Status.MAX_ITERATIONS;
        int it = 0;
        if (!(rz > 0) || Double.isInfinite(rz)) {
            status = Status.BREAKDOWN;
        } else {
            while (it < maxIterations) {
                a.apply(p, q, device);
                double pq = dot(p, q);
                if (!(pq > 0) || Double.isInfinite(pq)) {
                    status = Status.BREAKDOWN;
                    break;
                }
                double alpha = rz / pq;
                device.parallelFor(n, GRAIN, (c, s, e) -> {
                    VectorOps.axpy(alpha, p, s, x, s, e - s);
                    VectorOps.axpy(-alpha, q, s, r, s, e - s);
                });
                it++;
                rel = Math.sqrt(dot(r, r)) / bNorm;
                if (listener != null && !listener.onIteration(it, rel)) {
                    status = Status.STOPPED;
                    break;
                }
                if (rel <= tolerance) {
                    rel = trueResidual(a, b, x, bNorm);
                    if (rel <= tolerance) {
                        status = Status.CONVERGED;
                        break;
                    }
                    // The recursive residual drifted: restart from the true one.
                    preconditioner.apply(r, z, device);
                    System.arraycopy(z, 0, p, 0, n);
                    rz = dot(r, z);
                    if (!(rz > 0) || Double.isInfinite(rz)) {
                        status = Status.BREAKDOWN;
                        break;
                    }
                    continue;
                }
                preconditioner.apply(r, z, device);
                double rzNew = dot(r, z);
                if (!(rzNew > 0) || Double.isInfinite(rzNew)) {
                    status = Status.BREAKDOWN;
                    break;
                }
                double beta = rzNew / rz;
                rz = rzNew;
                device.parallelFor(n, GRAIN, (c, s, e) -> VectorOps.axpby(1.0, z, s, beta, p, s, e - s));
            }
        }
        if (status != Status.CONVERGED) rel = trueResidual(a, b, x, bNorm);
        return new Result(status, it, rel);
    }

    /** r = b - A x; returns |r| / |b|. */
    private double trueResidual(LinearOperator a, double[] b, double[] x, double bNorm) {
        a.apply(x, q, device);
        final double[] r = this.r;
        final double[] q = this.q;
        device.parallelFor(r.length, GRAIN, (c, s, e) -> {
            for (int i = s; i < e; i++) r[i] = b[i] - q[i];
        });
        return Math.sqrt(dot(r, r)) / bNorm;
    }

    private double dot(double[] u, double[] v) {
        return device.sum(u.length, GRAIN, (s, e) -> VectorOps.dot(u, s, v, s, e - s));
    }

    private static void checkFinite(String name, double[] v) {
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) throw new IllegalArgumentException(name + "[" + i + "] is " + v[i] + ", expected a finite value");
        }
    }
}
