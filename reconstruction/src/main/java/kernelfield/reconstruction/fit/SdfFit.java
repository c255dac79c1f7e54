package kernelfield.reconstruction.fit;

import java.util.Objects;

import kernelfield.engine.compute.CpuDevice;
import kernelfield.engine.data.Bounds;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.geometry.MeshMetrics;
import kernelfield.engine.geometry.SampleGrid;
import kernelfield.engine.geometry.SparseMarchingCubes;
import kernelfield.engine.geometry.SurfaceSampler;
import kernelfield.engine.geometry.WindingNumber;
import kernelfield.engine.optim.Adam;
import kernelfield.engine.optim.ProgressListener;
import kernelfield.engine.optim.SeededRandom;
import kernelfield.engine.optim.StepContext;
import kernelfield.engine.optim.StepResult;
import kernelfield.engine.optim.Strategy;
import kernelfield.engine.optim.TrainResult;
import kernelfield.fields.DistanceField;
import kernelfield.fields.rbf.KMeansInit;
import kernelfield.fields.rbf.RbfDistanceField;
import kernelfield.fields.rbf.RbfField;
import kernelfield.fields.rbf.RbfFieldConfig;
import kernelfield.fields.rbf.RbfKernel;

/**
 * Fits a signed distance field ({@link RbfField} in 3D, one output) to a triangle mesh (NeuRBF's
 * SDF task), extracts its zero level set and scores it against the mesh.
 *
 * <ol>
 * <li>Ground truth: a fixed pool of points, NeuRBF's mix: on the surface (distance 0), on the
 *     surface jittered by Gaussian noise of two scales, and uniform in the box (the mesh's bounds
 *     grown by 10% of the diagonal). Signed distance by {@link WindingNumber#signedDistance}
 *     (BVH closest point, sign by the generalized winding number, so meshes with holes or
 *     flipped faces work).</li>
 * <li>Kernels by weighted k-means on the pool, weights {@code 1 / (|sdf| + 0.002 diag)}; frozen.</li>
 * <li>Adam on the L1 error of random minibatches of the pool, cosine learning rate.</li>
 * <li>The mesh by {@link SparseMarchingCubes} on the cells near the zero level set of a lattice
 *     of {@code resolution} cells along the longest side.</li>
 * <li>Scores: {@link MeshMetrics} (Chamfer-L1, F-score, normal consistency) and the volume IoU
 *     on uniform points in the box (inside: winding number above 1/2, against field below 0).</li>
 * </ol>
 * Results are bit-identical for any thread count at a fixed step count.
 */
public final class SdfFit {
    /** Kernel support in squared Mahalanobis units: 2 standard deviations keep the candidate lists short in 3D. */
    private static final float SUPPORT = 4f;

    private SdfFit() {
    }

