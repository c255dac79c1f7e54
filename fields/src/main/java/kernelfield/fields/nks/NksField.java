package kernelfield.fields.nks;

import java.util.Objects;

import kernelfield.engine.compute.CpuDevice;

/**
 * A solved kernel surface: {@code f(x) = sum_l sum_v alpha_{l,v} K_l(x, c_v)} over the active
 * voxels of a {@link VoxelHierarchy}, with {@link QuadraticBSpline} kernels. {@code f < 0} inside,
 * {@code f > 0} outside, {@code |grad f|} close to 1 near the input (a local signed distance);
 * far from the input, outside all supports, {@code f = 0}.
 *
 * <p>Coefficients {@code (V_l)} per level, doubles. Evaluation is in double precision and
 * allocation-free per point; batch methods run in parallel on a {@link CpuDevice} and are
 * deterministic (each point is independent). Immutable once built; safe to share between threads.
 */
public final class NksField {
    private static final int GRAIN = 2048;
    private final VoxelHierarchy hierarchy;
    private final double[][] coefficients;
    private final ThreadLocal<Cache> local;

    /**
     * Wraps coefficients (held, not copied).
     *
     * @param coefficients {@code L} arrays, array {@code l} of length {@code hierarchy.level(l).size()}
     */
    public NksField(VoxelHierarchy hierarchy, double[][] coefficients) {
        this.hierarchy = Objects.requireNonNull(hierarchy, "hierarchy");
        Objects.requireNonNull(coefficients, "coefficients");
        if (coefficients.length != hierarchy.levelCount()) {
            throw new IllegalArgumentException(coefficients.length + " coefficient arrays for " + hierarchy.levelCount() + " levels");
        }
        for (int l = 0; l < coefficients.length; l++) {
            if (coefficients[l].length != hierarchy.level(l).size()) {
                throw new IllegalArgumentException("level " + l + ": " + coefficients[l].length + " coefficients for "
                        + hierarchy.level(l).size() + " voxels");
            }
        }
        this.coefficients = coefficients;
        int levels = coefficients.length;
        this.local = ThreadLocal.withInitial(() -> new Cache(levels));
    }

    public VoxelHierarchy hierarchy() {
        return hierarchy;
    }

    /** Coefficients {@code (V_l)} of level {@code l}, the array itself: do not modify. */
    public double[] coefficients(int l) {
        return coefficients[l];
    }

    /** {@code f(x, y, z)}. Allocates nothing (after a thread's first call: a small lookup memo). */
    public double value(double x, double y, double z) {
        double s = 0;
        for (int l = 0; l < coefficients.length; l++) s += levelValue(l, x, y, z, null, 0);
        return s;
    }

    /**
     * Per-thread memo of the last voxel looked up on each level with its 27 neighbour indices:
     * consecutive nearby points skip the hash lookups.
     */
    static final class Cache {
        final long[] key;
        final int[] nb;

        Cache(int levels) {
            key = new long[levels];
            java.util.Arrays.fill(key, -1L);
            nb = new int[27 * levels];
        }
    }

    private double value(double x, double y, double z, Cache cache) {
        double s = 0;
        for (int l = 0; l < coefficients.length; l++) s += levelValue(hierarchy, l, coefficients[l], x, y, z, null, 0, cache);
        return s;
    }

    /** {@code f} and its gradient: writes {@code grad (3)} at {@code grad[off..off+3)}; returns f. Allocates as {@link #value}. */
    public double valueAndGradient(double x, double y, double z, double[] grad, int off) {
        grad[off] = 0;
        grad[off + 1] = 0;
        grad[off + 2] = 0;
        double s = 0;
        for (int l = 0; l < coefficients.length; l++) s += levelValue(l, x, y, z, grad, off);
        return s;
    }

