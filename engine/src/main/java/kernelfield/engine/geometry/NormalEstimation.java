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
     * {@code k} nearest neighbours (both ways); edge weight {@code 1 - |n_i . n_j|}. In each
     * connected component, Prim's algorithm grows a minimum spanning tree from the point of
     * largest z (ties: smaller index), whose normal is first turned to have {@code n_z >= 0}; each
     * point reached is flipped to agree with its tree parent ({@code n . n_parent >= 0}).
     * Allocates the graph ({@code 8 N k} bytes) and {@code O(N)} work arrays.
     */
    public static void orientConsistently(float[] points, float[] normals, KdTree tree, int k) {
        if (k < 1) throw new IllegalArgumentException("k " + k + " < 1");
        int n = checkPoints(points, tree);
        checkNormals(normals, n);
        if (n == 0) return;
        int[] nbr = neighbourLists(points, tree, k);
        // Symmetric adjacency in compressed rows.
        int[] start = new int[n + 1];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                int b = nbr[i * k + j];
                if (b < 0) continue;
                start[i + 1]++;
                start[b + 1]++;
            }
        }
        for (int i = 0; i < n; i++) start[i + 1] += start[i];
        int[] adj = new int[start[n]];
        int[] fill = Arrays.copyOf(start, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                int b = nbr[i * k + j];
                if (b < 0) continue;
                adj[fill[i]++] = b;
                adj[fill[b]++] = i;
            }
        }

        // Components (union-find) and their highest points.
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) parent[i] = i;
        for (int i = 0; i < n; i++) {
            for (int e = start[i]; e < start[i + 1]; e++) union(parent, i, adj[e]);
        }
        int[] top = new int[n];
        Arrays.fill(top, -1);
        for (int i = 0; i < n; i++) {
            int r = find(parent, i);
            if (top[r] < 0 || points[3 * i + 2] > points[3 * top[r] + 2]) top[r] = i;
        }

        // Prim from each seed with an indexed binary heap keyed by (weight, vertex).
        double[] key = new double[n];
        int[] heap = new int[n];
        int[] pos = parent; // reused: -1 unseen, -2 done, >= 0 heap slot
        Arrays.fill(pos, -1);
        int[] from = new int[n];
        for (int r = 0; r < n; r++) {
            if (top[r] < 0) continue;
            int seed = top[r];
            if (normals[3 * seed + 2] < 0) flip(normals, seed);
            int size = 0;
            key[seed] = 0;
            from[seed] = -1;
            heap[0] = seed;
            pos[seed] = 0;
            size = 1;
            while (size > 0) {
                int v = heap[0];
                size--;
                if (size > 0) {
                    heap[0] = heap[size];
                    pos[heap[0]] = 0;
                    down(heap, pos, key, 0, size);
                }
                pos[v] = -2;
                int u = from[v];
                if (u >= 0 && dot(normals, u, v) < 0) flip(normals, v);
                for (int e = start[v]; e < start[v + 1]; e++) {
                    int w = adj[e];
                    if (pos[w] == -2) continue;
                    double wt = 1.0 - Math.abs(dot(normals, v, w));
                    if (pos[w] == -1) {
                        key[w] = wt;
                        from[w] = v;
                        heap[size] = w;
                        pos[w] = size;
                        up(heap, pos, key, size);
                        size++;
                    } else if (wt < key[w] || (wt == key[w] && v < from[w])) {
                        key[w] = wt;
                        from[w] = v;
                        up(heap, pos, key, pos[w]);
                    }
                }
            }
        }
    }

    /** Directed kNN lists without the point itself: {@code (N, k)}, -1 padded. */
    private static int[] neighbourLists(float[] points, KdTree tree, int k) {
        int n = points.length / 3;
        int[] nbr = new int[Math.multiplyExact(n, k)];
        int[] order = tree.treeOrder(); // visit points in tree order for memory locality
        KdTree.runBatch(ForkJoinPool.commonPool(), n, (from, to) -> {
            int[] idx = new int[k + 1];
            float[] d2 = new float[k + 1];
            for (int t = from; t < to; t++) {
                int i = order[t];
                int c = tree.knn(points[3 * i], points[3 * i + 1], points[3 * i + 2], k + 1, idx, d2);
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
        float[] nrm = estimate(p, tree, k);
        orientConsistently(p, nrm, tree, k);
        return cloud.withNormals(nrm);
    }

    private static double dot(float[] nr, int a, int b) {
        return (double) nr[3 * a] * nr[3 * b] + (double) nr[3 * a + 1] * nr[3 * b + 1] + (double) nr[3 * a + 2] * nr[3 * b + 2];
    }

    private static void flip(float[] nr, int a) {
        nr[3 * a] = -nr[3 * a];
        nr[3 * a + 1] = -nr[3 * a + 1];
        nr[3 * a + 2] = -nr[3 * a + 2];
    }

    private static boolean less(double[] key, int a, int b) {
        return key[a] < key[b] || (key[a] == key[b] && a < b);
    }

    private static void up(int[] heap, int[] pos, double[] key, int i) {
        int v = heap[i];
        while (i > 0) {
            int p = (i - 1) >>> 1;
            if (!less(key, v, heap[p])) break;
            heap[i] = heap[p];
            pos[heap[i]] = i;
            i = p;
        }
        heap[i] = v;
        pos[v] = i;
    }

    private static void down(int[] heap, int[] pos, double[] key, int i, int size) {
        int v = heap[i];
        while (true) {
            int c = 2 * i + 1;
            if (c >= size) break;
            if (c + 1 < size && less(key, heap[c + 1], heap[c])) c++;
            if (!less(key, heap[c], v)) break;
            heap[i] = heap[c];
            pos[heap[i]] = i;
            i = c;
        }
        heap[i] = v;
        pos[v] = i;
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    private static void union(int[] parent, int a, int b) {
        int ra = find(parent, a), rb = find(parent, b);
        if (ra == rb) return;
        if (ra < rb) parent[rb] = ra;
        else parent[ra] = rb;
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
