package kernelfield.reconstruction.nvs.volsdf;

import java.util.Arrays;

/**
 * The sampler's picture of the scene: a cubic lattice over {@code [-bound, bound]^3} of
 * {@code n^3} cells holding the SDF cached at its {@code (n+1)^3} vertices (refreshed from the
 * field every few hundred steps), the visual hull of the masks per cell, and per cell whether it
 * may hold samples (in the hull and near the cached zero level set).
 *
 * <p>{@link #sample} marches a ray through the lattice: cells that are not active are crossed in
 * coarse steps, active ones in steps of {@code dt}; a sample is placed wherever the cached
 * distance is below {@code bandOut}, up to {@code bandIn} behind the first point where it turns
 * negative (the first surface), where the march ends, or after {@code max} samples. Not thread-safe for {@link #setSdf}; {@link #sample} and {@link #sdf} read only.
 */
final class SdfCache {
    final int n;
    final float lo;
    final float cell;
    private final float inv;
    private final float[] sdf;
    private final boolean[] hull;
    private final boolean[] active;

    SdfCache(int n, float bound) {
        this.n = n;
        this.lo = -bound;
        this.cell = 2 * bound / n;
        this.inv = 1 / cell;
        this.sdf = new float[(n + 1) * (n + 1) * (n + 1)];
        this.hull = new boolean[n * n * n];
        this.active = new boolean[n * n * n];
        Arrays.fill(hull, true);
    }

    /** Vertex positions {@code ((n+1)^3, 3)}, x fastest. Allocates them. */
    float[] vertexPositions() {
        int m = n + 1;
        float[] p = new float[3 * m * m * m];
        int o = 0;
        for (int k = 0; k < m; k++) {
            for (int j = 0; j < m; j++) {
                for (int i = 0; i < m; i++) {
                    p[o++] = lo + i * cell;
                    p[o++] = lo + j * cell;
                    p[o++] = lo + k * cell;
                }
            }
        }
        return p;
    }

