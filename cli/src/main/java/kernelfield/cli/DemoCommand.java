package kernelfield.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import kernelfield.engine.data.PointCloud;
import kernelfield.engine.geometry.NormalEstimation;
import kernelfield.engine.io.PointCloudIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kf demo}: the main job on the bundled sample. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the main job on the bundled sample (assets/bun0.pcd, a raw Stanford bunny range scan):",
                "estimate normals by kNN PCA, orient them consistently over the neighbour graph, and write the",
                "oriented cloud. Surface reconstruction joins this demo as soon as it exists."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = {"-o", "--output"}, defaultValue = "kf-demo", paramLabel = "DIR", description = "Output folder (default ${DEFAULT-VALUE}).")
    Path outDir;

    @Option(names = "--input", paramLabel = "CLOUD", description = "Another point cloud to use instead of the bundled scan.")
    Path input;

    @Override
    public Integer call() throws Exception {
        Path in = input != null ? input : asset("bun0.pcd");
        long t0 = System.nanoTime();
        PointCloud pc = PointCloudIO.read(in);
        System.out.printf("read %s: %s in %.2f s%n", in, pc, seconds(t0));
        long t1 = System.nanoTime();
        PointCloud oriented = NormalEstimation.estimateOriented(pc, NormalEstimation.DEFAULT_K);
        System.out.printf("normals estimated and oriented (k=%d) in %.2f s%n", NormalEstimation.DEFAULT_K, seconds(t1));
        Path out = outDir.resolve(stem(in) + "_oriented.ply");
        PointCloudIO.write(out, oriented);
        System.out.println("wrote " + out);
        return 0;
    }

    static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    /** A bundled sample from {@code assets/}: under {@code kf.home} (set by ./kf), else the working directory. */
    static Path asset(String name) {
        String home = System.getProperty("kf.home");
        Path p = (home != null ? Path.of(home) : Path.of("")).resolve("assets").resolve(name);
        if (!Files.exists(p)) throw new IllegalArgumentException(p + ": bundled sample not found (run from the repository or set -Dkf.home)");
        return p;
    }
}
