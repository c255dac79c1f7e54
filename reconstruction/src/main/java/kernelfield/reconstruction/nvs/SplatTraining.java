package kernelfield.reconstruction.nvs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import kernelfield.engine.data.Camera;
import kernelfield.engine.data.CameraDataset;
import kernelfield.engine.data.FloatImage;
import kernelfield.engine.io.AtomicFiles;
import kernelfield.engine.io.Images;
import kernelfield.engine.optim.Adam;
import kernelfield.engine.optim.JsonLinesLog;
import kernelfield.engine.optim.LearningRateSchedule;
import kernelfield.engine.optim.ProgressListener;
import kernelfield.engine.optim.SeededRandom;
import kernelfield.engine.optim.StepContext;
import kernelfield.engine.optim.StepReport;
import kernelfield.engine.optim.StepResult;
import kernelfield.engine.optim.Strategy;
import kernelfield.engine.optim.TrainResult;
import kernelfield.engine.optim.Trainer;
import kernelfield.fields.splat.GaussianSet;
import kernelfield.fields.splat.SplatFormats;
import kernelfield.fields.splat.SplatFrame;
import kernelfield.fields.splat.SplatKernel;
import kernelfield.fields.splat.SplatRasterCpu;
import kernelfield.fields.splat.SplatRasterSettings;

/**
 * Gaussian splatting from posed images (images to scene), the 3DGS recipe on the CPU rasterizer.
 *
 * <p>{@link #run} is the whole pipeline ({@code kf train --method splat}): it writes
 * {@code OUT/model.ply} (the standard 3DGS PLY, {@link SplatFormats}), {@code OUT/log.jsonl} (a
 * {@link JsonLinesLog}), {@code OUT/metrics.json} (test PSNR and SSIM per view and their means,
 * splat count, training time and steps) and the test renders {@code OUT/test/<image name>.png}.
 * A session ({@link #create}) gives the steps to a caller that evaluates along the way (the
 * benchmark's PSNR-against-time curve).
 *
 * <p>The recipe ({@link SplatTrainingOptions}):
 * <ul>
 *   <li>views: the dataset's {@code train} split (the {@code test} split is held out; without one,
 *       every 8th view is, see {@link NvsEvaluation#split}); images area-resampled by the
 *       resolution scale and, when RGBA, composited over the background; one view per step drawn
 *       with the run's seeded generator;</li>
 *   <li>initialization ({@link SplatInit}): the dataset's sparse points (COLMAP points3D) when it
 *       has them (and {@link SplatTrainingOptions#initFromPoints()} is on), else random points in the cube around what the cameras look at; with RGBA
 *       images, kept only inside the visual hull of the masks and coloured from the images;</li>
 *   <li>Adam with per-group rates: positions {@code 1.6e-4 -> 1.6e-6} times the scene extent,
 *       log-linear over the iterations; f_dc 2.5e-3, f_rest 2.5e-3 / 20, opacity 0.025, scaling
 *       5e-3, rotation 1e-3 (GES shape 2e-3); row-sparse by default (only splats visible in the
 *       step's view are updated);</li>
 *   <li>loss {@code 0.8 L1 + 0.2 D-SSIM}; SH degree raised every 1000 steps;</li>
 *   <li>{@link DensifyStrategy} (clone, split, prune, opacity reset) or {@link McmcStrategy};</li>
 *   <li>a time budget: training stops after the step that crosses it, and the model is still
 *       written and evaluated.</li>
 * </ul>
 * Deterministic: for a seed, the model is bit-identical run to run and for any thread count when
 * the run stops on its iteration count (a time budget decides only where it stops).
 *
 * <p>Not thread-safe. {@link #close()} ends the rasterizer's worker threads.
 */
