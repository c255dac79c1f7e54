package kernelfield.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import kernelfield.engine.data.FloatImage;
import kernelfield.engine.io.Images;
import kernelfield.fields.rbf.RbfFieldConfig;
import kernelfield.fields.rbf.RbfKernel;
import kernelfield.reconstruction.fit.ImageFit;

/**
 * One image fit with an architecture given on the command line, printing its PSNR curve: for
 * sweeping the RBF image model. Arguments {@code key=value}: photo, budget, steps, params, batch,
 * lr, threads, channels, k, fmin, fmax, grid (comma list), gf, hidden (comma list), dmin, dmax,
 * kernel, support, norm, decoder ({@code mlp} or {@code gnf}), neurons (GNF), evals (comma list of
 * seconds).
 */
public final class ImageFitSweep {
    private ImageFitSweep() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String s : args) {
            int e = s.indexOf('=');
            a.put(s.substring(0, e), s.substring(e + 1));
        }
        FloatImage img = Images.read(Path.of(a.getOrDefault("photo", "/work/shared/data/photos/astronaut.png")));
        RbfFieldConfig c = RbfFieldConfig.imageDefaults(img.width(), img.height());
        c = c.withChannels(Integer.parseInt(a.getOrDefault("channels", "" + c.channels())),
                Float.parseFloat(a.getOrDefault("fmin", "" + c.rbfFreqMin())),
                Float.parseFloat(a.getOrDefault("fmax", "" + c.rbfFreqMax())),
                Integer.parseInt(a.getOrDefault("k", "" + c.maxNeighbours())));
        if (a.containsKey("grid")) {
            c = c.withGrid(a.get("grid").isEmpty() ? new int[0] : ints(a.get("grid")),
                    Integer.parseInt(a.getOrDefault("gf", "" + c.gridFeatures())));
        }
        c = c.withDecoder(a.containsKey("hidden") ? ints(a.get("hidden")) : c.hidden(),
                Float.parseFloat(a.getOrDefault("dmin", "" + c.decFreqMin())),
                Float.parseFloat(a.getOrDefault("dmax", "" + c.decFreqMax())));
        if (a.containsKey("kernel")) {
            c = c.withKernel(RbfKernel.valueOf(a.get("kernel")), Float.parseFloat(a.getOrDefault("support", "" + c.support())));
        }
        if (a.containsKey("norm")) c = c.withNormalize(Boolean.parseBoolean(a.get("norm")));
        if (a.getOrDefault("decoder", "mlp").equalsIgnoreCase("gnf")) {
            c = c.withGaussianDecoder(Integer.parseInt(a.getOrDefault("neurons", "" + RbfFieldConfig.DEFAULT_NEURONS)));
        }
        ImageFit.Options o = ImageFit.Options.defaults()
                .withBudget(Double.parseDouble(a.getOrDefault("budget", "30")), Long.parseLong(a.getOrDefault("steps", "0")))
                .withMaxParams(Long.parseLong(a.getOrDefault("params", "500000")))
                .withTraining(Integer.parseInt(a.getOrDefault("batch", "4096")), Double.parseDouble(a.getOrDefault("lr", "5e-3")))
                .withThreads(Integer.parseInt(a.getOrDefault("threads", "0"))).withConfig(c);
        if (a.containsKey("evals")) o = o.withEvalTimes(Arrays.stream(a.get("evals").split(",")).mapToDouble(Double::parseDouble).toArray());
        ImageFit.Result r = ImageFit.fit(img, o);
        StringBuilder curve = new StringBuilder();
        for (double[] p : r.curve()) curve.append(String.format(" %.0fs:%.2f", p[0], p[1]));
        System.out.printf("%s | params %d kernels %d steps %d init %.2fs samples/s %.0f | PSNR %.2f |%s%n", String.join(" ", args),
                r.parameters(), r.kernels(), r.steps(), r.initSeconds(), r.samplesPerSecond(), r.psnr(), curve);
    }

    private static int[] ints(String s) {
        return Arrays.stream(s.split(",")).mapToInt(Integer::parseInt).toArray();
    }
}