    /**
     * @param timeBudgetSeconds seconds for sampling, initialisation and training ({@code <= 0}: none; then steps must be set)
     * @param steps             training steps ({@code 0}: as many as the budget allows)
     * @param kernels           RBF kernels
     * @param poolSize          training points (ground truth computed once)
     * @param batch             points per step
     * @param lr                peak learning rate of kernel and grid features (decoder: the same; cosine to 1/10)
     * @param resolution        marching-cubes cells along the longest side of the box
     * @param iouSamples        uniform points for the volume IoU ({@code 0}: skip it); also the surface
     *                          samples of the mesh scores (at least 10,000)
     * @param threads           CPU threads ({@code <= 0}: all cores)
     * @param seed              random seed
     */
    public record Options(double timeBudgetSeconds, long steps, int kernels, int poolSize, int batch, double lr,
            int resolution, int iouSamples, int threads, long seed) {
        public Options {
            if (timeBudgetSeconds <= 0 && steps <= 0) throw new IllegalArgumentException("give a time budget or a step count");
            if (kernels < 1 || poolSize < 1000 || batch < 1) throw new IllegalArgumentException("kernels, pool and batch must be positive (pool >= 1000)");
            if (resolution < 8) throw new IllegalArgumentException("resolution " + resolution + " < 8");
        }

        /** 30 s, 8192 kernels, 200k points, batch 2^14, lr 5e-3, resolution 256, 100k IoU points. */
        public static Options defaults() {
            return new Options(30, 0, 8192, 200_000, 1 << 14, 5e-3, 256, 100_000, 0, 0);
        }

        public Options withBudget(double seconds, long stepCount) {
            return new Options(seconds, stepCount, kernels, poolSize, batch, lr, resolution, iouSamples, threads, seed);
        }

        public Options withSize(int kernelCount, int pool, int batchSize) {
            return new Options(timeBudgetSeconds, steps, kernelCount, pool, batchSize, lr, resolution, iouSamples, threads, seed);
        }

        public Options withResolution(int r) {
            return new Options(timeBudgetSeconds, steps, kernels, poolSize, batch, lr, r, iouSamples, threads, seed);
        }

        public Options withIouSamples(int n) {
            return new Options(timeBudgetSeconds, steps, kernels, poolSize, batch, lr, resolution, n, threads, seed);
        }

        public Options withThreads(int t) {
            return new Options(timeBudgetSeconds, steps, kernels, poolSize, batch, lr, resolution, iouSamples, t, seed);
        }

        public Options withSeed(long s) {
            return new Options(timeBudgetSeconds, steps, kernels, poolSize, batch, lr, resolution, iouSamples, threads, s);
        }
    }

    /**
     * @param mesh         the extracted zero level set (vertex normals from the field's gradient)
     * @param metrics      scores of {@code mesh} against the input mesh; null when the level set is empty
     * @param iou          volume IoU, NaN when not computed
     * @param field        the trained field as a distance field
     * @param parameters   stored parameter values
     * @param steps        training steps taken
     * @param setupSeconds sampling, ground truth and k-means seconds
     * @param trainSeconds training seconds
     * @param meanAbsError mean |f - sdf| over the pool after training, relative to the box diagonal
     */
    public record Result(TriangleMesh mesh, MeshMetrics.Result metrics, double iou, RbfDistanceField field, long parameters,
            long steps, double setupSeconds, double trainSeconds, double meanAbsError) {
    }

    /** Fits with no progress reporting. */
    public static Result fit(TriangleMesh gt, Options o) {
        return fit(gt, o, ProgressListener.none());
    }

