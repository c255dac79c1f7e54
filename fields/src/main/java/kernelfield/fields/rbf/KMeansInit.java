package kernelfield.fields.rbf;

import java.util.Arrays;

import kernelfield.engine.compute.CpuDevice;
import kernelfield.engine.optim.SeededRandom;

/**
 * Weighted k-means placement of kernels (NeuRBF's initialisation): centres by Lloyd iterations
 * on weighted points (image gradient magnitude for images, inverse |SDF| for distance fields),
 * shapes from the covariance of each centre's cell.
 *
 * <p>Seeds are drawn without replacement with probability proportional to the weight
 * (Efraimidis-Spirakis keys), so flat regions rarely get a centre. The nearest centre of each
 * point is found on a uniform grid of centres by ring search (exact). Deterministic for a seed,
 * for any thread count.
 */
public final class KMeansInit {
    private KMeansInit() {
    }

    /**
     * Kernel centres and shapes.
     *
     * @param centers (K, dim)
     * @param shapes  (K, S) shapes for {@link RbfBasis}
     * @param cellSize (K) points in each centre's cell
     */
    public record Result(float[] centers, float[] shapes, int[] cellSize) {
    }

    /**
     * Runs weighted k-means.
     *
     * @param points    (N, dim) positions
     * @param weights   (N) non-negative weights
     * @param k         number of centres, {@code 1 <= k <= N}
     * @param iters     Lloyd iterations
     * @param varFloor  added to the diagonal of each cell's covariance (squared length units)
     * @param covScale  scales each cell's covariance before the floor is added
     * @return centres, shapes (upper-triangular factors of the inverse covariances) and cell sizes;
     *         allocates them and {@code O(N + K)} work arrays
     */
    public static Result run(float[] points, float[] weights, int dim, int k, int iters, double varFloor, double covScale,
            long seed, CpuDevice device) {
        int n = weights.length;
        if (points.length != n * dim) throw new IllegalArgumentException("points must be (N, " + dim + ")");
        if (k < 1 || k > n) throw new IllegalArgumentException("k " + k + " not in [1, " + n + "]");
        double mean = 0;
        for (float w : weights) {
            if (!(w >= 0) || Float.isInfinite(w)) throw new IllegalArgumentException("weights must be finite and >= 0");
            mean += w;
        }
        mean /= n;
        double eps = 1e-6 * mean + 1e-12;
        SeededRandom rnd = new SeededRandom(seed);
        double[] keys = new double[n];
        for (int i = 0; i < n; i++) keys[i] = Math.log(Math.max(rnd.nextDouble(), 1e-300)) / (weights[i] + eps);
        double[] sorted = keys.clone();
        Arrays.sort(sorted);
        double threshold = sorted[n - k];
        float[] c = new float[k * dim];
        int m = 0;
        for (int i = 0; i < n && m < k; i++) {
            if (keys[i] > threshold) {
                System.arraycopy(points, i * dim, c, m * dim, dim);
                m++;
            }
        }
        for (int i = 0; i < n && m < k; i++) {
            if (keys[i] == threshold) {
                System.arraycopy(points, i * dim, c, m * dim, dim);
                m++;
            }
        }
        int[] assign = new int[n];
        double[] sw = new double[k];
        double[] sx = new double[k * dim];
        for (int it = 0; it < iters; it++) {
            assignAll(points, n, dim, c, k, assign, device);
            Arrays.fill(sw, 0);
            Arrays.fill(sx, 0);
            for (int i = 0; i < n; i++) {
                double w = weights[i] + eps;
                int a = assign[i];
                sw[a] += w;
                for (int d = 0; d < dim; d++) sx[a * dim + d] += w * points[i * dim + d];
            }
            for (int j = 0; j < k; j++) {
                if (sw[j] > 0) for (int d = 0; d < dim; d++) c[j * dim + d] = (float) (sx[j * dim + d] / sw[j]);
            }
        }
        assignAll(points, n, dim, c, k, assign, device);
        int[] count = new int[k];
        double[] cov = new double[k * dim * dim];
        for (int i = 0; i < n; i++) {
            int a = assign[i];
            count[a]++;
            for (int r = 0; r < dim; r++) {
                double dr = points[i * dim + r] - c[a * dim + r];
                for (int s = 0; s < dim; s++) cov[(a * dim + r) * dim + s] += dr * (points[i * dim + s] - c[a * dim + s]);
            }
        }
        int sc = RbfBasis.shapeCols(dim);
        float[] shapes = new float[k * sc];
        double[] one = new double[dim * dim];
        for (int j = 0; j < k; j++) {
            int cnt = Math.max(count[j], 1);
            for (int r = 0; r < dim; r++) {
                for (int s = 0; s < dim; s++) {
                    one[r * dim + s] = cov[(j * dim + r) * dim + s] / cnt * covScale + (r == s ? varFloor : 0);
                }
            }
            System.arraycopy(RbfBasis.shapeFromCovariance(one, dim), 0, shapes, j * sc, sc);
        }
        return new Result(c, shapes, count);
    }