    /** Cell centres {@code (n^3, 3)}, x fastest. Allocates them. */
    float[] cellCentres() {
        float[] p = new float[3 * n * n * n];
        int o = 0;
        for (int k = 0; k < n; k++) {
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < n; i++) {
                    p[o++] = lo + (i + 0.5f) * cell;
                    p[o++] = lo + (j + 0.5f) * cell;
                    p[o++] = lo + (k + 0.5f) * cell;
                }
            }
        }
        return p;
    }

    /** Sets the hull ({@code n^3} flags, x fastest), grown by {@code dilate} cells. */
    void setHull(boolean[] inside, int dilate) {
        boolean[] cur = inside.clone();
        for (int it = 0; it < dilate; it++) {
            boolean[] next = cur.clone();
            for (int k = 0; k < n; k++) {
                for (int j = 0; j < n; j++) {
                    for (int i = 0; i < n; i++) {
                        if (cur[(k * n + j) * n + i]) continue;
                        boolean any = false;
                        for (int dz = -1; dz <= 1 && !any; dz++) {
                            for (int dy = -1; dy <= 1 && !any; dy++) {
                                for (int dx = -1; dx <= 1 && !any; dx++) {
                                    int x = i + dx, y = j + dy, z = k + dz;
                                    if (x >= 0 && y >= 0 && z >= 0 && x < n && y < n && z < n && cur[(z * n + y) * n + x]) any = true;
                                }
                            }
                        }
                        next[(k * n + j) * n + i] = any;
                    }
                }
            }
            cur = next;
        }
        System.arraycopy(cur, 0, hull, 0, hull.length);
    }

    boolean hull(int cellIndex) {
        return hull[cellIndex];
    }

    /** Whether the point lies in a hull cell (false outside the lattice). */
    boolean inHull(float x, float y, float z) {
        float u = (x - lo) * inv, v = (y - lo) * inv, w = (z - lo) * inv;
        if (u < 0 || v < 0 || w < 0 || u >= n || v >= n || w >= n) return false;
        return hull[(((int) w) * n + (int) v) * n + (int) u];
    }

    /**
     * Signed distance of the cell centres to the boundary of a cell set {@code (n^3)}: negative
     * inside, by exact Euclidean distance transforms (in cell units, less half a cell, times the
     * cell size). Allocates the result.
     */
    float[] signedDistance(boolean[] inside) {
        double[] dIn = edt(inside, false), dOut = edt(inside, true);
        float[] out = new float[inside.length];
        for (int i = 0; i < out.length; i++) {
            double d = inside[i] ? -(Math.sqrt(dIn[i]) - 0.5) * cell : (Math.sqrt(dOut[i]) - 0.5) * cell;
            out[i] = (float) Math.clamp(d, -2.0 * n * cell, 2.0 * n * cell);
        }
        return out;
    }

    /** Squared distance (cells) of each cell to the nearest cell whose flag equals {@code target}. */
    private double[] edt(boolean[] flags, boolean target) {
        int total = flags.length;
        double big = 1e20;
        double[] f = new double[total];
        for (int i = 0; i < total; i++) f[i] = flags[i] == target ? 0 : big;
        double[] line = new double[n], res = new double[n], z = new double[n + 1];
        int[] v = new int[n];
        for (int axis = 0; axis < 3; axis++) {
            int stride = axis == 0 ? 1 : axis == 1 ? n : n * n;
            for (int a = 0; a < n; a++) {
                for (int b = 0; b < n; b++) {
                    int base = axis == 0 ? (a * n + b) * n : axis == 1 ? a * n * n + b : a * n + b;
                    for (int i = 0; i < n; i++) line[i] = f[base + i * stride];
                    edt1(line, res, v, z);
                    for (int i = 0; i < n; i++) f[base + i * stride] = res[i];
                }
            }
        }
        return f;
    }

    /** Felzenszwalb and Huttenlocher's 1D squared distance transform of a sampled function. */
    private void edt1(double[] f, double[] d, int[] v, double[] z) {
        int k = 0;
        v[0] = 0;
        z[0] = Double.NEGATIVE_INFINITY;
        z[1] = Double.POSITIVE_INFINITY;
        for (int q = 1; q < n; q++) {
            double s = ((f[q] + (double) q * q) - (f[v[k]] + (double) v[k] * v[k])) / (2.0 * q - 2.0 * v[k]);
            while (s <= z[k]) {
                k--;
                s = ((f[q] + (double) q * q) - (f[v[k]] + (double) v[k] * v[k])) / (2.0 * q - 2.0 * v[k]);
            }
            k++;
            v[k] = q;
            z[k] = s;
            z[k + 1] = Double.POSITIVE_INFINITY;
        }
        k = 0;
        for (int q = 0; q < n; q++) {
            while (z[k + 1] < q) k++;
            int p = v[k];
            d[q] = (q - p) * (double) (q - p) + f[p];
        }
    }

    /** Number of hull cells. */
    int hullCells() {
        int c = 0;
        for (boolean h : hull) if (h) c++;
        return c;
    }

    /** Whether vertex {@code v} is a corner of a hull cell. */
    boolean vertexNeeded(int v) {
        int m = n + 1;
        int i = v % m, j = (v / m) % m, k = v / (m * m);
        for (int dz = -1; dz <= 0; dz++) {
            for (int dy = -1; dy <= 0; dy++) {
                for (int dx = -1; dx <= 0; dx++) {
                    int x = i + dx, y = j + dy, z = k + dz;
                    if (x >= 0 && y >= 0 && z >= 0 && x < n && y < n && z < n && hull[(z * n + y) * n + x]) return true;
                }
            }
        }
        return false;
    }

    /**
     * Sets the cached SDF at the vertices and marks the active cells: hull cells whose corner
     * values reach into {@code (-bandIn, bandOut)} (widened by half a cell diagonal).
     */
    void setSdf(float[] values, float bandOut, float bandIn) {
        System.arraycopy(values, 0, sdf, 0, sdf.length);
        float margin = 0.87f * cell;
        int m = n + 1;
        for (int k = 0; k < n; k++) {
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < n; i++) {
                    int c = (k * n + j) * n + i;
                    if (!hull[c]) {
                        active[c] = false;
                        continue;
                    }
                    float mn = Float.POSITIVE_INFINITY, mx = Float.NEGATIVE_INFINITY;
                    for (int q = 0; q < 8; q++) {
                        float v = sdf[((k + (q >> 2)) * m + j + ((q >> 1) & 1)) * m + i + (q & 1)];
                        mn = Math.min(mn, v);
                        mx = Math.max(mx, v);
                    }
                    active[c] = mn < bandOut + margin && mx > -bandIn - margin;
                }
            }
        }
    }

    /** Number of active cells. */
    int activeCells() {
        int c = 0;
        for (boolean a : active) if (a) c++;
        return c;
    }

    /** Trilinear interpolation of cell-centre values {@code (n^3)} at a point (clamped to the centres). */
    float cellValue(float[] values, float x, float y, float z) {
        float u = Math.clamp((x - lo) * inv - 0.5f, 0f, n - 1.001f);
        float v = Math.clamp((y - lo) * inv - 0.5f, 0f, n - 1.001f);
        float w = Math.clamp((z - lo) * inv - 0.5f, 0f, n - 1.001f);
        int i = (int) u, j = (int) v, k = (int) w;
        float fu = u - i, fv = v - j, fw = w - k;
        return trilinear(values, n, (k * n + j) * n + i, fu, fv, fw);
    }

    /** The cached SDF at a point, trilinear (clamped to the lattice). */
    float sdf(float x, float y, float z) {
        float u = (x - lo) * inv, v = (y - lo) * inv, w = (z - lo) * inv;
        int i = Math.clamp((int) Math.floor(u), 0, n - 1);
        int j = Math.clamp((int) Math.floor(v), 0, n - 1);
        int k = Math.clamp((int) Math.floor(w), 0, n - 1);
        float fu = u - i, fv = v - j, fw = w - k;
        int m = n + 1;
        return trilinear(sdf, m, (k * m + j) * m + i, fu, fv, fw);
    }

    /** Trilinear blend of the 8 values of a cubic lattice {@code a} (side {@code m}) whose lowest corner is {@code b}. */
    private static float trilinear(float[] a, int m, int b, float fu, float fv, float fw) {
        float c00 = a[b] + (a[b + 1] - a[b]) * fu;
        float c10 = a[b + m] + (a[b + m + 1] - a[b + m]) * fu;
        float c01 = a[b + m * m] + (a[b + m * m + 1] - a[b + m * m]) * fu;
        float c11 = a[b + m * m + m] + (a[b + m * m + m + 1] - a[b + m * m + m]) * fu;
        float c0 = c00 + (c10 - c00) * fv;
        float c1 = c01 + (c11 - c01) * fv;
        return c0 + (c1 - c0) * fw;
    }

    /**
     * Sample distances along the ray {@code o + t d} ({@code d} unit): writes up to {@code max}
     * values {@code t} (ascending) into {@code ts[off..]} and returns their count. The first
     * sample sits {@code jitter * dt} into its step. Allocates nothing.
     */
    int sample(float ox, float oy, float oz, float dx, float dy, float dz, float jitter, float dt, float bandOut, float bandIn,
            int max, float[] ts, int off) {
        float hi = -lo;
        float t0 = 0f, t1 = Float.POSITIVE_INFINITY;
        for (int a = 0; a < 3; a++) {
            float oa = a == 0 ? ox : a == 1 ? oy : oz;
            float da = a == 0 ? dx : a == 1 ? dy : dz;
            if (Math.abs(da) < 1e-12f) {
                if (oa < lo || oa > hi) return 0;
                continue;
            }
            float ia = 1f / da;
            float ta = (lo - oa) * ia, tb = (hi - oa) * ia;
            t0 = Math.max(t0, Math.min(ta, tb));
            t1 = Math.min(t1, Math.max(ta, tb));
        }
        if (!(t1 > t0)) return 0;
        float coarse = 0.4f * cell;
        float t = t0 + jitter * dt;
        float tEnd = t1;
        boolean crossed = false;
        int count = 0;
        while (t < tEnd && count < max) {
            float x = ox + t * dx, y = oy + t * dy, z = oz + t * dz;
            int i = Math.clamp((int) ((x - lo) * inv), 0, n - 1);
            int j = Math.clamp((int) ((y - lo) * inv), 0, n - 1);
            int k = Math.clamp((int) ((z - lo) * inv), 0, n - 1);
            if (!active[(k * n + j) * n + i]) {
                t += Math.max(coarse, dt);
                continue;
            }
            float s = sdf(x, y, z);
            if (!crossed && s <= 0f) {
                crossed = true;
                tEnd = Math.min(tEnd, t + bandIn);
            }
            if (crossed || s < bandOut) ts[off + count++] = t;
            t += dt;
        }
        return count;
    }
}
