package kernelfield.reconstruction.nvs.volsdf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import kernelfield.engine.compute.CpuDevice;
import kernelfield.engine.data.Camera;
import kernelfield.engine.data.CameraDataset;
import kernelfield.engine.data.FloatImage;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.geometry.MeshMetrics;
import kernelfield.engine.geometry.SampleGrid;
import kernelfield.engine.geometry.SparseMarchingCubes;
import kernelfield.engine.io.AtomicFiles;
import kernelfield.engine.io.Images;
import kernelfield.engine.io.MeshIO;
import kernelfield.engine.optim.Adam;
import kernelfield.engine.optim.JsonLinesLog;
import kernelfield.engine.optim.LearningRateSchedule;
import kernelfield.engine.optim.ParamBlock;
import kernelfield.engine.optim.ParamSet;
import kernelfield.engine.optim.ProgressListener;
import kernelfield.engine.optim.SeededRandom;
import kernelfield.engine.optim.StepContext;
import kernelfield.engine.optim.StepResult;
import kernelfield.engine.optim.Strategy;
import kernelfield.engine.optim.TrainResult;
import kernelfield.engine.optim.Trainer;
import kernelfield.fields.rbf.KMeansInit;
import kernelfield.fields.rbf.RbfField;
import kernelfield.fields.rbf.RbfFieldConfig;
import kernelfield.fields.rbf.RbfKernel;
import kernelfield.reconstruction.nvs.NvsEvaluation;
import kernelfield.reconstruction.nvs.NvsImages;

/**
 * Radiance from posed images with an SDF (VolSDF) and RBF appearance ({@code kf train --method rbf}).
 *
 * <p><b>Model</b> ({@link VolSdfField}): one {@link RbfField} in 3D (kernels placed by k-means on
 * the masks' visual hull, plus a dense multi-resolution grid, decoded by a small MLP) whose
 * output 0 is the signed distance {@code d(x)} and whose other outputs are the colour's
 * spherical-harmonic coefficients; density {@code sigma = Psi_beta(-d) / beta} (the Laplace CDF,
 * {@link VolumeRendering}), {@code beta} learned as {@code log beta} with a floor.
 *
 * <p><b>Initialization</b>: with RGBA training images, the visual hull of their alpha masks is
 * carved on the sampler's lattice; the distance is pre-fitted for a few hundred steps to the
 * hull's signed distance (without masks: to a sphere's, {@code |x| - r}), and the hull (one cell
 * grown) bounds where samples go and where the mesh is extracted.
 *
 * <p><b>Sampling</b> ({@link SdfCache}): the SDF cached on a lattice (64^3 by default),
 * refreshed every {@code refreshEvery} steps; along each ray samples every {@code dt} where the
 * cached distance lies within {@code (-bandIn, bandOut)}, {@code bandOut = max(4 beta, cell)},
 * {@code bandIn = max(6 beta, cell)}, ending {@code bandIn} behind the first zero crossing; so
 * the band narrows as {@code beta} does, and rays that miss it cost nothing.
 *
 * <p><b>Loss</b> per step, over {@code raysPerStep} random pixels of random training views: L1
 * of the colour against the image composited over the background; L1 of the opacity against
 * alpha (RGBA images, NeuS "with mask"); the Eikonal term {@code (|grad d| - 1)^2} with the
 * gradient by central differences (every parameter gradient stays first order) at uniform
 * points in the cube and at the highest-weight sample of some rays. Every backward is analytic.
 * Rays are cut into {@value #SLOTS} fixed slots, each with its own gradient buffer, added in slot
 * order: results do not depend on the thread count.
 *
 * <p><b>Outputs</b> of {@link #run}: {@code OUT/metrics.json} (test PSNR and SSIM per view and
 * mean, time, steps, parameters, mesh scores), {@code OUT/test/<image>.png}, {@code OUT/mesh.ply}
 * (marching cubes on the SDF; scored against the dataset's {@code mesh.ply} when there is one),
 * {@code OUT/log.jsonl}, {@code OUT/curve.csv} and {@code OUT/curve.png} when curve points were asked for.
 */
public final class VolSdfTraining implements AutoCloseable {
    static final int SLOTS = 2;
    static final int CAP = 2048;
    static final int MAX_SAMPLES = 96;
    private static final int WARMUP_STEPS = 100;

    private final VolSdfOptions options;
    private final CpuDevice device;
    private final boolean ownDevice;
    private final List<CameraDataset.View> trainViews;
    private final List<CameraDataset.View> testViews;
    private final View[] views;
    private final boolean masks;
    private final VolSdfField model;
    private final RbfField field;
    private final SdfCache cache;
    private final int[] neededVertices;
    private final float[] neededPositions;
    private final float dtMin;
    /** Signed distance to the visual hull at the cache's cell centres, or null without masks. */
    private final float[] hullSdf;
    private final float[] kernelPoints;
    private final ParamSet params;
    private final Objective objective;
    private final Trainer trainer;
    private final Deadline deadline = new Deadline();
    private final Forward forward = new Forward();
    private final ThreadLocal<Packet> renderPackets;
    private long plannedSteps;
    private double lastPlanTime;
    private long lastPlanStep;
    private final long createdNanos = System.nanoTime();
    private double setupSeconds;

    /** A training view at the training resolution. */
    static final class View {
        final int w, h;
        final float fx, fy, cx, cy;
        final float[] c2w = new float[9];
        final float ox, oy, oz;
        final float[] rgb; // (h, w, 3) over the background
        final float[] alpha; // (h, w), or null

        View(Camera c, float[] rgb, float[] alpha) {
            w = c.width();
            h = c.height();
            fx = (float) c.fx();
            fy = (float) c.fy();
            cx = (float) c.cx();
            cy = (float) c.cy();
            double[] r = c.rotation();
            for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) c2w[3 * j + i] = (float) r[3 * i + j];
            double[] o = c.center();
            ox = (float) o[0];
            oy = (float) o[1];
            oz = (float) o[2];
            this.rgb = rgb;
            this.alpha = alpha;
        }

