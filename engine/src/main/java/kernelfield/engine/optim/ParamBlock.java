package kernelfield.engine.optim;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named block of parameters of shape {@code (rows, cols)}, e.g. {@code means (N, 3)}, stored
 * as structure-of-arrays row-major float arrays: the values, their gradient and the two Adam
 * moments {@code m} (first) and {@code v} (second), each of length {@code rows * cols}, element
 * {@code (r, c)} at index {@code r * cols + c}.
 *
 * <p>A block belongs to a learning-rate group (the {@link Adam} optimizer looks the rate up by
 * group name). A block that is not {@link #differentiable()} is never stepped and carries no
 * gradient nor moments: its {@link #grad()}, {@link #m()} and {@link #v()} are empty arrays. Such
 * blocks hold state that must follow the rows and be checkpointed (e.g. densification
 * statistics).
 *
 * <p>Rows are the kernels of a representation: densification appends rows ({@link
 * #appendRows(float[])}, {@link #appendCopiesOf(int[])}), pruning removes them ({@link
 * #keepRows(boolean[])}); the gradient and the moments are resized alongside, so row {@code r}
 * of {@code value}, {@code grad}, {@code m} and {@code v} always belong together. Appended rows
 * get a zero gradient and zero moments. Resizing allocates new arrays of the exact new size:
 * <b>re-fetch the arrays after any resize</b>; the accessors never allocate.
 *
 * <p>Not thread-safe: one training loop owns a block.
 */
public final class ParamBlock {
    private static final float[] EMPTY = new float[0];

    private final String name;
    private final int cols;
    private final String lrGroup;
    private final boolean differentiable;
    private int rows;
    private float[] value;
    private float[] grad;
    private float[] m;
    private float[] v;
    private long adamSteps;

    /**
     * Creates a block of zeros. Allocates {@code value} and, when differentiable, {@code grad},
     * {@code m} and {@code v}, each {@code (rows, cols)}.
     *
     * @param name           unique name within its {@link ParamSet}, e.g. {@code "means"}
     * @param rows           number of rows (kernels), {@code >= 0}
     * @param cols           values per row, {@code >= 1}
     * @param lrGroup        learning-rate group name
     * @param differentiable whether the optimizer steps this block
     */
    public ParamBlock(String name, int rows, int cols, String lrGroup, boolean differentiable) {
        this.name = Objects.requireNonNull(name, "name");
        this.lrGroup = Objects.requireNonNull(lrGroup, "lrGroup");
        if (name.isEmpty()) throw new IllegalArgumentException("block name is empty");
        if (rows < 0) throw new IllegalArgumentException("block " + name + ": rows " + rows + " < 0");
        if (cols < 1) throw new IllegalArgumentException("block " + name + ": cols " + cols + " < 1");
        this.cols = cols;
        this.differentiable = differentiable;
        this.rows = rows;
        int n = checkedSize(rows);
        this.value = new float[n];
        this.grad = differentiable ? new float[n] : EMPTY;
        this.m = differentiable ? new float[n] : EMPTY;
        this.v = differentiable ? new float[n] : EMPTY;
    }

    /**
     * Creates a block holding a copy of {@code values (rows, cols)} with zero gradient and moments.
     *
     * @throws IllegalArgumentException when {@code values.length} is not a multiple of {@code cols}
     */
    public static ParamBlock of(String name, int cols, String lrGroup, boolean differentiable, float[] values) {
        if (cols < 1 || values.length % cols != 0) {
            throw new IllegalArgumentException("block " + name + ": " + values.length
                    + " values is not a whole number of rows of " + cols);
        }
        ParamBlock b = new ParamBlock(name, values.length / cols, cols, lrGroup, differentiable);
        System.arraycopy(values, 0, b.value, 0, values.length);
        return b;
    }

    private int checkedSize(long newRows) {
        long n = newRows * cols;
        if (n > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("block " + name + ": " + newRows + " rows of " + cols
                    + " exceed the largest float array");
        }
        return (int) n;
    }

    /** The block's name. */
    public String name() {
        return name;
    }

    /** Number of rows (kernels). */
    public int rows() {
        return rows;
    }

    /** Values per row. */
    public int cols() {
        return cols;
    }

    /** Number of values, {@code rows * cols}. */
    public int size() {
        return rows * cols;
    }

    /** Learning-rate group name. */
    public String lrGroup() {
        return lrGroup;
    }

    /** Whether the optimizer steps this block (and it has a gradient and moments). */
    public boolean differentiable() {
        return differentiable;
    }

    /** Values {@code (rows, cols)}, row-major; the live array, replaced by any resize. */
    public float[] value() {
        return value;
    }

    /** Gradient {@code (rows, cols)}; empty when not differentiable. The live array. */
    public float[] grad() {
        return grad;
    }

    /** Adam first moment {@code (rows, cols)}; empty when not differentiable. The live array. */
    public float[] m() {
        return m;
    }

    /** Adam second moment {@code (rows, cols)}; empty when not differentiable. The live array. */
    public float[] v() {
        return v;
    }

    /**
     * Number of Adam updates applied to this block so far (the {@code t} of the bias correction).
     * Resizing keeps it, as in 3DGS where densification keeps the optimizer's step count.
     */
    public long adamSteps() {
        return adamSteps;
    }

    /** Sets the Adam step count (used by checkpoint restore and by strategies that reset). */
    public void setAdamSteps(long steps) {
        if (steps < 0) throw new IllegalArgumentException("block " + name + ": adam steps " + steps + " < 0");
        this.adamSteps = steps;
    }

    void incrementAdamSteps() {
        adamSteps++;
    }

    /** Value at {@code (row, col)}. */
    public float get(int row, int col) {
        return value[index(row, col)];
    }

    /** Sets the value at {@code (row, col)}. */
    public void set(int row, int col, float x) {
        value[index(row, col)] = x;
    }

    private int index(int row, int col) {
        if (row < 0 || row >= rows || col < 0 || col >= cols) {
            throw new IndexOutOfBoundsException("block " + name + " (" + rows + ", " + cols + "): no element ("
                    + row + ", " + col + ")");
        }
        return row * cols + col;
    }

    /** Sets the gradient to zero. Allocates nothing. */
    public void zeroGrad() {
        Arrays.fill(grad, 0, grad.length, 0f);
    }

    /** Sets both Adam moments of every row to zero (e.g. after an opacity reset). Allocates nothing. */
    public void zeroMoments() {
        Arrays.fill(m, 0f);
        Arrays.fill(v, 0f);
    }

    /**
     * Sets both Adam moments of the flagged rows to zero. Allocates nothing.
     *
     * @param rowMask (rows) true for the rows to reset
     */
    public void zeroMoments(boolean[] rowMask) {
        checkMask(rowMask);
        if (!differentiable) return;
        for (int r = 0; r < rows; r++) {
            if (rowMask[r]) {
                Arrays.fill(m, r * cols, (r + 1) * cols, 0f);
                Arrays.fill(v, r * cols, (r + 1) * cols, 0f);
            }
        }
    }

    /**
     * Appends rows with the given values and zero gradient and moments. Allocates the four arrays
     * anew at the new size.
     *
     * @param values (k, cols) the new rows' values, row-major
     * @return the index of the first appended row
     */
    public int appendRows(float[] values) {
        if (values.length % cols != 0) {
            throw new IllegalArgumentException("block " + name + ": " + values.length
                    + " values is not a whole number of rows of " + cols);
        }
        int first = rows;
        int k = values.length / cols;
        resize(rows + k);
        System.arraycopy(values, 0, value, first * cols, values.length);
        return first;
    }

    /**
     * Appends copies of the values of the given rows (in that order) with zero gradient and zero
     * moments, as densification by cloning does. Allocates the four arrays anew.
     *
     * @param sourceRows (k) rows to copy, each in {@code [0, rows)}; repeats allowed
     * @return the index of the first appended row
     */
    public int appendCopiesOf(int[] sourceRows) {
        int first = rows;
        for (int s : sourceRows) {
            if (s < 0 || s >= first) {
                throw new IndexOutOfBoundsException("block " + name + ": source row " + s + " not in [0, " + first + ")");
            }
        }
        resize(rows + sourceRows.length);
        for (int i = 0; i < sourceRows.length; i++) {
            System.arraycopy(value, sourceRows[i] * cols, value, (first + i) * cols, cols);
        }
        return first;
    }

    /**
     * Sets the number of rows: truncates, or appends rows of zero values, gradient and moments.
     * Allocates the arrays anew when the size changes.
     */
    public void resize(int newRows) {
        if (newRows < 0) throw new IllegalArgumentException("block " + name + ": rows " + newRows + " < 0");
        if (newRows == rows) return;
        int n = checkedSize(newRows);
        value = Arrays.copyOf(value, n);
        if (differentiable) {
            grad = Arrays.copyOf(grad, n);
            m = Arrays.copyOf(m, n);
            v = Arrays.copyOf(v, n);
        }
        rows = newRows;
    }

    /**
     * Keeps the flagged rows, in order, and drops the others, from the values, gradient and both
     * moments alike (pruning). Allocates the arrays anew at the kept size.
     *
     * @param keep (rows) true for the rows to keep
     * @return the number of rows kept
     */
    public int keepRows(boolean[] keep) {
        checkMask(keep);
        int kept = 0;
        for (boolean k : keep) if (k) kept++;
        if (kept == rows) return kept;
        int n = checkedSize(kept);
        value = compact(value, keep, n);
        if (differentiable) {
            grad = compact(grad, keep, n);
            m = compact(m, keep, n);
            v = compact(v, keep, n);
        }
        rows = kept;
        return kept;
    }

    private float[] compact(float[] a, boolean[] keep, int n) {
        float[] out = new float[n];
        int o = 0;
        int r = 0;
        while (r < keep.length) {
            if (!keep[r]) {
                r++;
                continue;
            }
            int start = r;
            while (r < keep.length && keep[r]) r++;
            int len = (r - start) * cols;
            System.arraycopy(a, start * cols, out, o, len);
            o += len;
        }
        return out;
    }

    private void checkMask(boolean[] mask) {
        if (mask.length != rows) {
            throw new IllegalArgumentException("block " + name + ": row mask of length " + mask.length
                    + ", expected " + rows + " (one per row)");
        }
    }

    /**
     * Replaces the whole state (checkpoint restore). Takes ownership of the arrays.
     *
     * @param value (rows, cols); m, v (rows, cols) when differentiable, ignored otherwise
     */
    void restore(int newRows, float[] value, float[] m, float[] v, long steps) {
        int n = checkedSize(newRows);
        if (value.length != n || (differentiable && (m.length != n || v.length != n))) {
            throw new IllegalArgumentException("block " + name + ": restored arrays do not match (" + newRows + ", " + cols + ")");
        }
        this.rows = newRows;
        this.value = value;
        if (differentiable) {
            this.grad = new float[n];
            this.m = m;
            this.v = v;
        }
        this.adamSteps = steps;
    }

    @Override
    public String toString() {
        return "ParamBlock[" + name + " (" + rows + ", " + cols + "), group " + lrGroup
                + (differentiable ? "" : ", not differentiable") + "]";
    }
}
