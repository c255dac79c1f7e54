package kernelfield.engine.geometry;

import java.util.Arrays;
import java.util.Objects;
import java.util.stream.IntStream;

import kernelfield.engine.data.TriangleMesh;

/**
 * A bounding volume hierarchy over the triangles of a {@link TriangleMesh}, built with a binned
 * surface-area heuristic (16 bins on each axis) and stored in flat arrays.
 *
 * <p>Layout: node {@code n} has an axis-aligned box {@code box[6n .. 6n+5]} (min x y z, max x y z),
 * covers the contiguous range {@code [first[n], first[n] + count[n])} of the BVH triangle order,
 * and is a leaf when {@code left[n] < 0}; otherwise its children are {@code left[n]} and
 * {@code left[n] + 1}. Node 0 is the root. Leaves hold at most {@value #MAX_LEAF} triangles. The
 * triangle vertices are copied into BVH order ({@code (F, 9)} floats) for locality;
 * {@link #triangleAt(int)} maps a BVH position back to the mesh's triangle index.
 *
 * <p>The build is sequential and deterministic; the tree is immutable and all queries are
 * thread-safe. Single queries allocate nothing: they take a reusable result object
 * ({@link ClosestHit}, {@link RayHit}) that also holds the traversal stack, one per thread. Batch
 * queries run in parallel over chunks of queries on the common fork-join pool; each query's
 * result is independent of the others, so results are identical for any thread count.
 *
 * <p>Arithmetic of the queries is in double precision on the float vertices. The hierarchy holds
 * the mesh's vertex and triangle arrays only during the build; later changes to the mesh are not
 * seen.
 */
public final class Bvh {
    /** Most triangles in a leaf. */
    public static final int MAX_LEAF = 4;
    private static final int BINS = 16;
    /** Depth after which splits become median splits, which bounds the depth below {@link #STACK}. */
    private static final int SAH_DEPTH = 48;
    static final int STACK = 128;

    private final int triangleCount;
    private final int nodeCount;
    final float[] box;
    final int[] left;
    final int[] first;
    final int[] count;
    /** Triangle vertices in BVH order {@code (F, 9)}: a, b, c as in the mesh. */
    final float[] tri;
    /** Mesh triangle index of each BVH position {@code (F)}. */
    final int[] order;
    private final int depth;

    private Bvh(int triangleCount, int nodeCount, float[] box, int[] left, int[] first, int[] count, float[] tri,
            int[] order, int depth) {
        this.triangleCount = triangleCount;
        this.nodeCount = nodeCount;
        this.box = box;
        this.left = left;
        this.first = first;
        this.count = count;
        this.tri = tri;
        this.order = order;
        this.depth = depth;
    }

    /**
     * Builds the hierarchy of {@code mesh}. Allocates about {@code 100 F} bytes for the tree and a
     * similar transient amount during the build; does not modify the mesh. A mesh without
     * triangles gives an empty tree whose queries find nothing.
     *
     * @throws IllegalArgumentException when a vertex coordinate is not finite
     */
    public static Bvh build(TriangleMesh mesh) {
        Objects.requireNonNull(mesh, "mesh");
        return new Builder(mesh.vertices(), mesh.triangles()).build();
    }

    /** Number of triangles F. */
    public int triangleCount() {
        return triangleCount;
    }

    /** Number of nodes (at most {@code 2F - 1}). */
    public int nodeCount() {
        return nodeCount;
    }

    /** Depth of the deepest leaf (the root has depth 0). */
    public int depth() {
        return depth;
    }

    /** Mesh triangle index at BVH position {@code i}. */
    public int triangleAt(int i) {
        return order[i];
    }

    // ------------------------------------------------------------------------------------------
    // Closest point

    /**
     * Result of a closest-point query, reusable. Holds the traversal stack, so one instance must
     * not be used by two threads at once.
     */
    public static final class ClosestHit {
        /** Euclidean distance to the closest point, or +inf when none was found. */
        public double distance;
        /** The closest point. */
        public double x, y, z;
        /** Mesh index of the triangle holding the closest point, or -1. */
        public int triangle;
        /** Barycentric weights of the triangle's vertices a, b, c (sum 1). */
        public double b0, b1, b2;
        final int[] stack = new int[STACK];
        final double[] stackD = new double[STACK];
        final double[] scratch = new double[2];

