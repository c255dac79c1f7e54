package kernelfield.fields.nks.internal;

import kernelfield.engine.compute.CpuDevice;
import kernelfield.engine.sparse.CsrMatrix;
import kernelfield.engine.sparse.LinearOperator;

/**
 * A square sparse matrix in CSR form (columns of a row in any fixed order) with float values (half the memory of double storage);
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
        return diagonal(CpuDevice.shared());
    }

    /** The diagonal {@code (n)}, a new array (0 where none is stored), rows in parallel on {@code device}. */
    public double[] diagonal(CpuDevice device) {
        double[] d = new double[n];
        device.parallelFor(n, 4096, (c, s, e) -> {
            for (int r = s; r < e; r++) {
                for (long k = rowPtr[r]; k < rowPtr[r + 1]; k++) if (cols[(int) k] == r) d[r] = vals[(int) k];
            }
        });
        return d;
    }

    /** A double {@link CsrMatrix} copy with each row's columns sorted (for checks); allocates it. */
    public CsrMatrix toCsrMatrix() {
        int[] rp = new int[n + 1];
        for (int i = 0; i <= n; i++) rp[i] = (int) rowPtr[i];
        int[] c = cols.clone();
        double[] v = new double[vals.length];
        for (int r = 0; r < n; r++) {
            int a = rp[r], b = rp[r + 1];
            long[] packed = new long[b - a];
            for (int k = a; k < b; k++) packed[k - a] = ((long) cols[k] << 32) | (k - a);
            java.util.Arrays.sort(packed);
            for (int k = a; k < b; k++) {
                c[k] = (int) (packed[k - a] >>> 32);
                v[k] = vals[a + (int) packed[k - a]];
            }
        }
        return CsrMatrix.wrap(n, n, rp, c, v);
    }
}
