package kernelfield.engine.geometry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

class KdTreeTest {

    private static float d2(float[] p, int i, float x, float y, float z) {
        float dx = p[3 * i] - x, dy = p[3 * i + 1] - y, dz = p[3 * i + 2] - z;
        return dx * dx + dy * dy + dz * dz;
    }

    /** Brute-force k nearest by (d2, index). */
    private static long[] bruteKnn(float[] p, float x, float y, float z, int k) {
        int n = p.length / 3;
        long[] all = new long[n];
        for (int i = 0; i < n; i++) {
            all[i] = (((long) Float.floatToRawIntBits(d2(p, i, x, y, z))) << 32) | i;
        }
        Arrays.sort(all);
        return Arrays.copyOf(all, Math.min(k, n));
    }

    private static float[] random(int n, long seed, float scale) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] p = new float[3 * n];
        for (int i = 0; i < p.length; i++) p[i] = (float) (r.nextDouble() * scale);
        return p;
    }

    /** Checks knn against brute force: same distances, and the indices really have those distances. */
    private static void checkKnn(float[] pts, KdTree tree, float[] queries, int k) {
        int[] idx = new int[k];
        float[] dd = new float[k];
        for (int q = 0; q < queries.length / 3; q++) {
            float x = queries[3 * q], y = queries[3 * q + 1], z = queries[3 * q + 2];
            int got = tree.knn(x, y, z, k, idx, dd);
            long[] want = bruteKnn(pts, x, y, z, k);
            assertEquals(want.length, got, "count");
            boolean[] seen = new boolean[pts.length / 3];
            for (int j = 0; j < want.length; j++) {
                float wd = Float.intBitsToFloat((int) (want[j] >>> 32));
                assertEquals(wd, dd[j], 0f, "query " + q + " rank " + j);
                assertTrue(idx[j] >= 0 && !seen[idx[j]], "distinct valid index");
                seen[idx[j]] = true;
                assertEquals(wd, d2(pts, idx[j], x, y, z), 0f, "index has the reported distance");
            }
            for (int j = want.length; j < k; j++) {
                assertEquals(-1, idx[j]);
                assertEquals(Float.POSITIVE_INFINITY, dd[j]);
            }
            int nn = tree.nearest(x, y, z);
            assertEquals(Float.intBitsToFloat((int) (want[0] >>> 32)), d2(pts, nn, x, y, z), 0f, "nearest");
        }
    }

    @Test
    void knnMatchesBruteForceOnRandomPoints() {
        float[] pts = random(5000, 1, 1f);
        KdTree tree = KdTree.build(pts);
        assertEquals(5000, tree.size());
        float[] q = random(300, 2, 1.4f); // some queries outside the cloud
        for (int k : new int[] {1, 2, 7, 16, 50}) checkKnn(pts, tree, q, k);
    }

    @Test
    void knnWithoutTiesMatchesIndicesExactly() {
        float[] pts = random(2000, 3, 1f);
        KdTree tree = KdTree.build(pts, 4);
        float[] q = random(200, 4, 1f);
        int[] idx = new int[10];
        float[] dd = new float[10];
        for (int i = 0; i < 200; i++) {
            tree.knn(q[3 * i], q[3 * i + 1], q[3 * i + 2], 10, idx, dd);
            long[] want = bruteKnn(pts, q[3 * i], q[3 * i + 1], q[3 * i + 2], 10);
            for (int j = 0; j < 10; j++) assertEquals((int) want[j], idx[j]);
        }
    }

    @Test
    void duplicatesAndTies() {
        // 400 points on 20 distinct positions, on an integer grid: many exact ties.
        float[] pts = new float[3 * 400];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 400; i++) {
            int c = r.nextInt(20);
            pts[3 * i] = c % 3;
            pts[3 * i + 1] = (c / 3) % 3;
            pts[3 * i + 2] = c / 9;
        }
        KdTree tree = KdTree.build(pts, 3);
        float[] q = new float[3 * 60];
        for (int i = 0; i < q.length; i++) q[i] = r.nextInt(5) * 0.5f - 0.5f;
        for (int k : new int[] {1, 5, 30, 100}) checkKnn(pts, tree, q, k);
        // All points identical.
        float[] same = new float[3 * 1000];
        Arrays.fill(same, 0.25f);
        KdTree t2 = KdTree.build(same);
        checkKnn(same, t2, new float[] {0.25f, 0.25f, 0.25f, 1, 2, 3}, 8);
    }

    @Test
    void collinearPoints() {
        float[] pts = new float[3 * 1000];
        for (int i = 0; i < 1000; i++) {
            pts[3 * i] = i * 0.01f;
            pts[3 * i + 1] = 2 * i * 0.01f;
            pts[3 * i + 2] = -i * 0.01f;
        }
        KdTree tree = KdTree.build(pts);
        checkKnn(pts, tree, random(100, 6, 10f), 6);
    }

    @Test
    void kLargerThanNAndEmptyTree() {
        float[] pts = random(5, 7, 1f);
        KdTree tree = KdTree.build(pts);
        checkKnn(pts, tree, random(10, 8, 1f), 9);
        KdTree empty = KdTree.build(new float[0]);
        assertEquals(-1, empty.nearest(0, 0, 0));
        int[] idx = new int[3];
        float[] dd = new float[3];
        assertEquals(0, empty.knn(0, 0, 0, 3, idx, dd));
        assertArrayEquals(new int[] {-1, -1, -1}, idx);
        assertEquals(0, empty.radius(0, 0, 0, 1f, new KdTree.Searcher()));
        KdTree one = KdTree.build(new float[] {1, 2, 3});
        assertEquals(0, one.nearest(9, 9, 9));
    }

    @Test
    void radiusMatchesBruteForce() {
        float[] pts = random(4000, 9, 1f);
        KdTree tree = KdTree.build(pts);
        float[] q = random(200, 10, 1f);
        KdTree.Searcher s = new KdTree.Searcher();
        float r = 0.08f;
        float r2 = r * r;
        for (int i = 0; i < 200; i++) {
            float x = q[3 * i], y = q[3 * i + 1], z = q[3 * i + 2];
            int c = tree.radius(x, y, z, r, s);
            long[] want = Arrays.stream(bruteKnn(pts, x, y, z, pts.length / 3))
                    .filter(v -> Float.intBitsToFloat((int) (v >>> 32)) <= r2).toArray();
            assertEquals(want.length, c);
            for (int j = 0; j < c; j++) {
                assertEquals((int) want[j], s.indices()[j]);
                assertEquals(Float.intBitsToFloat((int) (want[j] >>> 32)), s.dist2()[j], 0f);
            }
        }
        KdTree.Neighborhoods nb = tree.radiusBatch(q, r);
        assertEquals(200, nb.queryCount());
        for (int i = 0; i < 200; i++) {
            int c = tree.radius(q[3 * i], q[3 * i + 1], q[3 * i + 2], r, s);
            assertEquals(c, nb.offsets()[i + 1] - nb.offsets()[i]);
            for (int j = 0; j < c; j++) assertEquals(s.indices()[j], nb.indices()[nb.offsets()[i] + j]);
        }
    }

    @Test
    void batchIsIndependentOfThreadCount() {
        float[] pts = random(60_000, 11, 1f); // large enough to build in parallel
        KdTree a = KdTree.build(pts);
        float[] q = random(10_000, 12, 1f);
        int k = 8;
        int[] i1 = new int[10_000 * k], i2 = new int[10_000 * k];
        float[] d1 = new float[10_000 * k], d2 = new float[10_000 * k];
        ForkJoinPool one = new ForkJoinPool(1), four = new ForkJoinPool(4);
        try {
            a.knnBatch(q, k, i1, d1, one);
            a.knnBatch(q, k, i2, d2, four);
            assertArrayEquals(i1, i2);
            assertArrayEquals(d1, d2);
            int[] n1 = new int[10_000];
            float[] nd = new float[10_000];
            a.nearestBatch(q, n1, nd, four);
            for (int i = 0; i < 10_000; i++) {
                assertEquals(i1[i * k], n1[i]);
                assertEquals(d1[i * k], nd[i], 0f);
            }
            KdTree.Neighborhoods r1 = a.radiusBatch(q, 0.03f, one), r2 = a.radiusBatch(q, 0.03f, four);
            assertArrayEquals(r1.offsets(), r2.offsets());
            assertArrayEquals(r1.indices(), r2.indices());
        } finally {
            one.shutdown();
            four.shutdown();
        }
        // Spot-check the parallel-built tree against brute force.
        checkKnn(pts, a, random(50, 13, 1f), 8);
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> KdTree.build(new float[4]));
        assertThrows(IllegalArgumentException.class, () -> KdTree.build(new float[] {0, Float.NaN, 0}));
        KdTree t = KdTree.build(random(10, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> t.knnBatch(new float[6], 3, new int[5], new float[6]));
        assertThrows(IllegalArgumentException.class, () -> t.radius(0, 0, 0, -1, new KdTree.Searcher()));
    }
}
