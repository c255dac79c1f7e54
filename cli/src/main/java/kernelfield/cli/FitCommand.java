package kernelfield.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import kernelfield.engine.data.FloatImage;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.geometry.MeshMetrics;
import kernelfield.engine.io.Images;
import kernelfield.engine.io.MeshIO;
import kernelfield.reconstruction.fit.ImageFit;
import kernelfield.reconstruction.fit.SdfFit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kf fit image|sdf}: fit an RBF neural field. */
@Command(name = "fit", mixinStandardHelpOptions = true,
        description = "Fit an RBF neural field (NeuRBF-style kernels + grid + small MLP) to data.",
        subcommands = {FitCommand.Image.class, FitCommand.Sdf.class})
final class FitCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new IllegalArgumentException("name what to fit: kf fit image PHOTO -o OUT.png, or kf fit sdf MESH -o OUT.ply");
    }

    /** The training options of both subcommands (the time budget, whose default differs, is their own). */
    static final class TrainingOptions {
        @Option(names = "--steps", defaultValue = "0", paramLabel = "N",
                description = "Training steps (0: as many as the time budget allows; set it for reproducible runs).")
        long steps;

        @Option(names = "--threads", defaultValue = "0", paramLabel = "N", description = "CPU threads (0: all cores).")
        int threads;

        @Option(names = "--seed", defaultValue = "0", description = "Random seed (default ${DEFAULT-VALUE}).")
        long seed;

        /** Throws when neither a positive time budget nor a step count is given. */
        void checkBudget(double budget) {
            if (!(budget > 0) && steps <= 0) throw new IllegalArgumentException("--time-budget must be > 0 (or give --steps)");
        }
    }

    /** {@code kf fit image PHOTO -o OUT.png}. */
    @Command(name = "image", mixinStandardHelpOptions = true,
            description = "Fit an image; writes the fit, an error map OUT-error.png beside it, and prints PSNR, SSIM and the parameter count.")
    static final class Image implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PHOTO", description = "Image to fit (.png, .jpg).")
        Path photo;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Fitted image (.png).")
        Path out;

        @Option(names = "--time-budget", defaultValue = "10", paramLabel = "SECONDS",
                description = "Seconds for initialisation and training (default ${DEFAULT-VALUE}).")
        double budget;

        @Option(names = "--params", defaultValue = "500000", paramLabel = "N",
                description = "Parameter budget (default ${DEFAULT-VALUE}).")
        long params;

        @Option(names = "--batch", defaultValue = "8192", paramLabel = "N", description = "Pixels per step (default ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--lr", defaultValue = "0.005", paramLabel = "LR", description = "Peak learning rate (default ${DEFAULT-VALUE}).")
        double lr;

        @Mixin
        TrainingOptions training;

        @Override
        public Integer call() throws Exception {
            training.checkBudget(budget);
            if (params < 1000) throw new IllegalArgumentException("--params must be at least 1000, got " + params);
            if (batch < 1) throw new IllegalArgumentException("--batch must be at least 1, got " + batch);
            FloatImage img = Images.read(photo);
            ImageFit.Options o = ImageFit.Options.defaults().withBudget(budget, training.steps).withMaxParams(params)
                    .withTraining(batch, lr).withThreads(training.threads).withSeed(training.seed);
            ImageFit.Result r = ImageFit.fit(img, o);
            Images.writePng(out, r.fitted());
            Path err = errorPath(out);
            Images.writePng(err, r.errorMap());
            System.out.printf("wrote %s and %s%n", out, err);
            System.out.printf("PSNR %.2f dB  SSIM %.4f  parameters %,d (%,d kernels)  steps %d  init %.2f s  train %.2f s  %.0f samples/s%n",
                    r.psnr(), r.ssim(), r.parameters(), r.kernels(), r.steps(), r.initSeconds(), r.trainSeconds(),
                    r.samplesPerSecond());
            return 0;
        }

        static Path errorPath(Path out) {
            String name = out.getFileName().toString();
            int dot = name.lastIndexOf('.');
            String stem = dot > 0 ? name.substring(0, dot) : name;
            return out.resolveSibling(stem + "-error.png");
        }
    }

    /** {@code kf fit sdf MESH -o OUT.ply}. */
    @Command(name = "sdf", mixinStandardHelpOptions = true,
            description = "Fit a signed distance field to a mesh (ground truth by BVH closest point and winding-number sign); "
                    + "writes its zero level set and prints IoU, Chamfer-L1, F-score and normal consistency against the mesh.")
    static final class Sdf implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "MESH", description = "Mesh to fit (.ply, .obj, .off).")
        Path mesh;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Extracted surface (.ply, .obj, .off).")
        Path out;

        @Option(names = "--time-budget", defaultValue = "30", paramLabel = "SECONDS",
                description = "Seconds for sampling, initialisation and training (default ${DEFAULT-VALUE}); extraction and scoring come after.")
        double budget;

        @Option(names = "--kernels", defaultValue = "8192", paramLabel = "N", description = "RBF kernels (default ${DEFAULT-VALUE}).")
        int kernels;

        @Option(names = "--resolution", defaultValue = "256", paramLabel = "N",
                description = "Marching-cubes cells along the longest side (default ${DEFAULT-VALUE}).")
        int resolution;

        @Mixin
        TrainingOptions training;

        @Override
        public Integer call() throws Exception {
            training.checkBudget(budget);
            if (kernels < 1) throw new IllegalArgumentException("--kernels must be at least 1, got " + kernels);
            if (resolution < 8) throw new IllegalArgumentException("--resolution must be at least 8, got " + resolution);
            TriangleMesh gt = MeshIO.read(mesh);
            if (gt.triangleCount() == 0) throw new IllegalArgumentException(mesh + ": the mesh has no triangles");
            SdfFit.Options d = SdfFit.Options.defaults();
            SdfFit.Options o = d.withBudget(budget, training.steps).withSize(kernels, d.poolSize(), d.batch())
                    .withResolution(resolution).withThreads(training.threads).withSeed(training.seed);
            SdfFit.Result r = SdfFit.fit(gt, o);
            if (r.metrics() == null) {
                throw new IllegalStateException("the fitted field has no zero level set in the box (train longer: --time-budget)");
            }
            MeshIO.write(out, r.mesh());
            MeshMetrics.Result m = r.metrics();
            System.out.printf("wrote %s (%,d vertices, %,d triangles)%n", out, r.mesh().vertexCount(), r.mesh().triangleCount());
            System.out.printf("IoU %.4f  Chamfer-L1 %.6f  F-score@0.5%% %.4f  F-score@1%% %.4f  normal consistency %.4f%n", r.iou(),
                    m.chamferL1(), m.fscore(0.005), m.fscore(0.01), m.normalConsistency());
            System.out.printf("parameters %,d  steps %d  setup %.2f s  train %.2f s%n", r.parameters(), r.steps(), r.setupSeconds(),
                    r.trainSeconds());
            return 0;
        }
    }
}
