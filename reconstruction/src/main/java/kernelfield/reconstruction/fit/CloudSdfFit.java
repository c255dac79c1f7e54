package kernelfield.reconstruction.fit;

import java.util.Objects;

import kernelfield.engine.compute.CpuDevice;
import kernelfield.engine.data.Bounds;
import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.geometry.MeshMetrics;
import kernelfield.engine.geometry.NormalEstimation;
import kernelfield.engine.geometry.WindingNumber;
import kernelfield.engine.optim.Adam;
import kernelfield.engine.optim.ProgressListener;
import kernelfield.engine.optim.Strategy;
import kernelfield.engine.optim.TrainResult;
import kernelfield.fields.DistanceField;
import kernelfield.fields.rbf.KMeansInit;
import kernelfield.fields.rbf.RbfDistanceField;
import kernelfield.fields.rbf.RbfField;
import kernelfield.fields.rbf.RbfFieldConfig;
import kernelfield.fields.rbf.RbfKernel;

/**
 * Fits a signed distance field ({@link RbfField} in 3D, one output) to an oriented point cloud
 * alone, with no ground-truth distance: on-surface value and normal losses on the input points,
 * the Eikonal loss on and off the surface, SIREN's off-surface penalty against spurious zero sets,
 * and a distance prior from the points (nearest-point distance, signed by the nearest point's
 * tangent plane where that is clear); see {@link CloudSdfObjective} for the loss and its
 * finite-difference point gradients. The field is a sphere's distance plus the trained
 * {@link RbfField} ({@link SphereResidualField}: geometric initialisation).
 *
 * <ol>
 * <li>Checks the cloud (finite coordinates and normals, enough points); without normals, estimates
 *     them by PCA over {@value NormalEstimation#DEFAULT_K} neighbours and orients them along a
 *     minimum spanning tree ({@link NormalEstimation#estimateOriented}); the topmost point's normal
 *     points up, so a closed surface gets outward normals, i.e. the field is negative inside.</li>
 * <li>Box: the points' bounds grown by 10% of their diagonal on each side.</li>
 * <li>The sphere: centred at the points' centroid, radius their mean distance from it; the
 *     decoder's output layer starts small, so the field starts near the sphere's distance.</li>
 * <li>Kernels by k-means on the points (uniform weights: the inverse-|SDF| weights of the mesh case
 *     reduce to the points themselves); frozen. Kernel values go to zero with zero slope at the
 *     support boundary and the neighbour cap is set above the typical count, so the field's gradient
 *     is continuous where the gradient losses act.</li>
 * <li>Adam on random batches, cosine learning rate; the stencil step shrinks from 1.5 to 0.5 finest
 *     grid cells along a cosine.</li>
 * <li>The mesh by {@link SdfFit#extract} (sparse marching cubes on a narrow band); scores by
 *     {@link MeshMetrics} against a reference mesh when one is given (and the volume IoU by its
 *     winding number), otherwise against the input points.</li>
 * </ol>
 * Results are bit-identical for any thread count at a fixed step count.
 */
public final class CloudSdfFit {
    /** Points needed when normals are given. */
    public static final int MIN_POINTS = 16;
    /** Points needed to estimate normals. */
    public static final int MIN_POINTS_WITHOUT_NORMALS = 2 * NormalEstimation.DEFAULT_K;
    private static final float SUPPORT = 4f;
    private static final int NEIGHBOURS = 16;
    private static final int FINEST = 64;

    private CloudSdfFit() {
    }

