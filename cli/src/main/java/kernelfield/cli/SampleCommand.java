package kernelfield.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.geometry.SurfaceSampler;
import kernelfield.engine.io.MeshIO;
import kernelfield.engine.io.PointCloudIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kf sample MESH -o OUT -n N}: area-uniform points from a mesh. */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Sample points uniformly by area on a mesh, with the face normals, optionally with noise.")
final class SampleCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MESH", description = "Mesh file (.ply .obj .off).")
    Path mesh;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Output point cloud.")
    Path out;

    @Option(names = {"-n", "--count"}, defaultValue = "100000", paramLabel = "N", description = "Number of points (default ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--noise", paramLabel = "SIGMA",
            description = "Gaussian noise on the positions: an absolute sigma, or a percentage of the bounding-box diagonal (e.g. 0.5%%).")
    String noise;

    @Option(names = "--no-normals", description = "Do not write normals.")
    boolean noNormals;

    @Option(names = "--seed", defaultValue = "" + SurfaceSampler.DEFAULT_SEED, description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (count < 1) throw new IllegalArgumentException("-n must be at least 1, got " + count);
        TriangleMesh m = MeshIO.read(mesh);
        if (m.triangleCount() == 0) throw new IllegalArgumentException(mesh + ": has no faces to sample");
        double sigma = noise == null ? 0 : Cli.lengthOrPercent(noise, m.bounds().diagonal(), "--noise");
        PointCloud pc = SurfaceSampler.sample(m, count, seed, sigma);
        if (noNormals) pc = pc.withNormals(null);
        PointCloudIO.write(out, pc);
        System.out.println("wrote " + out + ": " + pc + (sigma > 0 ? String.format(", noise sigma %.4g", sigma) : ""));
        return 0;
    }
}
