package kernelfield.engine.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import kernelfield.engine.compute.CpuDevice;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

class ConjugateGradientTest {
    private static DMatrixRMaj dense(CsrMatrix m) {
        DMatrixRMaj d = new DMatrixRMaj(m.rows(), m.cols());
        for (int r = 0; r < m.rows(); r++) {
            for (int k = m.rowPointers()[r]; k < m.rowPointers()[r + 1]; k++) d.set(r, m.columnIndices()[k], m.value(k));
        }
        return d;
    }

    private static double[] denseSolve(DMatrixRMaj a, double[] b) {
        DMatrixRMaj x = new DMatrixRMaj(b.length, 1);
        assertTrue(CommonOps_DDRM.solve(a, new DMatrixRMaj(b.length, 1, true, b), x));
        return x.data;
    }

    private static double residual(LinearOperator a, double[] b, double[] x) {
        double[] ax = new double[b.length];
        a.apply(x, ax, CpuDevice.shared());
        double rr = 0;
        double bb = 0;
        for (int i = 0; i < b.length; i++) {
            rr += (b[i] - ax[i]) * (b[i] - ax[i]);
            bb += b[i] * b[i];
        }
        return Math.sqrt(rr / bb);
    }

    /** SPD matrix with badly scaled unknowns: D L D with D spanning 2 decades. */
    private static CsrMatrix scaledLaplacian(int nx, int ny) {
        CsrMatrix l = Laplacians.grid2d(nx, ny);
        double[] s = new double[l.rows()];
        SplittableRandom rnd = new SplittableRandom(5);
        for (int i = 0; i < s.length; i++) s[i] = Math.pow(10, rnd.nextDouble(-1, 1));
        int[] rp = l.rowPointers();
        int[] ci = l.columnIndices();
        double[] v = new double[l.nnz()];
        for (int r = 0; r < l.rows(); r++) {
            for (int k = rp[r]; k < rp[r + 1]; k++) v[k] = s[r] * l.value(k) * s[ci[k]];
        }
        return CsrMatrix.wrap(l.rows(), l.cols(), rp, ci, v);
    }

    @Test
    void smallPoissonMatchesEjmlDense() {
        CsrMatrix a = Laplacians.grid2d(13, 11);
        SplittableRandom rnd = new SplittableRandom(1);
        double[] b = rnd.doubles(a.rows(), -1, 1).toArray();
        double[] ref = denseSolve(dense(a), b);
        for (Preconditioner m : new Preconditioner[] {Preconditioner.identity(), new JacobiPreconditioner(a),
                BlockJacobiPreconditioner.uniform(a, 13), new IncompleteCholesky(a)}) {
            double[] x = new double[a.rows()];
            ConjugateGradient.Result res = new ConjugateGradient().tolerance(1e-12).preconditioner(m).solve(a, b, x);
            assertTrue(res.converged(), res.toString());
            assertTrue(res.relativeResidual() <= 1e-12);
            assertArrayEquals(ref, x, 1e-10, m.getClass().getSimpleName());
        }
    }

    @Test
    void poisson3dWith100kUnknowns() {
        CsrMatrix a = Laplacians.grid3d(48, 46, 45); // 99,360 unknowns
        assertEquals(99_360, a.rows());
        // Manufactured solution: a smooth field plus noise.
        double[] xs = new double[a.rows()];
        SplittableRandom rnd = new SplittableRandom(2);
        for (int i = 0; i < xs.length; i++) xs[i] = Math.sin(i * 1e-3) + 0.1 * rnd.nextDouble();
        double[] b = new double[a.rows()];
        a.multiply(xs, b);
        double[] x = new double[a.rows()];
        List<Double> history = new ArrayList<>();
        ConjugateGradient cg = new ConjugateGradient().tolerance(1e-8).preconditioner(new IncompleteCholesky(a))
                .listener((it, rel) -> history.add(rel));
        ConjugateGradient.Result res = cg.solve(a, b, x);
        assertTrue(res.converged(), res.toString());
        assertEquals(res.iterations(), history.size());
        double rel = residual(a, b, x);
        assertTrue(rel <= 1e-8, "relative residual " + rel);
        assertEquals(rel, res.relativeResidual(), 1e-12);
        double err = 0;
        for (int i = 0; i < xs.length; i++) err = Math.max(err, Math.abs(x[i] - xs[i]));
        assertTrue(err < 1e-5, "max error " + err);
    }

    @Test
    void preconditionersReduceIterations() {
        CsrMatrix scaled = scaledLaplacian(40, 40);
        double[] b = new SplittableRandom(3).doubles(scaled.rows(), -1, 1).toArray();
        int plain = iterations(scaled, b, Preconditioner.identity());
        int jacobi = iterations(scaled, b, new JacobiPreconditioner(scaled));
        assertTrue(jacobi * 3 < plain, "Jacobi " + jacobi + " vs none " + plain);

        CsrMatrix lap = Laplacians.grid2d(60, 60);
        double[] b2 = new SplittableRandom(4).doubles(lap.rows(), -1, 1).toArray();
        int none = iterations(lap, b2, Preconditioner.identity());
        int lines = iterations(lap, b2, BlockJacobiPreconditioner.uniform(lap, 60)); // one block per grid line
        int ic = iterations(lap, b2, new IncompleteCholesky(lap));
        assertTrue(lines < none, "block Jacobi " + lines + " vs none " + none);
        assertTrue(ic < lines, "IC(0) " + ic + " vs block Jacobi " + lines);
        System.out.printf("iterations: scaled none %d, Jacobi %d; Poisson none %d, line block Jacobi %d, IC(0) %d%n",
                plain, jacobi, none, lines, ic);
    }

