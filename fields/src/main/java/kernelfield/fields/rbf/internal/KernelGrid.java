package kernelfield.fields.rbf.internal;

import java.util.Arrays;

/**
 * A uniform grid over the support boxes of a set of kernels: cell {@code c} lists (CSR) every
 * kernel whose box overlaps it. A query reads the one cell it falls in. Built once per
 * {@link #build} call; allocates its arrays there; {@link #candidates} allocates nothing.
 */
public final class KernelGrid {
    private static final int MAX_CELLS = 1 << 22;

    private final int dim;
    private final float[] lo = new float[3];
    private final int[] n = new int[3];
    private float invCell;
    private int[] start = new int[1];
    private int[] items = new int[0];

    public KernelGrid(int dim) {
        this.dim = dim;
    }

    /**
     * Indexes {@code k} kernels by their boxes {@code boxLo, boxHi (k, dim)}.
     */
    public void build(float[] boxLo, float[] boxHi, int k) {
        float[] hi = new float[3];
        Arrays.fill(lo, Float.POSITIVE_INFINITY);
        Arrays.fill(hi, Float.NEGATIVE_INFINITY);
        float[] ext = new float[k];
        for (int j = 0; j < k; j++) {
            float e = 0f;
            for (int d = 0; d < dim; d++) {
                lo[d] = Math.min(lo[d], boxLo[j * dim + d]);
                hi[d] = Math.max(hi[d], boxHi[j * dim + d]);
                e = Math.max(e, boxHi[j * dim + d] - boxLo[j * dim + d]);
            }
            ext[j] = e;
        }
        if (k == 0) {
            for (int d = 0; d < dim; d++) {
                lo[d] = 0f;
                hi[d] = 1f;
            }
        }
        float cell;
        if (k == 0) {
            cell = 1f;
        } else {
            float[] sorted = ext.clone();
            Arrays.sort(sorted);
            cell = Math.max(sorted[k / 2] * 0.75f, 1e-12f);
        }
        long total;
        while (true) {
            total = 1;
            for (int d = 0; d < dim; d++) {
                n[d] = Math.max(1, (int) Math.min(1 << 20, Math.ceil((hi[d] - lo[d]) / cell)));
                total *= n[d];
            }
            if (total <= MAX_CELLS) break;
            cell *= 1.5f;
        }
        for (int d = dim; d < 3; d++) n[d] = 1;
        invCell = 1f / cell;
        int cells = (int) total;
        int[] count = new int[cells + 1];
        int[] c0 = new int[3];
        int[] c1 = new int[3];
        for (int pass = 0; pass < 2; pass++) {
            for (int j = 0; j < k; j++) {
                for (int d = 0; d < 3; d++) {
                    if (d < dim) {
                        c0[d] = clampCell(boxLo[j * dim + d], d);
                        c1[d] = clampCell(boxHi[j * dim + d], d);
                    } else {
                        c0[d] = 0;
                        c1[d] = 0;
                    }
                }
                for (int z = c0[2]; z <= c1[2]; z++) {
                    for (int y = c0[1]; y <= c1[1]; y++) {
                        for (int x = c0[0]; x <= c1[0]; x++) {
                            int c = (z * n[1] + y) * n[0] + x;
                            if (pass == 0) count[c + 1]++;
                            else items[count[c]++] = j;
                        }
                    }
                }
            }
            if (pass == 0) {
                for (int c = 0; c < cells; c++) count[c + 1] += count[c];
                start = count.clone();
                items = new int[count[cells]];
            }
        }
        // after the fill pass count[c] == start[c + 1]
    }

    private int clampCell(float x, int d) {
        int c = (int) Math.floor((x - lo[d]) * invCell);
        return Math.clamp(c, 0, n[d] - 1);
    }

    /** Number of (kernel, cell) entries. */
    public int entries() {
        return items.length;
    }

    /**
     * The cell of point {@code x[off..off+dim)}: returns its index, or -1 when the point is outside
     * the grid (then no kernel reaches it). Candidates are {@code items()[start()[c] .. start()[c+1])}.
     */
    public int cellOf(float[] x, int off) {
        int c = 0;
        int stride = 1;
        for (int d = 0; d < dim; d++) {
            float u = (x[off + d] - lo[d]) * invCell;
            if (!(u >= 0f) || u >= n[d]) {
                // on the far boundary exactly: the last cell
                if (u == n[d]) u = n[d] - 1;
                else return -1;
            }
            c += (int) u * stride;
            stride *= n[d];
        }
        return c;
    }

    public int[] start() {
        return start;
    }

    public int[] items() {
        return items;
    }

    /** Allocation-free accessor pair used by lookups. */
    public int candidates(int cell, int[] range) {
        range[0] = start[cell];
        range[1] = start[cell + 1];
        return range[1] - range[0];
    }
}
