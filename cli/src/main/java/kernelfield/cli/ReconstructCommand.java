package kernelfield.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.io.MeshIO;
import kernelfield.engine.io.PointCloudIO;
import kernelfield.reconstruction.surface.LearnedFeatures;
import kernelfield.reconstruction.surface.SurfaceReconstruction;
import kernelfield.reconstruction.surface.TiledReconstruction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kf reconstruct CLOUD -o MESH}: point cloud to surface mesh with the nks kernel surface. */
@Command(name = "reconstruct", mixinStandardHelpOptions = true,
        description = {"Reconstruct a surface mesh from a point cloud (any point format in; PLY, OBJ or OFF out) with the nks",
                "kernel surface. Normals are estimated and oriented when the cloud has none; colours are carried to the",
                "vertices. By default the surface is trimmed to the input's neighbourhood; --watertight keeps it closed."})
final class ReconstructCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CLOUD", description = "Input point cloud (.ply .xyz .pwn .pcd ...).")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "MESH", description = "Output mesh (.ply .obj .off).")
    Path out;

    @Option(names = "--detail", paramLabel = "D", description = "Level of detail in [0, 1] (default 0.5); higher is finer and slower.")
    Double detail;

    @Option(names = "--voxel-size", paramLabel = "S",
            description = "Finest voxel size: an absolute length, or a percentage of the bounding-box diagonal (e.g. 0.5%%).")
    String voxelSize;

    @Option(names = "--tile-size", paramLabel = "S",
            description = {"Reconstruct in tiles of this edge (absolute, or a percentage of the bounding-box diagonal);",
                    "clouds above 4 million points are tiled automatically."})
    String tileSize;

    @Option(names = "--watertight", description = "Keep the closed surface (no trimming far from the input).")
    boolean watertight;

    @Option(names = "--features", paramLabel = "MODE",
            description = {"Learned kernel features: auto (default: on where the noise sets the voxel size), on or off."})
    String features;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: all cores).")
    Integer threads;

    @Option(names = "--quiet", description = "No progress output.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        if (detail != null && voxelSize != null) throw new IllegalArgumentException("give --detail or --voxel-size, not both");
        long t0 = System.nanoTime();
        PointCloud pc = PointCloudIO.read(input);
        if (!quiet) System.err.printf("read %s: %s in %.2f s%n", input, pc, DemoCommand.seconds(t0));
        SurfaceReconstruction.Options opt = SurfaceReconstruction.Options.defaults().withWatertight(watertight);
        if (detail != null) opt = opt.withDetail(detail);
        if (voxelSize != null) {
            double s = Cli.lengthOrPercent(voxelSize, pc.bounds().diagonal(), "--voxel-size");
            if (!(s > 0)) throw new IllegalArgumentException("--voxel-size must be positive, got '" + voxelSize + "'");
            opt = opt.withVoxelSize(s);
        }
        if (features != null) opt = opt.withFeatures(LearnedFeatures.parse(features));
        if (threads != null) {
            if (threads < 1) throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
            opt = opt.withThreads(threads);
        }
        SurfaceReconstruction.Progress progress = quiet ? SurfaceReconstruction.Progress.none() : new Bar();
        long t1 = System.nanoTime();
        double tile = 0;
        if (tileSize != null) {
            tile = Cli.lengthOrPercent(tileSize, pc.bounds().diagonal(), "--tile-size");
            if (!(tile > 0)) throw new IllegalArgumentException("--tile-size must be positive, got '" + tileSize + "'");
        }
        SurfaceReconstruction.Result r = TiledReconstruction.reconstructAuto(pc, opt, tile, progress);
        double secs = DemoCommand.seconds(t1);
        if (!quiet) System.err.println();
        TriangleMesh mesh = r.mesh();
        MeshIO.write(out, mesh);
        StringBuilder stages = new StringBuilder();
        for (Map.Entry<String, Double> e : r.seconds().entrySet()) {
            stages.append(stages.length() == 0 ? "" : ", ").append(e.getKey()).append(String.format(" %.2f", e.getValue()));
        }
        System.out.printf("wrote %s: %s; reconstructed in %.2f s (%s); voxel size %.4g%s%s%n", out, mesh, secs, stages,
                r.voxelSize(), r.normalsEstimated() ? ", normals estimated" : "",
                r.droppedPoints() > 0 ? ", " + r.droppedPoints() + " non-finite points dropped" : "");
        return 0;
    }

    /** A one-line terminal progress bar on stderr. */
    private static final class Bar implements SurfaceReconstruction.Progress {
        private int last = -1;
        private String lastStage = "";

        @Override
        public void report(String stage, double fraction) {
            int pct = (int) Math.round(100 * Math.max(0, Math.min(1, fraction)));
            if (pct == last && stage.equals(lastStage)) return;
            last = pct;
            lastStage = stage;
            int w = 30, filled = pct * w / 100;
            System.err.printf("\r[%s%s] %3d%% %-10s", "#".repeat(filled), " ".repeat(w - filled), pct, stage);
            System.err.flush();
        }
    }
}
