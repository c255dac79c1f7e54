package kernelfield.fields.nks.internal;

import kernelfield.engine.compute.CpuDevice;
import kernelfield.engine.sparse.CsrMatrix;
import kernelfield.engine.sparse.LinearOperator;

/**
 * A square sparse matrix in CSR form with float values (half the memory of double storage);
 * products are summed in double, each row in stored order, so they are the same for any thread
 * count.
 */
public final class FloatCsr implements LinearOperator {
    private final int n;
    private final long[] rowPtr;
    private final int[] cols;
    private final float[] vals;

    public FloatCsr(int n, long[] rowPtr, int[] cols, float[] vals) {
        this.n = n;
        this.rowPtr = rowPtr;
        this.cols = cols;
        this.vals = vals;
    }

    @Override
    public int rows() {
        return n;
    }

    @Override
    public int cols() {
        return n;
    }

    public long nnz() {
        return rowPtr[n];
    }

    @Override
    public void apply(double[] x, double[] y, CpuDevice device) {
        device.parallelFor(n, 1024, (c, s, e) -> {
            for (int r = s; r < e; r++) {
                double acc = 0;
                int k1 = (int) rowPtr[r + 1];
                for (int k = (int) rowPtr[r]; k < k1; k++) acc += vals[k] * x[cols[k]];
                y[r] = acc;
            }
        });
    }

    /** The diagonal {@code (n)}, a new array (0 where none is stored). */
    public double[] diagonal() {
        double[] d = new double[n];
        for (int r = 0; r < n; r++) {
            for (long k = rowPtr[r]; k < rowPtr[r + 1]; k++) if (cols[(int) k] == r) d[r] = vals[(int) k];
        }
        return d;
    }

    /** A double {@link CsrMatrix} copy (for checks); allocates it. */
    public CsrMatrix toCsrMatrix() {
        int[] rp = new int[n + 1];
        for (int i = 0; i <= n; i++) rp[i] = (int) rowPtr[i];
        double[] v = new double[vals.length];
        for (int i = 0; i < v.length; i++) v[i] = vals[i];
        return CsrMatrix.wrap(n, n, rp, cols.clone(), v);
    }
}
