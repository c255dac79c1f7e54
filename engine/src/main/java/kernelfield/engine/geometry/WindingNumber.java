package kernelfield.engine.geometry;

import java.util.Objects;
import java.util.stream.IntStream;

import kernelfield.engine.data.TriangleMesh;

/**
 * The generalized winding number of a triangle mesh (Jacobson, Kavan and Sorkine-Hornung 2013):
 * {@code w(q) = (1 / 4 pi) sum_t Omega_t(q)}, where {@code Omega_t} is the signed solid angle of
 * triangle {@code t} seen from {@code q} (Van Oosterom and Strackee 1983). It is 1 inside and 0
 * outside a closed, outward-oriented mesh, 1/2 on its surface, and degrades gracefully on meshes
 * with holes, which makes {@code w > 1/2} a robust inside test for imperfect meshes.
 *
 * <p>The fast evaluation ({@link #evaluate}) follows Barill et al. 2018: every node of a {@link Bvh}
 * carries the moments of its triangles about their area-weighted centre (order 0: the summed
 * area-weighted normal; order 1 and 2: first and second moments of the normal field); a node
 * farther than {@value #BETA} times its radius from the query is replaced by the second-order
 * Taylor expansion of the dipole kernel, nearer nodes are opened, and leaves near the query are
 * summed exactly. Error is typically below 1e-3; tests bound it by 1e-2.
 *
 * <p>Immutable and thread-safe; single evaluations allocate nothing (the traversal recurses on the
 * Java stack, depth at most {@code bvh.depth()}). Batch methods run in parallel and give results
 * independent of the thread count.
 */
public final class WindingNumber {
    /** Opening criterion: a node is approximated when {@code |q - centre| > BETA * radius}. */
    public static final double BETA = 2.0;
    private static final double INV_4PI = 1.0 / (4 * Math.PI);
    /** Per node: centre (3), radius (1), N (3), M (9, row i = normal component), T (18: i x {xx yy zz xy xz yz}). */
    private static final int STRIDE = 34;

    private final Bvh bvh;
    private final double[] moments;

    private WindingNumber(Bvh bvh) {
        this.bvh = bvh;
        this.moments = new double[STRIDE * bvh.nodeCount()];
        IntStream.range(0, bvh.nodeCount()).parallel().forEach(this::computeMoments);
    }

    /** Builds the hierarchy of {@code mesh} and the moments. Does not modify the mesh. */
    public static WindingNumber of(TriangleMesh mesh) {
        return new WindingNumber(Bvh.build(mesh));
    }

    /** Moments over an existing hierarchy (allocates {@code 34 * nodes} doubles). */
    public static WindingNumber of(Bvh bvh) {
        return new WindingNumber(Objects.requireNonNull(bvh, "bvh"));
    }

    /** The hierarchy used, shared. */
    public Bvh bvh() {
        return bvh;
    }

    /**
     * The exact winding number at {@code (x, y, z)}: the sum over all triangles, {@code O(F)}.
     * Points on a triangle's plane inside it contribute 0 for that triangle, so a point on the
     * surface of a closed mesh gets 1/2. Allocates nothing.
     */
    public double exact(double x, double y, double z) {
        float[] t = bvh.tri;
        double s = 0;
        for (int i = 0, f = bvh.triangleCount(); i < f; i++) s += solidAngle(t, 9 * i, x, y, z);
        return s * INV_4PI;
    }

    /** The hierarchical (fast) winding number at {@code (x, y, z)}. Allocates nothing. */
    public double evaluate(double x, double y, double z) {
        if (bvh.nodeCount() == 0) return 0;
        return visit(0, x, y, z) * INV_4PI;
    }

    /** Whether {@code (x, y, z)} is inside: fast winding number &gt; 1/2. */
    public boolean inside(double x, double y, double z) {
        return evaluate(x, y, z) > 0.5;
    }

    /**
     * Fast winding numbers of many points, in parallel.
     *
     * @param points {@code (M, 3)}
     * @param out {@code (M)}, written
     */
    public void evaluate(float[] points, float[] out) {
        int m = Bvh.checkPoints(points, "points");
        Objects.requireNonNull(out, "out");
        Bvh.checkLength(out, m, "out");
        Bvh.parallelChunks(m, (lo, hi) -> {
            for (int i = lo; i < hi; i++) out[i] = (float) evaluate(points[3 * i], points[3 * i + 1], points[3 * i + 2]);
        });
    }

