package kernelfield.fields.rbf;

import kernelfield.engine.optim.ParamBlock;
import kernelfield.fields.rbf.internal.KernelGrid;

/**
 * Adaptive radial basis functions in {@code dim} = 2 or 3 dimensions: kernel {@code j} has a
 * centre {@code c_j} and an anisotropic shape, the upper-triangular matrix {@code A_j} with
 * positive diagonal, so {@code q_j(x) = |A_j (x - c_j)|^2} is the squared Mahalanobis distance
 * for the precision {@code A_j^T A_j}; its value is {@code kernel.value(q_j, support)}.
 *
 * <p>Parameters: {@code centers (K, dim)} and {@code shapes (K, S)} with {@code S = 3} in 2D
 * ({@code a00, a01, a11}) or 6 in 3D ({@code a00, a01, a02, a11, a12, a22}), in learning-rate
 * group {@code "kernels"}; differentiable or frozen by the {@code trainable} flag.
 *
 * <p><b>Neighbour lookup</b>: the kernels reaching a point are those with {@code q < support};
 * a uniform grid over the kernels' support boxes (enlarged by {@link #indexMargin()}) gives the
 * candidates, and at most {@code maxNeighbours} of them are kept, the smallest {@code q} first
 * (ties by index). Since every profile is zero with zero slope at the support boundary, the
 * field and its gradient are continuous wherever no more than {@code maxNeighbours} kernels
 * reach a point (unlike a hard k-nearest cut-off, which jumps where the k-th and the (k+1)-th
 * kernel swap). When kernels move or change shape, call {@link #rebuildIndex()} before a kernel
 * can leave its indexed box (trainers do it every few steps; the margin absorbs the drift).
 */
public final class RbfBasis {
    private final int dim;
    private final int shapeCols;
    private final RbfKernel kernel;
    private final float support;
    private final int maxNeighbours;
    private final ParamBlock centers;
    private final ParamBlock shapes;
    private final KernelGrid grid;
    private float indexMargin = 1.25f;

    /**
     * A basis over the given kernels; builds the neighbour index.
     *
     * @param centers (K, dim) kernel centres; copied
     * @param shapes  (K, S) upper-triangular shape matrices; copied
     */
    public RbfBasis(int dim, RbfKernel kernel, float support, int maxNeighbours, float[] centers, float[] shapes,
            boolean trainable) {
        if (dim != 2 && dim != 3) throw new IllegalArgumentException("dimension " + dim + " is not 2 or 3");
        if (!(support > 0f)) throw new IllegalArgumentException("support " + support + " must be > 0");
        if (maxNeighbours < 1) throw new IllegalArgumentException("maxNeighbours " + maxNeighbours + " < 1");
        this.dim = dim;
        this.shapeCols = dim == 2 ? 3 : 6;
        this.kernel = kernel;
        this.support = support;
        this.maxNeighbours = maxNeighbours;
        if (centers.length % dim != 0 || shapes.length != centers.length / dim * shapeCols) {
            throw new IllegalArgumentException("centers (" + centers.length + " floats) and shapes (" + shapes.length
                    + " floats) are not (K, " + dim + ") and (K, " + shapeCols + ")");
        }
        this.centers = ParamBlock.of("rbf.centers", dim, "kernels", trainable, centers);
        this.shapes = ParamBlock.of("rbf.shapes", shapeCols, "kernels", trainable, shapes);
        this.grid = new KernelGrid(dim);
        rebuildIndex();
    }

    /** Number of shape values per kernel: 3 in 2D, 6 in 3D. */
    public static int shapeCols(int dim) {
        return dim == 2 ? 3 : 6;
    }

    public int dim() {
        return dim;
    }

    public int size() {
        return centers.rows();
    }

    public RbfKernel kernel() {
        return kernel;
    }

    public float support() {
        return support;
    }

    public int maxNeighbours() {
        return maxNeighbours;
    }

    /** Centres {@code (K, dim)}. */
    public ParamBlock centers() {
        return centers;
    }

    /** Shapes {@code (K, S)}. */
    public ParamBlock shapes() {
        return shapes;
    }

    /** Factor by which support boxes are enlarged in the index (default 1.25). */
    public float indexMargin() {
        return indexMargin;
    }

    /** Sets the index margin ({@code >= 1}) and rebuilds the index. */
    public void setIndexMargin(float margin) {
        if (!(margin >= 1f)) throw new IllegalArgumentException("index margin " + margin + " < 1");
        this.indexMargin = margin;
        rebuildIndex();
    }