    /**
     * Fits a signed distance field to {@code gt}. Allocates the pool, the model and the output;
     * does not modify {@code gt}.
     *
     * @throws IllegalArgumentException when the mesh has no triangles or no area
     */
    public static Result fit(TriangleMesh gt, Options o, ProgressListener listener) {
        Objects.requireNonNull(gt, "mesh");
        if (gt.triangleCount() == 0 || !(gt.area() > 0)) throw new IllegalArgumentException("the mesh has no triangles with area");
        long t0 = System.nanoTime();
        CpuDevice device = o.threads() > 0 ? CpuDevice.withThreads(o.threads()) : CpuDevice.shared();
        try {
            Bounds b = gt.bounds();
            double diag = Math.sqrt(b.sizeX() * b.sizeX() + b.sizeY() * b.sizeY() + b.sizeZ() * b.sizeZ());
            double pad = 0.1 * diag;
            float[] lo = {(float) (b.minX() - pad), (float) (b.minY() - pad), (float) (b.minZ() - pad)};
            float[] hi = {(float) (b.maxX() + pad), (float) (b.maxY() + pad), (float) (b.maxZ() + pad)};
            WindingNumber wn = WindingNumber.of(gt);

            // the pool: 1/4 on the surface, 1/4 jittered by 0.01 diag, 1/4 by 0.05 diag, 1/4 uniform
            int n = o.poolSize();
            int nSurf = n / 4;
            int nNear = n / 4;
            int nFar = n / 4;
            int nUni = n - nSurf - nNear - nFar;
            float[] pts = new float[3 * n];
            System.arraycopy(SurfaceSampler.sample(gt, nSurf, o.seed()).positions(), 0, pts, 0, 3 * nSurf);
            System.arraycopy(SurfaceSampler.sample(gt, nNear, o.seed() + 1, 0.01 * diag).positions(), 0, pts, 3 * nSurf, 3 * nNear);
            System.arraycopy(SurfaceSampler.sample(gt, nFar, o.seed() + 2, 0.05 * diag).positions(), 0, pts,
                    3 * (nSurf + nNear), 3 * nFar);
            float[] uni = uniform(nUni, lo, hi, o.seed() + 3);
            System.arraycopy(uni, 0, pts, 3 * (n - nUni), 3 * nUni);
            if (ImageFit.DEBUG) System.err.printf("sampled %.2f s%n", (System.nanoTime() - t0) * 1e-9);
            float[] sdf = new float[n];
            float[] off = java.util.Arrays.copyOfRange(pts, 3 * nSurf, 3 * n);
            System.arraycopy(wn.signedDistance(off), 0, sdf, nSurf, n - nSurf);

            if (ImageFit.DEBUG) System.err.printf("ground truth %.2f s%n", (System.nanoTime() - t0) * 1e-9);
            // kernels where the distance is small
            float[] weights = new float[n];
            float eps = (float) (0.002 * diag);
            for (int i = 0; i < n; i++) weights[i] = 1f / (Math.abs(sdf[i]) + eps);
            int k = Math.min(o.kernels(), n / 4);
            double cell = diag / Math.cbrt(k) * 0.25;
            KMeansInit.Result km = KMeansInit.run(pts, weights, 3, k, 2, cell * cell, 1.0, o.seed(), device);
            RbfFieldConfig cfg = new RbfFieldConfig(3, lo, hi, RbfKernel.INVERSE_QUADRATIC, SUPPORT, 8, 16, 0f, 0f,
                    new int[] {16, 32, 64}, 2, new int[] {64}, 0f, 0f, 1, false, o.seed(), false);
            RbfField field = new RbfField(cfg, km.centers(), km.shapes());
            RbfField.Neighbours nb = field.neighbours(pts, n, device);
            PointObjective objective = new PointObjective(field, nb, pts, sdf, o.batch(), device);
            if (o.steps() <= 0) objective.warmUp(3.0);
            double setupSeconds = (System.nanoTime() - t0) * 1e-9;

            double budget = o.timeBudgetSeconds() > 0 ? o.timeBudgetSeconds() - setupSeconds : Double.POSITIVE_INFINITY;
            Training.Plan plan = new Training.Plan(o.steps(), budget);
            Adam adam = Training.cosineAdam(o.lr(), plan);
            Strategy after = Training.frozenKernelSteps(field, plan, null);
            TrainResult tr = Training.run(field, adam, objective, after, listener, o.seed(), o.steps(), budget);
            RbfDistanceField df = new RbfDistanceField(field, device);
            double mae = meanAbsError(df, pts, sdf) / diag;

            long e0 = System.nanoTime();
            TriangleMesh mesh = extract(df, lo, hi, o.resolution());
            long e1 = System.nanoTime();
            MeshMetrics.Result metrics = mesh.triangleCount() == 0 || !(mesh.area() > 0) ? null
                    : MeshMetrics.compare(mesh, gt, MeshMetrics.Options.defaults().withSamples(Math.max(10_000, o.iouSamples())));
            if (ImageFit.DEBUG) System.err.printf("extract %.2f s, metrics %.2f s%n", (e1 - e0) * 1e-9, (System.nanoTime() - e1) * 1e-9);
            double iou = Double.NaN;
            if (o.iouSamples() > 0) {
                float[] q = uniform(o.iouSamples(), lo, hi, o.seed() + 4);
                float[] w = new float[o.iouSamples()];
                wn.evaluate(q, w);
                float[] f = new float[o.iouSamples()];
                df.evaluate(q, f, null);
                long inter = 0, union = 0;
                for (int i = 0; i < w.length; i++) {
                    boolean a = w[i] > 0.5f, p = f[i] < 0f;
                    if (a && p) inter++;
                    if (a || p) union++;
                }
                iou = union == 0 ? 1.0 : (double) inter / union;
            }
            return new Result(mesh, metrics, iou, df, field.parameterCount(), tr.stepsRun(), setupSeconds, tr.elapsedSeconds(), mae);
        } finally {
            device.close();
        }
    }