    /**
     * {@code f} at {@code points (M, 3)} into {@code out (M)} (overwritten). Parallel on
     * {@code device}; allocates only loop tasks.
     */
    public void evaluate(float[] points, float[] out, CpuDevice device) {
        int m = points.length / 3;
        if (out.length < m) throw new IllegalArgumentException("out has " + out.length + " slots for " + m + " points");
        device.parallelFor(m, GRAIN, (c, s, e) -> {
            Cache cache = new Cache(coefficients.length);
            for (int i = s; i < e; i++) out[i] = (float) value(points[3 * i], points[3 * i + 1], points[3 * i + 2], cache);
        });
    }

    /**
     * {@code f} and {@code grad f} at {@code points (M, 3)} into {@code values (M)} and
     * {@code gradients (M, 3)} (overwritten). Parallel on {@code device}; allocates only loop tasks.
     */
    public void evaluate(float[] points, float[] values, float[] gradients, CpuDevice device) {
        int m = points.length / 3;
        device.parallelFor(m, GRAIN, (c, s, e) -> {
            double[] g = new double[3];
            Cache cache = new Cache(coefficients.length);
            for (int i = s; i < e; i++) {
                g[0] = 0;
                g[1] = 0;
                g[2] = 0;
                double v = 0;
                for (int l = 0; l < coefficients.length; l++) {
                    v += levelValue(hierarchy, l, coefficients[l], points[3 * i], points[3 * i + 1], points[3 * i + 2], g, 0, cache);
                }
                values[i] = (float) v;
                gradients[3 * i] = (float) g[0];
                gradients[3 * i + 1] = (float) g[1];
                gradients[3 * i + 2] = (float) g[2];
            }
        });
    }

    /**
     * Adds level {@code l}'s term at {@code (x, y, z)} to the gradient accumulator (when not
     * null) and returns its value.
     */
    double levelValue(int l, double x, double y, double z, double[] grad, int off) {
        return levelValue(hierarchy, l, coefficients[l], x, y, z, grad, off, local.get());
    }