    /**
     * @param timeBudgetSeconds seconds for checks, normals, initialisation and training ({@code <= 0}: none; then steps must be set)
     * @param steps             training steps ({@code 0}: as many as the budget allows)
     * @param kernels           RBF kernels (at most a quarter of the points)
     * @param batch             samples per step (each costs {@value CloudSdfObjective#STENCIL} field evaluations)
     * @param lr                peak learning rate (cosine to 1/10)
     * @param resolution        marching-cubes cells along the longest side of the box
     * @param metricSamples     surface samples of the scores ({@code 0}: no scores); also the uniform points of the IoU
     * @param threads           CPU threads ({@code <= 0}: all cores)
     * @param seed              random seed
     */
    public record Options(double timeBudgetSeconds, long steps, int kernels, int batch, double lr, int resolution,
            int metricSamples, int threads, long seed) {
        public Options {
            if (timeBudgetSeconds <= 0 && steps <= 0) throw new IllegalArgumentException("give a time budget or a step count");
            if (kernels < 1 || batch < 4) throw new IllegalArgumentException("kernels must be >= 1 and batch >= 4");
            if (!(lr > 0)) throw new IllegalArgumentException("learning rate " + lr + " must be > 0");
            if (resolution < 8) throw new IllegalArgumentException("resolution " + resolution + " < 8");
            if (metricSamples < 0) throw new IllegalArgumentException("metric samples " + metricSamples + " < 0");
        }

        /** 30 s, 8192 kernels, batch 1024, lr 5e-3, resolution 256, 100k metric samples. */
        public static Options defaults() {
            return new Options(30, 0, 8192, 1024, 5e-3, 256, 100_000, 0, 0);
        }

        public Options withBudget(double seconds, long stepCount) {
            return new Options(seconds, stepCount, kernels, batch, lr, resolution, metricSamples, threads, seed);
        }

        public Options withSize(int kernelCount, int batchSize) {
            return new Options(timeBudgetSeconds, steps, kernelCount, batchSize, lr, resolution, metricSamples, threads, seed);
        }

        public Options withLearningRate(double rate) {
            return new Options(timeBudgetSeconds, steps, kernels, batch, rate, resolution, metricSamples, threads, seed);
        }

        public Options withResolution(int r) {
            return new Options(timeBudgetSeconds, steps, kernels, batch, lr, r, metricSamples, threads, seed);
        }

        public Options withMetricSamples(int n) {
            return new Options(timeBudgetSeconds, steps, kernels, batch, lr, resolution, n, threads, seed);
        }

        public Options withThreads(int t) {
            return new Options(timeBudgetSeconds, steps, kernels, batch, lr, resolution, metricSamples, t, seed);
        }

        public Options withSeed(long s) {
            return new Options(timeBudgetSeconds, steps, kernels, batch, lr, resolution, metricSamples, threads, s);
        }
    }

    /**
     * @param mesh             the extracted zero level set (vertex normals from the field's gradient)
     * @param metrics          scores of {@code mesh} against the reference mesh, or against the input
     *                         points when there is none (then F-score and Chamfer are symmetric, and
     *                         distances are relative to the extracted mesh's diagonal); null when the
     *                         level set is empty or no scores were asked for
     * @param againstReference whether {@code metrics} compare with a reference mesh
     * @param iou              volume IoU against the reference mesh (winding number), NaN without one
     * @param field            the trained field: the sphere prior plus the trained {@link RbfField}; evaluates
     *                         on {@link CpuDevice#shared()}
     * @param normalsEstimated whether the cloud had no normals and they were estimated
     * @param parameters       stored parameter values
     * @param kernels          RBF kernels
     * @param steps            training steps taken
     * @param setupSeconds     checks, normals, k-means and setup seconds
     * @param trainSeconds     training seconds
     * @param surfaceError     mean {@code |f(p)|} over the input points, relative to the box diagonal
     * @param eikonalError     mean {@code ||grad f| - 1|} (analytic gradient) at uniform points of the box
     */
    public record Result(TriangleMesh mesh, MeshMetrics.Result metrics, boolean againstReference, double iou,
            SphereResidualField field, boolean normalsEstimated, long parameters, int kernels, long steps, double setupSeconds,
            double trainSeconds, double surfaceError, double eikonalError) {
    }

    /** Fits with no reference and no progress reporting. */
    public static Result fit(PointCloud cloud, Options o) {
        return fit(cloud, null, o, ProgressListener.none());
    }

