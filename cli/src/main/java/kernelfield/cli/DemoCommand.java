package kernelfield.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.geometry.MeshTopology;
import kernelfield.engine.io.MeshIO;
import kernelfield.engine.io.Images;
import kernelfield.engine.io.PointCloudIO;
import kernelfield.render.Cameras;
import kernelfield.render.OffscreenRenderer;
import kernelfield.render.Scene;
import kernelfield.render.gl.GlUnavailableException;
import kernelfield.reconstruction.surface.SurfaceReconstruction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kf demo}: the main job on the bundled sample. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the main job on the bundled sample (assets/kitten.xyz, a real scan): drop its normals,",
                "reconstruct the surface from the positions alone with the nks kernel surface (normals estimated",
                "and oriented on the way), write the mesh and a preview PNG (headless OpenGL)."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = {"-o", "--output"}, defaultValue = "kf-demo", paramLabel = "DIR", description = "Output folder (default ${DEFAULT-VALUE}).")
    Path outDir;

    @Option(names = "--input", paramLabel = "CLOUD", description = "Another point cloud to use instead of the bundled scan.")
    Path input;

    @Option(names = "--keep-normals", description = "Use the input's normals instead of estimating them.")
    boolean keepNormals;

    @Override
    public Integer call() throws Exception {
        Path in = input != null ? input : asset("kitten.xyz");
        long t0 = System.nanoTime();
        PointCloud pc = PointCloudIO.read(in);
        System.out.printf("read %s: %s in %.2f s%n", in, pc, seconds(t0));
        if (!keepNormals && pc.hasNormals()) {
            pc = pc.withNormals(null);
            System.out.println("normals dropped: reconstructing from positions alone (--keep-normals to use them)");
        }
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
        Path png = outDir.resolve(stem(in) + ".png");
        try (OffscreenRenderer renderer = new OffscreenRenderer()) {
            Scene scene = new Scene().setBackground(1, 1, 1);
            scene.addMesh(mesh);
            Images.writePng(png, renderer.render(scene, Cameras.framing(scene.bounds(), 800, 600)));
            System.out.println("wrote " + png + " (preview)");
        } catch (GlUnavailableException e) {
            System.out.println("no preview: " + e.getMessage());
        }
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