        /** Unit direction of pixel {@code p} into {@code d[0..3)}. */
        void direction(int p, float[] d, int off) {
            float x = ((p % w) + 0.5f - cx) / fx, y = ((p / w) + 0.5f - cy) / fy;
            float a = c2w[0] * x + c2w[1] * y + c2w[2];
            float b = c2w[3] * x + c2w[4] * y + c2w[5];
            float c = c2w[6] * x + c2w[7] * y + c2w[8];
            float inv = (float) (1 / Math.sqrt(a * a + b * b + c * c));
            d[off] = a * inv;
            d[off + 1] = b * inv;
            d[off + 2] = c * inv;
        }
    }

    private VolSdfTraining(VolSdfOptions o, List<CameraDataset.View> train, List<CameraDataset.View> test, View[] views,
            boolean masks, CpuDevice device, boolean ownDevice) {
        this.options = o;
        this.device = device;
        this.ownDevice = ownDevice;
        this.trainViews = List.copyOf(train);
        this.testViews = List.copyOf(test);
        this.views = views;
        this.masks = masks;
        float bound = o.bound();
        this.dtMin = 2 * bound / 512;
        this.cache = new SdfCache(o.gridResolution(), bound);
        boolean[] hull = masks ? visualHull(cache, views, device) : null;
        float[] kernelPoints = hull != null ? hullSurface(cache, hull) : spherePoints(o.sphereRadius(), 20_000, o.seed());
        this.hullSdf = hull != null ? cache.signedDistance(hull) : null;
        this.kernelPoints = kernelPoints;
        if (hull != null) cache.setHull(hull, 1);
        // vertices of hull cells: the only ones the sampler reads
        int m = o.gridResolution() + 1;
        int total = m * m * m;
        int cnt = 0;
        int[] need = new int[total];
        for (int v = 0; v < total; v++) if (cache.vertexNeeded(v)) need[cnt++] = v;
        this.neededVertices = java.util.Arrays.copyOf(need, cnt);
        float[] all = cache.vertexPositions();
        this.neededPositions = new float[3 * cnt];
        for (int i = 0; i < cnt; i++) System.arraycopy(all, 3 * neededVertices[i], neededPositions, 3 * i, 3);

        float[] lo = {-bound, -bound, -bound}, hi = {bound, bound, bound};
        int outputs = 1 + o.colourOutputs();
        RbfFieldConfig cfg = new RbfFieldConfig(3, lo, hi, RbfKernel.INVERSE_QUADRATIC, 4f, 8, o.channels(), 0f, 0f,
                o.gridLevels(), o.gridFeatures(), o.hidden(), 0f, 0f, outputs, false, o.seed(), false);
        RbfField f;
        if (o.kernels() > 0) {
            int np = kernelPoints.length / 3;
            int k = Math.max(1, Math.min(o.kernels(), np / 2));
            float[] wts = new float[np];
            java.util.Arrays.fill(wts, 1f);
            double cell = 2 * bound * Math.sqrt(3) / Math.cbrt(k) * 0.25;
            KMeansInit.Result km = KMeansInit.run(kernelPoints, wts, 3, k, 2, cell * cell, 1.0, o.seed(), device);
            f = new RbfField(cfg, km.centers(), km.shapes());
        } else {
            f = new RbfField(cfg, new float[0], new float[0]);
        }
        this.field = f;
        this.model = new VolSdfField(f, o.betaInit(), dtMin / 4, o.shDegree());
        this.params = new ParamSet();
        for (ParamBlock b : f.params().blocks()) params.add(b);
        params.add(model.logBeta());
        this.objective = new Objective();
        this.renderPackets = ThreadLocal.withInitial(() -> new Packet(false));

        this.plannedSteps = o.iterations() > 0 ? o.iterations() : 2000;
        LearningRateSchedule sched = step -> schedule(o.lr(), step);
        Adam adam = new Adam(0.9, 0.99, 1e-15).setSchedule("features", sched).setSchedule("decoder", sched)
                .setSchedule("kernels", LearningRateSchedule.constant(0)).setLearningRate("beta", o.betaLr());
        Trainer.Builder tb = Trainer.builder(params, adam, objective).strategy(new AfterStep()).strategy(deadline)
                .listener(forward).seed(o.seed());
        if (o.iterations() > 0) tb.maxSteps(o.iterations());
        if (Double.isFinite(o.timeBudgetSeconds())) tb.timeBudget(java.time.Duration.ofNanos((long) (o.timeBudgetSeconds() * 1e9) + 1));
        this.trainer = tb.build();
    }

    /** Warm-up, then cosine from {@code lr} to {@code lr / 10} over the planned steps. */
    private double schedule(double lr, long step) {
        if (step < WARMUP_STEPS) return lr * (step + 1) / WARMUP_STEPS;
        double p = Math.min(1.0, (double) (step - WARMUP_STEPS) / Math.max(1, plannedSteps - WARMUP_STEPS));
        return lr * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * p)));
    }

    /**
     * Prepares a session: reads the training images at the resolution scale, carves the visual
     * hull, places the kernels, pre-fits the sphere and fills the sampler's cache. Allocates the
     * images, the model and its buffers.
     *
     * @throws IllegalArgumentException when the dataset has no training views
     */
    public static VolSdfTraining create(CameraDataset ds, VolSdfOptions o) throws IOException {
        List<CameraDataset.View> train = NvsEvaluation.split(ds, "train");
        List<CameraDataset.View> test = NvsEvaluation.split(ds, "test");
        if (train.isEmpty()) throw new IllegalArgumentException(ds.root() + ": no training views");
        View[] vs = new View[train.size()];
        boolean allAlpha = true;
        float[] bg = o.background();
        for (int i = 0; i < vs.length; i++) {
            CameraDataset.View v = train.get(i);
            Camera c = NvsImages.scaledCamera(v.camera(), o.resolutionScale());
            FloatImage img = NvsImages.read(v.image(), v.camera().width(), v.camera().height(), c.width(), c.height());
            boolean a = img.channels() == 4;
            allAlpha &= a;
            FloatImage rgb = NvsImages.rgbOver(img, bg);
            float[] alpha = null;
            if (a) {
                alpha = new float[c.width() * c.height()];
                for (int p = 0; p < alpha.length; p++) alpha[p] = img.data()[4 * p + 3];
            }
            vs[i] = new View(c, rgb.data(), alpha);
        }
        CpuDevice dev = o.threads() > 0 ? CpuDevice.withThreads(o.threads()) : CpuDevice.shared();
        VolSdfTraining t = new VolSdfTraining(o, train, test, vs, allAlpha, dev, o.threads() > 0);
        t.prefit();
        t.refreshCache();
        t.setupSeconds = (System.nanoTime() - t.createdNanos) * 1e-9;
        return t;
    }

    /** The options. */
    public VolSdfOptions options() {
        return options;
    }

    /** The model being trained (live). */
    public VolSdfField model() {
        return model;
    }

    /** Held-out views. */
    public List<CameraDataset.View> testViews() {
        return testViews;
    }

    /** Training views (full-size cameras). */
    public List<CameraDataset.View> trainViews() {
        return trainViews;
    }

    /** Steps taken so far. */
    public long step() {
        return trainer.step();
    }

    /** Whether the training images had alpha (mask loss and visual hull in use). */
    public boolean usesMasks() {
        return masks;
    }

    /** Seconds spent in {@link #create} (images, hull, kernels, sphere pre-fit). */
    public double setupSeconds() {
        return setupSeconds;
    }

    /**
     * Trains until the iteration count or for about {@code seconds} more of training time,
     * whichever comes first; may be called again to continue. Modifies the model.
     *
     * @param listener told of every step; not closed
     */
    public TrainResult train(double seconds, ProgressListener listener) throws IOException {
        deadline.set(seconds);
        forward.delegate = listener == null ? ProgressListener.none() : listener;
        try {
            return trainer.run();
        } finally {
            forward.delegate = ProgressListener.none();
        }
    }

    /** Whether the last {@link #train} stopped on its time limit. */
    public boolean stoppedOnTime() {
        return deadline.hit;
    }

    // ---------------------------------------------------------------- sampling parameters

    private float bandOut(double beta) {
        return (float) Math.max(4 * beta, cache.cell);
    }

    private float bandIn(double beta) {
        return (float) Math.max(6 * beta, cache.cell);
    }

    private float stepLength(double beta) {
        return Math.max(dtMin, (bandOut(beta) + bandIn(beta)) / options.samplesPerBand());
    }

    /** Re-evaluates the cached SDF at the lattice vertices the sampler reads and marks active cells. */
    void refreshCache() {
        int cnt = neededVertices.length;
        float[] vals = new float[cnt];
        model.evaluate(neededPositions, cnt, 0, vals, device);
        int m = cache.n + 1;
        float[] full = new float[m * m * m];
        java.util.Arrays.fill(full, 2 * options.bound());
        for (int i = 0; i < cnt; i++) full[neededVertices[i]] = vals[i];
        double beta = model.beta();
        cache.setSdf(full, bandOut(beta), bandIn(beta));
    }

    // ---------------------------------------------------------------- visual hull and init

    /** Cells whose centre projects onto alpha >= 0.02 in every view that sees it. */
    static boolean[] visualHull(SdfCache cache, View[] views, CpuDevice device) {
        float[] c = cache.cellCentres();
        int n = c.length / 3;
        boolean[] in = new boolean[n];
        device.parallelFor(n, 4096, (ch, s, e) -> {
            for (int i = s; i < e; i++) {
                boolean keep = true;
                for (View v : views) {
                    float x = c[3 * i] - v.ox, y = c[3 * i + 1] - v.oy, z = c[3 * i + 2] - v.oz;
                    // camera coordinates: R (x - o), R = c2w^T
                    float xc = v.c2w[0] * x + v.c2w[3] * y + v.c2w[6] * z;
                    float yc = v.c2w[1] * x + v.c2w[4] * y + v.c2w[7] * z;
                    float zc = v.c2w[2] * x + v.c2w[5] * y + v.c2w[8] * z;
                    if (zc <= 1e-6f) continue;
                    float u = v.fx * xc / zc + v.cx, w = v.fy * yc / zc + v.cy;
                    int pu = (int) Math.floor(u), pv = (int) Math.floor(w);
                    if (pu < 0 || pv < 0 || pu >= v.w || pv >= v.h) continue;
                    if (v.alpha[pv * v.w + pu] < 0.02f) {
                        keep = false;
                        break;
                    }
                }
                in[i] = keep;
            }
        });
        return in;
    }

    /** Centres of hull cells with an outside neighbour (the hull's surface), {@code (M, 3)}. */
    static float[] hullSurface(SdfCache cache, boolean[] hull) {
        int n = cache.n;
        float[] c = cache.cellCentres();
        kernelfield.engine.util.FloatList out = new kernelfield.engine.util.FloatList(1024);
        for (int k = 0; k < n; k++) {
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < n; i++) {
                    int idx = (k * n + j) * n + i;
                    if (!hull[idx]) continue;
                    boolean border = i == 0 || j == 0 || k == 0 || i == n - 1 || j == n - 1 || k == n - 1
                            || !hull[idx - 1] || !hull[idx + 1] || !hull[idx - n] || !hull[idx + n] || !hull[idx - n * n]
                            || !hull[idx + n * n];
                    if (border) {
                        out.add(c[3 * idx]);
                        out.add(c[3 * idx + 1]);
                        out.add(c[3 * idx + 2]);
                    }
                }
            }
        }
        if (out.size() < 72) return spherePoints(0.5f, 20_000, 0);
        return out.toArray();
    }

    static float[] spherePoints(float r, int n, long seed) {
        SeededRandom rnd = new SeededRandom(seed ^ 0x51ce);
        float[] p = new float[3 * n];
        for (int i = 0; i < n; i++) {
            double x = rnd.nextGaussian(), y = rnd.nextGaussian(), z = rnd.nextGaussian();
            double l = Math.max(1e-9, Math.sqrt(x * x + y * y + z * z));
            p[3 * i] = (float) (r * x / l);
            p[3 * i + 1] = (float) (r * y / l);
            p[3 * i + 2] = (float) (r * z / l);
        }
        return p;
    }

    /**
     * Geometric initialization: fits output 0 by L1, {@code initSteps} Adam steps on random points
     * (half uniform in the cube, half near the target surface), to the signed distance of the
     * visual hull when there are masks, else to the sphere's {@code |x| - r}; then clears the Adam
     * state. This also gets the hot code compiled before the clock starts.
     */
    private void prefit() {
        int steps = options.initSteps();
        if (steps <= 0) return;
        SeededRandom rnd = new SeededRandom(options.seed() ^ 0xA11CEL);
        int batch = 2048;
        float r = options.sphereRadius(), b = options.bound();
        float[] pts = new float[3 * batch];
        float[] target = new float[batch];
        Adam adam = new Adam(0.9, 0.99, 1e-15).setLearningRate("features", 5e-3).setLearningRate("decoder", 5e-3)
                .setLearningRate("kernels", 0).setLearningRate("beta", 0);
        int np = kernelPoints.length / 3;
        ParamSet ps = field.params();
        int outs = field.config().outputs();
        for (int s = 0; s < steps; s++) {
            for (int i = 0; i < batch; i++) {
                if ((i & 1) == 0) {
                    for (int d = 0; d < 3; d++) pts[3 * i + d] = (rnd.nextFloat() * 2 - 1) * b;
                } else if (hullSdf != null) {
                    int k = rnd.nextInt(np);
                    for (int d = 0; d < 3; d++) pts[3 * i + d] = kernelPoints[3 * k + d] + (float) (0.05 * rnd.nextGaussian());
                } else {
                    double x = rnd.nextGaussian(), y = rnd.nextGaussian(), z = rnd.nextGaussian();
                    double l = Math.max(1e-9, Math.sqrt(x * x + y * y + z * z));
                    double rr = r + 0.1 * rnd.nextGaussian();
                    pts[3 * i] = (float) (rr * x / l);
                    pts[3 * i + 1] = (float) (rr * y / l);
                    pts[3 * i + 2] = (float) (rr * z / l);
                }
                float x = pts[3 * i], y = pts[3 * i + 1], z = pts[3 * i + 2];
                target[i] = hullSdf != null ? cache.cellValue(hullSdf, x, y, z) : (float) Math.sqrt(x * x + y * y + z * z) - r;
            }
            ps.zeroGrad();
            objective.slotsRun(batch, (slot, start, end) -> {
                Packet p = objective.packets[slot];
                for (int i = start; i < end; i += 256) {
                    int m = Math.min(256, end - i);
                    field.forward(p.ws, pts, 3 * i, m);
                    float[] y = p.ws.output();
                    java.util.Arrays.fill(p.dOut, 0, m * outs, 0f);
                    for (int t = 0; t < m; t++) {
                        float e = y[t * outs] - target[i + t];
                        p.dOut[t * outs] = e > 0 ? 1f / batch : e < 0 ? -1f / batch : 0f;
                    }
                    field.backward(p.ws, pts, 3 * i, m, p.dOut, p.grad, null, 0);
                }
            });
            field.addGradients(objective.grads, device, true);
            adam.step(ps, s);
            field.parametersChanged(false);
        }
        for (ParamBlock blk : ps.blocks()) {
            if (!blk.differentiable()) continue;
            blk.zeroMoments();
            blk.setAdamSteps(0);
        }
    }

    // ---------------------------------------------------------------- the step

    /** Per-slot buffers of a packet of rays. */
    final class Packet {
        final RbfField.Workspace ws = field.workspace(CAP);
        final int outs = field.config().outputs();
        final float[] pts = new float[3 * CAP];
        final float[] ts = new float[CAP];
        final float[] dOut = new float[CAP * outs];
        final double[] sdf = new double[CAP];
        final double[] rgb = new double[3 * CAP];
        final double[] delta = new double[CAP];
        final double[] dSdf = new double[CAP];
        final double[] dRgb = new double[3 * CAP];
        final int[] start = new int[CAP];
        final int[] count = new int[CAP];
        final int[] ray = new int[CAP];
        final float[] dir = new float[3 * CAP];
        final VolumeRendering.Ray vr = new VolumeRendering.Ray(MAX_SAMPLES);
        final double[] dc = new double[3];
        final float[] grad;
        int rays;
        int n;

        Packet(boolean withGradient) {
            grad = withGradient ? new float[field.gradientLength()] : null;
        }

        /**
         * Fills the packet with rays {@code next, next+1, ...} (ray {@code i}: view {@code view[i]},
         * pixel {@code pix[i]}) until the next one might not fit; samples them and evaluates the
         * field. Returns the index of the first ray not taken.
         */
        int fill(View[] vs, int next, int end, int[] view, int[] pix, float[] jit, float dt, float bo, float bi) {
            rays = 0;
            n = 0;
            float[] d = dir;
            while (next < end && n + MAX_SAMPLES <= CAP && rays < CAP) {
                View v = vs[view[next]];
                v.direction(pix[next], d, 3 * rays);
                float dx = d[3 * rays], dy = d[3 * rays + 1], dz = d[3 * rays + 2];
                int c = cache.sample(v.ox, v.oy, v.oz, dx, dy, dz, jit[next], dt, bo, bi, MAX_SAMPLES, ts, n);
                for (int k = n; k < n + c; k++) {
                    pts[3 * k] = v.ox + ts[k] * dx;
                    pts[3 * k + 1] = v.oy + ts[k] * dy;
                    pts[3 * k + 2] = v.oz + ts[k] * dz;
                    delta[k] = dt;
                }
                start[rays] = n;
                count[rays] = c;
                ray[rays] = next;
                rays++;
                n += c;
                next++;
            }
            if (n > 0) field.forward(ws, pts, 0, n);
            return next;
        }

        /** Composites ray {@code r} of the packet from the last forward; colour in {@code vr}. */
        void composite(int r, double beta, double[] bg) {
            int s0 = start[r], c = count[r];
            float[] y = ws.output();
            float dx = dir[3 * r], dy = dir[3 * r + 1], dz = dir[3 * r + 2];
            for (int k = s0; k < s0 + c; k++) {
                sdf[k] = y[k * outs];
                model.colour(y, k * outs, dx, dy, dz, rgb, 3 * k);
            }
            VolumeRendering.forward(vr, c, sdf, rgb, delta, s0, 3 * s0, beta, bg);
        }
    }

    private final class Objective implements kernelfield.engine.optim.Objective {
        final Packet[] packets = new Packet[SLOTS];
        final float[][] grads = new float[SLOTS][];
        final double[] loss = new double[SLOTS], sq = new double[SLOTS], dBeta = new double[SLOTS], eik = new double[SLOTS];
        final long[] samples = new long[SLOTS];
        final int[] hits = new int[SLOTS];
        final int[] eikCount = new int[SLOTS];
        final float[][] eikPts = new float[SLOTS][];
        int[] view, pix;
        float[] jit;
        float[] eikAll;
        final double[] background = {options.background()[0], options.background()[1], options.background()[2]};

        Objective() {
            for (int s = 0; s < SLOTS; s++) {
                packets[s] = new Packet(true);
                grads[s] = packets[s].grad;
            }
            ensure(options.raysPerStep());
        }

        void ensure(int rays) {
            if (view != null && view.length >= rays) return;
            view = new int[rays];
            pix = new int[rays];
            jit = new float[rays];
            int per = Math.max(16, rays / 8 / SLOTS);
            for (int s = 0; s < SLOTS; s++) eikPts[s] = new float[3 * per];
            eikAll = new float[3 * (per * SLOTS + rays / 16 + 16)];
        }

        void slotsRun(int n, CpuDevice.SlotBody body) {
            device.parallelForSlots(n, 16, SLOTS, body);
        }

        @Override
        public StepResult evaluate(StepContext ctx) {
            SeededRandom rnd = ctx.random();
            int rays = options.raysPerStep();
            for (int i = 0; i < rays; i++) {
                int v = rnd.nextInt(views.length);
                view[i] = v;
                pix[i] = rnd.nextInt(views[v].w * views[v].h);
                jit[i] = rnd.nextFloat();
            }
            int uniform = rays / 16;
            float b = options.bound();
            for (int i = 0; i < uniform; i++) {
                for (int d = 0; d < 3; d++) eikAll[3 * i + d] = (rnd.nextFloat() * 2 - 1) * b;
            }
            double beta = model.beta();
            float dt = stepLength(beta), bo = bandOut(beta), bi = bandIn(beta);
            double[] bg = background;
            double mw = masks ? options.maskWeight() : 0;
            slotsRun(rays, (slot, s, e) -> {
                Packet p = packets[slot];
                double l = 0, q = 0, db = 0;
                long smp = 0;
                int hit = 0, ne = 0;
                float[] ep = eikPts[slot];
                double[] dc = p.dc;
                int i = s;
                while (i < e) {
                    i = p.fill(views, i, e, view, pix, jit, dt, bo, bi);
                    for (int r = 0; r < p.rays; r++) {
                        p.composite(r, beta, bg);
                        int ri = p.ray[r];
                        View v = views[view[ri]];
                        int px = pix[ri];
                        double dO = 0;
                        for (int c = 0; c < 3; c++) {
                            double err = p.vr.colour[c] - v.rgb[3 * px + c];
                            l += Math.abs(err) / 3;
                            q += err * err / 3;
                            dc[c] = Math.signum(err) / (3.0 * rays);
                        }
                        if (mw > 0) {
                            double eo = p.vr.opacity - v.alpha[px];
                            l += mw * Math.abs(eo);
                            dO = mw * Math.signum(eo) / rays;
                        }
                        int c0 = p.count[r], s0 = p.start[r];
                        if (c0 == 0) continue;
                        hit++;
                        smp += c0;
                        db += VolumeRendering.backward(p.vr, p.sdf, p.rgb, p.delta, s0, 3 * s0, beta, bg, dc, dO, p.dSdf, p.dRgb);
                        float dx = p.dir[3 * r], dy = p.dir[3 * r + 1], dz = p.dir[3 * r + 2];
                        int best = s0;
                        double bw = -1;
                        for (int k = s0; k < s0 + c0; k++) {
                            p.dOut[k * p.outs] = (float) p.dSdf[k];
                            model.colourBackward(p.rgb, p.dRgb, 3 * k, dx, dy, dz, p.dOut, k * p.outs);
                            double w = p.vr.weight(k - s0);
                            if (w > bw) {
                                bw = w;
                                best = k;
                            }
                        }
                        if ((hit & 1) == 0 && 3 * ne < ep.length) {
                            System.arraycopy(p.pts, 3 * best, ep, 3 * ne, 3);
                            ne++;
                        }
                    }
                    if (p.n > 0) field.backward(p.ws, p.pts, 0, p.n, p.dOut, p.grad, null, 0);
                }
                loss[slot] = l;
                sq[slot] = q;
                dBeta[slot] = db;
                samples[slot] = smp;
                hits[slot] = hit;
                eikCount[slot] = ne;
            });
            // Eikonal term on the uniform points and the slots' surface points, in slot order
            int ne = uniform;
            for (int s = 0; s < SLOTS; s++) {
                System.arraycopy(eikPts[s], 0, eikAll, 3 * ne, 3 * eikCount[s]);
                ne += eikCount[s];
            }
            int total = ne;
            double lam = options.eikonalWeight();
            float h = 2 * options.bound() / 256;
            slotsRun(total, (slot, s, e) -> {
                Packet p = packets[slot];
                int outs = p.outs;
                double el = 0;
                int per = CAP / 6;
                for (int i = s; i < e; i += per) {
                    int m = Math.min(per, e - i);
                    for (int t = 0; t < m; t++) {
                        int src = 3 * (i + t);
                        for (int a = 0; a < 3; a++) {
                            for (int sgn = 0; sgn < 2; sgn++) {
                                int dst = 3 * (6 * t + 2 * a + sgn);
                                p.pts[dst] = eikAll[src];
                                p.pts[dst + 1] = eikAll[src + 1];
                                p.pts[dst + 2] = eikAll[src + 2];
                                p.pts[dst + a] += sgn == 0 ? h : -h;
                            }
                        }
                    }
                    int n = 6 * m;
                    field.forward(p.ws, p.pts, 0, n);
                    float[] y = p.ws.output();
                    java.util.Arrays.fill(p.dOut, 0, n * outs, 0f);
                    for (int t = 0; t < m; t++) {
                        double gx = (y[(6 * t) * outs] - y[(6 * t + 1) * outs]) / (2 * h);
                        double gy = (y[(6 * t + 2) * outs] - y[(6 * t + 3) * outs]) / (2 * h);
                        double gz = (y[(6 * t + 4) * outs] - y[(6 * t + 5) * outs]) / (2 * h);
                        double norm = Math.sqrt(gx * gx + gy * gy + gz * gz);
                        el += (norm - 1) * (norm - 1);
                        double f = norm > 1e-12 ? lam * 2 * (norm - 1) / norm / total / (2 * h) : 0;
                        p.dOut[(6 * t) * outs] = (float) (f * gx);
                        p.dOut[(6 * t + 1) * outs] = (float) (-f * gx);
                        p.dOut[(6 * t + 2) * outs] = (float) (f * gy);
                        p.dOut[(6 * t + 3) * outs] = (float) (-f * gy);
                        p.dOut[(6 * t + 4) * outs] = (float) (f * gz);
                        p.dOut[(6 * t + 5) * outs] = (float) (-f * gz);
                    }
                    field.backward(p.ws, p.pts, 0, n, p.dOut, p.grad, null, 0);
                }
                eik[slot] = el;
            });
            field.addGradients(grads, device, true);
            double l = 0, q = 0, db = 0, el = 0;
            long smp = 0;
            int hit = 0;
            for (int s = 0; s < SLOTS; s++) {
                l += loss[s];
                q += sq[s];
                db += dBeta[s];
                el += eik[s];
                smp += samples[s];
                hit += hits[s];
            }
            model.logBeta().grad()[0] += (float) (db * beta);
            double eikMean = total > 0 ? el / total : 0;
            double lossTotal = l / rays + lam * eikMean;
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("psnr", -10 * Math.log10(Math.max(q / rays, 1e-12)));
            metrics.put("beta", beta);
            metrics.put("eikonal", eikMean);
            metrics.put("samples_per_hit", hit > 0 ? (double) smp / hit : 0.0);
            metrics.put("hit_rays", (double) hit);
            return new StepResult(lossTotal, metrics, null);
        }
    }

    private final class AfterStep implements Strategy {
        @Override
        public void afterStep(StepContext ctx, StepResult r) {
            field.parametersChanged(false);
            model.clampBeta();
            long done = ctx.step() + 1;
            if (done % options.refreshEvery() == 0) refreshCache();
            if (options.iterations() <= 0 || Double.isFinite(options.timeBudgetSeconds())) replan(done);
        }
    }

    /** Re-estimates the schedule's length every 20 steps from the recent speed and the time left. */
    private void replan(long done) {
        if (done % 20 != 0 || !Double.isFinite(options.timeBudgetSeconds())) return;
        double now = trainingSeconds();
        double per = lastPlanStep == 0 ? now / done : (now - lastPlanTime) / (done - lastPlanStep);
        long est = done + (long) (Math.max(0, options.timeBudgetSeconds() - now) / Math.max(per, 1e-9));
        plannedSteps = options.iterations() > 0 ? Math.min(options.iterations(), est) : est;
        plannedSteps = Math.max(plannedSteps, done + 1);
        lastPlanTime = now;
        lastPlanStep = done;
    }

    private double trainingSeconds = 0;
    private long segmentStart;

    /** Training seconds so far (across {@link #train} calls). */
    public double trainingSeconds() {
        return trainingSeconds + (segmentStart == 0 ? 0 : (System.nanoTime() - segmentStart) * 1e-9);
    }

    // ---------------------------------------------------------------- rendering

    /**
     * Renders the model from {@code camera} at the training resolution scale over the
     * background: RGB, or RGBA with the opacity as alpha when {@code withAlpha}. Allocates the image.
     */
    public FloatImage render(Camera camera, boolean withAlpha) {
        Camera c = NvsImages.scaledCamera(camera, options.resolutionScale());
        View v = new View(c, null, null);
        int np = c.width() * c.height();
        int ch = withAlpha ? 4 : 3;
        float[] out = new float[np * ch];
        double beta = model.beta();
        float dt = stepLength(beta), bo = bandOut(beta), bi = bandIn(beta);
        double[] bg = {options.background()[0], options.background()[1], options.background()[2]};
        View[] one = {v};
        device.parallelFor(np, 256, (chunk, s, e) -> {
            Packet p = renderPackets.get();
            int[] vw = new int[e - s];
            int[] px = new int[e - s];
            float[] jt = new float[e - s];
            for (int i = 0; i < e - s; i++) {
                px[i] = s + i;
                jt[i] = 0.5f;
            }
            int i = 0;
            while (i < e - s) {
                i = p.fill(one, i, e - s, vw, px, jt, dt, bo, bi);
                for (int r = 0; r < p.rays; r++) {
                    p.composite(r, beta, bg);
                    int q = px[p.ray[r]];
                    for (int k = 0; k < 3; k++) out[q * ch + k] = (float) Math.clamp(p.vr.colour[k], 0, 1);
                    if (withAlpha) out[q * ch + 3] = (float) p.vr.opacity;
                }
            }
        });
        return new FloatImage(c.width(), c.height(), ch, out);
    }

    /**
     * Renders and scores views at the training resolution against their images composited over
     * the background; writes each render as {@code renderDir/<image stem>.png} when
     * {@code renderDir} is not null.
     */
    public NvsEvaluation.Summary evaluate(List<CameraDataset.View> list, Path renderDir) throws IOException {
        List<NvsEvaluation.ViewScore> scores = new ArrayList<>();
        for (CameraDataset.View v : list) {
            Camera c = NvsImages.scaledCamera(v.camera(), options.resolutionScale());
            FloatImage pred = render(v.camera(), false);
            FloatImage gt = NvsImages.rgbOver(NvsImages.read(v.image(), v.camera().width(), v.camera().height(), c.width(),
                    c.height()), options.background());
            String name = v.image().getFileName().toString();
            scores.add(NvsEvaluation.score(name, pred, gt));
            if (renderDir != null) {
                int dot = name.lastIndexOf('.');
                Images.writePng(renderDir.resolve((dot > 0 ? name.substring(0, dot) : name) + ".png"), pred);
            }
        }
        return NvsEvaluation.summarize(scores);
    }

    // ---------------------------------------------------------------- mesh

    /**
     * The zero level set of the SDF in the cube by marching cubes on the cells near it, on a
     * lattice of {@code resolution} cells a side, with normals from the SDF's central differences.
     * Allocates the mesh.
     */
    public TriangleMesh extractMesh(int resolution) {
        float b = options.bound();
        double hstep = 2.0 * b / resolution;
        SampleGrid grid = new SampleGrid(resolution + 1, resolution + 1, resolution + 1, -b, -b, -b, hstep);
        float outside = (float) hstep;
        SparseMarchingCubes.Field f = p -> {
            float[] v = new float[p.length / 3];
            model.evaluate(p, v.length, 0, v, device);
            if (masks) { // only the level set inside the visual hull: outside it nothing was seen
                for (int i = 0; i < v.length; i++) {
                    if (!cache.inHull(p[3 * i], p[3 * i + 1], p[3 * i + 2])) v[i] = Math.max(v[i], outside);
                }
            }
            return v;
        };
        int stride = 4;
        long[] cells = SparseMarchingCubes.cellsNearSurface(f, grid, stride, (float) (stride * hstep * Math.sqrt(3)), 0f);
        TriangleMesh m = SparseMarchingCubes.extract(f, grid, cells, 0f);
        if (m.vertexCount() == 0) return m;
        int nv = m.vertexCount();
        float[] vtx = m.vertices();
        float e = (float) (hstep / 2);
        float[] probe = new float[18 * nv];
        for (int i = 0; i < nv; i++) {
            for (int a = 0; a < 3; a++) {
                for (int s = 0; s < 2; s++) {
                    int o = 3 * (6 * i + 2 * a + s);
                    System.arraycopy(vtx, 3 * i, probe, o, 3);
                    probe[o + a] += s == 0 ? e : -e;
                }
            }
        }
        float[] val = new float[6 * nv];
        model.evaluate(probe, 6 * nv, 0, val, device);
        float[] nrm = new float[3 * nv];
        for (int i = 0; i < nv; i++) {
            double x = val[6 * i] - val[6 * i + 1], y = val[6 * i + 2] - val[6 * i + 3], z = val[6 * i + 4] - val[6 * i + 5];
            double l = Math.sqrt(x * x + y * y + z * z);
            if (l > 0) {
                nrm[3 * i] = (float) (x / l);
                nrm[3 * i + 1] = (float) (y / l);
                nrm[3 * i + 2] = (float) (z / l);
            }
        }
        return m.withNormals(nrm);
    }

    // ---------------------------------------------------------------- the pipeline

    /** What {@link #run} produced; {@code meshScores} null without a reference mesh. */
    public record Result(NvsEvaluation.Summary test, long steps, double trainSeconds, String stopReason, long parameters,
            double beta, int meshVertices, MeshMetrics.Result meshScores, List<double[]> curve) {
    }

    /**
     * The whole pipeline: trains on {@code ds} and writes {@code out/metrics.json},
     * {@code out/test/*.png}, {@code out/mesh.ply}, {@code out/log.jsonl} and, with curve points,
     * {@code out/curve.csv} (see the class comment).
     *
     * @param progress told of every step (e.g. a terminal progress bar); not closed
     */
    public static Result run(CameraDataset ds, VolSdfOptions o, Path out, ProgressListener progress) throws IOException {
        long t0 = System.nanoTime();
        Files.createDirectories(out);
        try (VolSdfTraining t = create(ds, o); JsonLinesLog log = new JsonLinesLog(out.resolve("log.jsonl"), 10)) {
            ProgressListener l = progress == null ? log : ProgressListener.composite(progress, log);
            List<double[]> curve = new ArrayList<>();
            double budget = o.timeBudgetSeconds();
            TrainResult r = null;
            boolean onTime = false;
            List<CameraDataset.View> curveViews = o.curveViews() > 0 && o.curveViews() < t.testViews.size()
                    ? t.testViews.subList(0, o.curveViews()) : t.testViews;
            for (double at : o.curveSeconds()) {
                if (at >= budget) break;
                r = t.train(at - t.trainingSeconds(), l);
                if (!t.stoppedOnTime()) break;
                NvsEvaluation.Summary s = t.evaluate(curveViews, null);
                curve.add(new double[] {t.trainingSeconds(), t.step(), s.meanPsnr(), s.meanSsim(), loadAverage()});
            }
            if (r == null || t.stoppedOnTime()) {
                r = t.train(budget - t.trainingSeconds(), l);
                onTime = t.stoppedOnTime();
            }
            double trainSeconds = t.trainingSeconds();
            NvsEvaluation.Summary test = t.evaluate(t.testViews, out.resolve("test"));
            curve.add(new double[] {trainSeconds, t.step(), test.meanPsnr(), test.meanSsim(), loadAverage()});
            TriangleMesh mesh = t.extractMesh(o.meshResolution());
            MeshIO.write(out.resolve("mesh.ply"), mesh);
            MeshMetrics.Result ms = null;
            Path gt = ds.root().resolve("mesh.ply");
            if (Files.isRegularFile(gt) && mesh.triangleCount() > 0 && mesh.area() > 0) {
                ms = MeshMetrics.compare(mesh, MeshIO.read(gt), MeshMetrics.Options.defaults().withSamples(50_000));
            }
            String reason = onTime ? "TIME_BUDGET" : r.reason().name();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("method", "rbf");
            m.put("model", "volsdf");
            m.put("test", test.toJson());
            m.put("steps", t.step());
            m.put("train_seconds", trainSeconds);
            m.put("setup_seconds", t.setupSeconds());
            m.put("total_seconds", (System.nanoTime() - t0) * 1e-9);
            m.put("stop_reason", reason);
            m.put("parameters", t.model.parameterCount());
            m.put("beta", t.model.beta());
            m.put("masks", t.masks);
            m.put("mesh", Map.of("vertices", mesh.vertexCount(), "triangles", mesh.triangleCount()));
            if (ms != null) m.put("mesh_scores", ms.toJson());
            List<Map<String, Object>> cj = new ArrayList<>();
            for (double[] c : curve) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("train_seconds", c[0]);
                e.put("step", (long) c[1]);
                e.put("psnr", c[2]);
                e.put("ssim", c[3]);
                e.put("load", c[4]);
                cj.add(e);
            }
            m.put("curve", cj);
            m.put("options", o.toString());
            ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            AtomicFiles.write(out.resolve("metrics.json"), os -> om.writeValue(os, m));
            if (o.curveSeconds().length > 0) {
                StringBuilder sb = new StringBuilder("train_seconds,step,psnr,ssim,load\n");
                for (double[] c : curve) {
                    sb.append(String.format(Locale.ROOT, "%.1f,%d,%.3f,%.4f,%.2f%n", c[0], (long) c[1], c[2], c[3], c[4]));
                }
                AtomicFiles.write(out.resolve("curve.csv"), os -> os.write(sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                java.util.List<double[]> xy = new java.util.ArrayList<>();
                for (double[] c : curve) xy.add(new double[] {c[0], c[2]});
                kernelfield.engine.image.LineChart.writePng(out.resolve("curve.png"), "test PSNR against training time",
                        "training seconds", "test PSNR (dB)", xy);
            }
            return new Result(test, t.step(), trainSeconds, reason, t.model.parameterCount(), t.model.beta(),
                    mesh.vertexCount(), ms, curve);
        }
    }

    /** The 1-minute load average, NaN where it cannot be read. */
    static double loadAverage() {
        try {
            String s = Files.readString(Path.of("/proc/loadavg"));
            return Double.parseDouble(s.split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Ends the device's threads when this session made the device. */
    @Override
    public void close() {
        if (ownDevice) device.close();
    }

    /** Stops the trainer after the step that crosses the deadline; keeps the training clock. */
    private final class Deadline implements Strategy {
        long deadlineNanos = Long.MAX_VALUE;
        boolean hit;

        void set(double seconds) {
            hit = false;
            deadlineNanos = Double.isInfinite(seconds) || seconds > 1e9 ? Long.MAX_VALUE
                    : System.nanoTime() + (long) (Math.max(seconds, 0) * 1e9);
        }

        @Override
        public void afterStep(StepContext ctx, StepResult result) {
            if (deadlineNanos != Long.MAX_VALUE && System.nanoTime() - deadlineNanos >= 0) {
                hit = true;
                ctx.requestStop();
            }
        }
    }

    /** Forwards to the listener of the current {@link #train} call and keeps the training clock. */
    private final class Forward implements ProgressListener {
        ProgressListener delegate = ProgressListener.none();

        @Override
        public void onStart(long firstStep, long maxSteps, double budget, double before) {
            segmentStart = System.nanoTime();
            delegate.onStart(firstStep, maxSteps, budget, before);
        }

        @Override
        public void onStep(kernelfield.engine.optim.StepReport report) {
            delegate.onStep(report);
        }

        @Override
        public void onFinish(TrainResult result) {
            trainingSeconds += (System.nanoTime() - segmentStart) * 1e-9;
            segmentStart = 0;
            delegate.onFinish(result);
        }
    }
}
