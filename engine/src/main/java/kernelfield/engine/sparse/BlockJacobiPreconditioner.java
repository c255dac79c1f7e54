package kernelfield.engine.sparse;

import kernelfield.engine.compute.CpuDevice;

/**
 * Block-diagonal (block Jacobi) preconditioner: the dense diagonal blocks of {@code A} on given
 * index ranges, each factored once by Cholesky ({@code B = L L^T}); applying it solves each block.
 * Useful where unknowns come in strongly coupled groups (the 3 coordinates of a point, a grid
 * line, the parameters of one kernel).
 *
 * <p>Memory: the sum of the squared block sizes, in doubles.
 */
public final class BlockJacobiPreconditioner implements Preconditioner {
    private final int[] bounds;
    private final long[] offsets;
    private final double[] factors;

    /**
     * @param a          square SPD matrix {@code (n, n)}
     * @param boundaries block boundaries {@code (blocks + 1)}: strictly increasing from 0 to n;
     *                   block {@code k} is the index range {@code [boundaries[k], boundaries[k+1])}
     * @throws IllegalArgumentException if {@code a} is not square, the boundaries are bad, the
     *                                  blocks need more than 2^31 doubles, or a block is not positive definite
     */
    public BlockJacobiPreconditioner(CsrMatrix a, int[] boundaries) {
        a.requireSquare("block Jacobi preconditioner");
        int n = a.rows();
        if (boundaries.length < 2 || boundaries[0] != 0 || boundaries[boundaries.length - 1] != n) {
            throw new IllegalArgumentException("block boundaries must run from 0 to " + n);
        }
        int blocks = boundaries.length - 1;
        long[] off = new long[blocks + 1];
        for (int k = 0; k < blocks; k++) {
            int b = boundaries[k + 1] - boundaries[k];
            if (b <= 0) throw new IllegalArgumentException("block " + k + ": boundaries not increasing (" + boundaries[k] + ", " + boundaries[k + 1] + ")");
            off[k + 1] = off[k] + (long) b * b;
        }
        if (off[blocks] > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("blocks need " + off[blocks] + " doubles, more than an array holds");
        }
        this.bounds = boundaries.clone();
        this.offsets = off;
        this.factors = new double[(int) off[blocks]];
        String[] failure = new String[1];
        CpuDevice.shared().parallelFor(blocks, 16, (c, k0, k1) -> {
            for (int k = k0; k < k1; k++) {
                int lo = bounds[k];
                int b = bounds[k + 1] - lo;
                int o = (int) offsets[k];
                double[] tmp = new double[b * b];
                a.denseBlock(lo, lo + b, lo, lo + b, tmp);
                System.arraycopy(tmp, 0, factors, o, b * b);
                int bad = cholesky(factors, o, b);
                if (bad >= 0) {
                    synchronized (failure) {
                        if (failure[0] == null) failure[0] = "block " + k + " (rows " + lo + ".." + (lo + b - 1) + "): not positive definite at row " + (lo + bad);
                    }
                }
            }
        });
        if (failure[0] != null) throw new IllegalArgumentException(failure[0]);
    }

    /** Blocks of {@code blockSize} consecutive unknowns (the last one may be shorter). */
    public static BlockJacobiPreconditioner uniform(CsrMatrix a, int blockSize) {
        if (blockSize < 1) throw new IllegalArgumentException("block size must be >= 1, got " + blockSize);
        int n = a.rows();
        int blocks = (n + blockSize - 1) / blockSize;
        int[] b = new int[blocks + 1];
        for (int k = 0; k <= blocks; k++) b[k] = Math.min(n, k * blockSize);
        return new BlockJacobiPreconditioner(a, b);
    }

    public int blocks() {
        return bounds.length - 1;
    }

    /**
     * In-place dense Cholesky of the {@code (b, b)} row-major block at {@code o}: the lower
     * triangle becomes L. Returns -1, or the row whose pivot was not positive.
     */
    static int cholesky(double[] m, int o, int b) {
        for (int j = 0; j < b; j++) {
            double d = m[o + j * b + j];
            for (int k = 0; k < j; k++) d -= m[o + j * b + k] * m[o + j * b + k];
            if (!(d > 0) || Double.isInfinite(d)) return j;
            double ljj = Math.sqrt(d);
            m[o + j * b + j] = ljj;
            for (int i = j + 1; i < b; i++) {
                double s = m[o + i * b + j];
                for (int k = 0; k < j; k++) s -= m[o + i * b + k] * m[o + j * b + k];
                m[o + i * b + j] = s / ljj;
            }
        }
        return -1;
    }

    @Override
    public void apply(double[] r, double[] z, CpuDevice device) {
        int n = bounds[bounds.length - 1];
        if (r.length != n || z.length != n) throw new IllegalArgumentException("vectors of " + r.length + " and " + z.length + ", preconditioner of " + n);
        device.parallelFor(blocks(), 64, (c, k0, k1) -> {
            for (int k = k0; k < k1; k++) {
                int lo = bounds[k];
                int b = bounds[k + 1] - lo;
                int o = (int) offsets[k];
                // L y = r
                for (int i = 0; i < b; i++) {
                    double s = r[lo + i];
                    for (int j = 0; j < i; j++) s -= factors[o + i * b + j] * z[lo + j];
                    z[lo + i] = s / factors[o + i * b + i];
                }
                // L^T z = y
                for (int i = b - 1; i >= 0; i--) {
                    double s = z[lo + i];
                    for (int j = i + 1; j < b; j++) s -= factors[o + j * b + i] * z[lo + j];
                    z[lo + i] = s / factors[o + i * b + i];
                }
            }
        });
    }
}
