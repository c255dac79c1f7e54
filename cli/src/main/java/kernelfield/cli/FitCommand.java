package kernelfield.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import kernelfield.engine.data.FloatImage;
import kernelfield.engine.io.Images;
import kernelfield.reconstruction.fit.ImageFit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kf fit image|sdf}: fit an RBF neural field. */
@Command(name = "fit", mixinStandardHelpOptions = true,
        description = "Fit an RBF neural field (NeuRBF-style kernels + grid + small MLP) to data.",
        subcommands = {FitCommand.Image.class})
final class FitCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new IllegalArgumentException("name what to fit: kf fit image PHOTO -o OUT.png");
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

        @Option(names = "--steps", defaultValue = "0", paramLabel = "N",
                description = "Training steps (0: as many as the time budget allows; set it for reproducible runs).")
        long steps;

        @Option(names = "--params", defaultValue = "500000", paramLabel = "N",
                description = "Parameter budget (default ${DEFAULT-VALUE}).")
        long params;

        @Option(names = "--batch", defaultValue = "8192", paramLabel = "N", description = "Pixels per step (default ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--lr", defaultValue = "0.005", paramLabel = "LR", description = "Peak learning rate (default ${DEFAULT-VALUE}).")
        double lr;

        @Option(names = "--threads", defaultValue = "0", paramLabel = "N", description = "CPU threads (0: all cores).")
        int threads;

        @Option(names = "--seed", defaultValue = "0", description = "Random seed (default ${DEFAULT-VALUE}).")
        long seed;

        @Override
        public Integer call() throws Exception {
            if (!(budget > 0) && steps <= 0) throw new IllegalArgumentException("--time-budget must be > 0 (or give --steps)");
            if (params < 1000) throw new IllegalArgumentException("--params must be at least 1000, got " + params);
            if (batch < 1) throw new IllegalArgumentException("--batch must be at least 1, got " + batch);
            FloatImage img = Images.read(photo);
            ImageFit.Options o = ImageFit.Options.defaults().withBudget(budget, steps).withMaxParams(params)
                    .withTraining(batch, lr).withThreads(threads).withSeed(seed);
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
}
