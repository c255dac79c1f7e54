package kernelfield.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import kernelfield.engine.data.CameraDataset;
import kernelfield.engine.io.CameraDatasets;
import kernelfield.fields.splat.SplatFormats;
import kernelfield.fields.splat.SplatKernel;
import kernelfield.reconstruction.nvs.NvsEvaluation;
import kernelfield.reconstruction.nvs.SplatTraining;
import kernelfield.reconstruction.nvs.SplatTrainingOptions;

/**
 * The training curve of splat training: test PSNR against training wall time. Trains in chunks
 * of {@code --eval-every} seconds; after each chunk (outside the training clock) renders a subset
 * of the test views and appends a row to {@code OUT/curve.csv}
 * ({@code time_s,step,splats,psnr,ssim,load}); at the end evaluates every test view and writes
 * the model. Run with {@code bench/splat/train.sh}.
 *
 * <p>Arguments: {@code DATA OUT [--seconds S] [--eval-every S] [--eval-views N] [--iterations N]
 * [--resolution-scale F] [--max-splats N] [--init-points N] [--strategy default|mcmc]
 * [--kernel gaussian|ges] [--init auto|colmap|masks|random] [--densify-until N] [--threads N] [--seed S] [--sh-degree D]}.
 */
public final class SplatTrainCurve {
    private SplatTrainCurve() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: SplatTrainCurve DATA OUT [--seconds S] [--eval-every S] [--eval-views N] [options]");
            System.exit(2);
        }
        Path data = Path.of(args[0]), out = Path.of(args[1]);
        double seconds = 1200, every = 60;
        int evalViews = 8;
        SplatTrainingOptions.Builder b = SplatTrainingOptions.defaults().toBuilder();
        for (int i = 2; i + 1 < args.length; i += 2) {
            String k = args[i], v = args[i + 1];
            switch (k) {
                case "--seconds" -> seconds = Double.parseDouble(v);
                case "--eval-every" -> every = Double.parseDouble(v);
                case "--eval-views" -> evalViews = Integer.parseInt(v);
                case "--iterations" -> b.iterations(Integer.parseInt(v));
                case "--resolution-scale" -> b.resolutionScale(Double.parseDouble(v));
                case "--max-splats" -> b.maxSplats(Integer.parseInt(v));
                case "--init-points" -> b.initPoints(Integer.parseInt(v));
                case "--strategy" -> b.strategy(SplatTrainingOptions.StrategyKind.valueOf(v.toUpperCase(Locale.ROOT)));
                case "--kernel" -> b.kernel(SplatKernel.valueOf(v.toUpperCase(Locale.ROOT)));
                case "--densify-until" -> b.densifyUntil(Integer.parseInt(v));
                case "--densify-interval" -> b.densifyInterval(Integer.parseInt(v));
                case "--opacity-reset" -> b.opacityResetInterval(Integer.parseInt(v));
                case "--grad-threshold" -> b.densifyGradThreshold(Double.parseDouble(v));
                case "--sh-degree" -> b.maxShDegree(Integer.parseInt(v));
                case "--threads" -> b.threads(Integer.parseInt(v));
                case "--seed" -> b.seed(Long.parseLong(v));
                case "--lr-position" -> b.lrPositionInit(Double.parseDouble(v));
                case "--init" -> {
                    switch (v) {
                        case "auto" -> b.initFromPoints(true).initFromMasks(true);
                        case "colmap" -> b.initFromPoints(true).initFromMasks(false);
                        case "masks" -> b.initFromPoints(false).initFromMasks(true);
                        case "random" -> b.initFromPoints(false).initFromMasks(false);
                        default -> throw new IllegalArgumentException("--init: expected auto, colmap, masks or random, got " + v);
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + k);
            }
        }
        SplatTrainingOptions o = b.build();
        CameraDataset ds = CameraDatasets.open(data);
        Files.createDirectories(out);
        try (SplatTraining t = SplatTraining.create(ds, o);
             PrintStream csv = new PrintStream(Files.newOutputStream(out.resolve("curve.csv")), true, StandardCharsets.UTF_8)) {
            List<CameraDataset.View> test = t.testViews();
            List<CameraDataset.View> subset = new ArrayList<>();
            int stride = Math.max(1, test.size() / Math.max(1, evalViews));
            for (int i = 0; i < test.size() && subset.size() < evalViews; i += stride) subset.add(test.get(i));
            System.out.printf(Locale.ROOT, "init: %s; extent %.3f; %d train, %d test views (%d in the curve)%n",
                    t.initDescription(), t.sceneExtent(), t.trainViews().size(), test.size(), subset.size());
            csv.println("time_s,step,splats,psnr,ssim,load");
            double trained = 0;
            while (trained < seconds && t.step() < o.iterations()) {
                var r = t.train(Math.min(every, seconds - trained), null);
                trained = r.elapsedSeconds();
                NvsEvaluation.Summary s = t.evaluate(subset, null);
                double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
                String row = String.format(Locale.ROOT, "%.1f,%d,%d,%.3f,%.4f,%.2f", trained, t.step(), t.gaussians().size(),
                        s.meanPsnr(), s.meanSsim(), load);
                csv.println(row);
                System.out.println(row);
            }
            NvsEvaluation.Summary all = t.evaluate(test, out.resolve("test"));
            SplatFormats.writePly(out.resolve("model.ply"), t.gaussians());
            String last = String.format(Locale.ROOT, "final: %d steps in %.1f s, %d splats, test PSNR %.3f dB, SSIM %.4f over %d views",
                    t.step(), trained, t.gaussians().size(), all.meanPsnr(), all.meanSsim(), test.size());
            System.out.println(last);
            Files.writeString(out.resolve("summary.txt"), last + "\n");
        }
    }
}
