package kernelfield.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.geometry.MeshTopology;
import kernelfield.engine.io.MeshIO;
import kernelfield.engine.io.PointCloudIO;
import kernelfield.reconstruction.surface.SurfaceReconstruction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kf demo}: the main job on the bundled sample. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the main job on the bundled sample (assets/bun0.pcd, a raw Stanford bunny range scan with",
                "no normals): reconstruct its surface with the nks kernel surface (normals estimated and oriented",
                "on the way) and write the mesh."})
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
        SurfaceReconstruction.Result r = SurfaceReconstruction.reconstruct(pc, SurfaceReconstruction.Options.defaults(),
                SurfaceReconstruction.Progress.none());
        TriangleMesh mesh = r.mesh();
        System.out.printf("reconstructed %s in %.2f s (voxel size %.4g%s)%n", mesh, seconds(t1), r.voxelSize(),
                r.normalsEstimated() ? ", normals estimated and oriented" : "");
        Path out = outDir.resolve(stem(in) + ".ply");
        MeshIO.write(out, mesh);
        MeshTopology.Report topo = MeshTopology.analyze(mesh);
        System.out.printf("wrote %s (%d components, %d boundary edges, edge-manifold: %s)%n", out, topo.components(),
                topo.boundaryEdges(), topo.isEdgeManifold());
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