    /**
     * Fits a signed distance field to {@code cloud}. Allocates the model, its buffers and the
     * output; does not modify {@code cloud} or {@code reference}.
     *
     * @param reference a mesh to score against, or null (then the input points are the reference)
     * @throws IllegalArgumentException for an empty cloud, a non-finite coordinate or normal (naming
     *         the point), a zero normal, too few points, or points that span no volume
     */
    public static Result fit(PointCloud cloud, TriangleMesh reference, Options o, ProgressListener listener) {
        Objects.requireNonNull(cloud, "cloud");
        long t0 = System.nanoTime();
        boolean estimate = !cloud.hasNormals();
        PointCloud pc = check(cloud);
        if (estimate) pc = NormalEstimation.estimateOriented(pc, NormalEstimation.DEFAULT_K);
        float[] p = pc.positions();
        float[] nrm = unitNormals(pc.normals());
        int n = pc.size();
        CpuDevice device = o.threads() > 0 ? CpuDevice.withThreads(o.threads()) : CpuDevice.shared();
        try {
            Bounds b = pc.bounds();
            double diag = b.diagonal();
            double pad = 0.1 * diag;
            float[] lo = {(float) (b.minX() - pad), (float) (b.minY() - pad), (float) (b.minZ() - pad)};
            float[] hi = {(float) (b.maxX() + pad), (float) (b.maxY() + pad), (float) (b.maxZ() + pad)};
            double longest = Math.max(hi[0] - lo[0], Math.max(hi[1] - lo[1], hi[2] - lo[2]));
            double cellFine = longest / FINEST;

            int k = Math.max(1, Math.min(o.kernels(), n / 4));
            float[] weights = new float[n];
            java.util.Arrays.fill(weights, 1f);
            double cell = diag / Math.cbrt(k) * 0.25;
            KMeansInit.Result km = KMeansInit.run(p, weights, 3, k, 2, cell * cell, 1.0, o.seed(), device);
            RbfFieldConfig cfg = new RbfFieldConfig(3, lo, hi, RbfKernel.INVERSE_QUADRATIC, SUPPORT, NEIGHBOURS, 16, 0f, 0f,
                    new int[] {16, 32, FINEST}, 2, new int[] {64}, 0f, 0f, 1, false, o.seed(), false);
            RbfField field = new RbfField(cfg, km.centers(), km.shapes());
            field.basis().setIndexMargin(1f); // frozen kernels: exact support boxes, fewer candidates per lookup
            smallOutputLayer(field);
            float[] c = centroid(p);
            SphereResidualField sdf = new SphereResidualField(new RbfDistanceField(field, device), c, (float) meanDistance(p, c));
            double hStart = 1.5 * cellFine, hEnd = 0.5 * cellFine;
            CloudSdfObjective objective = new CloudSdfObjective(field, sdf, p, nrm, lo, hi, CloudSdfObjective.Weights.defaults(),
                    o.batch(), hStart, 0.01 * diag, device);
            double setupSeconds = (System.nanoTime() - t0) * 1e-9;

            double budget = o.timeBudgetSeconds() > 0 ? o.timeBudgetSeconds() - setupSeconds : Double.POSITIVE_INFINITY;
            Training.Plan plan = new Training.Plan(o.steps(), budget);
            Adam adam = Training.cosineAdam(o.lr(), plan);
            Strategy after = Training.frozenKernelSteps(field, plan, done -> {
                double t = Math.clamp((double) done / plan.planned(), 0, 1);
                objective.setStep(hEnd + (hStart - hEnd) * 0.5 * (1 + Math.cos(Math.PI * t)));
            });
            TrainResult tr = Training.run(field, adam, objective, after, listener, o.seed(), o.steps(), budget);
            SphereResidualField df = sdf;

            float[] f = new float[n];
            df.evaluate(p, f, null);
            double se = 0;
            for (float v : f) se += Math.abs(v);
            se /= n * diag;
            int nu = 20_000;
            float[] u = SdfFit.uniform(nu, lo, hi, o.seed() + 5);
            float[] fu = new float[nu];
            float[] gu = new float[3 * nu];
            df.evaluate(u, fu, gu);
            double ee = 0;
            for (int i = 0; i < nu; i++) {
                ee += Math.abs(Math.sqrt((double) gu[3 * i] * gu[3 * i] + (double) gu[3 * i + 1] * gu[3 * i + 1]
                        + (double) gu[3 * i + 2] * gu[3 * i + 2]) - 1);
            }
            ee /= nu;

            TriangleMesh mesh = SdfFit.extract(df, lo, hi, o.resolution());
            MeshMetrics.Result metrics = null;
            double iou = Double.NaN;
            boolean empty = mesh.triangleCount() == 0 || !(mesh.area() > 0);
            if (o.metricSamples() > 0 && !empty) {
                MeshMetrics.Options mo = MeshMetrics.Options.defaults().withSamples(o.metricSamples());
                metrics = reference != null ? MeshMetrics.compare(mesh, reference, mo) : MeshMetrics.compare(pc, mesh, mo);
            }
            if (reference != null && o.metricSamples() > 0 && reference.triangleCount() > 0) {
                iou = volumeIou(df, WindingNumber.of(reference), lo, hi, o.metricSamples(), o.seed() + 4);
            }
            // the result evaluates on the shared pool: this run's own pool is shut down below
            SphereResidualField kept = new SphereResidualField(new RbfDistanceField(field, CpuDevice.shared()), df.centre(), df.radius());
            return new Result(mesh, metrics, reference != null, iou, kept, estimate, field.parameterCount(), k, tr.stepsRun(),
                    setupSeconds, tr.elapsedSeconds(), se, ee);
        } finally {
            device.close();
        }
    }