    /**
     * Signed distance to the mesh: the unsigned distance from the {@link Bvh}, negative where the
     * winding number exceeds 1/2 (inside). Allocates the {@code (M)} result and one query object
     * per chunk of points; runs in parallel.
     *
     * @param points {@code (M, 3)}
     * @return {@code (M)} signed distances (+inf for a mesh without triangles)
     */
    public float[] signedDistance(float[] points) {
        int m = Bvh.checkPoints(points, "points");
        float[] out = new float[m];
        Bvh.parallelChunks(m, (lo, hi) -> {
            Bvh.ClosestHit h = new Bvh.ClosestHit();
            for (int i = lo; i < hi; i++) {
                double x = points[3 * i], y = points[3 * i + 1], z = points[3 * i + 2];
                double d = bvh.distance(x, y, z, h);
                out[i] = (float) (inside(x, y, z) ? -d : d);
            }
        });
        return out;
    }

    private double visit(int n, double x, double y, double z) {
        int o = STRIDE * n;
        double[] m = moments;
        double rx = m[o] - x, ry = m[o + 1] - y, rz = m[o + 2] - z;
        double r2 = rx * rx + ry * ry + rz * rz;
        double rad = m[o + 3];
        if (r2 > BETA * BETA * rad * rad) return farField(o, rx, ry, rz, r2);
        int l = bvh.left[n];
        if (l >= 0) return visit(l, x, y, z) + visit(l + 1, x, y, z);
        float[] t = bvh.tri;
        double s = 0;
        for (int i = bvh.first[n], end = i + bvh.count[n]; i < end; i++) s += solidAngle(t, 9 * i, x, y, z);
        return s;
    }

    /** Second-order expansion of sum over the node of (x - q).n / |x - q|^3 dA; r = centre - q. */
    private double farField(int o, double rx, double ry, double rz, double r2) {
        double[] m = moments;
        double ir = 1 / Math.sqrt(r2);
        double ir2 = ir * ir;
        double ir3 = ir2 * ir, ir5 = ir3 * ir2, ir7 = ir5 * ir2;
        // order 0
        double t0 = (m[o + 4] * rx + m[o + 5] * ry + m[o + 6] * rz) * ir3;
        // order 1: tr(M) / r^3 - 3 r.M.r / r^5
        int mo = o + 7;
        double trM = m[mo] + m[mo + 4] + m[mo + 8];
        double mrx = m[mo] * rx + m[mo + 1] * ry + m[mo + 2] * rz;
        double mry = m[mo + 3] * rx + m[mo + 4] * ry + m[mo + 5] * rz;
        double mrz = m[mo + 6] * rx + m[mo + 7] * ry + m[mo + 8] * rz;
        double rMr = rx * mrx + ry * mry + rz * mrz;
        double t1 = trM * ir3 - 3 * rMr * ir5;
        // order 2
        int to = o + 16;
        double xx = rx * rx, yy = ry * ry, zz = rz * rz, xy = rx * ry, xz = rx * rz, yz = ry * rz;
        double cubic = 0, trace = 0;
        for (int i = 0; i < 3; i++) {
            int b = to + 6 * i;
            double ri = i == 0 ? rx : i == 1 ? ry : rz;
            cubic += ri * (m[b] * xx + m[b + 1] * yy + m[b + 2] * zz + 2 * (m[b + 3] * xy + m[b + 4] * xz + m[b + 5] * yz));
            trace += ri * (m[b] + m[b + 1] + m[b + 2]);
        }
        // sum_ik T_iik r_k: i = x: T_xxx rx + T_xxy ry + T_xxz rz, ...
        double diag = m[to] * rx + m[to + 3] * ry + m[to + 4] * rz
                + m[to + 6 + 3] * rx + m[to + 6 + 1] * ry + m[to + 6 + 5] * rz
                + m[to + 12 + 4] * rx + m[to + 12 + 5] * ry + m[to + 12 + 2] * rz;
        double t2 = 0.5 * (-3 * (2 * diag + trace) * ir5 + 15 * cubic * ir7);
        return t0 + t1 + t2;
    }

    /** Signed solid angle of BVH triangle at offset o seen from q (Van Oosterom-Strackee). */
    private static double solidAngle(float[] t, int o, double x, double y, double z) {
        double ax = t[o] - x, ay = t[o + 1] - y, az = t[o + 2] - z;
        double bx = t[o + 3] - x, by = t[o + 4] - y, bz = t[o + 5] - z;
        double cx = t[o + 6] - x, cy = t[o + 7] - y, cz = t[o + 8] - z;
        double la = Math.sqrt(ax * ax + ay * ay + az * az);
        double lb = Math.sqrt(bx * bx + by * by + bz * bz);
        double lc = Math.sqrt(cx * cx + cy * cy + cz * cz);
        double det = ax * (by * cz - bz * cy) + ay * (bz * cx - bx * cz) + az * (bx * cy - by * cx);
        double abc = la * lb * lc;
        // on the triangle's plane (to rounding): 0 outside the triangle, and the mean of +-2 pi inside it
        if (Math.abs(det) <= 1e-12 * abc) return 0;
        double den = abc + (ax * bx + ay * by + az * bz) * lc + (ax * cx + ay * cy + az * cz) * lb
                + (bx * cx + by * cy + bz * cz) * la;
        return 2 * Math.atan2(det, den);
    }