    /** Rebuilds the neighbour index from the current centres and shapes. Allocates the index. */
    public void rebuildIndex() {
        int k = size();
        float[] lo = new float[k * dim];
        float[] hi = new float[k * dim];
        float[] c = centers.value();
        float[] s = shapes.value();
        double[] h = new double[3];
        for (int j = 0; j < k; j++) {
            halfExtents(s, j * shapeCols, dim, support, h);
            for (int d = 0; d < dim; d++) {
                double e = Math.min(h[d] * indexMargin, 1e6);
                lo[j * dim + d] = (float) (c[j * dim + d] - e);
                hi[j * dim + d] = (float) (c[j * dim + d] + e);
            }
        }
        grid.build(lo, hi, k);
    }

    /**
     * Half extents along the axes of the ellipsoid {@code |A d|^2 <= support}: {@code sqrt(support)}
     * times the norms of the rows of {@code A^-1}. Writes {@code out[0..dim)}.
     */
    static void halfExtents(float[] s, int o, int dim, float support, double[] out) {
        double sq = Math.sqrt(support);
        if (dim == 2) {
            double a = guard(s[o]), b = s[o + 1], c = guard(s[o + 2]);
            // A^-1 = [[1/a, -b/(a c)], [0, 1/c]]
            out[0] = sq * Math.hypot(1 / a, b / (a * c));
            out[1] = sq / Math.abs(c);
        } else {
            double a00 = guard(s[o]), a01 = s[o + 1], a02 = s[o + 2];
            double a11 = guard(s[o + 3]), a12 = s[o + 4], a22 = guard(s[o + 5]);
            // inverse of upper-triangular A by back substitution
            double i00 = 1 / a00, i11 = 1 / a11, i22 = 1 / a22;
            double i01 = -a01 * i00 * i11;
            double i12 = -a12 * i11 * i22;
            double i02 = -(a01 * i12 + a02 * i22) * i00;
            out[0] = sq * Math.sqrt(i00 * i00 + i01 * i01 + i02 * i02);
            out[1] = sq * Math.sqrt(i11 * i11 + i12 * i12);
            out[2] = sq * Math.abs(i22);
        }
    }

    private static double guard(double d) {
        return Math.abs(d) < 1e-12 ? 1e-12 : d;
    }

    /** {@code q = |A_j (x - c_j)|^2} for the point {@code x[off..off+dim)}. */
    public float q(int j, float[] x, int off) {
        float[] c = centers.value();
        float[] s = shapes.value();
        int co = j * dim;
        int so = j * shapeCols;
        if (dim == 2) {
            float dx = x[off] - c[co], dy = x[off + 1] - c[co + 1];
            float u0 = s[so] * dx + s[so + 1] * dy;
            float u1 = s[so + 2] * dy;
            return u0 * u0 + u1 * u1;
        }
        float dx = x[off] - c[co], dy = x[off + 1] - c[co + 1], dz = x[off + 2] - c[co + 2];
        float u0 = s[so] * dx + s[so + 1] * dy + s[so + 2] * dz;
        float u1 = s[so + 3] * dy + s[so + 4] * dz;
        float u2 = s[so + 5] * dz;
        return u0 * u0 + u1 * u1 + u2 * u2;
    }

    /**
     * The kernels reaching point {@code x[off..off+dim)}: writes up to {@code maxNeighbours()}
     * indices to {@code idx[o..]} and their {@code q} to {@code qOut[o..]}, sorted by {@code q}
     * (ties by index). Allocates nothing.
     *
     * @return the number found
     */
    public int lookup(float[] x, int off, int[] idx, float[] qOut, int o) {
        int cell = grid.cellOf(x, off);
        if (cell < 0) return 0;
        int[] start = grid.start();
        int[] items = grid.items();
        int count = 0;
        for (int e = start[cell], end = start[cell + 1]; e < end; e++) {
            int j = items[e];
            float q = q(j, x, off);
            if (!(q < support)) continue;
            if (count == maxNeighbours && !before(q, j, qOut[o + count - 1], idx[o + count - 1])) continue;
            int p = count < maxNeighbours ? count++ : count - 1;
            while (p > 0 && before(q, j, qOut[o + p - 1], idx[o + p - 1])) {
                qOut[o + p] = qOut[o + p - 1];
                idx[o + p] = idx[o + p - 1];
                p--;
            }
            qOut[o + p] = q;
            idx[o + p] = j;
        }
        return count;
    }

    private static boolean before(float q, int j, float q2, int j2) {
        return q < q2 || (q == q2 && j < j2);
    }