        void clear() {
            distance = Double.POSITIVE_INFINITY;
            triangle = -1;
            x = y = z = Double.NaN;
            b0 = b1 = b2 = Double.NaN;
        }

        @Override
        public String toString() {
            return "ClosestHit[d=" + distance + ", triangle " + triangle + ", (" + x + ", " + y + ", " + z + ")]";
        }
    }

    /**
     * The point of the mesh closest to {@code (x, y, z)}, searched within {@code maxDistance}.
     * Allocates nothing; overwrites {@code hit}.
     *
     * @return whether a point within {@code maxDistance} was found (if not, {@code hit.triangle} is -1)
     */
    public boolean closestPoint(double x, double y, double z, double maxDistance, ClosestHit hit) {
        hit.clear();
        if (triangleCount == 0) return false;
        double best = maxDistance == Double.POSITIVE_INFINITY ? Double.POSITIVE_INFINITY : maxDistance * maxDistance;
        int[] stack = hit.stack;
        double[] stackD = hit.stackD;
        int sp = 0;
        stack[sp] = 0;
        stackD[sp++] = boxDistance2(0, x, y, z);
        int bestTri = -1;
        double bx = 0, by = 0, bz = 0, w1 = 0, w2 = 0;
        while (sp > 0) {
            sp--;
            int n = stack[sp];
            if (stackD[sp] > best) continue;
            int l = left[n];
            if (l < 0) {
                int end = first[n] + count[n];
                for (int i = first[n]; i < end; i++) {
                    int o = 9 * i;
                    double ax = tri[o], ay = tri[o + 1], az = tri[o + 2];
                    double abx = tri[o + 3] - ax, aby = tri[o + 4] - ay, abz = tri[o + 5] - az;
                    double acx = tri[o + 6] - ax, acy = tri[o + 7] - ay, acz = tri[o + 8] - az;
                    // barycentric (v, w) of the closest point: a + v ab + w ac
                    double v, w;
                    double apx = x - ax, apy = y - ay, apz = z - az;
                    double d1 = abx * apx + aby * apy + abz * apz;
                    double d2 = acx * apx + acy * apy + acz * apz;
                    if (d1 <= 0 && d2 <= 0) {
                        v = 0;
                        w = 0;
                    } else {
                        double bpx = apx - abx, bpy = apy - aby, bpz = apz - abz;
                        double d3 = abx * bpx + aby * bpy + abz * bpz;
                        double d4 = acx * bpx + acy * bpy + acz * bpz;
                        if (d3 >= 0 && d4 <= d3) {
                            v = 1;
                            w = 0;
                        } else {
                            double vc = d1 * d4 - d3 * d2;
                            double cpx = apx - acx, cpy = apy - acy, cpz = apz - acz;
                            double d5 = abx * cpx + aby * cpy + abz * cpz;
                            double d6 = acx * cpx + acy * cpy + acz * cpz;
                            double vb = d5 * d2 - d1 * d6;
                            double va = d3 * d6 - d5 * d4;
                            if (vc <= 0 && d1 >= 0 && d3 <= 0) {
                                v = d1 / (d1 - d3);
                                w = 0;
                            } else if (d6 >= 0 && d5 <= d6) {
                                v = 0;
                                w = 1;
                            } else if (vb <= 0 && d2 >= 0 && d6 <= 0) {
                                v = 0;
                                w = d2 / (d2 - d6);
                            } else if (va <= 0 && d4 - d3 >= 0 && d5 - d6 >= 0) {
                                w = (d4 - d3) / ((d4 - d3) + (d5 - d6));
                                v = 1 - w;
                            } else {
                                double s = va + vb + vc;
                                if (s > 0) {
                                    v = vb / s;
                                    w = vc / s;
                                } else {
                                    // degenerate (collinear) triangle: best of its three edges
                                    double[] tmp = hit.scratch;
                                    degenerateClosest(apx, apy, apz, abx, aby, abz, acx, acy, acz, tmp);
                                    v = tmp[0];
                                    w = tmp[1];
                                }
                            }
                        }
                    }
                    double px = ax + v * abx + w * acx, py = ay + v * aby + w * acy, pz = az + v * abz + w * acz;
                    double dx = px - x, dy = py - y, dz = pz - z;
                    double d = dx * dx + dy * dy + dz * dz;
                    if (d < best || (d == best && bestTri < 0)) {
                        best = d;
                        bestTri = i;
                        bx = px;
                        by = py;
                        bz = pz;
                        w1 = v;
                        w2 = w;
                    }
                }
            } else {
                double dl = boxDistance2(l, x, y, z), dr = boxDistance2(l + 1, x, y, z);
                // push the farther child first, so the nearer one is visited first
                if (dl <= dr) {
                    if (dr <= best) {
                        stack[sp] = l + 1;
                        stackD[sp++] = dr;
                    }
                    if (dl <= best) {
                        stack[sp] = l;
                        stackD[sp++] = dl;
                    }
                } else {
                    if (dl <= best) {
                        stack[sp] = l;
                        stackD[sp++] = dl;
                    }
                    if (dr <= best) {
                        stack[sp] = l + 1;
                        stackD[sp++] = dr;
                    }
                }
            }
        }
        if (bestTri < 0) return false;
        hit.distance = Math.sqrt(best);
        hit.triangle = order[bestTri];
        hit.x = bx;
        hit.y = by;
        hit.z = bz;
        hit.b0 = 1 - w1 - w2;
        hit.b1 = w1;
        hit.b2 = w2;
        return true;
    }

