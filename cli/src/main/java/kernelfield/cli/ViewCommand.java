package kernelfield.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import kernelfield.engine.data.Camera;
import kernelfield.engine.data.CameraDataset;
import kernelfield.engine.io.CameraDatasets;
import kernelfield.render.Scene;
import kernelfield.render.Viewer;
import kernelfield.render.gl.GlUnavailableException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kf view FILE}: the interactive viewer. */
@Command(name = "view", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Open a window on a mesh, point cloud or 3DGS splat PLY.",
                "Left drag orbit, scroll zoom, W A S D Q E fly (shift: faster), R reset,",
                "N / P dataset cameras (--dataset), F12 screenshot, Esc close; the title shows the frame time.",
                "With --screenshot, render a few frames, save the view there and exit."})
final class ViewCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "Mesh, point cloud or 3DGS splat .ply.")
    Path file;

    @Option(names = "--screenshot", paramLabel = "OUT.png", description = "Save the view after --frames frames and exit.")
    Path screenshot;

    @Option(names = "--frames", defaultValue = "3", description = "Frames before the screenshot (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--size", defaultValue = "1280x720", paramLabel = "WxH", description = "Window size (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--dataset", paramLabel = "DIR", description = "Camera dataset whose views N / P step through.")
    Path dataset;

    @Option(names = "--split", defaultValue = "train", description = "Dataset split (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--point-size", defaultValue = "2", paramLabel = "PX", description = "Point diameter in pixels.")
    float pointSize;

    @Override
    public Integer call() throws Exception {
        int[] wh = Cli.size(size);
        SceneFiles.Content content = SceneFiles.load(file);
        float[] bg = content.defaultBackground();
        Scene scene = new Scene().setBackground(bg[0], bg[1], bg[2]);
        content.addTo(scene, pointSize);
        List<Camera> cams = new ArrayList<>();
        if (dataset != null) {
            CameraDataset ds = CameraDatasets.open(dataset);
            List<CameraDataset.View> views = ds.split(split);
            if (views != null) for (CameraDataset.View v : views) cams.add(v.camera());
        }
        try {
            new Viewer(scene, cams, "kf view " + file.getFileName()).run(wh[0], wh[1], screenshot, frames);
        } catch (GlUnavailableException e) {
            throw new IllegalArgumentException("cannot open a window: " + e.getMessage());
        }
        if (screenshot != null) System.out.println("wrote " + screenshot);
        return 0;
    }
}
