package kernelfield.engine.geometry;

import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import kernelfield.engine.data.PointCloud;
import kernelfield.engine.geometry.internal.SymmetricEigen3;

/**
 * Normals of a point set: principal component analysis of each point's k nearest neighbours, and
 * the two usual ways to give them a consistent sign.
 *
 * <ul>
 *   <li>{@link #estimate}: for each point, the eigenvector of the smallest eigenvalue of the
 *       covariance of its k nearest neighbours (the point itself included). The sign is
 *       arbitrary.</li>
 *   <li>{@link #orientTowards} and {@link #orientTowardsSensors}: flip each normal to face the
 *       viewpoint that saw the point (scans, photos with poses).</li>
 *   <li>{@link #orientConsistently}: Hoppe et al. 1992 propagation along a minimum spanning tree
 *       of the (symmetrised) kNN graph with edge weights {@code 1 - |n_i . n_j|}; in each
 *       connected component the tree is rooted at the point of largest z, whose normal is turned
 *       towards +z.</li>
 * </ul>
 *
 * All results are deterministic and independent of the number of threads.
 */
public final class NormalEstimation {
    /** Default neighbourhood size. */
    public static final int DEFAULT_K = 16;

    private NormalEstimation() {
    }

    /**
     * Unoriented PCA normals of {@code points (N, 3)} over {@code k} nearest neighbours. Builds a
     * {@link KdTree}; allocates the tree and the result. Parallel on the common pool.
     *
     * @return normals {@code (N, 3)}, unit length
     */
    public static float[] estimate(float[] points, int k) {
        return estimate(points, KdTree.build(points), k);
    }

    /**
     * As {@link #estimate(float[], int)} with a tree already built over {@code points}. Allocates
     * the result and per-task scratch only; does not modify {@code points}.
     * Degenerate neighbourhoods are handled: points on a line get some normal orthogonal to it,
     * coincident points get {@code (0, 0, 1)}.
     */
    public static float[] estimate(float[] points, KdTree tree, int k) {
        if (k < 1) throw new IllegalArgumentException("k " + k + " < 1");
        int n = checkPoints(points, tree);
        float[] normals = new float[3 * n];
        int[] order = tree.treeOrder(); // visit points in tree order for memory locality
        KdTree.runBatch(ForkJoinPool.commonPool(), n, (from, to) -> {
            int[] idx = new int[k];
            float[] d2 = new float[k];
            for (int t = from; t < to; t++) {
                int i = order[t];
                int c = tree.knn(points[3 * i], points[3 * i + 1], points[3 * i + 2], k, idx, d2);
                pcaNormal(points, idx, c, normals, 3 * i);
            }
        });
        return normals;
    }

    /** PCA normal of the points {@code idx[0..c)} into {@code out[off..off+3)}. */
    static void pcaNormal(float[] points, int[] idx, int c, float[] out, int off) {
        double mx = 0, my = 0, mz = 0;
        for (int j = 0; j < c; j++) {
            int p = 3 * idx[j];
            mx += points[p];
            my += points[p + 1];
            mz += points[p + 2];
        }
        mx /= c;
        my /= c;
        mz /= c;
        double xx = 0, xy = 0, xz = 0, yy = 0, yz = 0, zz = 0;
        for (int j = 0; j < c; j++) {
            int p = 3 * idx[j];
            double dx = points[p] - mx, dy = points[p + 1] - my, dz = points[p + 2] - mz;
            xx += dx * dx;
            xy += dx * dy;
            xz += dx * dz;
            yy += dy * dy;
            yz += dy * dz;
            zz += dz * dz;
        }
        SymmetricEigen3.smallestEigenvector(xx, xy, xz, yy, yz, zz, out, off);
    }

    /**
     * Flips, in place, each normal of {@code normals (N, 3)} so that it faces the viewpoint
     * {@code (vx, vy, vz)}: {@code n . (v - p) >= 0}. Allocates nothing.
     */
    public static void orientTowards(float[] points, float[] normals, float vx, float vy, float vz) {
        int n = checkPoints(points, null);
        checkNormals(normals, n);
        for (int i = 0; i < n; i++) {
            flipTowards(points, normals, i, vx, vy, vz);
        }
    }