    /** {@link #closestPoint(double, double, double, double, ClosestHit)} without a distance limit. */
    public boolean closestPoint(double x, double y, double z, ClosestHit hit) {
        return closestPoint(x, y, z, Double.POSITIVE_INFINITY, hit);
    }

    /** Distance from {@code (x, y, z)} to the mesh (+inf for an empty mesh). Allocates nothing. */
    public double distance(double x, double y, double z, ClosestHit scratch) {
        closestPoint(x, y, z, Double.POSITIVE_INFINITY, scratch);
        return scratch.distance;
    }

    /**
     * Closest points of many queries, in parallel. Allocates one {@link ClosestHit} per chunk of
     * queries; writes the outputs only.
     *
     * @param queries {@code (M, 3)}
     * @param outDistance {@code (M)} distances, or null
     * @param outPoints {@code (M, 3)} closest points, or null
     * @param outTriangles {@code (M)} mesh triangle indices (-1 for none), or null
     */
    public void closestPoints(float[] queries, float[] outDistance, float[] outPoints, int[] outTriangles) {
        int m = checkPoints(queries, "queries");
        checkLength(outDistance, m, "outDistance");
        checkLength(outPoints, 3 * m, "outPoints");
        checkLength(outTriangles, m, "outTriangles");
        parallelChunks(m, (lo, hi) -> {
            ClosestHit h = new ClosestHit();
            for (int i = lo; i < hi; i++) {
                closestPoint(queries[3 * i], queries[3 * i + 1], queries[3 * i + 2], Double.POSITIVE_INFINITY, h);
                if (outDistance != null) outDistance[i] = (float) h.distance;
                if (outPoints != null) {
                    outPoints[3 * i] = (float) h.x;
                    outPoints[3 * i + 1] = (float) h.y;
                    outPoints[3 * i + 2] = (float) h.z;
                }
                if (outTriangles != null) outTriangles[i] = h.triangle;
            }
        });
    }

    /** Squared distance from a point to the box of node {@code n} (0 inside). */
    double boxDistance2(int n, double x, double y, double z) {
        int o = 6 * n;
        double dx = Math.max(0, Math.max(box[o] - x, x - box[o + 3]));
        double dy = Math.max(0, Math.max(box[o + 1] - y, y - box[o + 4]));
        double dz = Math.max(0, Math.max(box[o + 2] - z, z - box[o + 5]));
        return dx * dx + dy * dy + dz * dz;
    }

    /** Closest point on the three edges of a degenerate triangle; writes (v, w) into out. */
    private static void degenerateClosest(double apx, double apy, double apz, double abx, double aby, double abz,
            double acx, double acy, double acz, double[] out) {
        // edge a-b
        double best = Double.POSITIVE_INFINITY;
        double t = segmentParameter(apx, apy, apz, abx, aby, abz);
        double d = dist2(apx - t * abx, apy - t * aby, apz - t * abz);
        best = d;
        out[0] = t;
        out[1] = 0;
        t = segmentParameter(apx, apy, apz, acx, acy, acz);
        d = dist2(apx - t * acx, apy - t * acy, apz - t * acz);
        if (d < best) {
            best = d;
            out[0] = 0;
            out[1] = t;
        }
        // edge b-c: point b + t (c - b); relative to a: ab + t (ac - ab)
        double bcx = acx - abx, bcy = acy - aby, bcz = acz - abz;
        t = segmentParameter(apx - abx, apy - aby, apz - abz, bcx, bcy, bcz);
        d = dist2(apx - abx - t * bcx, apy - aby - t * bcy, apz - abz - t * bcz);
        if (d < best) {
            out[0] = 1 - t;
            out[1] = t;
        }
    }

