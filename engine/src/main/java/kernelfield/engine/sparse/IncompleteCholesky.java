package kernelfield.engine.sparse;

import kernelfield.engine.compute.CpuDevice;

/**
 * Zero fill-in incomplete Cholesky preconditioner, IC(0): {@code M = L L^T} with {@code L} on the
 * sparsity pattern of the lower triangle of {@code A}. Only the lower triangle of {@code A} is
 * read (the matrix is taken to be symmetric). Where a pivot breaks down (not positive, which can
 * happen for SPD matrices that are not M-matrices) the factorisation restarts on
 * {@code A + alpha diag(A)} with a growing shift {@code alpha}; {@link #shift()} reports it.
 *
 * <p>Applying it is two sparse triangular solves, sequential (they run on the calling thread
 * whatever the device): good for iteration counts, less so for parallel speed-up.
 */
public final class IncompleteCholesky implements Preconditioner {
    private final int n;
    private final int[] rp;
    private final int[] ci;
    private final double[] lv;
    private final double shift;

    /**
     * Factors {@code a}. Allocates the factor (about half of {@code a}).
     *
     * @throws IllegalArgumentException if {@code a} is not square, a diagonal entry is missing or
     *                                  not positive, or the factorisation fails even with a large shift
     */
    public IncompleteCholesky(CsrMatrix a) {
        a.requireSquare("incomplete Cholesky");
        n = a.rows();
        int[] arp = a.rowPointers();
        int[] aci = a.columnIndices();
        rp = new int[n + 1];
        for (int i = 0; i < n; i++) {
            int cnt = 0;
            boolean diag = false;
            for (int k = arp[i]; k < arp[i + 1]; k++) {
                if (aci[k] <= i) cnt++;
                if (aci[k] == i) {
                    diag = true;
                    if (!(a.value(k) > 0)) throw new IllegalArgumentException("row " + i + ": diagonal " + a.value(k) + " is not positive (matrix not SPD?)");
                }
            }
            if (!diag) throw new IllegalArgumentException("row " + i + ": no diagonal entry stored");
            rp[i + 1] = rp[i] + cnt;
        }
        ci = new int[rp[n]];
        lv = new double[rp[n]];
        double[] av = new double[rp[n]];
        for (int i = 0; i < n; i++) {
            int w = rp[i];
            for (int k = arp[i]; k < arp[i + 1] && aci[k] <= i; k++) {
                ci[w] = aci[k];
                av[w++] = a.value(k);
            }
        }
        double alpha = 0;
        while (!factor(av, alpha)) {
            alpha = alpha == 0 ? 1e-3 : alpha * 4;
            if (alpha > 1e3) throw new IllegalArgumentException("incomplete Cholesky failed even with diagonal shift " + alpha + " (matrix not SPD?)");
        }
        shift = alpha;
    }

    /** The relative diagonal shift {@code alpha} that was needed (0 when none). */
    public double shift() {
        return shift;
    }

    /** Factors {@code A + alpha diag(A)} into {@code lv}; false on a pivot breakdown. */
    private boolean factor(double[] av, double alpha) {
        for (int i = 0; i < n; i++) {
            int s = rp[i];
            int e = rp[i + 1];          // the diagonal is the last entry of the row
            for (int p = s; p < e - 1; p++) {
                int k = ci[p];
                // l_ik = (a_ik - sum_{j < k} l_ij l_kj) / l_kk, over the common pattern of rows i and k.
                double sum = av[p];
                int q = rp[k];
                int qe = rp[k + 1] - 1;   // skip l_kk
                int t = s;
                while (t < p && q < qe) {
                    int cj = ci[t];
                    int ck = ci[q];
                    if (cj == ck) {
                        sum -= lv[t] * lv[q];
                        t++;
                        q++;
                    } else if (cj < ck) {
                        t++;
                    } else {
                        q++;
                    }
                }
                lv[p] = sum / lv[rp[k + 1] - 1];
            }
            double d = av[e - 1] * (1 + alpha);
            for (int p = s; p < e - 1; p++) d -= lv[p] * lv[p];
            if (!(d > 0) || Double.isInfinite(d)) return false;
            lv[e - 1] = Math.sqrt(d);
        }
        return true;
    }

    @Override
    public void apply(double[] r, double[] z, CpuDevice device) {
        if (r.length != n || z.length != n) throw new IllegalArgumentException("vectors of " + r.length + " and " + z.length + ", preconditioner of " + n);
        // L y = r (y in z)
        for (int i = 0; i < n; i++) {
            double s = r[i];
            int e = rp[i + 1] - 1;
            for (int p = rp[i]; p < e; p++) s -= lv[p] * z[ci[p]];
            z[i] = s / lv[e];
        }
        // L^T z = y, column-oriented on the rows of L
        for (int i = n - 1; i >= 0; i--) {
            int e = rp[i + 1] - 1;
            double zi = z[i] / lv[e];
            z[i] = zi;
            for (int p = rp[i]; p < e; p++) z[ci[p]] -= lv[p] * zi;
        }
    }
}
