package kernelfield.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import kernelfield.engine.data.FloatImage;
import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.geometry.MeshMetrics;
import kernelfield.engine.geometry.NormalEstimation;
import kernelfield.engine.image.LineChart;
import kernelfield.engine.io.FileFormat;
import kernelfield.engine.io.Images;
import kernelfield.engine.io.MeshIO;
import kernelfield.engine.io.PointCloudIO;
import kernelfield.engine.optim.ProgressListener;
import kernelfield.fields.rbf.RbfFieldConfig;
import kernelfield.fields.rbf.RbfKernel;
import kernelfield.reconstruction.fit.CloudSdfFit;
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
        throw new IllegalArgumentException("name what to fit: kf fit image PHOTO -o OUT.png, or kf fit sdf MESH|CLOUD -o OUT.ply");
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

        @Option(names = "--batch", defaultValue = "4096", paramLabel = "N", description = "Pixels per step (default ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--lr", defaultValue = "0.005", paramLabel = "LR", description = "Peak learning rate (default ${DEFAULT-VALUE}).")
        double lr;

        @Option(names = "--kernel", defaultValue = "inverse-quadratic", paramLabel = "NAME",
                description = "Radial profile: gaussian, inverse-quadratic or wendland (compact) (default ${DEFAULT-VALUE}).")
        String kernel;

        @Option(names = "--train-kernels",
                description = "Train the kernels' positions and shapes too (default: frozen where k-means put them, as NeuRBF).")
        boolean trainKernels;

        @Option(names = "--decoder", defaultValue = "mlp", paramLabel = "KIND",
                description = "Decoder: mlp (64-64, sinusoidal first layer) or gnf (one layer of Gaussian neurons in feature space) (default ${DEFAULT-VALUE}).")
        String decoder;

        @Option(names = "--neurons", defaultValue = "64", paramLabel = "J", description = "Gaussian neurons of the gnf decoder (default ${DEFAULT-VALUE}).")
        int neurons;

        @Option(names = "--curve",
                description = "Also score the whole image at each tenth of the time budget and write OUT-curve.png (PSNR against time; the scoring counts against the budget).")
        boolean curve;

        @Mixin
        TrainingOptions training;

        @Override
        public Integer call() throws Exception {
            training.checkBudget(budget);
            if (!decoder.equals("mlp") && !decoder.equals("gnf")) {
                throw new IllegalArgumentException("unknown decoder '" + decoder + "' (expected mlp or gnf)");
            }
            if (neurons < 1) throw new IllegalArgumentException("--neurons must be at least 1, got " + neurons);
            if (params < 1000) throw new IllegalArgumentException("--params must be at least 1000, got " + params);
            if (batch < 1) throw new IllegalArgumentException("--batch must be at least 1, got " + batch);
            RbfKernel profile = RbfKernel.parse(kernel);
            FloatImage img = Images.read(photo);
            RbfFieldConfig cfg = RbfFieldConfig.imageDefaults(img.width(), img.height(), params);
            cfg = cfg.withKernel(profile, cfg.support()).withTrainKernels(trainKernels);
            if (decoder.equals("gnf")) cfg = cfg.withGaussianDecoder(neurons);
            ImageFit.Options o = ImageFit.Options.defaults().withBudget(budget, training.steps).withMaxParams(params)
                    .withTraining(batch, lr).withThreads(training.threads).withSeed(training.seed).withConfig(cfg);
            if (curve && budget > 0) {
                double[] at = new double[9];
                for (int i = 0; i < at.length; i++) at[i] = budget * (i + 1) / 10;
                o = o.withEvalTimes(at);
            }
            ImageFit.Result r = ImageFit.fit(img, o);
            Images.writePng(out, r.fitted());
            Path err = sibling(out, "-error.png");
            Images.writePng(err, r.errorMap());
            System.out.printf("wrote %s and %s%n", out, err);
            if (curve) {
                Path png = sibling(out, "-curve.png");
                LineChart.writePng(png, photo.getFileName() + ": PSNR against time", "seconds (initialisation included)", "PSNR (dB)",
                        r.curve());
                System.out.printf("wrote %s%n", png);
            }
            System.out.printf("PSNR %.2f dB  SSIM %.4f  parameters %,d (%,d kernels)  steps %d  init %.2f s  train %.2f s  %.0f samples/s training, %.0f evaluating%n",
                    r.psnr(), r.ssim(), r.parameters(), r.kernels(), r.steps(), r.initSeconds(), r.trainSeconds(),
                    r.samplesPerSecond(), r.evalSamplesPerSecond());
            return 0;
        }

        /** {@code OUT} with its extension replaced by {@code suffix} ({@code fit.png} -> {@code fit-error.png}). */
        static Path sibling(Path out, String suffix) {
            String name = out.getFileName().toString();
            int dot = name.lastIndexOf('.');
            String stem = dot > 0 ? name.substring(0, dot) : name;
            return out.resolveSibling(stem + suffix);
        }
    }

    /** {@code kf fit sdf MESH|CLOUD -o OUT.ply}. */
    @Command(name = "sdf", mixinStandardHelpOptions = true,
            description = {"Fit a signed distance field and write its zero level set.",
                    "A mesh (a .ply/.obj/.off with faces): ground truth by BVH closest point and winding-number sign; "
                            + "prints IoU, Chamfer-L1, F-score and normal consistency against the mesh.",
                    "A point cloud (.ply without faces, .xyz, .pwn/.xyzn, .pcd): no ground truth; on-surface value and "
                            + "normal losses, Eikonal and off-surface losses (normals estimated when the file has none); "
                            + "scores against --reference MESH, or against the input points."})
    static final class Sdf implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "INPUT", description = "Mesh (.ply, .obj, .off) or point cloud (.ply, .xyz, .pwn, .xyzn, .pcd) to fit.")
        Path input;

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

        @Option(names = "--reference", paramLabel = "MESH",
                description = "Point-cloud input: score the surface against this mesh (default: against the input points).")
        Path reference;

        @Option(names = "--batch", paramLabel = "N",
                description = "Point-cloud input: samples per step, 5 field evaluations each (default 1024).")
        Integer batch;

        @Mixin
        TrainingOptions training;

        @Override
        public Integer call() throws Exception {
            training.checkBudget(budget);
            if (kernels < 1) throw new IllegalArgumentException("--kernels must be at least 1, got " + kernels);
            if (resolution < 8) throw new IllegalArgumentException("--resolution must be at least 8, got " + resolution);
            if (batch != null && batch < 4) throw new IllegalArgumentException("--batch must be at least 4, got " + batch);
            FileFormat format = FileFormat.of(input);
            if (format != null && format.holdsMeshes()) {
                TriangleMesh gt = MeshIO.read(input);
                if (gt.triangleCount() > 0) return fitMesh(gt);
            }
            return fitCloud(PointCloudIO.read(input));
        }

        private int fitMesh(TriangleMesh gt) throws Exception {
            if (reference != null) throw new IllegalArgumentException("--reference is for point-cloud input; " + input + " is a mesh");
            if (batch != null) throw new IllegalArgumentException("--batch is for point-cloud input; " + input + " is a mesh");
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

        private int fitCloud(PointCloud pc) throws Exception {
            TriangleMesh ref = null;
            if (reference != null) {
                ref = MeshIO.read(reference);
                if (ref.triangleCount() == 0 || !(ref.area() > 0)) {
                    throw new IllegalArgumentException(reference + ": the reference mesh has no triangles with area");
                }
            }
            System.out.printf("read %s: %,d points%s%n", input, pc.size(), pc.hasNormals() ? " with normals" : "");
            if (pc.size() > 0 && !pc.hasNormals()) {
                System.out.printf("no normals in %s: estimating them (PCA over %d neighbours, oriented along a minimum spanning tree)%n",
                        input, NormalEstimation.DEFAULT_K);
            }
            CloudSdfFit.Options d = CloudSdfFit.Options.defaults();
            CloudSdfFit.Options o = d.withBudget(budget, training.steps).withSize(kernels, batch == null ? d.batch() : batch)
                    .withResolution(resolution).withThreads(training.threads).withSeed(training.seed);
            CloudSdfFit.Result r = CloudSdfFit.fit(pc, ref, o, ProgressListener.none());
            if (r.mesh().triangleCount() == 0) {
                throw new IllegalStateException("the fitted field has no zero level set in the box (train longer: --time-budget)");
            }
            MeshIO.write(out, r.mesh());
            System.out.printf("wrote %s (%,d vertices, %,d triangles)%n", out, r.mesh().vertexCount(), r.mesh().triangleCount());
            MeshMetrics.Result m = r.metrics();
            if (m != null) {
                String iou = r.againstReference() ? String.format("IoU %.4f  ", r.iou()) : "";
                System.out.printf("%sChamfer-L1 %.6f  F-score@0.5%% %.4f  F-score@1%% %.4f  normal consistency %.4f  (against %s)%n", iou,
                        m.chamferL1(), m.fscore(0.005), m.fscore(0.01), m.normalConsistency(),
                        r.againstReference() ? reference : "the input points");
            }
            System.out.printf("mean |f| on the points %.2e diag  mean ||grad f| - 1| %.3f%n", r.surfaceError(), r.eikonalError());
            System.out.printf("parameters %,d (%,d kernels)  steps %d  setup %.2f s  train %.2f s%n", r.parameters(), r.kernels(),
                    r.steps(), r.setupSeconds(), r.trainSeconds());
            return 0;
        }
    }
}