    static double levelValue(VoxelHierarchy hier, int l, double[] alpha, double x, double y, double z, double[] grad, int off,
            Cache cache) {
        VoxelHierarchy.Level level = hier.level(l);
        double h = level.voxelSize();
        double ux = (x - hier.originX()) / h, uy = (y - hier.originY()) / h, uz = (z - hier.originZ()) / h;
        double fx = Math.floor(ux), fy = Math.floor(uy), fz = Math.floor(uz);
        if (!(fx >= 0 && fy >= 0 && fz >= 0 && fx < VoxelHierarchy.AXIS_LIMIT && fy < VoxelHierarchy.AXIS_LIMIT
                && fz < VoxelHierarchy.AXIS_LIMIT)) {
            return 0.0;
        }
        int ix = (int) fx, iy = (int) fy, iz = (int) fz;
        double tx = ux - fx - 0.5, ty = uy - fy - 0.5, tz = uz - fz - 0.5;
        double ax = 0.5 - tx, cx = 0.5 + tx, ay = 0.5 - ty, cy = 0.5 + ty, az = 0.5 - tz, cz = 0.5 + tz;
        double wx0 = 0.5 * ax * ax, wx1 = 0.75 - tx * tx, wx2 = 0.5 * cx * cx;
        double wy0 = 0.5 * ay * ay, wy1 = 0.75 - ty * ty, wy2 = 0.5 * cy * cy;
        double wz0 = 0.5 * az * az, wz1 = 0.75 - tz * tz, wz2 = 0.5 * cz * cz;
        int[] nb;
        int nbo;
        long key = VoxelHierarchy.morton(ix, iy, iz);
        if (cache.key[l] == key) {
            nb = cache.nb;
            nbo = 27 * l;
        } else {
            int centre = level.find(ix, iy, iz);
            if (centre >= 0) {
                nb = level.neighbours27();
                nbo = 27 * centre;
            } else {
                nb = cache.nb;
                nbo = 27 * l;
                int q = nbo;
                for (int dz = -1; dz <= 1; dz++) {
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++) nb[q++] = level.find(ix + dx, iy + dy, iz + dz);
                    }
                }
            }
            if (nb != cache.nb) System.arraycopy(nb, nbo, cache.nb, 27 * l, 27);
            cache.key[l] = key;
            nb = cache.nb;
            nbo = 27 * l;
        }
        double v = 0, gx = 0, gy = 0, gz = 0;
        int o = 0;
        for (int dz = 0; dz < 3; dz++) {
            double wz = dz == 0 ? wz0 : dz == 1 ? wz1 : wz2;
            double dwz = dz == 0 ? -az : dz == 1 ? -2 * tz : cz;
            for (int dy = 0; dy < 3; dy++) {
                double wy = dy == 0 ? wy0 : dy == 1 ? wy1 : wy2;
                double dwy = dy == 0 ? -ay : dy == 1 ? -2 * ty : cy;
                // row of three along x
                int i0 = nb[nbo + o], i1 = nb[nbo + o + 1], i2 = nb[nbo + o + 2];
                o += 3;
                double a0 = i0 >= 0 ? alpha[i0] : 0, a1 = i1 >= 0 ? alpha[i1] : 0, a2 = i2 >= 0 ? alpha[i2] : 0;
                double sx = a0 * wx0 + a1 * wx1 + a2 * wx2;
                double yz = wy * wz;
                v += sx * yz;
                if (grad != null) {
                    double dsx = -a0 * ax - a1 * 2 * tx + a2 * cx;
                    gx += dsx * yz;
                    gy += sx * dwy * wz;
                    gz += sx * wy * dwz;
                }
            }
        }
        if (grad != null) {
            grad[off] += gx / h;
            grad[off + 1] += gy / h;
            grad[off + 2] += gz / h;
        }
        return v;
    }

    // ---------------------------------------------------------------------------------------
    // Lattice evaluation (meshing): exact phases, shared 27-coefficient gathers

    /**
     * Per-thread scratch of lattice evaluation: per level, the voxel whose 27 coefficients were
     * gathered last, and those coefficients {@code (L, 27)}. Not thread-safe: one per thread.
     */
    public static final class LatticeCache {
        final long[] key;
        final double[] coef;
        final double[] w = new double[3 * 3 * 9];
        final double[] rows = new double[9 * 9];
        final double[] plane = new double[3 * 81];

        /** Allocates scratch for a field of {@code levels} levels. */
        public LatticeCache(int levels) {
            key = new long[levels];
            java.util.Arrays.fill(key, -1L);
            coef = new double[27 * levels];
        }
    }

    /** A new {@link LatticeCache} for this field. */
    public LatticeCache newLatticeCache() {
        return new LatticeCache(coefficients.length);
    }

    /** Gathers the 27 coefficients around voxel (vx, vy, vz) of level l into the cache (memoised). */
    private double[] gather(int l, int vx, int vy, int vz, LatticeCache c) {
        long key = (vx < 0 || vy < 0 || vz < 0 || vx >= VoxelHierarchy.AXIS_LIMIT || vy >= VoxelHierarchy.AXIS_LIMIT
                || vz >= VoxelHierarchy.AXIS_LIMIT) ? -2L : VoxelHierarchy.morton(vx, vy, vz);
        double[] dst = c.coef;
        int o = 27 * l;
        if (key == c.key[l] && key != -2L) return dst;
        c.key[l] = key;
        VoxelHierarchy.Level level = hierarchy.level(l);
        double[] alpha = coefficients[l];
        int centre = key < 0 ? -1 : level.find(vx, vy, vz);
        if (centre >= 0) {
            int[] nb = level.neighbours27();
            int b = 27 * centre;
            for (int q = 0; q < 27; q++) {
                int i = nb[b + q];
                dst[o + q] = i >= 0 ? alpha[i] : 0.0;
            }
        } else {
            int q = 0;
            for (int dz = -1; dz <= 1; dz++) {
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++, q++) {
                        int i = level.find(vx + dx, vy + dy, vz + dz);
                        dst[o + q] = i >= 0 ? alpha[i] : 0.0;
                    }
                }
            }
        }
        return dst;
    }

    /** Kernel weights at local coordinate t in [-1/2, 1/2] into w[o..o+3). */
    private static void weights(double t, double[] w, int o) {
        double a = 0.5 - t, c = 0.5 + t;
        w[o] = 0.5 * a * a;
        w[o + 1] = 0.75 - t * t;
        w[o + 2] = 0.5 * c * c;
    }

    /**
     * {@code f} at a lattice point. The lattice has spacing {@code h0 2^coarsening / sd}: point
     * {@code (gx, gy, gz)} (non-negative) sits at {@code origin + g h0 2^coarsening / sd}. Phases are
     * computed exactly from the integers, so the result is a pure function of the lattice point:
     * bit-identical to {@link #evaluateVoxelLattices} at the same point (up to the sign of a zero).
     * Allocates nothing; modifies {@code cache}.
     *
     * @param coarsening {@code k}, 0..L-1
     * @param sd         lattice points per {@code h0 2^k}, 1..8
     */
    public double latticeValue(int coarsening, int sd, int gx, int gy, int gz, LatticeCache cache) {
        double s = 0;
        double[] w = cache.w;
        for (int l = 0; l < coefficients.length; l++) {
            long den;
            long nx = gx, ny = gy, nz = gz;
            if (coarsening >= l) {
                nx <<= coarsening - l;
                ny <<= coarsening - l;
                nz <<= coarsening - l;
                den = sd;
            } else {
                den = (long) sd << (l - coarsening);
            }
            long vx = Math.floorDiv(nx, den), vy = Math.floorDiv(ny, den), vz = Math.floorDiv(nz, den);
            double dd = den;
            weights((nx - vx * den) / dd - 0.5, w, 0);
            weights((ny - vy * den) / dd - 0.5, w, 3);
            weights((nz - vz * den) / dd - 0.5, w, 6);
            if (vx >= VoxelHierarchy.AXIS_LIMIT || vy >= VoxelHierarchy.AXIS_LIMIT || vz >= VoxelHierarchy.AXIS_LIMIT) continue;
            double[] a = gather(l, (int) vx, (int) vy, (int) vz, cache);
            int o = 27 * l;
            double vz0 = 0;
            for (int z = 0; z < 3; z++) {
                double vy0 = 0;
                for (int y = 0; y < 3; y++) {
                    int b = o + 9 * z + 3 * y;
                    double r = w[0] * a[b] + w[1] * a[b + 1] + w[2] * a[b + 2];
                    vy0 = y == 0 ? w[3] * r : vy0 + w[3 + y] * r;
                }
                vz0 = z == 0 ? w[6] * vy0 : vz0 + w[6 + z] * vy0;
            }
            s += vz0;
        }
        return s;
    }

    /**
     * {@code f} at lattice points {@code g (M, 3)} (see {@link #latticeValue}) into {@code out (M)}
     * (overwritten). Parallel and deterministic; allocates one cache per task.
     */
    public void evaluateLattice(int coarsening, int sd, int[] g, float[] out, CpuDevice device) {
        int m = g.length / 3;
        if (out.length < m) throw new IllegalArgumentException("out has " + out.length + " slots for " + m + " points");
        device.parallelFor(m, GRAIN, (c, st, e) -> {
            LatticeCache cache = newLatticeCache();
            for (int i = st; i < e; i++) out[i] = (float) latticeValue(coarsening, sd, g[3 * i], g[3 * i + 1], g[3 * i + 2], cache);
        });
    }

    /**
     * {@code f} on the {@code (sd + 1)^3} lattice of each finest voxel: for voxel {@code p} of
     * {@code voxels (K, 3)} (finest-level coordinates), lattice point {@code (i, j, k)} in
     * {@code 0..sd} at {@code origin + (voxel + (i, j, k) / sd) h0} goes to
     * {@code out[p (sd+1)^3 + (k (sd+1) + j) (sd+1) + i]}. The same values as
     * {@link #latticeValue}{@code (0, sd, voxel sd + (i, j, k))}; one 27-coefficient gather per
     * voxel and level, separable contraction. Parallel, deterministic; allocates one cache per task.
     *
     * @param out {@code (K, (sd+1)^3)}, overwritten
     */
    public void evaluateVoxelLattices(int[] voxels, int sd, float[] out, CpuDevice device) {
        if (sd < 1 || sd > 8) throw new IllegalArgumentException("sd must be in 1..8, got " + sd);
        int k = voxels.length / 3;
        int side = sd + 1, per = side * side * side;
        if (out.length < (long) k * per) throw new IllegalArgumentException("out has " + out.length + " slots for " + k + " voxels");
        int levels = coefficients.length;
        device.parallelFor(k, 512, (c, st, e) -> {
            LatticeCache cache = newLatticeCache();
            double[] wx = new double[3 * side], wy = new double[3 * side], wz = new double[3 * side];
            double[] rx = new double[9 * side];
            double[] ry = new double[3 * side * side];
            double[] acc = new double[per];
            for (int p = st; p < e; p++) {
                int x = voxels[3 * p], y = voxels[3 * p + 1], z = voxels[3 * p + 2];
                java.util.Arrays.fill(acc, 0.0);
                for (int l = 0; l < levels; l++) {
                    long den = (long) sd << l;
                    int mask = (1 << l) - 1;
                    double dd = den;
                    for (int i = 0; i < side; i++) {
                        weights(((long) (x & mask) * sd + i) / dd - 0.5, wx, 3 * i);
                        weights(((long) (y & mask) * sd + i) / dd - 0.5, wy, 3 * i);
                        weights(((long) (z & mask) * sd + i) / dd - 0.5, wz, 3 * i);
                    }
                    double[] a = gather(l, x >> l, y >> l, z >> l, cache);
                    int o = 27 * l;
                    // x: rx[(zz * 3 + yy) * side + i]
                    for (int r = 0; r < 9; r++) {
                        int b = o + 3 * r;
                        double a0 = a[b], a1 = a[b + 1], a2 = a[b + 2];
                        for (int i = 0; i < side; i++) rx[r * side + i] = wx[3 * i] * a0 + wx[3 * i + 1] * a1 + wx[3 * i + 2] * a2;
                    }
                    // y: ry[(zz * side + j) * side + i]
                    for (int zz = 0; zz < 3; zz++) {
                        for (int j = 0; j < side; j++) {
                            double w0 = wy[3 * j], w1 = wy[3 * j + 1], w2 = wy[3 * j + 2];
                            int b0 = (zz * 3) * side, b1 = (zz * 3 + 1) * side, b2 = (zz * 3 + 2) * side;
                            int d = (zz * side + j) * side;
                            for (int i = 0; i < side; i++) ry[d + i] = w0 * rx[b0 + i] + w1 * rx[b1 + i] + w2 * rx[b2 + i];
                        }
                    }
                    // z
                    for (int kk = 0; kk < side; kk++) {
                        double w0 = wz[3 * kk], w1 = wz[3 * kk + 1], w2 = wz[3 * kk + 2];
                        int d = kk * side * side;
                        for (int q = 0; q < side * side; q++) acc[d + q] += w0 * ry[q] + w1 * ry[side * side + q] + w2 * ry[2 * side * side + q];
                    }
                }
                int ob = p * per;
                for (int q = 0; q < per; q++) out[ob + q] = (float) acc[q];
            }
        });
    }
}