    /**
     * Flips, in place, each normal towards the sensor that saw its point: point {@code i} faces
     * {@code sensors[sensorOfPoint[i]]}, with {@code sensors (S, 3)} positions (scanner or camera
     * centres) and {@code sensorOfPoint (N)} indices into them. Allocates nothing.
     */
    public static void orientTowardsSensors(float[] points, float[] normals, float[] sensors, int[] sensorOfPoint) {
        int n = checkPoints(points, null);
        checkNormals(normals, n);
        if (sensors.length % 3 != 0) throw new IllegalArgumentException("sensors length " + sensors.length + " is not a multiple of 3");
        if (sensorOfPoint.length != n) {
            throw new IllegalArgumentException("sensorOfPoint length " + sensorOfPoint.length + ", expected " + n);
        }
        int s = sensors.length / 3;
        for (int i = 0; i < n; i++) {
            int c = sensorOfPoint[i];
            if (c < 0 || c >= s) throw new IllegalArgumentException("point " + i + " refers to sensor " + c + " of " + s);
            flipTowards(points, normals, i, sensors[3 * c], sensors[3 * c + 1], sensors[3 * c + 2]);
        }
    }

    private static void flipTowards(float[] points, float[] normals, int i, float vx, float vy, float vz) {
        int p = 3 * i;
        double dot = (double) normals[p] * (vx - points[p]) + (double) normals[p + 1] * (vy - points[p + 1])
                + (double) normals[p + 2] * (vz - points[p + 2]);
        if (dot < 0) {
            normals[p] = -normals[p];
            normals[p + 1] = -normals[p + 1];
            normals[p + 2] = -normals[p + 2];
        }
    }

    /**
     * Orients {@code normals (N, 3)} consistently, in place, by propagation along a minimum
     * spanning tree of the kNN graph (Hoppe 1992). Builds a tree; see
     * {@link #orientConsistently(float[], float[], KdTree, int)}.
     */
    public static void orientConsistently(float[] points, float[] normals, int k) {
        orientConsistently(points, normals, KdTree.build(points), k);
    }

    /**
     * Orients {@code normals (N, 3)} consistently, in place. The graph joins each point to its
     * {@code k} nearest neighbours (both ways); edge weight {@code 1 - |n_i . n_j|}. Its minimum
     * spanning forest is found by Kruskal's algorithm (edges ordered by (weight, edge id), so the
     * forest is unique; a filtering variant that sorts only about 2N edges at a time, and a
     * union-find over the points); in each tree the point of largest z (ties: smaller index) is
     * the root, its normal is first turned to have {@code n_z >= 0}, and each other point is
     * flipped to agree with its tree parent ({@code n . n_parent >= 0}) in breadth-first order.
     * Allocates the graph and the edge weights ({@code 8 N k} bytes), the edges bucketed by
     * weight (at most {@code 4 N k} bytes) and {@code O(N)} work arrays. The kNN pass and the
     * edge weights run in parallel on the common pool; the result does not depend on the number
     * of threads.
     */
    public static void orientConsistently(float[] points, float[] normals, KdTree tree, int k) {
        if (k < 1) throw new IllegalArgumentException("k " + k + " < 1");
        int n = checkPoints(points, tree);
        checkNormals(normals, n);
        if (n == 0) return;
        int[] nbr = neighbourLists(points, tree, k, null, 0);
        orientAlongForest(points, normals, nbr, k);
    }

    /**
     * Unoriented PCA normals over {@code k} nearest neighbours ({@link #estimate(float[], KdTree,
     * int)}) oriented by {@link #orientConsistently(float[], float[], KdTree, int)} over the same
     * {@code k}, from one kNN pass instead of two: the result equals those two calls in sequence.
     * Allocates the result, the neighbour lists ({@code 4 N k} bytes) and the spanning-forest
     * work arrays; does not modify {@code points}.
     *
     * @return normals {@code (N, 3)}, unit length, consistently oriented
     */
    public static float[] estimateOriented(float[] points, KdTree tree, int k) {
        if (k < 1) throw new IllegalArgumentException("k " + k + " < 1");
        int n = checkPoints(points, tree);
        float[] normals = new float[3 * n];
        if (n == 0) return normals;
        int[] nbr = neighbourLists(points, tree, k, normals, k);
        orientAlongForest(points, normals, nbr, k);
        return normals;
    }