    private static double segmentParameter(double px, double py, double pz, double ex, double ey, double ez) {
        double ee = ex * ex + ey * ey + ez * ez;
        if (ee <= 0) return 0;
        double t = (px * ex + py * ey + pz * ez) / ee;
        return t < 0 ? 0 : t > 1 ? 1 : t;
    }

    private static double dist2(double x, double y, double z) {
        return x * x + y * y + z * z;
    }

    // ------------------------------------------------------------------------------------------
    // Rays

    /**
     * Result of a ray query, reusable. Holds the traversal stack, so one instance must not be used
     * by two threads at once.
     */
    public static final class RayHit {
        /** Ray parameter of the hit (point = origin + t direction), +inf when none. */
        public double t;
        /** Mesh index of the triangle hit, or -1. */
        public int triangle;
        /** Barycentrics of the hit: weights {@code (1 - u - v, u, v)} of the triangle's vertices a, b, c. */
        public double u, v;
        final int[] stack = new int[STACK];
        final double[] stackT = new double[STACK];

        void clear() {
            t = Double.POSITIVE_INFINITY;
            triangle = -1;
            u = v = Double.NaN;
        }

        @Override
        public String toString() {
            return "RayHit[t=" + t + ", triangle " + triangle + ", u=" + u + ", v=" + v + "]";
        }
    }

    /**
     * The nearest intersection of the ray {@code o + t d}, {@code t} in {@code [tMin, tMax]}, with
     * the mesh (both sides of the triangles count; {@code d} need not be unit length). Allocates
     * nothing; overwrites {@code hit}.
     *
     * @return whether the ray hits
     */
    public boolean raycast(double ox, double oy, double oz, double dx, double dy, double dz, double tMin, double tMax,
            RayHit hit) {
        return trace(ox, oy, oz, dx, dy, dz, tMin, tMax, hit, false);
    }

    /**
     * Whether the ray {@code o + t d}, {@code t} in {@code [tMin, tMax]}, hits any triangle; stops at
     * the first hit found (which is not necessarily the nearest; {@code hit} describes it).
     * Allocates nothing.
     */
    public boolean anyHit(double ox, double oy, double oz, double dx, double dy, double dz, double tMin, double tMax,
            RayHit hit) {
        return trace(ox, oy, oz, dx, dy, dz, tMin, tMax, hit, true);
    }

    /**
     * Nearest hits of many rays, in parallel (see {@link #raycast(double, double, double, double,
     * double, double, double, double, RayHit)}), with {@code t} in {@code [0, tMax]}. Writes the
     * outputs only.
     *
     * @param origins {@code (R, 3)}
     * @param directions {@code (R, 3)}
     * @param outT {@code (R)} hit parameters, +inf for a miss
     * @param outTriangles {@code (R)} mesh triangle indices, -1 for a miss, or null
     */
    public void raycast(float[] origins, float[] directions, double tMax, float[] outT, int[] outTriangles) {
        int r = checkPoints(origins, "origins");
        checkLength(directions, 3 * r, "directions");
        Objects.requireNonNull(outT, "outT");
        checkLength(outT, r, "outT");
        checkLength(outTriangles, r, "outTriangles");
        parallelChunks(r, (lo, hi) -> {
            RayHit h = new RayHit();
            for (int i = lo; i < hi; i++) {
                int o = 3 * i;
                trace(origins[o], origins[o + 1], origins[o + 2], directions[o], directions[o + 1], directions[o + 2], 0,
                        tMax, h, false);
                outT[i] = (float) h.t;
                if (outTriangles != null) outTriangles[i] = h.triangle;
            }
        });
    }

    /**
     * Any-hit (occlusion) tests of many rays in parallel, {@code t} in {@code [0, tMax]}.
     *
     * @param origins {@code (R, 3)}
     * @param directions {@code (R, 3)}
     * @param out {@code (R)} written: whether each ray hits
     */
    public void anyHit(float[] origins, float[] directions, double tMax, boolean[] out) {
        int r = checkPoints(origins, "origins");
        checkLength(directions, 3 * r, "directions");
        Objects.requireNonNull(out, "out");
        if (out.length != r) throw new IllegalArgumentException("out has length " + out.length + ", expected " + r);
        parallelChunks(r, (lo, hi) -> {
            RayHit h = new RayHit();
            for (int i = lo; i < hi; i++) {
                int o = 3 * i;
                out[i] = trace(origins[o], origins[o + 1], origins[o + 2], directions[o], directions[o + 1],
                        directions[o + 2], 0, tMax, h, true);
            }
        });
    }