    /**
     * Back-propagates {@code dq}, the loss gradient of {@code q_j} at point {@code x[off..)}: adds
     * to {@code grad[cOff + j*dim + d]} (centre) and {@code grad[sOff + j*S + e]} (shape) when the
     * offsets are {@code >= 0}, and to {@code dx[dxOff + d]} when {@code dx} is not null.
     * Allocates nothing.
     */
    public void backwardQ(int j, float[] x, int off, float dq, float[] grad, int cOff, int sOff, float[] dx, int dxOff) {
        float[] c = centers.value();
        float[] s = shapes.value();
        int co = j * dim;
        int so = j * shapeCols;
        if (dim == 2) {
            float d0 = x[off] - c[co], d1 = x[off + 1] - c[co + 1];
            float u0 = s[so] * d0 + s[so + 1] * d1;
            float u1 = s[so + 2] * d1;
            float g0 = 2f * dq * u0, g1 = 2f * dq * u1; // dL/du
            float gd0 = g0 * s[so];
            float gd1 = g0 * s[so + 1] + g1 * s[so + 2];
            if (cOff >= 0) {
                grad[cOff + co] -= gd0;
                grad[cOff + co + 1] -= gd1;
            }
            if (sOff >= 0) {
                grad[sOff + so] += g0 * d0;
                grad[sOff + so + 1] += g0 * d1;
                grad[sOff + so + 2] += g1 * d1;
            }
            if (dx != null) {
                dx[dxOff] += gd0;
                dx[dxOff + 1] += gd1;
            }
            return;
        }
        float d0 = x[off] - c[co], d1 = x[off + 1] - c[co + 1], d2 = x[off + 2] - c[co + 2];
        float u0 = s[so] * d0 + s[so + 1] * d1 + s[so + 2] * d2;
        float u1 = s[so + 3] * d1 + s[so + 4] * d2;
        float u2 = s[so + 5] * d2;
        float g0 = 2f * dq * u0, g1 = 2f * dq * u1, g2 = 2f * dq * u2;
        float gd0 = g0 * s[so];
        float gd1 = g0 * s[so + 1] + g1 * s[so + 3];
        float gd2 = g0 * s[so + 2] + g1 * s[so + 4] + g2 * s[so + 5];
        if (cOff >= 0) {
            grad[cOff + co] -= gd0;
            grad[cOff + co + 1] -= gd1;
            grad[cOff + co + 2] -= gd2;
        }
        if (sOff >= 0) {
            grad[sOff + so] += g0 * d0;
            grad[sOff + so + 1] += g0 * d1;
            grad[sOff + so + 2] += g0 * d2;
            grad[sOff + so + 3] += g1 * d1;
            grad[sOff + so + 4] += g1 * d2;
            grad[sOff + so + 5] += g2 * d2;
        }
        if (dx != null) {
            dx[dxOff] += gd0;
            dx[dxOff + 1] += gd1;
            dx[dxOff + 2] += gd2;
        }
    }

    /**
     * Shape values {@code (S)} of the upper-triangular Cholesky factor of the precision
     * {@code inverse(cov)}, for a symmetric positive definite covariance given row-major
     * {@code (dim, dim)}: {@code A^T A = cov^-1}. Allocates the result.
     */
    public static float[] shapeFromCovariance(double[] cov, int dim) {
        double[][] p = invert(cov, dim);
        double[][] u = new double[dim][dim];
        // P = U^T U with U upper triangular (Cholesky, U = L^T)
        for (int i = 0; i < dim; i++) {
            double s = p[i][i];
            for (int r = 0; r < i; r++) s -= u[r][i] * u[r][i];
            u[i][i] = Math.sqrt(Math.max(s, 1e-30));
            for (int j = i + 1; j < dim; j++) {
                double t = p[i][j];
                for (int r = 0; r < i; r++) t -= u[r][i] * u[r][j];
                u[i][j] = t / u[i][i];
            }
        }
        float[] out = new float[shapeCols(dim)];
        int k = 0;
        for (int i = 0; i < dim; i++) {
            for (int j = i; j < dim; j++) out[k++] = (float) u[i][j];
        }
        return out;
    }

    private static double[][] invert(double[] m, int dim) {
        double[][] a = new double[dim][2 * dim];
        for (int i = 0; i < dim; i++) {
            for (int j = 0; j < dim; j++) a[i][j] = m[i * dim + j];
            a[i][dim + i] = 1;
        }
        for (int c = 0; c < dim; c++) {
            int p = c;
            for (int r = c + 1; r < dim; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
            double[] t = a[c];
            a[c] = a[p];
            a[p] = t;
            double piv = a[c][c];
            if (Math.abs(piv) < 1e-300) throw new IllegalArgumentException("covariance is singular");
            for (int j = 0; j < 2 * dim; j++) a[c][j] /= piv;
            for (int r = 0; r < dim; r++) {
                if (r == c) continue;
                double f = a[r][c];
                for (int j = 0; j < 2 * dim; j++) a[r][j] -= f * a[c][j];
            }
        }
        double[][] inv = new double[dim][dim];
        for (int i = 0; i < dim; i++) System.arraycopy(a[i], dim, inv[i], 0, dim);
        return inv;
    }
}