    /**
     * Kruskal's minimum spanning forest of the symmetrised graph {@code nbr (N, k)} (-1 padded)
     * with weights {@code 1 - |n_i . n_j|}, then sign propagation from each tree's highest point.
     */
    private static void orientAlongForest(float[] points, float[] normals, int[] nbr, int k) {
        int n = points.length / 3;
        // Edges: i -> b from i's list, once per unordered pair (a mutual pair is kept from the
        // smaller end), as (weight bits << 32 | i * k + j): weights are >= 0, so the long order
        // is the (weight, edge id) order. Filter-Kruskal: the edges are bucketed by weight (a
        // counting sort), the lightest ~2N are sorted and joined first, and of each following
        // group of ~2N only those between two different trees are sorted and tried.
        int chunks = (n + EDGE_GRAIN - 1) / EDGE_GRAIN;
        int[] wbits = new int[nbr.length]; // weight bits per kept edge slot, -1 for the others
        int[] hist = new int[chunks * BUCKETS];
        KdTree.runBatch(ForkJoinPool.commonPool(), chunks, (c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                for (int i = c * EDGE_GRAIN, e = Math.min(n, i + EDGE_GRAIN); i < e; i++) {
                    for (int j = 0; j < k; j++) {
                        int b = nbr[i * k + j];
                        int w = -1;
                        if (keepEdge(nbr, k, i, b)) {
                            w = weightBits(normals, i, b);
                            hist[c * BUCKETS + bucket(w)]++;
                        }
                        wbits[i * k + j] = w;
                    }
                }
            }
        });
        // Counting sort of the kept edge slots by bucket (chunk order within a bucket).
        int[] bucketStart = new int[BUCKETS + 1];
        for (int c = 0; c < chunks; c++) for (int u = 0; u < BUCKETS; u++) bucketStart[u + 1] += hist[c * BUCKETS + u];
        for (int u = 0; u < BUCKETS; u++) bucketStart[u + 1] += bucketStart[u];
        for (int u = 0, run = 0; u < BUCKETS; u++) {
            run = bucketStart[u];
            for (int c = 0; c < chunks; c++) {
                int h = hist[c * BUCKETS + u];
                hist[c * BUCKETS + u] = run; // now: where chunk c writes its slots of bucket u
                run += h;
            }
        }
        int[] slots = new int[bucketStart[BUCKETS]];
        KdTree.runBatch(ForkJoinPool.commonPool(), chunks, (c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                for (int s = c * EDGE_GRAIN * k, se = Math.min(n, (c + 1) * EDGE_GRAIN) * k; s < se; s++) {
                    if (wbits[s] >= 0) slots[hist[c * BUCKETS + bucket(wbits[s])]++] = s;
                }
            }
        });

        int[] parent = new int[n];
        for (int i = 0; i < n; i++) parent[i] = i;
        int[] ta = new int[Math.max(0, n - 1)];
        int[] tb = new int[Math.max(0, n - 1)];
        int t = 0;
        int[] root = new int[n];
        long[] keys = new long[0];
        // rounds of about 2N edges (whole buckets); from the second on, only edges between two trees
        for (int lo = 0; lo < BUCKETS && t < n - 1; ) {
            int hi = lo;
            while (hi < BUCKETS && bucketStart[hi + 1] - bucketStart[lo] < 2L * n) hi++;
            hi = Math.min(hi, BUCKETS - 1);
            int from = bucketStart[lo], to = bucketStart[hi + 1];
            if (keys.length < to - from) keys = new long[to - from];
            int m = 0;
            if (lo == 0) {
                for (int e = from; e < to; e++) m = addKey(keys, m, wbits, slots[e]);
            } else {
                for (int i = 0; i < n; i++) root[i] = find(parent, i);
                for (int e = from; e < to; e++) {
                    int sl = slots[e];
                    if (root[sl / k] != root[nbr[sl]]) m = addKey(keys, m, wbits, sl);
                }
            }
            Arrays.parallelSort(keys, 0, m);
            t = kruskal(keys, m, nbr, k, parent, ta, tb, t);
            lo = hi + 1;
        }
        // Tree adjacency in compressed rows.
        int[] start = new int[n + 1];
        for (int e = 0; e < t; e++) {
            start[ta[e] + 1]++;
            start[tb[e] + 1]++;
        }
        for (int i = 0; i < n; i++) start[i + 1] += start[i];
        int[] adj = new int[2 * t];
        int[] fill = Arrays.copyOf(start, n);
        for (int e = 0; e < t; e++) {
            adj[fill[ta[e]]++] = tb[e];
            adj[fill[tb[e]]++] = ta[e];
        }
        // Highest point of each tree.
        int[] top = fill;
        Arrays.fill(top, -1);
        for (int i = 0; i < n; i++) {
            int r = find(parent, i);
            if (top[r] < 0 || points[3 * i + 2] > points[3 * top[r] + 2]) top[r] = i;
        }
        // Breadth-first propagation from each root.
        boolean[] seen = new boolean[n];
        int[] queue = new int[n];
        for (int r = 0; r < n; r++) {
            int seed = top[r];
            if (seed < 0) continue;
            if (normals[3 * seed + 2] < 0) flip(normals, seed);
            int head = 0, tail = 0;
            queue[tail++] = seed;
            seen[seed] = true;
            while (head < tail) {
                int v = queue[head++];
                for (int e = start[v]; e < start[v + 1]; e++) {
                    int w = adj[e];
                    if (seen[w]) continue;
                    seen[w] = true;
                    if (dot(normals, v, w) < 0) flip(normals, w);
                    queue[tail++] = w;
                }
            }
        }
    }

    private static int addKey(long[] keys, int m, int[] wbits, int slot) {
        keys[m] = ((long) wbits[slot] << 32) | slot;
        return m + 1;
    }

    /** Kruskal over sorted packed edges from tree edge {@code t} on; returns the new tree edge count. */
    private static int kruskal(long[] edges, int m, int[] nbr, int k, int[] parent, int[] ta, int[] tb, int t) {
        int n = parent.length;
        for (int e = 0; e < m && t < n - 1; e++) {
            int id = (int) edges[e];
            int a = id / k, b = nbr[id];
            int ra = find(parent, a), rb = find(parent, b);
            if (ra == rb) continue;
            if (ra < rb) parent[rb] = ra;
            else parent[ra] = rb;
            ta[t] = a;
            tb[t] = b;
            t++;
        }
        return t;
    }

    /** Bits of the edge weight {@code 1 - |n_a . n_b|} as a float, clamped to {@code >= 0}. */
    private static int weightBits(float[] normals, int a, int b) {
        return Float.floatToRawIntBits((float) Math.max(0.0, 1.0 - Math.abs(dot(normals, a, b))));
    }

    /** Weight histogram bucket: the sign, exponent and first mantissa bit of a weight in [0, 1]. */
    private static int bucket(int weightBits) {
        return weightBits >>> 22;
    }

    private static final int BUCKETS = 256;

    /** Points per chunk of the edge pass; fixed, so that the edge order does not depend on the pool. */
    private static final int EDGE_GRAIN = 4096;

    /** Whether the edge {@code i -> b} of i's list is the kept copy of the pair {i, b}. */
    private static boolean keepEdge(int[] nbr, int k, int i, int b) {
        if (b < 0 || b == i) return false;
        if (b > i) return true;
        for (int j = 0, o = b * k; j < k; j++) {
            if (nbr[o + j] == i) return false;
        }
        return true;
    }

    /**
     * Directed kNN lists without the point itself: {@code (N, k)}, -1 padded. When {@code normals}
     * is not null, also writes the PCA normal over the {@code pcaK} nearest neighbours (the point
     * included, as {@link #estimate} does) of each point into it, from the same search.
     */
    private static int[] neighbourLists(float[] points, KdTree tree, int k, float[] normals, int pcaK) {
        int n = points.length / 3;
        int[] nbr = new int[Math.multiplyExact(n, k)];
        int q = Math.max(k + 1, pcaK);
        int[] order = tree.treeOrder(); // visit points in tree order for memory locality
        KdTree.runBatch(ForkJoinPool.commonPool(), n, (from, to) -> {
            int[] idx = new int[q];
            float[] d2 = new float[q];
            for (int t = from; t < to; t++) {
                int i = order[t];
                int c = tree.knn(points[3 * i], points[3 * i + 1], points[3 * i + 2], q, idx, d2);
                if (normals != null) pcaNormal(points, idx, Math.min(c, pcaK), normals, 3 * i);
                int w = 0;
                for (int j = 0; j < c && w < k; j++) {
                    if (idx[j] != i) nbr[i * k + w++] = idx[j];
                }
                while (w < k) nbr[i * k + w++] = -1;
            }
        });
        return nbr;
    }

    /**
     * PCA normals over {@code k} neighbours oriented by {@link #orientConsistently}: a new cloud
     * sharing the positions (and colours, attributes) of {@code cloud}.
     */
    public static PointCloud estimateOriented(PointCloud cloud, int k) {
        float[] p = cloud.positions();
        KdTree tree = KdTree.build(p);
        return cloud.withNormals(estimateOriented(p, tree, k));
    }

    private static double dot(float[] nr, int a, int b) {
        return (double) nr[3 * a] * nr[3 * b] + (double) nr[3 * a + 1] * nr[3 * b + 1] + (double) nr[3 * a + 2] * nr[3 * b + 2];
    }

    private static void flip(float[] nr, int a) {
        nr[3 * a] = -nr[3 * a];
        nr[3 * a + 1] = -nr[3 * a + 1];
        nr[3 * a + 2] = -nr[3 * a + 2];
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    private static int checkPoints(float[] points, KdTree tree) {
        if (points.length % 3 != 0) {
            throw new IllegalArgumentException("points length " + points.length + " is not a multiple of 3");
        }
        int n = points.length / 3;
        if (tree != null && tree.size() != n) {
            throw new IllegalArgumentException("tree has " + tree.size() + " points, expected " + n);
        }
        return n;
    }

    private static void checkNormals(float[] normals, int n) {
        if (normals.length != 3 * n) {
            throw new IllegalArgumentException("normals length " + normals.length + ", expected " + 3 * n);
        }
    }
}
