package kernelfield.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import kernelfield.engine.data.Camera;
import kernelfield.engine.data.CameraDataset;
import kernelfield.engine.io.CameraDatasets;
import kernelfield.engine.optim.TerminalProgress;
import kernelfield.fields.splat.SplatKernel;
import kernelfield.reconstruction.nvs.SplatTraining;
import kernelfield.reconstruction.nvs.SplatTrainingOptions;
import kernelfield.reconstruction.nvs.volsdf.VolSdfOptions;
import kernelfield.reconstruction.nvs.volsdf.VolSdfTraining;
import kernelfield.render.LiveUpdate;
import kernelfield.render.Scene;
import kernelfield.render.SplatDrawable;
import kernelfield.render.Viewer;
import kernelfield.render.gl.GlUnavailableException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kf train --method splat|rbf --data DIR -o OUT}: a scene from posed images. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a scene from posed images (NeRF-synthetic, nerfstudio or COLMAP folder).",
                "splat: writes OUT/model.ply (3DGS PLY), OUT/log.jsonl, OUT/metrics.json (test PSNR/SSIM) and OUT/test/*.png.",
                "rbf: an SDF radiance field (VolSDF density, RBF field with colour outputs); writes OUT/mesh.ply (its zero level set,",
                "scored against the dataset's mesh.ply when there is one), OUT/log.jsonl, OUT/metrics.json and OUT/test/*.png."})
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--method", defaultValue = "splat", paramLabel = "NAME",
            description = "Representation: splat (default, Gaussian splatting) or rbf (VolSDF with an RBF field).")
    String method;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Dataset folder or transforms.json.")
    Path data;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Output folder.")
    Path out;

    @Option(names = "--iterations", paramLabel = "N", description = "Training steps (default 30000; rbf with --time-budget: as many as fit).")
    Integer iterations;

    @Option(names = "--time-budget", paramLabel = "S", description = "Stop after S seconds of training; the model is still written.")
    Double timeBudget;

    @Option(names = "--background", defaultValue = "white", paramLabel = "COLOUR",
            description = "white, black or R,G,B in 0..1 (default ${DEFAULT-VALUE}); RGBA images are composited over it.")
    String background;

    @Option(names = "--strategy", defaultValue = "default", paramLabel = "NAME", description = "default (3DGS densification) or mcmc.")
    String strategy;

    @Option(names = "--max-splats", paramLabel = "N", description = "Cap on the number of splats (mcmc: the count it grows to).")
    Integer maxSplats;

    @Option(names = "--kernel", defaultValue = "gaussian", paramLabel = "NAME", description = "gaussian, ges (exp(-p^phi) per splat) or ges-scaled (a Gaussian with scales times 2 sigmoid(shape), the GES authors' rasterizer).")
    String kernel;

    @Option(names = "--init", defaultValue = "auto", paramLabel = "NAME",
            description = {"Initial splats: auto (default: colmap when the dataset has sparse points, else masks with RGBA images, else random),",
                    "colmap (the dataset's sparse points; an error without them), masks (random points inside the visual hull of the alpha masks),",
                    "random (random points in the cube the cameras look at)."})
    String init;

    @Option(names = "--resolution-scale", defaultValue = "1", paramLabel = "F", description = "Train and evaluate at this image scale, in (0, 1].")
    double resolutionScale;

    @Option(names = "--sh-degree", defaultValue = "3", paramLabel = "D", description = "Highest SH degree, 0..3 (default ${DEFAULT-VALUE}); rbf: 0 or 1 (default 1).")
    int shDegree;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: all processors).")
    Integer threads;

    @Option(names = "--rays", paramLabel = "N", description = "rbf: training rays per step (default 4096).")
    Integer rays;

    @Option(names = "--curve", paramLabel = "S,S,...", split = ",",
            description = "rbf: training seconds at which test views are scored off the clock (OUT/curve.csv).")
    double[] curve;

    @Option(names = "--curve-views", defaultValue = "0", paramLabel = "N", description = "rbf: test views scored at each --curve point (default: all).")
    int curveViews;

    @Option(names = "--mesh-resolution", paramLabel = "R", description = "rbf: marching-cubes cells along a side of the scene cube (default 256).")
    Integer meshResolution;

    @Option(names = "--init-steps", paramLabel = "N", description = "rbf: steps of the geometric pre-fit (visual hull or sphere; default 300).")
    Integer initSteps;

    @Option(names = "--grid-levels", paramLabel = "R,R,...", split = ",",
            description = "rbf: resolutions of the field's dense grid levels (default 16,32,64,128).")
    int[] gridLevels;

    @Option(names = "--view", description = "Show the splats in a window as they train (GLFW; training goes on when it closes).")
    boolean view;

    @Option(names = "--view-close", description = "With --view: close the window when training ends.")
    boolean viewClose;

    private static final int LIVE_EVERY = 10;
    private volatile LiveUpdate<?> liveUpdate;

    @Override
    public Integer call() throws Exception {
        if (method.equals("rbf")) return trainRbf();
        if (!method.equals("splat")) throw new IllegalArgumentException("--method: unknown method '" + method + "' (available: splat, rbf)");
        SplatTrainingOptions.Builder b = SplatTrainingOptions.defaults().toBuilder()
                .iterations(iterations == null ? 30000 : iterations)
                .background(Cli.background(background))
                .strategy(switch (strategy.toLowerCase(Locale.ROOT)) {
                    case "default" -> SplatTrainingOptions.StrategyKind.DEFAULT;
                    case "mcmc" -> SplatTrainingOptions.StrategyKind.MCMC;
                    default -> throw new IllegalArgumentException("--strategy: expected default or mcmc, got '" + strategy + "'");
                })
                .kernel(switch (kernel.toLowerCase(Locale.ROOT)) {
                    case "gaussian" -> SplatKernel.GAUSSIAN;
                    case "ges" -> SplatKernel.GES;
                    case "ges-scaled", "ges_scaled" -> SplatKernel.GES_SCALED;
                    default -> throw new IllegalArgumentException("--kernel: expected gaussian, ges or ges-scaled, got '" + kernel + "'");
                })
                .resolutionScale(resolutionScale)
                .maxShDegree(shDegree)
                .seed(seed);
        switch (init.toLowerCase(Locale.ROOT)) {
            case "auto" -> b.initFromPoints(true).initFromMasks(true);
            case "colmap" -> b.initFromPoints(true).initFromMasks(false);
            case "masks" -> b.initFromPoints(false).initFromMasks(true);
            case "random" -> b.initFromPoints(false).initFromMasks(false);
            default -> throw new IllegalArgumentException("--init: expected auto, colmap, masks or random, got '" + init + "'");
        }
        if (timeBudget != null) b.timeBudgetSeconds(timeBudget);
        if (maxSplats != null) b.maxSplats(maxSplats);
        if (threads != null) b.threads(threads);
        SplatTrainingOptions o = b.build();
        CameraDataset ds = CameraDatasets.open(data);
        if (init.equalsIgnoreCase("colmap") && (ds.points() == null || ds.points().size() == 0)) {
            throw new IllegalArgumentException("--init colmap: " + data + " has no sparse points (points3D); use masks or random");
        }
        SplatTraining.Result r;
        try (TerminalProgress progress = new TerminalProgress("train")) {
            r = view ? trainInViewer(ds, o, progress) : SplatTraining.run(ds, o, out, progress);
        }
        System.out.printf(Locale.ROOT, "trained %d steps in %.1f s (%s), %d splats; test PSNR %.2f dB, SSIM %.4f over %d views%n",
                r.steps(), r.trainSeconds(), r.stopReason().toLowerCase(Locale.ROOT).replace('_', ' '), r.splats(),
                r.test().meanPsnr(), r.test().meanSsim(), r.test().views().size());
        System.out.println("wrote " + out.resolve("model.ply") + ", " + out.resolve("metrics.json"));
        return 0;
    }

    /** {@code --method rbf}: VolSDF with an RBF field ({@link VolSdfTraining}). */
    private Integer trainRbf() throws Exception {
        if (!(resolutionScale > 0 && resolutionScale <= 1)) throw new IllegalArgumentException("--resolution-scale: expected (0, 1], got " + resolutionScale);
        VolSdfOptions o = VolSdfOptions.defaults().withBackground(Cli.background(background)).withSeed(seed)
                .withResolutionScale(resolutionScale);
        if (meshResolution != null) {
            if (meshResolution < 8) throw new IllegalArgumentException("--mesh-resolution: expected R >= 8, got " + meshResolution);
            o = o.withMeshResolution(meshResolution);
        }
        if (initSteps != null) {
            if (initSteps < 0) throw new IllegalArgumentException("--init-steps: expected N >= 0, got " + initSteps);
            o = o.withInit(o.sphereRadius(), initSteps);
        }
        if (gridLevels != null) {
            for (int g : gridLevels) if (g < 1 || g > 512) throw new IllegalArgumentException("--grid-levels: expected resolutions in 1..512, got " + g);
            o = o.withModel(o.kernels(), o.channels(), gridLevels, o.gridFeatures(), o.hidden(), o.shDegree());
        }
        if (shDegree != 3) {
            if (shDegree < 0 || shDegree > 1) throw new IllegalArgumentException("--sh-degree: expected 0 or 1 with --method rbf, got " + shDegree);
            o = o.withModel(o.kernels(), o.channels(), o.gridLevels(), o.gridFeatures(), o.hidden(), shDegree);
        }
        if (timeBudget != null) {
            if (!(timeBudget > 0)) throw new IllegalArgumentException("--time-budget: expected seconds > 0, got " + timeBudget);
            o = o.withTimeBudget(timeBudget).withIterations(iterations == null ? 0 : iterations);
        } else if (iterations != null) {
            o = o.withIterations(iterations);
        }
        if (o.iterations() < 0) throw new IllegalArgumentException("--iterations: expected N >= 0, got " + o.iterations());
        if (rays != null) o = o.withRays(rays);
        if (threads != null) o = o.withThreads(threads);
        if (curve != null) o = o.withCurve(curve, curveViews);
        if (view) throw new IllegalArgumentException("--view: not available with --method rbf");
        CameraDataset ds = CameraDatasets.open(data);
        VolSdfTraining.Result r;
        try (TerminalProgress progress = new TerminalProgress("train rbf")) {
            r = VolSdfTraining.run(ds, o, out, progress);
        }
        System.out.printf(Locale.ROOT, "trained %d steps in %.1f s (%s), %d parameters, beta %.4f; test PSNR %.2f dB, SSIM %.4f over %d views%n",
                r.steps(), r.trainSeconds(), r.stopReason().toLowerCase(Locale.ROOT).replace('_', ' '), r.parameters(), r.beta(),
                r.test().meanPsnr(), r.test().meanSsim(), r.test().views().size());
        if (r.meshScores() != null) {
            System.out.printf(Locale.ROOT, "mesh: %d vertices; Chamfer-L1 %.5f, F@0.5%% %.4f against the dataset's mesh.ply%n",
                    r.meshVertices(), r.meshScores().chamferL1(), r.meshScores().fscore(0.005));
        }
        System.out.println("wrote " + out.resolve("mesh.ply") + ", " + out.resolve("metrics.json"));
        return 0;
    }

    /**
     * Trains on a worker thread while this thread shows the splats in the viewer as they train
     * (a copy every {@value #LIVE_EVERY} steps). Closing the window does not stop training; where no
     * window can be opened, training goes on headless.
     */
    private SplatTraining.Result trainInViewer(CameraDataset ds, SplatTrainingOptions o, TerminalProgress progress)
            throws Exception {
        CompletableFuture<Viewer> ready = new CompletableFuture<>();
        CompletableFuture<SplatTraining.Result> job = CompletableFuture.supplyAsync(() -> {
            try {
                return SplatTraining.run(ds, o, out, progress, t -> {
                    float[] bg = o.background();
                    Scene scene = new Scene().setBackground(bg[0], bg[1], bg[2]);
                    SplatDrawable d = scene.addSplats(t.gaussians()).setKernel(o.kernel());
                    LiveUpdate<?> live = LiveUpdate.splats(d, t.gaussians(), LIVE_EVERY);
                    List<Camera> cams = t.trainViews().stream().map(CameraDataset.View::camera).toList();
                    ready.complete(new Viewer(scene, cams, "kf train").addLive(live));
                    liveUpdate = live;
                    return live;
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        job.whenComplete((res, ex) -> ready.completeExceptionally(ex != null ? ex : new IllegalStateException("no viewer")));
        try {
            Viewer viewer = ready.get();
            if (viewClose) viewer.closeWhen(job::isDone);
            viewer.run(1280, 720, null, 0);
        } catch (GlUnavailableException e) {
            System.err.println("kf: no window (" + e.getMessage() + "); training goes on headless");
        } catch (ExecutionException e) {
            // training failed before the viewer existed: reported below
        }
        try {
            SplatTraining.Result r = job.join();
            if (liveUpdate != null) System.out.println("viewer: " + liveUpdate.applied() + " live updates shown");
            return r;
        } catch (CompletionException e) {
            Throwable c = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
            if (c instanceof Exception ex) throw ex;
            throw e;
        }
    }
}
