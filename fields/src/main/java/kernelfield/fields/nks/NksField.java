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
}