    private static int iterations(CsrMatrix a, double[] b, Preconditioner m) {
        ConjugateGradient.Result res = new ConjugateGradient().tolerance(1e-8).preconditioner(m).solve(a, b, new double[b.length]);
        assertTrue(res.converged(), res.toString());
        return res.iterations();
    }

    @Test
    void solvesAreBitIdenticalAcrossThreadCounts() {
        CsrMatrix a = scaledLaplacian(70, 50);
        double[] b = new SplittableRandom(6).doubles(a.rows(), -1, 1).toArray();
        double[] ref = null;
        for (int t : new int[] {1, 2, 3, 7}) {
            try (CpuDevice dev = CpuDevice.withThreads(t)) {
                double[] x = new double[a.rows()];
                new ConjugateGradient().device(dev).preconditioner(new JacobiPreconditioner(a)).maxIterations(150).solve(a, b, x);
                if (ref == null) ref = x;
                else assertArrayEquals(ref, x, 0.0, "threads " + t);
            }
        }
    }

    @Test
    void matrixFreeNormalEquations() {
        // min |A x - b|^2 + lambda |x|^2 with a random sparse tall A, against EJML on (A^T A + lambda I) x = A^T b.
        int m = 120;
        int n = 50;
        double[][] d = new double[m][n];
        CsrMatrix a = CsrMatrixTest.random(m, n, 900, 11, d);
        double lambda = 0.1;
        double[] b = new SplittableRandom(12).doubles(m, -1, 1).toArray();
        double[] atb = new double[n];
        a.multiplyTranspose(b, atb, CpuDevice.shared());
        LinearOperator normal = LinearOperator.normalEquations(a, lambda);
        double[] x = new double[n];
        ConjugateGradient.Result res = new ConjugateGradient().tolerance(1e-12).solve(normal, atb, x);
        assertTrue(res.converged(), res.toString());

        DMatrixRMaj ad = new DMatrixRMaj(d);
        DMatrixRMaj ata = new DMatrixRMaj(n, n);
        CommonOps_DDRM.multTransA(ad, ad, ata);
        for (int i = 0; i < n; i++) ata.add(i, i, lambda);
        assertArrayEquals(denseSolve(ata, atb), x, 1e-9);
    }

    @Test
    void warmStartAndStopping() {
        CsrMatrix a = Laplacians.grid2d(30, 30);
        double[] b = new SplittableRandom(7).doubles(a.rows(), -1, 1).toArray();
        ConjugateGradient cg = new ConjugateGradient().tolerance(1e-10);
        double[] x = new double[a.rows()];
        int cold = cg.solve(a, b, x).iterations();
        assertTrue(cold > 10);
        // From the solution: nothing to do.
        ConjugateGradient.Result again = cg.solve(a, b, x);
        assertEquals(0, again.iterations());
        assertTrue(again.converged());
        // From a slightly perturbed solution: fewer iterations than cold.
        SplittableRandom rnd = new SplittableRandom(8);
        for (int i = 0; i < x.length; i++) x[i] += 1e-6 * rnd.nextDouble(-1, 1);
        int warm = cg.solve(a, b, x).iterations();
        assertTrue(warm < cold, "warm " + warm + " vs cold " + cold);
        // A listener can stop the solve; max iterations are honoured.
        ConjugateGradient.Result stopped = new ConjugateGradient().listener((it, rel) -> it < 3).solve(a, b, new double[b.length]);
        assertEquals(ConjugateGradient.Status.STOPPED, stopped.status());
        assertEquals(3, stopped.iterations());
        ConjugateGradient.Result capped = new ConjugateGradient().maxIterations(5).solve(a, b, new double[b.length]);
        assertEquals(ConjugateGradient.Status.MAX_ITERATIONS, capped.status());
        assertEquals(5, capped.iterations());
        // Zero right-hand side: x = 0.
        double[] z = new double[b.length];
        java.util.Arrays.fill(x, 1);
        assertTrue(cg.solve(a, z, x).converged());
        assertArrayEquals(z, x, 0.0);
    }

    @Test
    void badInput() {
        CsrMatrix a = Laplacians.grid2d(4, 4);
        double[] b = new double[16];
        b[3] = Double.NaN;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ConjugateGradient().solve(a, b, new double[16]));
        assertTrue(e.getMessage().contains("b[3]"), e.getMessage());
        CsrMatrix rect = CsrMatrix.fromTriplets(3, 4, new int[] {0}, new int[] {0}, new double[] {1}, 1);
        e = assertThrows(IllegalArgumentException.class, () -> new ConjugateGradient().solve(rect, new double[3], new double[4]));
        assertTrue(e.getMessage().contains("square"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new JacobiPreconditioner(rect));
        assertThrows(IllegalArgumentException.class, () -> new IncompleteCholesky(rect));
        assertThrows(IllegalArgumentException.class, () -> new ConjugateGradient().solve(a, new double[15], new double[16]));
        // Not SPD: a zero diagonal for Jacobi, an indefinite block for block Jacobi, breakdown in CG.
        CsrMatrix indefinite = CsrMatrix.fromTriplets(2, 2, new int[] {0, 1}, new int[] {0, 1}, new double[] {1, -1}, 2);
        e = assertThrows(IllegalArgumentException.class, () -> new JacobiPreconditioner(indefinite));
        assertTrue(e.getMessage().contains("row 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BlockJacobiPreconditioner.uniform(indefinite, 2));
        assertTrue(e.getMessage().contains("not positive definite"), e.getMessage());
        ConjugateGradient.Result res = new ConjugateGradient().solve(indefinite, new double[] {0, 1}, new double[2]);
        assertEquals(ConjugateGradient.Status.BREAKDOWN, res.status());
    }
}
