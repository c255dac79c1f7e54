package kernelfield.engine.geometry;

import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * A static 3D kd-tree over points {@code (N, 3)} for nearest-neighbour, k-nearest and radius
 * queries.
 *
 * <p>Layout: the points are copied once into tree order ({@code (N, 3)} floats plus an
 * {@code (N)} permutation back to the caller's indices); the tree is an implicit complete binary
 * tree of depth {@code D} (node {@code i} has children {@code 2i+1} and {@code 2i+2}) whose
 * internal nodes keep only a split axis and a split value, and whose {@code 2^D} leaves are
 * contiguous buckets of at most {@code leafSize} points. Each split is at the median (an
 * nth-element selection along the axis of largest extent), so all leaves sit at the same depth.
 * There are no per-node objects.
 *
 * <p>Distances are squared Euclidean distances computed in float as
 * {@code dx*dx + dy*dy + dz*dz}; cell bounds are computed with the same operations, so pruning is
 * exact (a point is never missed through rounding). Among neighbours at equal distance, the one
 * with the smaller index is preferred (exactly so among the points the search visits; exact
 * duplicates farther away than the k-th neighbour are never visited); every query is a pure function of the tree and the query,
 * so batch results are identical for any thread count.
 *
 * <p>Coordinates must be finite, and squared distances must fit a float (coordinates well below
 * 1e18 in magnitude). A tree is immutable after {@link #build} and safe to query from many
 * threads.
 */
public final class KdTree {
    /** Default maximum number of points per leaf bucket. */
    public static final int DEFAULT_LEAF_SIZE = 12;

    /** Queries per task in the batch methods; fixed so that work splitting does not depend on the pool. */
    private static final int BATCH_GRAIN = 1024;
    /** Ranges larger than this are built in parallel. */
    private static final int PARALLEL_BUILD_MIN = 1 << 15;

    private static final long NO_NEIGHBOUR = (((long) Float.floatToRawIntBits(Float.POSITIVE_INFINITY)) << 32) | 0xffffffffL;

    private final int n;
    private final float[] pts;      // (N, 3) in tree order
    private final int[] index;      // (N) tree order -> caller's index
    private final int firstLeaf;    // 2^D - 1
    private final byte[] splitDim;  // (2^D - 1)
    private final float[] splitVal; // (2^D - 1)
    private final int[] leafStart;  // (2^D + 1)

    private KdTree(float[] points, int leafSize) {
        if (points.length % 3 != 0) {
            throw new IllegalArgumentException("points length " + points.length + " is not a multiple of 3");
        }
        if (leafSize < 1) throw new IllegalArgumentException("leafSize " + leafSize + " < 1");
        this.n = points.length / 3;
        for (int i = 0; i < points.length; i++) {
            if (!Float.isFinite(points[i])) {
                throw new IllegalArgumentException("point " + i / 3 + " has a non-finite coordinate " + points[i]);
            }
        }
        int depth = 0;
        while (ceilDiv(n, 1L << depth) > leafSize) depth++;
        this.firstLeaf = (1 << depth) - 1;
        this.splitDim = new byte[firstLeaf];
        this.splitVal = new float[firstLeaf];
        this.leafStart = new int[(1 << depth) + 1];
        this.leafStart[1 << depth] = n;
        this.pts = points.clone();
        this.index = new int[n];
        for (int i = 0; i < n; i++) index[i] = i;
        if (n >= PARALLEL_BUILD_MIN) {
            ForkJoinPool.commonPool().invoke(new BuildTask(0, 0, n));
        } else {
            buildNode(0, 0, n, false);
        }
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /**
     * Builds a tree over {@code points (N, 3)} with the default leaf size. Allocates a copy of the
     * points ({@code 12 N} bytes), the permutation ({@code 4 N} bytes) and the node arrays; does not
     * modify {@code points}. Runs in parallel on the common fork-join pool for large inputs; the
     * result does not depend on the number of threads.
     *
     * @throws IllegalArgumentException when the length is not a multiple of 3 or a coordinate is not finite
     */
    public static KdTree build(float[] points) {
        return new KdTree(points, DEFAULT_LEAF_SIZE);
    }

    /** As {@link #build(float[])} with at most {@code leafSize} points per leaf. */
    public static KdTree build(float[] points, int leafSize) {
        return new KdTree(points, leafSize);
    }

    /** Number of points N. */
    public int size() {
        return n;
    }

    /** Tree order: the caller's point index at each tree position, the array itself (do not modify). */
    int[] treeOrder() {
        return index;
    }

    /** Depth of the leaves (0 when the whole tree is one leaf). */
    public int depth() {
        return Integer.numberOfTrailingZeros(firstLeaf + 1);
    }

    // ------------------------------------------------------------------------------------------
    // Build

    private final class BuildTask extends RecursiveAction {
        private final int node, lo, hi;

        BuildTask(int node, int lo, int hi) {
            this.node = node;
            this.lo = lo;
            this.hi = hi;
        }

        @Override
        protected void compute() {
            buildNode(node, lo, hi, true);
        }
    }

    private void buildNode(int node, int lo, int hi, boolean parallel) {
        while (node < firstLeaf) {
            int dim = widestAxis(lo, hi);
            int mid = lo + ((hi - lo) >>> 1);
            select(lo, hi, mid, dim);
            splitDim[node] = (byte) dim;
            splitVal[node] = pts[3 * mid + dim];
            int left = 2 * node + 1;
            if (parallel && hi - lo >= PARALLEL_BUILD_MIN) {
                BuildTask a = new BuildTask(left, lo, mid);
                BuildTask b = new BuildTask(left + 1, mid, hi);
                RecursiveAction.invokeAll(a, b);
                return;
            }
            buildNode(left, lo, mid, false);
            node = left + 1;
            lo = mid;
        }
        leafStart[node - firstLeaf] = lo;
    }

    private int widestAxis(int lo, int hi) {
        float x0 = Float.POSITIVE_INFINITY, y0 = x0, z0 = x0;
        float x1 = Float.NEGATIVE_INFINITY, y1 = x1, z1 = x1;
        float[] p = pts;
        for (int i = 3 * lo, e = 3 * hi; i < e; i += 3) {
            float x = p[i], y = p[i + 1], z = p[i + 2];
            x0 = Math.min(x0, x);
            x1 = Math.max(x1, x);
            y0 = Math.min(y0, y);
            y1 = Math.max(y1, y);
            z0 = Math.min(z0, z);
            z1 = Math.max(z1, z);
        }
        float ex = x1 - x0, ey = y1 - y0, ez = z1 - z0;
        if (ex >= ey && ex >= ez) return 0;
        return ey >= ez ? 1 : 2;
    }

    /**
     * Reorders points [lo, hi) so that the point at {@code k} has the value it would have if the
     * range were sorted along {@code dim}, with no larger value before it and no smaller after it.
     */
    private void select(int lo, int hi, int k, int dim) {
        float[] p = pts;
        int l = lo, r = hi - 1;
        int rounds = 0;
        while (r > l) {
            if (r - l < 16) {
                insertionSort(l, r, dim);
                return;
            }
            float pivot;
            if (++rounds <= 24) {
                int m = (l + r) >>> 1;
                float a = p[3 * l + dim], b = p[3 * m + dim], c = p[3 * r + dim];
                pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
            } else {
                // Adversarial input: fall back to a pivot at a pseudo-random (but fixed) position.
                long h = mix((((long) l) << 32) ^ r ^ ((long) rounds << 20));
                pivot = p[3 * (l + (int) Long.remainderUnsigned(h, r - l + 1)) + dim];
            }
            int i = l, j = r;
            while (i <= j) {
                while (p[3 * i + dim] < pivot) i++;
                while (p[3 * j + dim] > pivot) j--;
                if (i <= j) {
                    swap(i, j);
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                r = j;
            } else if (k >= i) {
                l = i;
            } else {
                return;
            }
        }
    }

    private void insertionSort(int l, int r, int dim) {
        float[] p = pts;
        for (int i = l + 1; i <= r; i++) {
            int j = i;
            while (j > l && p[3 * (j - 1) + dim] > p[3 * j + dim]) {
                swap(j - 1, j);
                j--;
            }
        }
    }

    private void swap(int i, int j) {
        float[] p = pts;
        int a = 3 * i, b = 3 * j;
        float t0 = p[a], t1 = p[a + 1], t2 = p[a + 2];
        p[a] = p[b];
        p[a + 1] = p[b + 1];
        p[a + 2] = p[b + 2];
        p[b] = t0;
        p[b + 1] = t1;
        p[b + 2] = t2;
        int t = index[i];
        index[i] = index[j];
        index[j] = t;
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    // ------------------------------------------------------------------------------------------
    // Nearest neighbour

    /**
     * Index of the point nearest to {@code (x, y, z)}, or -1 when the tree is empty. Allocates
     * nothing.
     */
    public int nearest(float x, float y, float z) {
        if (n == 0) return -1;
        return (int) nearestPacked(0, x, y, z, 0f, 0f, 0f, NO_NEIGHBOUR);
    }

    /**
     * Nearest neighbours of {@code queries (M, 3)}: {@code outIdx (M)} receives the index (-1 when
     * the tree is empty) and {@code outDist2 (M)}, when not null, the squared distance. Parallel
     * over queries on the common pool; allocates only the fork-join tasks.
     */
    public void nearestBatch(float[] queries, int[] outIdx, float[] outDist2) {
        nearestBatch(queries, outIdx, outDist2, ForkJoinPool.commonPool());
    }

    /** As {@link #nearestBatch(float[], int[], float[])} on the given pool. */
    public void nearestBatch(float[] queries, int[] outIdx, float[] outDist2, ForkJoinPool pool) {
        int m = checkQueries(queries);
        if (outIdx.length < m) throw new IllegalArgumentException("outIdx length " + outIdx.length + " < " + m);
        if (outDist2 != null && outDist2.length < m) {
            throw new IllegalArgumentException("outDist2 length " + outDist2.length + " < " + m);
        }
        runBatch(pool, m, (from, to) -> {
            for (int q = from; q < to; q++) {
                if (n == 0) {
                    outIdx[q] = -1;
                    if (outDist2 != null) outDist2[q] = Float.POSITIVE_INFINITY;
                    continue;
                }
                long best = nearestPacked(0, queries[3 * q], queries[3 * q + 1], queries[3 * q + 2], 0f, 0f, 0f, NO_NEIGHBOUR);
                outIdx[q] = (int) best;
                if (outDist2 != null) outDist2[q] = Float.intBitsToFloat((int) (best >>> 32));
            }
        });
    }

    /** Best as (float bits of d2) << 32 | index: for d2 >= 0 the long order is the (d2, index) order. */
    private long nearestPacked(int node, float qx, float qy, float qz, float o0, float o1, float o2, long best) {
        if (node >= firstLeaf) {
            int leaf = node - firstLeaf;
            float[] p = pts;
            for (int i = leafStart[leaf], e = leafStart[leaf + 1]; i < e; i++) {
                float dx = p[3 * i] - qx, dy = p[3 * i + 1] - qy, dz = p[3 * i + 2] - qz;
                float d2 = dx * dx + dy * dy + dz * dz;
                long c = (((long) Float.floatToRawIntBits(d2)) << 32) | (index[i] & 0xffffffffL);
                if (c < best) best = c;
            }
            return best;
        }
        int dim = splitDim[node];
        float diff = (dim == 0 ? qx : dim == 1 ? qy : qz) - splitVal[node];
        int near = diff < 0 ? 2 * node + 1 : 2 * node + 2, far = 4 * node + 3 - near;
        best = nearestPacked(near, qx, qy, qz, o0, o1, o2, best);
        if (dim == 0) o0 = diff;
        else if (dim == 1) o1 = diff;
        else o2 = diff;
        float bound = o0 * o0 + o1 * o1 + o2 * o2;
        if (bound < Float.intBitsToFloat((int) (best >>> 32))) {
            best = nearestPacked(far, qx, qy, qz, o0, o1, o2, best);
        }
        return best;
    }

    // ------------------------------------------------------------------------------------------
    // k nearest neighbours

    /**
     * The {@code k} nearest neighbours of {@code (x, y, z)}, nearest first (ties by smaller
     * index). Writes {@code outIdx[0..k)} and {@code outDist2[0..k)} (squared distances); slots
     * beyond the number of points hold -1 and {@code +inf}. Allocates nothing; the output arrays
     * are the only per-query state, so one pair per thread is all a caller needs to reuse.
     *
     * @return the number of neighbours found, {@code min(k, N)}
     */
    public int knn(float x, float y, float z, int k, int[] outIdx, float[] outDist2) {
        if (outIdx.length < k || outDist2.length < k) {
            throw new IllegalArgumentException("output arrays shorter than k = " + k);
        }
        return knnAt(x, y, z, k, outIdx, outDist2, 0);
    }

    /** As {@link #knn(float, float, float, int, int[], float[])} for {@code query (3)}. */
    public int knn(float[] query, int k, int[] outIdx, float[] outDist2) {
        return knn(query[0], query[1], query[2], k, outIdx, outDist2);
    }

    /**
     * As {@link #knn(float, float, float, int, int[], float[])}, writing into
     * {@code outIdx[off..off+k)} and {@code outDist2[off..off+k)}.
     */
    public int knnAt(float x, float y, float z, int k, int[] outIdx, float[] outDist2, int off) {
        if (k < 0) throw new IllegalArgumentException("k " + k + " < 0");
        if (k == 0) return 0;
        Arrays.fill(outIdx, off, off + k, -1);
        Arrays.fill(outDist2, off, off + k, Float.POSITIVE_INFINITY);
        if (n > 0) knnNode(0, x, y, z, 0f, 0f, 0f, k, outIdx, outDist2, off);
        heapSort(outIdx, outDist2, off, k);
        return Math.min(k, n);
    }

    /**
     * k nearest neighbours of every query {@code queries (M, 3)} into {@code outIdx (M, k)} and
     * {@code outDist2 (M, k)} (row per query, nearest first, -1 / +inf padding when k &gt; N).
     * Parallel over queries on the common pool; allocates only the fork-join tasks. The result
     * does not depend on the number of threads.
     */
    public void knnBatch(float[] queries, int k, int[] outIdx, float[] outDist2) {
        knnBatch(queries, k, outIdx, outDist2, ForkJoinPool.commonPool());
    }

    /** As {@link #knnBatch(float[], int, int[], float[])} on the given pool. */
    public void knnBatch(float[] queries, int k, int[] outIdx, float[] outDist2, ForkJoinPool pool) {
        int m = checkQueries(queries);
        if (k < 0) throw new IllegalArgumentException("k " + k + " < 0");
        long need = (long) m * k;
        if (outIdx.length < need || outDist2.length < need) {
            throw new IllegalArgumentException("output arrays need " + need + " entries (M = " + m + ", k = " + k + ")");
        }
        runBatch(pool, m, (from, to) -> {
            for (int q = from; q < to; q++) {
                knnAt(queries[3 * q], queries[3 * q + 1], queries[3 * q + 2], k, outIdx, outDist2, q * k);
            }
        });
    }

    private void knnNode(int node, float qx, float qy, float qz, float o0, float o1, float o2,
                         int k, int[] hIdx, float[] hD2, int off) {
        if (node >= firstLeaf) {
            int leaf = node - firstLeaf;
            float[] p = pts;
            float worst = hD2[off];
            for (int i = leafStart[leaf], e = leafStart[leaf + 1]; i < e; i++) {
                float dx = p[3 * i] - qx, dy = p[3 * i + 1] - qy, dz = p[3 * i + 2] - qz;
                float d2 = dx * dx + dy * dy + dz * dz;
                if (d2 < worst || (d2 == worst && index[i] < hIdx[off])) {
                    siftDown(hIdx, hD2, off, k, index[i], d2);
                    worst = hD2[off];
                }
            }
            return;
        }
        int dim = splitDim[node];
        float diff = (dim == 0 ? qx : dim == 1 ? qy : qz) - splitVal[node];
        int near = diff < 0 ? 2 * node + 1 : 2 * node + 2, far = 4 * node + 3 - near;
        knnNode(near, qx, qy, qz, o0, o1, o2, k, hIdx, hD2, off);
        if (dim == 0) o0 = diff;
        else if (dim == 1) o1 = diff;
        else o2 = diff;
        float bound = o0 * o0 + o1 * o1 + o2 * o2;
        if (bound < hD2[off]) {
            knnNode(far, qx, qy, qz, o0, o1, o2, k, hIdx, hD2, off);
        }
    }

    /** (d2, idx) order: true when a comes after b. */
    private static boolean after(float da, int ia, float db, int ib) {
        return da > db || (da == db && ia > ib);
    }

    /** Replaces the root of the max-heap hIdx/hD2[off..off+k) by (idx, d2) and restores the heap. */
    private static void siftDown(int[] hIdx, float[] hD2, int off, int k, int idx, float d2) {
        int i = 0;
        while (true) {
            int c = 2 * i + 1;
            if (c >= k) break;
            if (c + 1 < k && after(hD2[off + c + 1], hIdx[off + c + 1], hD2[off + c], hIdx[off + c])) c++;
            if (!after(hD2[off + c], hIdx[off + c], d2, idx)) break;
            hIdx[off + i] = hIdx[off + c];
            hD2[off + i] = hD2[off + c];
            i = c;
        }
        hIdx[off + i] = idx;
        hD2[off + i] = d2;
    }

    /** Sorts a max-heap of k entries ascending in place. */
    private static void heapSort(int[] hIdx, float[] hD2, int off, int k) {
        for (int end = k - 1; end > 0; end--) {
            int topI = hIdx[off];
            float topD = hD2[off];
            int lastI = hIdx[off + end];
            float lastD = hD2[off + end];
            hIdx[off + end] = topI;
            hD2[off + end] = topD;
            siftDown(hIdx, hD2, off, end, lastI, lastD);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Radius search

    /**
     * Reusable per-thread state and result buffers for {@link #radius}. Not thread-safe: use one
     * per thread. Its buffers grow as needed and are then reused.
     */
    public static final class Searcher {
        private long[] packed = new long[64];
        private int[] indices = new int[64];
        private float[] dist2 = new float[64];
        private int count;

        /** Indices of the last result, valid in {@code [0, count())}. The buffer itself, reused. */
        public int[] indices() {
            return indices;
        }

        /** Squared distances of the last result, valid in {@code [0, count())}. The buffer itself, reused. */
        public float[] dist2() {
            return dist2;
        }

        /** Number of neighbours of the last query. */
        public int count() {
            return count;
        }

        void add(long c) {
            if (count == packed.length) packed = Arrays.copyOf(packed, 2 * count);
            packed[count++] = c;
        }

        void finish() {
            Arrays.sort(packed, 0, count);
            if (indices.length < count) {
                indices = new int[packed.length];
                dist2 = new float[packed.length];
            }
            for (int i = 0; i < count; i++) {
                indices[i] = (int) packed[i];
                dist2[i] = Float.intBitsToFloat((int) (packed[i] >>> 32));
            }
        }
    }

    /**
     * All points within distance {@code r} of {@code (x, y, z)} (squared distance
     * {@code <= r*r}), sorted nearest first (ties by index), into the buffers of {@code out}.
     * Allocates nothing once the buffers of {@code out} are large enough.
     *
     * @return the number of points found ({@code out.count()})
     */
    public int radius(float x, float y, float z, float r, Searcher out) {
        if (!(r >= 0)) throw new IllegalArgumentException("radius " + r + " is negative or NaN");
        out.count = 0;
        if (n > 0) radiusNode(0, x, y, z, 0f, 0f, 0f, r * r, out);
        out.finish();
        return out.count;
    }

    private void radiusNode(int node, float qx, float qy, float qz, float o0, float o1, float o2, float r2, Searcher out) {
        if (node >= firstLeaf) {
            int leaf = node - firstLeaf;
            float[] p = pts;
            for (int i = leafStart[leaf], e = leafStart[leaf + 1]; i < e; i++) {
                float dx = p[3 * i] - qx, dy = p[3 * i + 1] - qy, dz = p[3 * i + 2] - qz;
                float d2 = dx * dx + dy * dy + dz * dz;
                if (d2 <= r2) out.add((((long) Float.floatToRawIntBits(d2)) << 32) | (index[i] & 0xffffffffL));
            }
            return;
        }
        int dim = splitDim[node];
        float diff = (dim == 0 ? qx : dim == 1 ? qy : qz) - splitVal[node];
        int near = diff < 0 ? 2 * node + 1 : 2 * node + 2, far = 4 * node + 3 - near;
        radiusNode(near, qx, qy, qz, o0, o1, o2, r2, out);
        if (dim == 0) o0 = diff;
        else if (dim == 1) o1 = diff;
        else o2 = diff;
        if (o0 * o0 + o1 * o1 + o2 * o2 <= r2) radiusNode(far, qx, qy, qz, o0, o1, o2, r2, out);
    }

    /**
     * Radius neighbourhoods of many queries in compressed rows.
     *
     * @param offsets (M + 1) row starts: the neighbours of query q are {@code [offsets[q], offsets[q+1])}
     * @param indices (offsets[M]) neighbour indices, each row nearest first
     * @param dist2   (offsets[M]) squared distances
     */
    public record Neighborhoods(int[] offsets, int[] indices, float[] dist2) {
        /** Number of queries M. */
        public int queryCount() {
            return offsets.length - 1;
        }
    }

    /**
     * Radius search for every query {@code queries (M, 3)}; parallel over queries on the common
     * pool. Allocates the result and per-task buffers. The result does not depend on the number
     * of threads.
     */
    public Neighborhoods radiusBatch(float[] queries, float r) {
        return radiusBatch(queries, r, ForkJoinPool.commonPool());
    }

    /** As {@link #radiusBatch(float[], float)} on the given pool. */
    public Neighborhoods radiusBatch(float[] queries, float r, ForkJoinPool pool) {
        int m = checkQueries(queries);
        if (!(r >= 0)) throw new IllegalArgumentException("radius " + r + " is negative or NaN");
        int chunks = (m + BATCH_GRAIN - 1) / BATCH_GRAIN;
        int[][] chunkIdx = new int[chunks][];
        float[][] chunkD2 = new float[chunks][];
        int[] offsets = new int[m + 1];
        runBatch(pool, m, (from, to) -> {
            Searcher s = new Searcher();
            int[] ci = new int[256];
            float[] cd = new float[256];
            int used = 0;
            for (int q = from; q < to; q++) {
                int c = radius(queries[3 * q], queries[3 * q + 1], queries[3 * q + 2], r, s);
                if (used + c > ci.length) {
                    int cap = Math.max(2 * ci.length, used + c);
                    ci = Arrays.copyOf(ci, cap);
                    cd = Arrays.copyOf(cd, cap);
                }
                System.arraycopy(s.indices, 0, ci, used, c);
                System.arraycopy(s.dist2, 0, cd, used, c);
                used += c;
                offsets[q + 1] = c;
            }
            chunkIdx[from / BATCH_GRAIN] = Arrays.copyOf(ci, used);
            chunkD2[from / BATCH_GRAIN] = Arrays.copyOf(cd, used);
        });
        long total = 0;
        for (int q = 0; q < m; q++) {
            total += offsets[q + 1];
            if (total > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("radius search found more than 2^31 neighbours in total");
            }
            offsets[q + 1] = (int) total;
        }
        int[] idx = new int[(int) total];
        float[] d2 = new float[(int) total];
        int pos = 0;
        for (int c = 0; c < chunks; c++) {
            System.arraycopy(chunkIdx[c], 0, idx, pos, chunkIdx[c].length);
            System.arraycopy(chunkD2[c], 0, d2, pos, chunkD2[c].length);
            pos += chunkIdx[c].length;
        }
        return new Neighborhoods(offsets, idx, d2);
    }

    // ------------------------------------------------------------------------------------------
    // Batch plumbing

    @FunctionalInterface
    interface RangeBody {
        void run(int from, int to);
    }

    private static int checkQueries(float[] queries) {
        if (queries.length % 3 != 0) {
            throw new IllegalArgumentException("queries length " + queries.length + " is not a multiple of 3");
        }
        return queries.length / 3;
    }

    /** Runs body over [0, m) in chunks aligned to BATCH_GRAIN, in parallel on pool. */
    static void runBatch(ForkJoinPool pool, int m, RangeBody body) {
        if (m <= BATCH_GRAIN) {
            body.run(0, m);
            return;
        }
        pool.invoke(new RangeTask(0, (m + BATCH_GRAIN - 1) / BATCH_GRAIN, m, body));
    }

    private static final class RangeTask extends RecursiveAction {
        private final int c0, c1, m;
        private final RangeBody body;

        RangeTask(int c0, int c1, int m, RangeBody body) {
            this.c0 = c0;
            this.c1 = c1;
            this.m = m;
            this.body = body;
        }

        @Override
        protected void compute() {
            if (c1 - c0 == 1) {
                body.run(c0 * BATCH_GRAIN, Math.min(m, (c0 + 1) * BATCH_GRAIN));
                return;
            }
            int cm = (c0 + c1) >>> 1;
            invokeAll(new RangeTask(c0, cm, m, body), new RangeTask(cm, c1, m, body));
        }
    }
}