public final class SplatTraining implements AutoCloseable {
    private final SplatTrainingOptions options;
    private final List<CameraDataset.View> trainViews, testViews;
    private final List<Camera> trainCameras;
    private final GaussianSet gaussians;
    private final SplatRasterCpu raster;
    private final SplatObjective objective;
    private final Strategy strategy;
    private final Trainer trainer;
    private final double extent;
    private final Deadline deadline = new Deadline();
    private final Forward forward = new Forward();
    private final String initDescription;

    private SplatTraining(SplatTrainingOptions o, List<CameraDataset.View> train, List<CameraDataset.View> test,
                          List<Camera> cams, List<FloatImage> images, GaussianSet g, String initDescription) {
        this.options = o;
        this.trainViews = List.copyOf(train);
        this.testViews = List.copyOf(test);
        this.trainCameras = List.copyOf(cams);
        this.gaussians = g;
        this.initDescription = initDescription;
        this.extent = SplatInit.sceneExtent(cams);
        this.raster = new SplatRasterCpu(new SplatRasterSettings(o.kernel(), o.antialiased(), false, o.threads()));
        boolean mcmc = o.strategy() == SplatTrainingOptions.StrategyKind.MCMC;
        this.objective = new SplatObjective(g, raster, cams, images, o.background(), o.ssimWeight(), o.maxShDegree(),
                o.shDegreeInterval(), mcmc ? o.mcmcOpacityReg() : 0, mcmc ? o.mcmcScaleReg() : 0, o.sparseAdam());
        this.strategy = mcmc ? new McmcStrategy(objective, o) : new DensifyStrategy(objective, o, extent);
        Adam adam = new Adam();
        long decaySteps = Math.max(1, o.iterations());
        adam.setSchedule(GaussianSet.XYZ, LearningRateSchedule.exponential(o.lrPositionInit() * extent,
                o.lrPositionFinal() * extent, decaySteps));
        adam.setLearningRate(GaussianSet.F_DC, o.lrFeature());
        adam.setLearningRate(GaussianSet.F_REST, o.lrFeature() / 20);
        adam.setLearningRate(GaussianSet.OPACITY, o.lrOpacity());
        adam.setLearningRate(GaussianSet.SCALING, o.lrScaling());
        adam.setLearningRate(GaussianSet.ROTATION, o.lrRotation());
        adam.setLearningRate(GaussianSet.SHAPE, o.lrShape());
        this.trainer = Trainer.builder(g.params(), adam, objective)
                .strategy(strategy)
                .strategy(deadline)
                .maxSteps(o.iterations())
                .seed(o.seed())
                .listener(forward)
                .build();
    }

    /**
     * Prepares a training session: reads and resamples the training images, initializes the
     * splats. Allocates the images (float RGB at the training resolution) and the set.
     *
     * @throws IOException when an image cannot be read
     * @throws IllegalArgumentException when the dataset has no training views
     */
    public static SplatTraining create(CameraDataset ds, SplatTrainingOptions o) throws IOException {
        List<CameraDataset.View> train = NvsEvaluation.split(ds, "train");
        List<CameraDataset.View> test = NvsEvaluation.split(ds, "test");
        if (train.isEmpty()) throw new IllegalArgumentException(ds.root() + ": no training views");
        List<Camera> cams = new ArrayList<>();
        List<FloatImage> rgba = new ArrayList<>(), rgb = new ArrayList<>();
        boolean allAlpha = true;
        float[] bg = o.background();
        for (CameraDataset.View v : train) {
            Camera c = NvsImages.scaledCamera(v.camera(), o.resolutionScale());
            FloatImage img = NvsImages.read(v.image(), v.camera().width(), v.camera().height(), c.width(), c.height());
            allAlpha &= img.channels() == 4;
            cams.add(c);
            rgba.add(img);
            rgb.add(NvsImages.rgbOver(img, bg));
        }
        boolean shape = o.kernel() != SplatKernel.GAUSSIAN;
        SeededRandom rng = new SeededRandom(o.seed() ^ 0x5EED1417L);
        GaussianSet g;
        String init;
        if (o.initFromPoints() && ds.points() != null && ds.points().size() > 0) {
            g = SplatInit.fromPoints(ds.points(), shape);
            init = "sparse points (" + g.size() + ")";
        } else {
            double[] b = SplatInit.objectBounds(cams);
            boolean carve = o.initFromMasks() && allAlpha;
            g = SplatInit.random(Math.min(o.initPoints(), o.maxSplats()), b, cams, carve ? rgba : null, shape, rng);
            init = String.format(java.util.Locale.ROOT, "%d random points in the cube at (%.3g, %.3g, %.3g) of half-side %.3g%s",
                    g.size(), b[0], b[1], b[2], b[3], carve ? ", inside the masks' visual hull" : "");
        }
        return new SplatTraining(o, train, test, cams, rgb, g, init);
    }