    private boolean trace(double ox, double oy, double oz, double dx, double dy, double dz, double tMin, double tMax,
            RayHit hit, boolean any) {
        hit.clear();
        if (triangleCount == 0 || !(tMin <= tMax)) return false;
        double ix = dx == 0 ? 1e300 : 1 / dx, iy = dy == 0 ? 1e300 : 1 / dy, iz = dz == 0 ? 1e300 : 1 / dz;
        int[] stack = hit.stack;
        double[] stackT = hit.stackT;
        double best = tMax;
        int bestTri = -1;
        double bu = 0, bv = 0;
        double e0 = boxEntry(0, ox, oy, oz, ix, iy, iz, tMin, best);
        if (e0 == Double.POSITIVE_INFINITY) return false;
        int sp = 0;
        stack[sp] = 0;
        stackT[sp++] = e0;
        while (sp > 0) {
            sp--;
            int n = stack[sp];
            if (stackT[sp] > best) continue;
            int l = left[n];
            if (l < 0) {
                int end = first[n] + count[n];
                for (int i = first[n]; i < end; i++) {
                    int o = 9 * i;
                    double ax = tri[o], ay = tri[o + 1], az = tri[o + 2];
                    double e1x = tri[o + 3] - ax, e1y = tri[o + 4] - ay, e1z = tri[o + 5] - az;
                    double e2x = tri[o + 6] - ax, e2y = tri[o + 7] - ay, e2z = tri[o + 8] - az;
                    double px = dy * e2z - dz * e2y, py = dz * e2x - dx * e2z, pz = dx * e2y - dy * e2x;
                    double det = e1x * px + e1y * py + e1z * pz;
                    if (det == 0 || Double.isNaN(det)) continue;
                    double inv = 1 / det;
                    double tx = ox - ax, ty = oy - ay, tz = oz - az;
                    double u = (tx * px + ty * py + tz * pz) * inv;
                    if (u < 0 || u > 1) continue;
                    double qx = ty * e1z - tz * e1y, qy = tz * e1x - tx * e1z, qz = tx * e1y - ty * e1x;
                    double v = (dx * qx + dy * qy + dz * qz) * inv;
                    if (v < 0 || u + v > 1) continue;
                    double t = (e2x * qx + e2y * qy + e2z * qz) * inv;
                    if (t < tMin || t > best) continue;
                    if (t < best || bestTri < 0 || i < bestTri) {
                        best = t;
                        bestTri = i;
                        bu = u;
                        bv = v;
                        if (any) {
                            sp = 0;
                            break;
                        }
                    }
                }
            } else {
                double tl = boxEntry(l, ox, oy, oz, ix, iy, iz, tMin, best);
                double tr = boxEntry(l + 1, ox, oy, oz, ix, iy, iz, tMin, best);
                if (tl <= tr) {
                    if (tr != Double.POSITIVE_INFINITY) {
                        stack[sp] = l + 1;
                        stackT[sp++] = tr;
                    }
                    if (tl != Double.POSITIVE_INFINITY) {
                        stack[sp] = l;
                        stackT[sp++] = tl;
                    }
                } else {
                    if (tl != Double.POSITIVE_INFINITY) {
                        stack[sp] = l;
                        stackT[sp++] = tl;
                    }
                    if (tr != Double.POSITIVE_INFINITY) {
                        stack[sp] = l + 1;
                        stackT[sp++] = tr;
                    }
                }
            }
        }
        if (bestTri < 0) return false;
        hit.t = best;
        hit.triangle = order[bestTri];
        hit.u = bu;
        hit.v = bv;
        return true;
    }

