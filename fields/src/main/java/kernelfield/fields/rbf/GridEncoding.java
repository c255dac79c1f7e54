package kernelfield.fields.rbf;

import kernelfield.engine.optim.ParamBlock;

/**
 * A multi-resolution dense grid of features over a box (the grid part of the hybrid model):
 * level {@code l} has {@code res[l]} cells along the box's longest side (square/cubic cells),
 * {@code features} values at each vertex, and is read by bilinear (2D) or trilinear (3D)
 * interpolation. Points outside the box extrapolate linearly from the border cells.
 *
 * <p>Parameters: one block {@code grid.features (V, features)}, {@code V} the total vertex
 * count of all levels (level {@code l}'s vertices from {@link #levelOffset(int)}, x fastest),
 * learning-rate group {@code "features"}.
 */
public final class GridEncoding {
    private final int dim;
    private final int features;
    private final int[] res;
    private final float[] lo;
    private final float[] invCell; // per level
    private final int[][] n; // vertices per axis per level
    private final int[] offset;
    private final ParamBlock table;

    /**
     * @param lo, hi      (dim) the box
     * @param resolutions cells along the longest side, per level (each >= 1)
     * @param features    values per vertex, >= 1
     * @param init        table values are uniform in {@code [-init, init]} from {@code seed}
     */
    public GridEncoding(float[] lo, float[] hi, int[] resolutions, int features, float init, long seed) {
        this.dim = lo.length;
        if (dim != 2 && dim != 3 || hi.length != dim) throw new IllegalArgumentException("box must be 2D or 3D");
        if (features < 1) throw new IllegalArgumentException("features " + features + " < 1");
        this.features = features;
        this.res = resolutions.clone();
        this.lo = lo.clone();
        float longest = 0f;
        for (int d = 0; d < dim; d++) {
            if (!(hi[d] > lo[d])) throw new IllegalArgumentException("empty box along axis " + d);
            longest = Math.max(longest, hi[d] - lo[d]);
        }
        invCell = new float[res.length];
        n = new int[res.length][dim];
        offset = new int[res.length + 1];
        long total = 0;
        for (int l = 0; l < res.length; l++) {
            if (res[l] < 1) throw new IllegalArgumentException("level " + l + ": resolution " + res[l] + " < 1");
            float cell = longest / res[l];
            invCell[l] = 1f / cell;
            long v = 1;
            for (int d = 0; d < dim; d++) {
                n[l][d] = (int) Math.ceil((hi[d] - lo[d]) / cell - 1e-4) + 1;
                n[l][d] = Math.max(n[l][d], 2);
                v *= n[l][d];
            }
            offset[l] = (int) total;
            total += v;
            if (total * features > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("grid too large");
        }
        offset[res.length] = (int) total;
        table = new ParamBlock("grid.features", (int) total, features, "features", true);
        var rnd = new kernelfield.engine.optim.SeededRandom(seed);
        float[] t = table.value();
        for (int i = 0; i < t.length; i++) t[i] = (rnd.nextFloat() * 2f - 1f) * init;
    }

    /** Number of values a grid parameter block of these levels holds: {@code sum_l prod_d n_ld * features}. */
    public static long parameterCount(float[] lo, float[] hi, int[] resolutions, int features) {
        float longest = 0f;
        for (int d = 0; d < lo.length; d++) longest = Math.max(longest, hi[d] - lo[d]);
        long total = 0;
        for (int r : resolutions) {
            float cell = longest / r;
            long v = 1;
            for (int d = 0; d < lo.length; d++) v *= Math.max(2, (int) Math.ceil((hi[d] - lo[d]) / cell - 1e-4) + 1);
            total += v;
        }
        return total * features;
    }

    public int dim() {
        return dim;
    }

    public int levels() {
        return res.length;
    }

    public int features() {
        return features;
    }

    /** Output width: {@code levels * features}. */
    public int outputWidth() {
        return res.length * features;
    }

    /** Corners per level: 4 in 2D, 8 in 3D. */
    public int corners() {
        return 1 << dim;
    }

    /** The table {@code (V, features)}. */
    public ParamBlock table() {
        return table;
    }

    /** First vertex (row) of level {@code l}. */
    public int levelOffset(int l) {
        return offset[l];
    }

    /**
     * Corner rows and interpolation weights of point {@code x[off..)} at level {@code l}:
     * writes {@code corners()} rows to {@code idx[o..]} and weights to {@code w[o..]}; when
     * {@code dw} is not null also the weights' derivatives along each axis,
     * {@code dw[(o + k) * dim + d]}. Allocates nothing.
     */
    public void corners(float[] x, int off, int l, int[] idx, float[] w, int o, float[] dw) {
        float ic = invCell[l];
        int[] nl = n[l];
        if (dim == 2) {
            float u = (x[off] - lo[0]) * ic, v = (x[off + 1] - lo[1]) * ic;
            int i0 = Math.clamp((int) Math.floor(u), 0, nl[0] - 2);
            int j0 = Math.clamp((int) Math.floor(v), 0, nl[1] - 2);
            float fu = u - i0, fv = v - j0;
            int base = offset[l] + j0 * nl[0] + i0;
            idx[o] = base;
            idx[o + 1] = base + 1;
            idx[o + 2] = base + nl[0];
            idx[o + 3] = base + nl[0] + 1;
            w[o] = (1 - fu) * (1 - fv);
            w[o + 1] = fu * (1 - fv);
            w[o + 2] = (1 - fu) * fv;
            w[o + 3] = fu * fv;
            if (dw != null) {
                int b = o * 2;
                dw[b] = -(1 - fv) * ic;
                dw[b + 1] = -(1 - fu) * ic;
                dw[b + 2] = (1 - fv) * ic;
                dw[b + 3] = -fu * ic;
                dw[b + 4] = -fv * ic;
                dw[b + 5] = (1 - fu) * ic;
                dw[b + 6] = fv * ic;
                dw[b + 7] = fu * ic;
            }
            return;
        }
        float u = (x[off] - lo[0]) * ic, v = (x[off + 1] - lo[1]) * ic, s = (x[off + 2] - lo[2]) * ic;
        int i0 = Math.clamp((int) Math.floor(u), 0, nl[0] - 2);
        int j0 = Math.clamp((int) Math.floor(v), 0, nl[1] - 2);
        int k0 = Math.clamp((int) Math.floor(s), 0, nl[2] - 2);
        float fu = u - i0, fv = v - j0, fs = s - k0;
        int base = offset[l] + (k0 * nl[1] + j0) * nl[0] + i0;
        int sy = nl[0], sz = nl[0] * nl[1];
        for (int c = 0; c < 8; c++) {
            int bx = c & 1, by = (c >> 1) & 1, bz = (c >> 2) & 1;
            idx[o + c] = base + bx + by * sy + bz * sz;
            float wx = bx == 1 ? fu : 1 - fu;
            float wy = by == 1 ? fv : 1 - fv;
            float wz = bz == 1 ? fs : 1 - fs;
            w[o + c] = wx * wy * wz;
            if (dw != null) {
                float sx = bx == 1 ? ic : -ic;
                float syy = by == 1 ? ic : -ic;
                float szz = bz == 1 ? ic : -ic;
                dw[(o + c) * 3] = sx * wy * wz;
                dw[(o + c) * 3 + 1] = wx * syy * wz;
                dw[(o + c) * 3 + 2] = wx * wy * szz;
            }
        }
    }
}
