package kernelfield.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.geometry.MeshMetrics;
import kernelfield.engine.io.AtomicFiles;
import kernelfield.engine.io.CameraDatasets;
import kernelfield.engine.io.FileFormat;
import kernelfield.engine.io.MeshIO;
import kernelfield.engine.io.PointCloudIO;
import kernelfield.reconstruction.nvs.NvsEvaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kf eval PRED GT}: the mesh metrics of the project's convention; {@code kf eval RENDERS
 * --dataset DIR [--split test]}: PSNR and SSIM of rendered views.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Compare a predicted surface with a ground-truth mesh (kf eval PRED GT), or rendered views with",
                "a dataset's images (kf eval RENDERS --dataset DIR [--split test] [--background white]): PSNR and SSIM",
                "per view (renders named like the views' images) and their means.",
                "Surfaces:",
                "Both surfaces are sampled by area (a point cloud PRED is used as it is); accuracy and completeness",
                "are mean nearest-neighbour distances, Chamfer-L1 their mean, Chamfer-L2 the mean of squared",
                "distances halved, F-score at each tau, normal consistency mean |n.n'| both ways. Distances and tau",
                "are relative to the ground truth's bounding-box diagonal."})
final class EvalCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PRED", description = "Predicted mesh or point cloud, or a folder of renders (with --dataset).")
    Path pred;

    @Parameters(index = "1", arity = "0..1", paramLabel = "GT", description = "Ground-truth mesh (not with --dataset).")
    Path gt;

    @Option(names = "--dataset", paramLabel = "DIR", description = "Posed-image dataset the renders are compared with.")
    Path dataset;

    @Option(names = "--split", defaultValue = "test", paramLabel = "NAME", description = "Split of the dataset (default ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--background", defaultValue = "white", paramLabel = "COLOUR",
            description = "Background RGBA images are composited over: white, black or R,G,B (default ${DEFAULT-VALUE}).")
    String background;

    @Option(names = "--samples", defaultValue = "" + MeshMetrics.DEFAULT_SAMPLES, description = "Samples per surface (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--tau", arity = "1..*", paramLabel = "T", defaultValue = "0.005 0.01", split = " ",
            description = "F-score thresholds relative to the diagonal (default ${DEFAULT-VALUE}).")
    List<Double> taus;

    @Option(names = "--seed", defaultValue = "" + kernelfield.engine.geometry.SurfaceSampler.DEFAULT_SEED, description = "Sampling seed.")
    long seed;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the metrics as JSON.")
    Path json;

    @Override
    public Integer call() throws Exception {
        if (dataset != null) return evalRenders();
        if (gt == null) throw new IllegalArgumentException("missing GT: give a ground-truth mesh, or --dataset DIR for renders");
        MeshMetrics.Options opts = MeshMetrics.Options.defaults().withSamples(samples).withSeed(seed)
                .withTaus(taus.stream().mapToDouble(Double::doubleValue).toArray());
        TriangleMesh g = MeshIO.read(gt);
        if (g.triangleCount() == 0) throw new IllegalArgumentException(gt + ": the ground truth has no faces");
        MeshMetrics.Result r;
        FileFormat f = FileFormat.of(pred);
        TriangleMesh pm = f != null && f.holdsMeshes() ? MeshIO.read(pred) : null;
        if (pm != null && pm.triangleCount() > 0) {
            r = MeshMetrics.compare(pm, g, opts);
        } else {
            PointCloud pc = pm != null ? new PointCloud(pm.vertices(), pm.normals()) : PointCloudIO.read(pred);
            r = MeshMetrics.compare(pc, g, opts);
        }
        Map<String, Object> m = r.toJson();
        System.out.println(table(m));
        if (json != null) {
            ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            AtomicFiles.write(json, out -> om.writeValue(out, m));
        }
        return 0;
    }

    private int evalRenders() throws Exception {
        if (gt != null) throw new IllegalArgumentException("with --dataset, give only the renders folder (got " + gt + " too)");
        if (!java.nio.file.Files.isDirectory(pred)) throw new IllegalArgumentException(pred + ": not a folder of renders");
        NvsEvaluation.Summary s = NvsEvaluation.evaluateRenders(pred, CameraDatasets.open(dataset), split,
                Cli.background(background));
        int w = 4;
        for (NvsEvaluation.ViewScore v : s.views()) w = Math.max(w, v.name().length());
        StringBuilder b = new StringBuilder(String.format("%-" + w + "s  %8s  %7s%n", "view", "psnr", "ssim"));
        for (NvsEvaluation.ViewScore v : s.views()) {
            b.append(String.format(java.util.Locale.ROOT, "%-" + w + "s  %8.3f  %7.4f%n", v.name(), v.psnr(), v.ssim()));
        }
        b.append(String.format(java.util.Locale.ROOT, "%-" + w + "s  %8.3f  %7.4f", "mean", s.meanPsnr(), s.meanSsim()));
        System.out.println(b);
        if (json != null) {
            ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            Map<String, Object> m = s.toJson();
            AtomicFiles.write(json, out -> om.writeValue(out, m));
        }
        return 0;
    }

    static String table(Map<String, Object> m) {
        StringBuilder b = new StringBuilder();
        int w = m.keySet().stream().mapToInt(String::length).max().orElse(0);
        for (Map.Entry<String, Object> e : m.entrySet()) {
            Object v = e.getValue();
            String s = v instanceof Double d ? String.format("%.6g", d) : String.valueOf(v);
            b.append(String.format("%-" + w + "s  %s%n", e.getKey(), s));
        }
        return b.toString().stripTrailing();
    }
}