    /** The options. */
    public SplatTrainingOptions options() {
        return options;
    }

    /** The splats being trained (live). */
    public GaussianSet gaussians() {
        return gaussians;
    }

    /** The scene extent the position rate and size thresholds are relative to. */
    public double sceneExtent() {
        return extent;
    }

    /** How the splats were initialized, in words. */
    public String initDescription() {
        return initDescription;
    }

    /** Training views (full-size cameras; the training uses them at the resolution scale). */
    public List<CameraDataset.View> trainViews() {
        return trainViews;
    }

    /** Held-out views. */
    public List<CameraDataset.View> testViews() {
        return testViews;
    }

    /** Steps taken so far. */
    public long step() {
        return trainer.step();
    }

    /** The strategy in use ({@link DensifyStrategy} or {@link McmcStrategy}). */
    public Strategy strategy() {
        return strategy;
    }

    /**
     * Trains until the iteration count or for about {@code seconds} of wall time (stopping after
     * the step that crosses it), whichever comes first; may be called again to continue. Modifies
     * the splats.
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

    /** Whether the last {@link #train} stopped on its time budget. */
    public boolean stoppedOnTime() {
        return deadline.hit;
    }

    /** Renders the splats from {@code camera} at the resolution scale over the background. Allocates the image. */
    public FloatImage render(Camera camera) {
        Camera c = NvsImages.scaledCamera(camera, options.resolutionScale());
        SplatFrame f = raster.forward(gaussians, c, options.background());
        return f.toImage();
    }

    /**
     * Renders and scores views (at the training resolution, against their images composited over
     * the background); writes each render as {@code renderDir/<image name>.png} when
     * {@code renderDir} is not null.
     */
    public NvsEvaluation.Summary evaluate(List<CameraDataset.View> views, Path renderDir) throws IOException {
        List<NvsEvaluation.ViewScore> scores = new ArrayList<>();
        Map<Long, kernelfield.engine.image.Ssim> cache = new java.util.HashMap<>();
        SplatFrame frame = new SplatFrame();
        for (CameraDataset.View v : views) {
            Camera c = NvsImages.scaledCamera(v.camera(), options.resolutionScale());
            raster.forward(gaussians, c, options.background(), frame);
            FloatImage pred = frame.toImage();
            FloatImage gt = NvsImages.rgbOver(NvsImages.read(v.image(), v.camera().width(), v.camera().height(),
                    c.width(), c.height()), options.background());
            String name = v.image().getFileName().toString();
            scores.add(NvsEvaluation.score(name, pred, gt, cache));
            if (renderDir != null) Images.writePng(renderDir.resolve(pngName(name)), pred);
        }
        return NvsEvaluation.summarize(scores);
    }

    private static String pngName(String image) {
        int dot = image.lastIndexOf('.');
        return (dot > 0 ? image.substring(0, dot) : image) + ".png";
    }

    /** What {@link #run} produced. */
    public record Result(NvsEvaluation.Summary test, int splats, long steps, double trainSeconds, String stopReason) {
    }