    private void computeMoments(int n) {
        float[] t = bvh.tri;
        int lo = bvh.first[n], hi = lo + bvh.count[n];
        int o = STRIDE * n;
        double[] m = moments;
        // centre: area-weighted centroid (plain mean of centroids when the area is zero)
        double area = 0, cx = 0, cy = 0, cz = 0, mx = 0, my = 0, mz = 0;
        double nx = 0, ny = 0, nz = 0;
        for (int i = lo; i < hi; i++) {
            int p = 9 * i;
            double e1x = t[p + 3] - t[p], e1y = t[p + 4] - t[p + 1], e1z = t[p + 5] - t[p + 2];
            double e2x = t[p + 6] - t[p], e2y = t[p + 7] - t[p + 1], e2z = t[p + 8] - t[p + 2];
            double ax = 0.5 * (e1y * e2z - e1z * e2y), ay = 0.5 * (e1z * e2x - e1x * e2z), az = 0.5 * (e1x * e2y - e1y * e2x);
            double a = Math.sqrt(ax * ax + ay * ay + az * az);
            double gx = (t[p] + t[p + 3] + t[p + 6]) / 3.0, gy = (t[p + 1] + t[p + 4] + t[p + 7]) / 3.0,
                    gz = (t[p + 2] + t[p + 5] + t[p + 8]) / 3.0;
            area += a;
            cx += a * gx;
            cy += a * gy;
            cz += a * gz;
            mx += gx;
            my += gy;
            mz += gz;
            nx += ax;
            ny += ay;
            nz += az;
        }
        if (area > 0) {
            cx /= area;
            cy /= area;
            cz /= area;
        } else {
            cx = mx / (hi - lo);
            cy = my / (hi - lo);
            cz = mz / (hi - lo);
        }
        m[o] = cx;
        m[o + 1] = cy;
        m[o + 2] = cz;
        m[o + 4] = nx;
        m[o + 5] = ny;
        m[o + 6] = nz;
        double rad2 = 0;
        double[] v = new double[9], an = new double[3], d = new double[3];
        for (int i = lo; i < hi; i++) {
            int p = 9 * i;
            for (int k = 0; k < 3; k++) {
                v[3 * k] = t[p + 3 * k] - cx;
                v[3 * k + 1] = t[p + 3 * k + 1] - cy;
                v[3 * k + 2] = t[p + 3 * k + 2] - cz;
                rad2 = Math.max(rad2, v[3 * k] * v[3 * k] + v[3 * k + 1] * v[3 * k + 1] + v[3 * k + 2] * v[3 * k + 2]);
            }
            double e1x = v[3] - v[0], e1y = v[4] - v[1], e1z = v[5] - v[2];
            double e2x = v[6] - v[0], e2y = v[7] - v[1], e2z = v[8] - v[2];
            an[0] = 0.5 * (e1y * e2z - e1z * e2y);
            an[1] = 0.5 * (e1z * e2x - e1x * e2z);
            an[2] = 0.5 * (e1x * e2y - e1y * e2x);
            double sx = v[0] + v[3] + v[6], sy = v[1] + v[4] + v[7], sz = v[2] + v[5] + v[8];
            d[0] = sx / 3;
            d[1] = sy / 3;
            d[2] = sz / 3;
            // second moment over the triangle / area: (sum_v v v^T + s s^T) / 12
            double sxx = (v[0] * v[0] + v[3] * v[3] + v[6] * v[6] + sx * sx) / 12;
            double syy = (v[1] * v[1] + v[4] * v[4] + v[7] * v[7] + sy * sy) / 12;
            double szz = (v[2] * v[2] + v[5] * v[5] + v[8] * v[8] + sz * sz) / 12;
            double sxy = (v[0] * v[1] + v[3] * v[4] + v[6] * v[7] + sx * sy) / 12;
            double sxz = (v[0] * v[2] + v[3] * v[5] + v[6] * v[8] + sx * sz) / 12;
            double syz = (v[1] * v[2] + v[4] * v[5] + v[7] * v[8] + sy * sz) / 12;
            for (int a = 0; a < 3; a++) {
                for (int b = 0; b < 3; b++) m[o + 7 + 3 * a + b] += an[a] * d[b];
                int q = o + 16 + 6 * a;
                m[q] += an[a] * sxx;
                m[q + 1] += an[a] * syy;
                m[q + 2] += an[a] * szz;
                m[q + 3] += an[a] * sxy;
                m[q + 4] += an[a] * sxz;
                m[q + 5] += an[a] * syz;
            }
        }
        m[o + 3] = Math.sqrt(rad2);
    }
}
