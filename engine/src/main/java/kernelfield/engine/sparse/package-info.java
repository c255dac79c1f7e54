/**
 * Sparse linear algebra: {@link kernelfield.engine.sparse.CsrMatrix} (compressed sparse rows,
 * double or float values), the {@link kernelfield.engine.sparse.LinearOperator} abstraction
 * (assembled or matrix-free), and the preconditioned
 * {@link kernelfield.engine.sparse.ConjugateGradient} solver with Jacobi, block Jacobi and IC(0)
 * {@link kernelfield.engine.sparse.Preconditioner}s. Products and solves are deterministic for any
 * thread count.
 */
package kernelfield.engine.sparse;