    /**
     * Geometric initialisation: the decoder's output layer starts at a hundredth of its random
     * weights and a zero bias, so the residual starts near zero and the field near the sphere.
     */
    static void smallOutputLayer(RbfField field) {
        int last = field.config().hidden().length;
        for (var b : field.params().blocks()) {
            if (b.name().equals("decoder." + last + ".weight")) {
                float[] v = b.value();
                for (int i = 0; i < v.length; i++) v[i] *= 0.01f;
            } else if (b.name().equals("decoder." + last + ".bias")) {
                java.util.Arrays.fill(b.value(), 0f);
            }
        }
        field.parametersChanged(false);
    }

    /** Mean of {@code p (N, 3)}. */
    static float[] centroid(float[] p) {
        double x = 0, y = 0, z = 0;
        int n = p.length / 3;
        for (int i = 0; i < n; i++) {
            x += p[3 * i];
            y += p[3 * i + 1];
            z += p[3 * i + 2];
        }
        return new float[] {(float) (x / n), (float) (y / n), (float) (z / n)};
    }

    /** Mean distance of {@code p (N, 3)} from {@code c (3)}. */
    static double meanDistance(float[] p, float[] c) {
        double s = 0;
        int n = p.length / 3;
        for (int i = 0; i < n; i++) {
            double dx = p[3 * i] - c[0], dy = p[3 * i + 1] - c[1], dz = p[3 * i + 2] - c[2];
            s += Math.sqrt(dx * dx + dy * dy + dz * dz);
        }
        return s / n;
    }

    /** Inside by the winding number (above 1/2) against inside by the field (below 0), on uniform points. */
    static double volumeIou(DistanceField df, WindingNumber wn, float[] lo, float[] hi, int samples, long seed) {
        float[] q = SdfFit.uniform(samples, lo, hi, seed);
        float[] w = new float[samples];
        wn.evaluate(q, w);
        float[] f = new float[samples];
        df.evaluate(q, f, null);
        long inter = 0, union = 0;
        for (int i = 0; i < samples; i++) {
            boolean a = w[i] > 0.5f, b = f[i] < 0f;
            if (a && b) inter++;
            if (a || b) union++;
        }
        return union == 0 ? 1.0 : (double) inter / union;
    }

    /**
     * Checks a cloud for fitting and returns it (the same object).
     *
     * @throws IllegalArgumentException for an empty cloud, too few points (with or without normals),
     *         a non-finite coordinate or normal, a zero normal, or points that span no volume
     */
    public static PointCloud check(PointCloud cloud) {
        int n = cloud.size();
        if (n == 0) throw new IllegalArgumentException("the point cloud is empty");
        float[] p = cloud.positions();
        for (int i = 0; i < n; i++) {
            float x = p[3 * i], y = p[3 * i + 1], z = p[3 * i + 2];
            if (!Float.isFinite(x) || !Float.isFinite(y) || !Float.isFinite(z)) {
                throw new IllegalArgumentException("point " + i + ": coordinates (" + x + ", " + y + ", " + z
                        + ") are not finite");
            }
        }
        if (cloud.hasNormals()) {
            if (n < MIN_POINTS) throw new IllegalArgumentException(n + " points: at least " + MIN_POINTS + " are needed");
            float[] nr = cloud.normals();
            for (int i = 0; i < n; i++) {
                float x = nr[3 * i], y = nr[3 * i + 1], z = nr[3 * i + 2];
                if (!Float.isFinite(x) || !Float.isFinite(y) || !Float.isFinite(z)) {
                    throw new IllegalArgumentException("point " + i + ": normal (" + x + ", " + y + ", " + z + ") is not finite");
                }
                if (x == 0f && y == 0f && z == 0f) throw new IllegalArgumentException("point " + i + ": normal (0, 0, 0) has no direction");
            }
        } else if (n < MIN_POINTS_WITHOUT_NORMALS) {
            throw new IllegalArgumentException(n + " points without normals: at least " + MIN_POINTS_WITHOUT_NORMALS
                    + " are needed to estimate normals (or give oriented normals, e.g. a .pwn file)");
        }
        Bounds b = cloud.bounds();
        if (!(b.diagonal() > 0)) throw new IllegalArgumentException("the points span no volume (all at one place)");
        return cloud;
    }

    /** Unit-length copies of {@code normals (N, 3)}; allocates them. */
    static float[] unitNormals(float[] normals) {
        float[] u = new float[normals.length];
        for (int i = 0; i < normals.length; i += 3) {
            double x = normals[i], y = normals[i + 1], z = normals[i + 2];
            double l = Math.sqrt(x * x + y * y + z * z);
            u[i] = (float) (x / l);
            u[i + 1] = (float) (y / l);
            u[i + 2] = (float) (z / l);
        }
        return u;
    }
}