    /** Entry parameter of the ray into the box of node n clipped to [t0, t1], or +inf for a miss. */
    private double boxEntry(int n, double ox, double oy, double oz, double ix, double iy, double iz, double t0,
            double t1) {
        int o = 6 * n;
        double a = (box[o] - ox) * ix, b = (box[o + 3] - ox) * ix;
        double lo = a < b ? a : b, hi = a < b ? b : a;
        if (lo > t0) t0 = lo;
        if (hi < t1) t1 = hi;
        a = (box[o + 1] - oy) * iy;
        b = (box[o + 4] - oy) * iy;
        lo = a < b ? a : b;
        hi = a < b ? b : a;
        if (lo > t0) t0 = lo;
        if (hi < t1) t1 = hi;
        a = (box[o + 2] - oz) * iz;
        b = (box[o + 5] - oz) * iz;
        lo = a < b ? a : b;
        hi = a < b ? b : a;
        if (lo > t0) t0 = lo;
        if (hi < t1) t1 = hi;
        // a small relative slack keeps rays that graze a box face (float boxes) from being lost
        double slack = 1e-9 * (Math.abs(t1) + 1);
        return t0 <= t1 + slack ? t0 : Double.POSITIVE_INFINITY;
    }

    // ------------------------------------------------------------------------------------------
    // helpers

    interface Chunk {
        void run(int lo, int hi);
    }

    static final int CHUNK = 1024;

    /** Runs {@code body} over [0, m) in chunks, in parallel on the common pool. */
    static void parallelChunks(int m, Chunk body) {
        if (m == 0) return;
        int chunks = (m + CHUNK - 1) / CHUNK;
        if (chunks == 1) {
            body.run(0, m);
            return;
        }
        IntStream.range(0, chunks).parallel().forEach(c -> body.run(c * CHUNK, Math.min(m, (c + 1) * CHUNK)));
    }

    static int checkPoints(float[] p, String name) {
        Objects.requireNonNull(p, name);
        if (p.length % 3 != 0) throw new IllegalArgumentException(name + " length " + p.length + " is not a multiple of 3");
        return p.length / 3;
    }

    static void checkLength(Object a, int expected, String name) {
        if (a == null) return;
        int len = a instanceof float[] f ? f.length : a instanceof int[] i ? i.length : ((boolean[]) a).length;
        if (len != expected) throw new IllegalArgumentException(name + " has length " + len + ", expected " + expected);
    }

    // ------------------------------------------------------------------------------------------
    // Build

    private static final class Builder {
        final float[] vertices;
        final int[] triangles;
        final int f;
        final float[] centroid; // (F, 3)
        final float[] tbox; // (F, 6)
        final int[] idx; // permutation
        final float[] box;
        final int[] left, first, count;
        int nodes;
        int maxDepth;
        // bin scratch
        final int[] binCount = new int[BINS];
        final double[] binBox = new double[6 * BINS];
        final double[] rightArea = new double[BINS];
        final int[] rightCount = new int[BINS];
        long[] sortScratch;

        Builder(float[] vertices, int[] triangles) {
            this.vertices = vertices;
            this.triangles = triangles;
            this.f = triangles.length / 3;
            centroid = new float[3 * f];
            tbox = new float[6 * f];
            idx = new int[f];
            int maxNodes = Math.max(1, 2 * f - 1);
            box = new float[6 * maxNodes];
            left = new int[maxNodes];
            first = new int[maxNodes];
            count = new int[maxNodes];
            for (int t = 0; t < f; t++) {
                idx[t] = t;
                float minx = Float.POSITIVE_INFINITY, miny = minx, minz = minx;
                float maxx = Float.NEGATIVE_INFINITY, maxy = maxx, maxz = maxx;
                for (int k = 0; k < 3; k++) {
                    int v = 3 * triangles[3 * t + k];
                    float x = vertices[v], y = vertices[v + 1], z = vertices[v + 2];
                    if (!Float.isFinite(x) || !Float.isFinite(y) || !Float.isFinite(z)) {
                        throw new IllegalArgumentException("vertex " + triangles[3 * t + k] + " of triangle " + t
                                + " is not finite: (" + x + ", " + y + ", " + z + ")");
                    }
                    minx = Math.min(minx, x);
                    miny = Math.min(miny, y);
                    minz = Math.min(minz, z);
                    maxx = Math.max(maxx, x);
                    maxy = Math.max(maxy, y);
                    maxz = Math.max(maxz, z);
                }
                tbox[6 * t] = minx;
                tbox[6 * t + 1] = miny;
                tbox[6 * t + 2] = minz;
                tbox[6 * t + 3] = maxx;
                tbox[6 * t + 4] = maxy;
                tbox[6 * t + 5] = maxz;
                centroid[3 * t] = 0.5f * (minx + maxx);
                centroid[3 * t + 1] = 0.5f * (miny + maxy);
                centroid[3 * t + 2] = 0.5f * (minz + maxz);
            }
        }

