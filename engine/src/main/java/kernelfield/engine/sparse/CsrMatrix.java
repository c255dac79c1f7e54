package kernelfield.engine.sparse;

import java.util.Arrays;
import java.util.Objects;
import kernelfield.engine.compute.CpuDevice;

/**
 * An immutable sparse matrix in compressed sparse row form, with double or float values.
 *
 * <p>Layout: {@code rowPointers (rows + 1)}, {@code columnIndices (nnz)} strictly increasing
 * within each row, values {@code (nnz)} either double ({@link #doubleValues()}) or float
 * ({@link #floatValues()}); entry {@code k} of row {@code r} is {@code rowPointers[r] <= k <
 * rowPointers[r + 1]}. Stored values are finite. Explicit zeros (duplicates that summed to zero)
 * are kept as stored entries.
 *
 * <p>Products are computed in double whatever the storage, each row summed in column order: the
 * result is the same for any thread count. The transpose used by {@link #multiplyTranspose} is
 * built on first use and cached (memory of one more copy of the matrix); the matrix is otherwise
 * immutable and thread-safe. Accessors return the internal arrays themselves: do not modify them.
 */
public final class CsrMatrix implements LinearOperator {
    private static final int ROW_GRAIN = 2048;

    private final int rows;
    private final int cols;
    private final int[] rowPtr;
    private final int[] colIdx;
    private final double[] dv;
    private final float[] fv;
    private volatile CsrMatrix transposed;

    private CsrMatrix(int rows, int cols, int[] rowPtr, int[] colIdx, double[] dv, float[] fv) {
        this.rows = rows;
        this.cols = cols;
        this.rowPtr = rowPtr;
        this.colIdx = colIdx;
        this.dv = dv;
        this.fv = fv;
    }

    // ------------------------------------------------------------------ construction

    /**
     * Builds a double matrix from the first {@code count} triplets {@code (rowIdx[k], colIdx[k],
     * values[k])}. Duplicates are summed (in triplet order), columns are sorted. Allocates the
     * result and {@code O(count)} scratch; reads the arrays only. Uses the shared device.
     *
     * @throws IllegalArgumentException on a negative size, a count beyond an array, an index out of
     *                                  range or a value that is NaN or infinite (the message names the triplet)
     */
    public static CsrMatrix fromTriplets(int rows, int cols, int[] rowIdx, int[] colIdx, double[] values, int count) {
        checkTripletArrays(rows, cols, rowIdx.length, colIdx.length, values.length, count);
        for (int k = 0; k < count; k++) {
            if (!Double.isFinite(values[k])) throw new IllegalArgumentException("triplet " + k + ": value " + values[k] + " is not finite");
        }
        return build(rows, cols, rowIdx, colIdx, values, null, count, false);
    }

    /**
     * As {@link #fromTriplets(int, int, int[], int[], double[], int)}, with float values and float
     * storage (duplicates are summed in double, then rounded once).
     */
    public static CsrMatrix fromTriplets(int rows, int cols, int[] rowIdx, int[] colIdx, float[] values, int count) {
        checkTripletArrays(rows, cols, rowIdx.length, colIdx.length, values.length, count);
        for (int k = 0; k < count; k++) {
            if (!Float.isFinite(values[k])) throw new IllegalArgumentException("triplet " + k + ": value " + values[k] + " is not finite");
        }
        return build(rows, cols, rowIdx, colIdx, null, values, count, true);
    }

    /**
     * Wraps CSR arrays as they are (no copy) after checking them: pointers monotone from 0 to nnz,
     * columns in range and strictly increasing within rows, values finite.
     *
     * @throws IllegalArgumentException naming the first bad row or entry
     */
    public static CsrMatrix wrap(int rows, int cols, int[] rowPointers, int[] columnIndices, double[] values) {
        checkCsr(rows, cols, rowPointers, columnIndices, values.length);
        for (int k = 0; k < rowPointers[rows]; k++) {
            if (!Double.isFinite(values[k])) throw new IllegalArgumentException("entry " + k + ": value " + values[k] + " is not finite");
        }
        return new CsrMatrix(rows, cols, rowPointers, columnIndices, values, null);
    }