    /**
     * The whole pipeline: trains on {@code ds} and writes {@code out/model.ply}, {@code out/log.jsonl},
     * {@code out/metrics.json} and {@code out/test/*.png} (see the class comment).
     *
     * @param progress told of every step (e.g. a {@link kernelfield.engine.optim.TerminalProgress}); not closed
     */
    public static Result run(CameraDataset ds, SplatTrainingOptions o, Path out, ProgressListener progress) throws IOException {
        return run(ds, o, out, progress, null);
    }

    /**
     * {@link #run(CameraDataset, SplatTrainingOptions, Path, ProgressListener)}, with {@code watch}
     * called once the session exists and before the first step (on this thread): the listener it
     * returns is told of every step too. A live viewer hooks in here.
     */
    public static Result run(CameraDataset ds, SplatTrainingOptions o, Path out, ProgressListener progress,
                             java.util.function.Function<SplatTraining, ProgressListener> watch) throws IOException {
        try (SplatTraining t = create(ds, o);
             JsonLinesLog log = new JsonLinesLog(out.resolve("log.jsonl"), 10)) {
            ProgressListener l = progress == null ? log : ProgressListener.composite(progress, log);
            if (watch != null) l = ProgressListener.composite(l, watch.apply(t));
            TrainResult r = t.train(o.timeBudgetSeconds(), l);
            SplatFormats.writePly(out.resolve("model.ply"), t.gaussians());
            NvsEvaluation.Summary test = t.evaluate(t.testViews(), out.resolve("test"));
            String reason = t.stoppedOnTime() ? "TIME_BUDGET" : r.reason().name();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("method", "splat");
            m.put("test", test.toJson());
            m.put("splats", t.gaussians().size());
            m.put("steps", r.nextStep());
            m.put("train_seconds", r.elapsedSeconds());
            m.put("stop_reason", reason);
            m.put("init", t.initDescription());
            m.put("scene_extent", t.sceneExtent());
            m.put("options", optionsJson(o));
            ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            AtomicFiles.write(out.resolve("metrics.json"), os -> om.writeValue(os, m));
            return new Result(test, t.gaussians().size(), r.nextStep(), r.elapsedSeconds(), reason);
        }
    }

    private static Map<String, Object> optionsJson(SplatTrainingOptions o) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (var c : SplatTrainingOptions.class.getRecordComponents()) {
            try {
                Object v = c.getAccessor().invoke(o);
                if (v instanceof float[] f) v = List.of(f[0], f[1], f[2]);
                if (v instanceof Double d && d.isInfinite()) v = null;
                if (v instanceof Enum<?> e) v = e.name().toLowerCase(java.util.Locale.ROOT);
                m.put(c.getName(), v);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return m;
    }

    /** Ends the rasterizer's threads. */
    @Override
    public void close() {
        raster.close();
    }

    /** Asks the trainer to stop after the step that crosses a wall-time deadline. */
    private static final class Deadline implements Strategy {
        long deadlineNanos = Long.MAX_VALUE;
        boolean hit;

        void set(double seconds) {
            hit = false;
            deadlineNanos = Double.isInfinite(seconds) || seconds > 1e9 ? Long.MAX_VALUE
                    : System.nanoTime() + (long) (seconds * 1e9);
        }

        @Override
        public void afterStep(StepContext ctx, StepResult result) {
            if (System.nanoTime() - deadlineNanos >= 0 && deadlineNanos != Long.MAX_VALUE) {
                hit = true;
                ctx.requestStop();
            }
        }
    }

    /** Forwards to the listener of the current {@link #train} call. */
    private static final class Forward implements ProgressListener {
        ProgressListener delegate = ProgressListener.none();

        @Override
        public void onStart(long firstStep, long maxSteps, double budget, double before) {
            delegate.onStart(firstStep, maxSteps, budget, before);
        }

        @Override
        public void onStep(StepReport report) {
            delegate.onStep(report);
        }

        @Override
        public void onFinish(TrainResult result) {
            delegate.onFinish(result);
        }
    }
}