        Bvh build() {
            if (f == 0) {
                return new Bvh(0, 0, new float[0], new int[0], new int[0], new int[0], new float[0], new int[0], 0);
            }
            nodes = 1;
            split(0, 0, f, 0);
            float[] tri = new float[9 * f];
            for (int i = 0; i < f; i++) {
                int t = idx[i];
                for (int k = 0; k < 3; k++) {
                    int v = 3 * triangles[3 * t + k];
                    tri[9 * i + 3 * k] = vertices[v];
                    tri[9 * i + 3 * k + 1] = vertices[v + 1];
                    tri[9 * i + 3 * k + 2] = vertices[v + 2];
                }
            }
            return new Bvh(f, nodes, Arrays.copyOf(box, 6 * nodes), Arrays.copyOf(left, nodes),
                    Arrays.copyOf(first, nodes), Arrays.copyOf(count, nodes), tri, idx, maxDepth);
        }

        private void split(int node, int lo, int n, int depth) {
            maxDepth = Math.max(maxDepth, depth);
            first[node] = lo;
            count[node] = n;
            left[node] = -1;
            float minx = Float.POSITIVE_INFINITY, miny = minx, minz = minx;
            float maxx = Float.NEGATIVE_INFINITY, maxy = maxx, maxz = maxx;
            float cminx = Float.POSITIVE_INFINITY, cminy = cminx, cminz = cminx;
            float cmaxx = Float.NEGATIVE_INFINITY, cmaxy = cmaxx, cmaxz = cmaxx;
            for (int i = lo; i < lo + n; i++) {
                int t = idx[i];
                minx = Math.min(minx, tbox[6 * t]);
                miny = Math.min(miny, tbox[6 * t + 1]);
                minz = Math.min(minz, tbox[6 * t + 2]);
                maxx = Math.max(maxx, tbox[6 * t + 3]);
                maxy = Math.max(maxy, tbox[6 * t + 4]);
                maxz = Math.max(maxz, tbox[6 * t + 5]);
                float cx = centroid[3 * t], cy = centroid[3 * t + 1], cz = centroid[3 * t + 2];
                cminx = Math.min(cminx, cx);
                cminy = Math.min(cminy, cy);
                cminz = Math.min(cminz, cz);
                cmaxx = Math.max(cmaxx, cx);
                cmaxy = Math.max(cmaxy, cy);
                cmaxz = Math.max(cmaxz, cz);
            }
            int o = 6 * node;
            box[o] = minx;
            box[o + 1] = miny;
            box[o + 2] = minz;
            box[o + 3] = maxx;
            box[o + 4] = maxy;
            box[o + 5] = maxz;
            if (n <= 1) return;
            double[] cmin = {cminx, cminy, cminz};
            double[] ext = {cmaxx - cminx, cmaxy - cminy, cmaxz - cminz};
            int bestAxis = -1, bestBin = -1;
            double bestCost = Double.POSITIVE_INFINITY;
            if (depth < SAH_DEPTH) {
                for (int axis = 0; axis < 3; axis++) {
                    if (!(ext[axis] > 0)) continue;
                    Arrays.fill(binCount, 0);
                    for (int b = 0; b < BINS; b++) {
                        binBox[6 * b] = binBox[6 * b + 1] = binBox[6 * b + 2] = Double.POSITIVE_INFINITY;
                        binBox[6 * b + 3] = binBox[6 * b + 4] = binBox[6 * b + 5] = Double.NEGATIVE_INFINITY;
                    }
                    double scale = BINS / ext[axis];
                    for (int i = lo; i < lo + n; i++) {
                        int t = idx[i];
                        int b = bin(centroid[3 * t + axis], cmin[axis], scale);
                        binCount[b]++;
                        int bo = 6 * b, to = 6 * t;
                        for (int k = 0; k < 3; k++) {
                            binBox[bo + k] = Math.min(binBox[bo + k], tbox[to + k]);
                            binBox[bo + 3 + k] = Math.max(binBox[bo + 3 + k], tbox[to + 3 + k]);
                        }
                    }
                    // sweep from the right: area and count of bins [b, BINS)
                    double x0 = Double.POSITIVE_INFINITY, y0 = x0, z0 = x0, x1 = Double.NEGATIVE_INFINITY, y1 = x1, z1 = x1;
                    int c = 0;
                    for (int b = BINS - 1; b > 0; b--) {
                        int bo = 6 * b;
                        x0 = Math.min(x0, binBox[bo]);
                        y0 = Math.min(y0, binBox[bo + 1]);
                        z0 = Math.min(z0, binBox[bo + 2]);
                        x1 = Math.max(x1, binBox[bo + 3]);
                        y1 = Math.max(y1, binBox[bo + 4]);
                        z1 = Math.max(z1, binBox[bo + 5]);
                        c += binCount[b];
                        rightCount[b] = c;
                        rightArea[b] = c == 0 ? 0 : area(x0, y0, z0, x1, y1, z1);
                    }
                    x0 = Double.POSITIVE_INFINITY;
                    y0 = x0;
                    z0 = x0;
                    x1 = Double.NEGATIVE_INFINITY;
                    y1 = x1;
                    z1 = x1;
                    c = 0;
                    for (int b = 0; b < BINS - 1; b++) {
                        int bo = 6 * b;
                        x0 = Math.min(x0, binBox[bo]);
                        y0 = Math.min(y0, binBox[bo + 1]);
                        z0 = Math.min(z0, binBox[bo + 2]);
                        x1 = Math.max(x1, binBox[bo + 3]);
                        y1 = Math.max(y1, binBox[bo + 4]);
                        z1 = Math.max(z1, binBox[bo + 5]);
                        c += binCount[b];
                        int rc = rightCount[b + 1];
                        if (c == 0 || rc == 0) continue;
                        double cost = c * area(x0, y0, z0, x1, y1, z1) + rc * rightArea[b + 1];
                        if (cost < bestCost) {
                            bestCost = cost;
                            bestAxis = axis;
                            bestBin = b + 1;
                        }
                    }
                }
            }
            double nodeArea = area(minx, miny, minz, maxx, maxy, maxz);
            if (n <= MAX_LEAF) {
                // leaf unless the split is clearly cheaper (traversal cost 1, intersection cost 1)
                if (bestAxis < 0 || !(nodeArea > 0) || 1 + bestCost / nodeArea >= n) return;
            }
            int mid;
            if (bestAxis >= 0) {
                double scale = BINS / ext[bestAxis];
                int i = lo, j = lo + n - 1;
                while (i <= j) {
                    if (bin(centroid[3 * idx[i] + bestAxis], cmin[bestAxis], scale) < bestBin) {
                        i++;
                    } else {
                        int tmp = idx[i];
                        idx[i] = idx[j];
                        idx[j] = tmp;
                        j--;
                    }
                }
                mid = i;
                if (mid == lo || mid == lo + n) mid = medianSplit(lo, n, ext);
            } else {
                mid = medianSplit(lo, n, ext);
            }
            int l = nodes;
            nodes += 2;
            left[node] = l;
            split(l, lo, mid - lo, depth + 1);
            split(l + 1, mid, lo + n - mid, depth + 1);
        }