    /** The {@code n x n} identity times {@code d}, double storage. */
    public static CsrMatrix identity(int n, double d) {
        if (n < 0) throw new IllegalArgumentException("size must be >= 0, got " + n);
        int[] rp = new int[n + 1];
        int[] ci = new int[n];
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            rp[i + 1] = i + 1;
            ci[i] = i;
            v[i] = d;
        }
        return wrap(n, n, rp, ci, v);
    }

    private static void checkTripletArrays(int rows, int cols, int nr, int nc, int nv, int count) {
        if (rows < 0 || cols < 0) throw new IllegalArgumentException("bad matrix size " + rows + " x " + cols);
        if (count < 0 || count > nr || count > nc || count > nv) {
            throw new IllegalArgumentException("triplet count " + count + " exceeds the arrays (" + nr + ", " + nc + ", " + nv + ")");
        }
    }

    private static void checkCsr(int rows, int cols, int[] rp, int[] ci, int nv) {
        if (rows < 0 || cols < 0) throw new IllegalArgumentException("bad matrix size " + rows + " x " + cols);
        if (rp.length != rows + 1) throw new IllegalArgumentException("row pointers: expected " + (rows + 1) + " entries, got " + rp.length);
        if (rp[0] != 0) throw new IllegalArgumentException("row pointers: first entry must be 0, got " + rp[0]);
        for (int r = 0; r < rows; r++) {
            if (rp[r + 1] < rp[r]) throw new IllegalArgumentException("row " + r + ": row pointers decrease (" + rp[r] + " -> " + rp[r + 1] + ")");
        }
        int nnz = rp[rows];
        if (nnz > ci.length || nnz > nv) {
            throw new IllegalArgumentException("row pointers give " + nnz + " entries, arrays hold " + ci.length + " columns, " + nv + " values");
        }
        for (int r = 0; r < rows; r++) {
            int prev = -1;
            for (int k = rp[r]; k < rp[r + 1]; k++) {
                int c = ci[k];
                if (c < 0 || c >= cols) throw new IllegalArgumentException("row " + r + ", entry " + k + ": column " + c + " out of range [0, " + cols + ")");
                if (c <= prev) throw new IllegalArgumentException("row " + r + ", entry " + k + ": columns not strictly increasing (" + prev + ", " + c + ")");
                prev = c;
            }
        }
    }

    private static CsrMatrix build(int rows, int cols, int[] ri, int[] ci, double[] dvals, float[] fvals, int count, boolean asFloat) {
        int[] start = new int[rows + 1];
        for (int k = 0; k < count; k++) {
            int r = ri[k];
            int c = ci[k];
            if (r < 0 || r >= rows) throw new IllegalArgumentException("triplet " + k + ": row " + r + " out of range [0, " + rows + ")");
            if (c < 0 || c >= cols) throw new IllegalArgumentException("triplet " + k + ": column " + c + " out of range [0, " + cols + ")");
            start[r + 1]++;
        }
        for (int r = 0; r < rows; r++) start[r + 1] += start[r];
        // Scatter by row, keeping triplet order within each row (so duplicates sum in triplet order).
        int[] tc = new int[count];
        double[] tv = new double[count];
        int[] fill = Arrays.copyOf(start, rows);
        for (int k = 0; k < count; k++) {
            int p = fill[ri[k]]++;
            tc[p] = ci[k];
            tv[p] = dvals != null ? dvals[k] : fvals[k];
        }
        // Sort each row by column (stable), merge duplicates at the front of the row's span.
        int[] uniq = new int[rows];
        CpuDevice.shared().parallelFor(rows, ROW_GRAIN, (chunk, r0, r1) -> {
            long[] keys = null;
            double[] vals = null;
            for (int r = r0; r < r1; r++) {
                int s = start[r];
                int len = start[r + 1] - s;
                if (len <= 32) {
                    insertionSort(tc, tv, s, len);
                } else {
                    if (keys == null || keys.length < len) {
                        keys = new long[len];
                        vals = new double[len];
                    }
                    for (int i = 0; i < len; i++) keys[i] = ((long) tc[s + i] << 32) | i;
                    Arrays.sort(keys, 0, len);
                    for (int i = 0; i < len; i++) vals[i] = tv[s + (int) keys[i]];
                    for (int i = 0; i < len; i++) {
                        tc[s + i] = (int) (keys[i] >>> 32);
                        tv[s + i] = vals[i];
                    }
                }
                int w = -1;
                for (int i = 0; i < len; i++) {
                    if (w >= 0 && tc[s + w] == tc[s + i]) {
                        tv[s + w] += tv[s + i];
                    } else {
                        w++;
                        tc[s + w] = tc[s + i];
                        tv[s + w] = tv[s + i];
                    }
                }
                uniq[r] = w + 1;
            }
        });
        int[] rp = new int[rows + 1];
        for (int r = 0; r < rows; r++) rp[r + 1] = rp[r] + uniq[r];
        int nnz = rp[rows];
        int[] cOut = new int[nnz];
        double[] dOut = asFloat ? null : new double[nnz];
        float[] fOut = asFloat ? new float[nnz] : null;
        CpuDevice.shared().parallelFor(rows, ROW_GRAIN, (chunk, r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int src = start[r];
                int dst = rp[r];
                int len = uniq[r];
                System.arraycopy(tc, src, cOut, dst, len);
                if (asFloat) {
                    for (int i = 0; i < len; i++) fOut[dst + i] = (float) tv[src + i];
                } else {
                    System.arraycopy(tv, src, dOut, dst, len);
                }
            }
        });
        if (asFloat) {
            for (int k = 0; k < nnz; k++) {
                if (!Float.isFinite(fOut[k])) throw new IllegalArgumentException("entry " + k + ": summed duplicates overflow float");
            }
        } else {
            for (int k = 0; k < nnz; k++) {
                if (!Double.isFinite(dOut[k])) throw new IllegalArgumentException("entry " + k + ": summed duplicates overflow double");
            }
        }
        return new CsrMatrix(rows, cols, rp, cOut, dOut, fOut);
    }

    private static void insertionSort(int[] c, double[] v, int s, int len) {
        for (int i = 1; i < len; i++) {
            int ck = c[s + i];
            double vk = v[s + i];
            int j = i - 1;
            while (j >= 0 && c[s + j] > ck) {
                c[s + j + 1] = c[s + j];
                v[s + j + 1] = v[s + j];
                j--;
            }
            c[s + j + 1] = ck;
            v[s + j + 1] = vk;
        }
    }

    // ------------------------------------------------------------------ access

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    /** Number of stored entries. */
    public int nnz() {
        return rowPtr[rows];
    }

    /** True when the values are stored as float. */
    public boolean isFloat() {
        return fv != null;
    }

    /** {@code rowPointers (rows + 1)}, the internal array. */
    public int[] rowPointers() {
        return rowPtr;
    }

    /** {@code columnIndices (nnz)}, the internal array. */
    public int[] columnIndices() {
        return colIdx;
    }

    /** {@code values (nnz)} of a double matrix, the internal array; null for a float matrix. */
    public double[] doubleValues() {
        return dv;
    }

    /** {@code values (nnz)} of a float matrix, the internal array; null for a double matrix. */
    public float[] floatValues() {
        return fv;
    }

    /** Stored value number {@code k}, as double. */
    public double value(int k) {
        return dv != null ? dv[k] : fv[k];
    }

    /** Entry {@code (r, c)}, 0 where none is stored (binary search in the row). */
    public double get(int r, int c) {
        Objects.checkIndex(r, rows);
        Objects.checkIndex(c, cols);
        int k = Arrays.binarySearch(colIdx, rowPtr[r], rowPtr[r + 1], c);
        return k >= 0 ? value(k) : 0.0;
    }

    /** Index of entry {@code (r, c)} in the value array, or -1 where none is stored. */
    public int indexOf(int r, int c) {
        int k = Arrays.binarySearch(colIdx, rowPtr[r], rowPtr[r + 1], c);
        return k >= 0 ? k : -1;
    }

    /** The diagonal {@code (min(rows, cols))}, zeros where not stored. Allocates the result. */
    public double[] diagonal() {
        double[] d = new double[Math.min(rows, cols)];
        diagonal(d);
        return d;
    }

    /** Writes the diagonal into {@code out (min(rows, cols))}. Allocates nothing. */
    public void diagonal(double[] out) {
        int n = Math.min(rows, cols);
        if (out.length != n) throw new IllegalArgumentException("diagonal has " + n + " entries, array has " + out.length);
        for (int i = 0; i < n; i++) {
            int k = indexOf(i, i);
            out[i] = k >= 0 ? value(k) : 0.0;
        }
    }

    /** The rows {@code [r0, r1)} as a new {@code (r1 - r0, cols)} matrix with the same storage type. Copies. */
    public CsrMatrix rowBlock(int r0, int r1) {
        Objects.checkFromToIndex(r0, r1, rows);
        int k0 = rowPtr[r0];
        int k1 = rowPtr[r1];
        int[] rp = new int[r1 - r0 + 1];
        for (int r = r0; r <= r1; r++) rp[r - r0] = rowPtr[r] - k0;
        int[] ci = Arrays.copyOfRange(colIdx, k0, k1);
        return new CsrMatrix(r1 - r0, cols, rp, ci, dv == null ? null : Arrays.copyOfRange(dv, k0, k1),
                fv == null ? null : Arrays.copyOfRange(fv, k0, k1));
    }

    /**
     * Writes the dense block {@code [r0, r1) x [c0, c1)} into {@code out ((r1 - r0), (c1 - c0))},
     * row-major (overwritten, zeros where nothing is stored). Allocates nothing.
     */
    public void denseBlock(int r0, int r1, int c0, int c1, double[] out) {
        Objects.checkFromToIndex(r0, r1, rows);
        Objects.checkFromToIndex(c0, c1, cols);
        int w = c1 - c0;
        if (out.length < (long) (r1 - r0) * w) throw new IllegalArgumentException("block needs " + (long) (r1 - r0) * w + " doubles, array has " + out.length);
        Arrays.fill(out, 0, (r1 - r0) * w, 0.0);
        for (int r = r0; r < r1; r++) {
            int e = rowPtr[r + 1];
            int k = Arrays.binarySearch(colIdx, rowPtr[r], e, c0);
            if (k < 0) k = -k - 1;
            for (; k < e && colIdx[k] < c1; k++) out[(r - r0) * w + colIdx[k] - c0] = value(k);
        }
    }

    /** A copy with float storage (values rounded). */
    public CsrMatrix toFloat() {
        if (fv != null) return this;
        float[] f = new float[dv.length];
        for (int k = 0; k < f.length; k++) f[k] = (float) dv[k];
        return new CsrMatrix(rows, cols, rowPtr, colIdx, null, f);
    }

    /** The transpose {@code (cols, rows)}, same storage type; cached after the first call (do not modify it). */
    public CsrMatrix transpose() {
        CsrMatrix t = transposed;
        if (t == null) {
            synchronized (this) {
                t = transposed;
                if (t == null) {
                    t = buildTranspose();
                    t.transposed = this;
                    transposed = t;
                }
            }
        }
        return t;
    }

    private CsrMatrix buildTranspose() {
        int nnz = nnz();
        int[] rp = new int[cols + 1];
        for (int k = 0; k < nnz; k++) rp[colIdx[k] + 1]++;
        for (int c = 0; c < cols; c++) rp[c + 1] += rp[c];
        int[] fill = Arrays.copyOf(rp, cols);
        int[] ci = new int[nnz];
        double[] d = dv == null ? null : new double[nnz];
        float[] f = fv == null ? null : new float[nnz];
        // Rows in increasing order: the columns of the transpose come out sorted.
        for (int r = 0; r < rows; r++) {
            for (int k = rowPtr[r]; k < rowPtr[r + 1]; k++) {
                int p = fill[colIdx[k]]++;
                ci[p] = r;
                if (d != null) d[p] = dv[k];
                else f[p] = fv[k];
            }
        }
        return new CsrMatrix(cols, rows, rp, ci, d, f);
    }

    // ------------------------------------------------------------------ products

    /** {@code y = A x} on the shared device. See {@link #multiply(double[], double[], CpuDevice)}. */
    public void multiply(double[] x, double[] y) {
        multiply(x, y, CpuDevice.shared());
    }

    /**
     * {@code y = A x}: reads {@code x (cols)}, overwrites {@code y (rows)} (not the same array).
     * Parallel over rows; each row summed in column order, so the result is bit-identical for any
     * thread count. Allocates nothing but the loop's task objects.
     */
    public void multiply(double[] x, double[] y, CpuDevice device) {
        checkVectors(x.length, y.length, x == y);
        device.parallelFor(rows, ROW_GRAIN, (chunk, r0, r1) -> multiplyRows(x, y, r0, r1));
    }

    /** {@code y = A x} in float vectors (products accumulated in double, then rounded). As {@link #multiply(double[], double[], CpuDevice)}. */
    public void multiply(float[] x, float[] y, CpuDevice device) {
        checkVectors(x.length, y.length, x == y);
        device.parallelFor(rows, ROW_GRAIN, (chunk, r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                double acc = 0;
                int e = rowPtr[r + 1];
                if (dv != null) {
                    for (int k = rowPtr[r]; k < e; k++) acc += dv[k] * x[colIdx[k]];
                } else {
                    for (int k = rowPtr[r]; k < e; k++) acc += (double) fv[k] * x[colIdx[k]];
                }
                y[r] = (float) acc;
            }
        });
    }

    private void multiplyRows(double[] x, double[] y, int r0, int r1) {
        final int[] rp = rowPtr;
        final int[] ci = colIdx;
        if (dv != null) {
            final double[] v = dv;
            for (int r = r0; r < r1; r++) {
                double acc = 0;
                for (int k = rp[r], e = rp[r + 1]; k < e; k++) acc += v[k] * x[ci[k]];
                y[r] = acc;
            }
        } else {
            final float[] v = fv;
            for (int r = r0; r < r1; r++) {
                double acc = 0;
                for (int k = rp[r], e = rp[r + 1]; k < e; k++) acc += v[k] * x[ci[k]];
                y[r] = acc;
            }
        }
    }

    /**
     * {@code y = A^T x}: reads {@code x (rows)}, overwrites {@code y (cols)}. Runs as a row product
     * with the cached {@link #transpose()} (built on the first call), so it is parallel and each
     * output sums in increasing row order: bit-identical for any thread count, and equal to a
     * serial scatter over the rows.
     */
    public void multiplyTranspose(double[] x, double[] y, CpuDevice device) {
        transpose().multiply(x, y, device);
    }

    /** {@link LinearOperator} view: {@link #multiply(double[], double[], CpuDevice)}. */
    @Override
    public void apply(double[] x, double[] y, CpuDevice device) {
        multiply(x, y, device);
    }

    private void checkVectors(int nx, int ny, boolean same) {
        if (nx != cols) throw new IllegalArgumentException("x has " + nx + " entries, matrix has " + cols + " columns");
        if (ny != rows) throw new IllegalArgumentException("y has " + ny + " entries, matrix has " + rows + " rows");
        if (same) throw new IllegalArgumentException("x and y must be different arrays");
    }

    /** Throws unless the matrix is square, naming {@code what} needed it. */
    void requireSquare(String what) {
        if (rows != cols) throw new IllegalArgumentException(what + " needs a square matrix, got " + rows + " x " + cols);
    }

    @Override
    public String toString() {
        return "CsrMatrix[" + rows + " x " + cols + ", nnz " + nnz() + (fv != null ? ", float" : ", double") + "]";
    }
}