    /** Mean |f - sdf| over the points. */
    static double meanAbsError(RbfDistanceField df, float[] pts, float[] sdf) {
        float[] f = new float[sdf.length];
        df.evaluate(pts, f, null);
        double s = 0;
        for (int i = 0; i < sdf.length; i++) s += Math.abs(f[i] - sdf[i]);
        return s / sdf.length;
    }

    /**
     * The zero level set of {@code df} by narrow-band marching cubes on a lattice of
     * {@code resolution} cells along the longest side of the box, with vertex normals from the
     * field's gradient. Allocates the mesh.
     */
    public static TriangleMesh extract(DistanceField df, float[] lo, float[] hi, int resolution) {
        double longest = Math.max(hi[0] - lo[0], Math.max(hi[1] - lo[1], hi[2] - lo[2]));
        double h = longest / resolution;
        int nx = (int) Math.ceil((hi[0] - lo[0]) / h) + 1;
        int ny = (int) Math.ceil((hi[1] - lo[1]) / h) + 1;
        int nz = (int) Math.ceil((hi[2] - lo[2]) / h) + 1;
        SampleGrid grid = new SampleGrid(nx, ny, nz, lo[0], lo[1], lo[2], h);
        SparseMarchingCubes.Field f = p -> {
            float[] v = new float[p.length / 3];
            df.evaluate(p, v, null);
            return v;
        };
        int stride = 4;
        long[] cells = SparseMarchingCubes.cellsNearSurface(f, grid, stride, (float) (stride * h * Math.sqrt(3)), 0f);
        TriangleMesh m = SparseMarchingCubes.extract(f, grid, cells, 0f);
        if (m.vertexCount() == 0) return m;
        float[] nrm = new float[m.vertexCount() * 3];
        float[] val = new float[m.vertexCount()];
        df.evaluate(m.vertices(), val, nrm);
        for (int i = 0; i < m.vertexCount(); i++) {
            double x = nrm[3 * i], y = nrm[3 * i + 1], z = nrm[3 * i + 2];
            double len = Math.sqrt(x * x + y * y + z * z);
            if (len > 0) {
                nrm[3 * i] = (float) (x / len);
                nrm[3 * i + 1] = (float) (y / len);
                nrm[3 * i + 2] = (float) (z / len);
            }
        }
        return m.withNormals(nrm);
    }

    static float[] uniform(int n, float[] lo, float[] hi, long seed) {
        SeededRandom r = new SeededRandom(seed);
        float[] p = new float[3 * n];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < 3; d++) p[3 * i + d] = lo[d] + (hi[d] - lo[d]) * r.nextFloat();
        }
        return p;
    }

    /** L1 error on a random minibatch of the pool. */
    static final class PointObjective extends BatchObjective {
        private final float[] pool;
        private final float[] sdf;

        PointObjective(RbfField field, RbfField.Neighbours nb, float[] pool, float[] sdf, int batch, CpuDevice device) {
            super(field, nb, sdf.length, batch, 3, 1, device);
            this.pool = pool;
            this.sdf = sdf;
        }

        @Override
        public StepResult evaluate(StepContext ctx) {
            double loss = accumulate(ctx.random(), batch) / batch;
            return new StepResult(loss, java.util.Map.of(), null);
        }

        @Override
        float gradientScale(int b) {
            return 1f / b;
        }

        @Override
        void gather(float[] p, int i, int m) {
            for (int t = 0; t < m; t++) System.arraycopy(pool, 3 * pick[i + t], p, 3 * t, 3);
        }

        @Override
        double addLoss(float[] y, int i, int m, float scale, float[] d, double loss) {
            for (int t = 0; t < m; t++) {
                float e = y[t] - sdf[pick[i + t]];
                loss += Math.abs(e);
                d[t] = e > 0f ? scale : e < 0f ? -scale : 0f;
            }
            return loss;
        }
    }
}