    /** Nearest centre of every point, by ring search on a uniform grid of the centres. */
    static void assignAll(float[] p, int n, int dim, float[] c, int k, int[] assign, CpuDevice device) {
        float[] lo = new float[3];
        float[] hi = new float[3];
        Arrays.fill(lo, Float.POSITIVE_INFINITY);
        Arrays.fill(hi, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < k; j++) {
            for (int d = 0; d < dim; d++) {
                lo[d] = Math.min(lo[d], c[j * dim + d]);
                hi[d] = Math.max(hi[d], c[j * dim + d]);
            }
        }
        double vol = 1;
        for (int d = 0; d < dim; d++) vol *= Math.max(hi[d] - lo[d], 1e-9);
        float cell = (float) Math.max(Math.pow(vol / k * 2, 1.0 / dim), 1e-9);
        int[] nc = {1, 1, 1};
        for (int d = 0; d < dim; d++) nc[d] = Math.max(1, Math.min(4096, (int) Math.ceil((hi[d] - lo[d]) / cell) + 1));
        int cells = nc[0] * nc[1] * nc[2];
        int[] start = new int[cells + 1];
        int[] cellOf = new int[k];
        for (int j = 0; j < k; j++) {
            int id = 0, stride = 1;
            for (int d = 0; d < dim; d++) {
                int ci = Math.clamp((int) ((c[j * dim + d] - lo[d]) / cell), 0, nc[d] - 1);
                id += ci * stride;
                stride *= nc[d];
            }
            cellOf[j] = id;
            start[id + 1]++;
        }
        for (int i = 0; i < cells; i++) start[i + 1] += start[i];
        int[] items = new int[k];
        int[] fill = Arrays.copyOf(start, cells);
        for (int j = 0; j < k; j++) items[fill[cellOf[j]]++] = j;
        int maxR = Math.max(nc[0], Math.max(nc[1], nc[2]));
        device.parallelFor(n, 4096, (ch, s, e) -> {
            int[] ci = new int[3];
            for (int i = s; i < e; i++) {
                for (int d = 0; d < 3; d++) {
                    ci[d] = d < dim ? Math.clamp((int) Math.floor((p[i * dim + d] - lo[d]) / cell), 0, nc[d] - 1) : 0;
                }
                float best = Float.POSITIVE_INFINITY;
                int bestJ = 0;
                for (int r = 0; r <= maxR; r++) {
                    int rz = dim == 3 ? r : 0;
                    for (int z = ci[2] - rz; z <= ci[2] + rz; z++) {
                        if (z < 0 || z >= nc[2]) continue;
                        for (int y = ci[1] - r; y <= ci[1] + r; y++) {
                            if (y < 0 || y >= nc[1]) continue;
                            boolean shellYZ = Math.abs(y - ci[1]) == r || Math.abs(z - ci[2]) == r;
                            for (int x = ci[0] - r; x <= ci[0] + r; x++) {
                                if (x < 0 || x >= nc[0]) continue;
                                if (!shellYZ && Math.abs(x - ci[0]) != r) continue;
                                int id = (z * nc[1] + y) * nc[0] + x;
                                for (int t = start[id]; t < start[id + 1]; t++) {
                                    int j = items[t];
                                    float d2 = 0f;
                                    for (int d = 0; d < dim; d++) {
                                        float dd = p[i * dim + d] - c[j * dim + d];
                                        d2 += dd * dd;
                                    }
                                    if (d2 < best || (d2 == best && j < bestJ)) {
                                        best = d2;
                                        bestJ = j;
                                    }
                                }
                            }
                        }
                    }
                    // every centre in rings beyond r is at least r * cell away
                    if (best <= (r * cell) * (r * cell)) break;
                }
                assign[i] = bestJ;
            }
        });
    }
}