        /** Sorts the range by centroid along the longest centroid axis (ties by index) and halves it. */
        private int medianSplit(int lo, int n, double[] ext) {
            int axis = ext[0] >= ext[1] && ext[0] >= ext[2] ? 0 : ext[1] >= ext[2] ? 1 : 2;
            if (sortScratch == null || sortScratch.length < n) sortScratch = new long[n];
            for (int i = 0; i < n; i++) {
                int t = idx[lo + i];
                int bits = Float.floatToIntBits(centroid[3 * t + axis] + 0.0f);
                bits = bits < 0 ? ~bits : bits | Integer.MIN_VALUE; // order-preserving unsigned key
                sortScratch[i] = (((long) (bits ^ Integer.MIN_VALUE)) << 32) | (t & 0xffffffffL);
            }
            Arrays.sort(sortScratch, 0, n);
            for (int i = 0; i < n; i++) idx[lo + i] = (int) sortScratch[i];
            return lo + n / 2;
        }

        private static int bin(float c, double min, double scale) {
            int b = (int) ((c - min) * scale);
            return b < 0 ? 0 : b >= BINS ? BINS - 1 : b;
        }

        private static double area(double x0, double y0, double z0, double x1, double y1, double z1) {
            double a = x1 - x0, b = y1 - y0, c = z1 - z0;
            return a * b + b * c + c * a;
        }
    }
}
