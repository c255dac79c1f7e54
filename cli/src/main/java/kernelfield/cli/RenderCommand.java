package kernelfield.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import kernelfield.engine.data.Camera;
import kernelfield.engine.data.CameraDataset;
import kernelfield.engine.data.FloatImage;
import kernelfield.engine.io.CameraDatasets;
import kernelfield.engine.io.Images;
import kernelfield.fields.splat.SplatRasterCpu;
import kernelfield.fields.splat.SplatRasterSettings;
import kernelfield.render.Cameras;
import kernelfield.render.MeshDrawable;
import kernelfield.render.OffscreenRenderer;
import kernelfield.render.Scene;
import kernelfield.render.gl.GlUnavailableException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kf render FILE -o OUT.png}: a headless picture of a mesh, point cloud or splat file. */
@Command(name = "render", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Render a mesh, point cloud or 3DGS splat PLY to PNG, headless (OpenGL through EGL;",
                "Mesa llvmpipe where there is no GPU). --renderer cpu draws splats with the CPU rasterizer.",
                "With --dataset DIR, one image per camera of --split, named like the view's image, into OUT (a folder)."})
final class RenderCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "Mesh (.ply .obj .off), point cloud (.ply .xyz .pwn .pcd ...) or 3DGS splat .ply.")
    Path file;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Output PNG (a folder with --dataset).")
    Path output;

    @Option(names = "--size", paramLabel = "WxH", description = "Image size (default 1280x720; with --dataset: each camera's own size).")
    String size;

    @Option(names = "--camera", defaultValue = "auto", paramLabel = "SPEC",
            description = "auto, or eye=x,y,z,target=x,y,z[,up=x,y,z][,fov=degrees] (default: ${DEFAULT-VALUE}).")
    String camera;

    @Option(names = "--renderer", defaultValue = "gl", paramLabel = "gl|cpu", description = "gl (default) or cpu (splats only).")
    String renderer;

    @Option(names = "--dataset", paramLabel = "DIR", description = "Camera dataset (transforms.json or COLMAP) whose views to render.")
    Path dataset;

    @Option(names = "--split", defaultValue = "test", description = "Dataset split (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--background", paramLabel = "R,G,B", description = "Background colour (default 1,1,1; 0,0,0 for splats).")
    String background;

    @Option(names = "--flat", description = "Flat shading for meshes.")
    boolean flat;

    @Option(names = "--wireframe", description = "Draw mesh edges.")
    boolean wireframe;

    @Option(names = "--point-size", defaultValue = "2", paramLabel = "PX", description = "Point diameter in pixels (default: ${DEFAULT-VALUE}).")
    float pointSize;

    @Override
    public Integer call() throws Exception {
        String rname = renderer.toLowerCase(Locale.ROOT);
        if (!rname.equals("gl") && !rname.equals("cpu")) throw new IllegalArgumentException("--renderer: expected gl or cpu, got '" + renderer + "'");
        SceneFiles.Content content = SceneFiles.load(file);
        if (rname.equals("cpu") && content.splats() == null) {
            throw new IllegalArgumentException("--renderer cpu draws splat files only; " + file + " holds " + content.describe());
        }
        float[] bg = background != null ? Cli.rgb(background, "--background") : content.defaultBackground();
        Scene scene = new Scene().setBackground(bg[0], bg[1], bg[2]);
        MeshDrawable mesh = content.addTo(scene, pointSize);
        if (mesh != null) mesh.setShading(flat ? MeshDrawable.Shading.FLAT : MeshDrawable.Shading.SMOOTH).setWireframe(wireframe);

        List<Camera> cams = new ArrayList<>();
        List<Path> outs = new ArrayList<>();
        if (dataset != null) {
            CameraDataset ds = CameraDatasets.open(dataset);
            List<CameraDataset.View> views = ds.split(split);
            if (views == null || views.isEmpty()) throw new IllegalArgumentException(dataset + ": no views in split '" + split + "'");
            int[] wh = size != null ? Cli.size(size) : null;
            for (CameraDataset.View v : views) {
                cams.add(wh != null ? v.camera().resized(wh[0], wh[1]) : v.camera());
                String name = v.image() != null ? v.image().getFileName().toString() : v.camera().name();
                int dot = name.lastIndexOf('.');
                outs.add(output.resolve((dot > 0 ? name.substring(0, dot) : name) + ".png"));
            }
        } else {
            int[] wh = Cli.size(size != null ? size : "1280x720");
            cams.add(parseCamera(camera, scene, wh[0], wh[1]));
            outs.add(output);
        }

        if (rname.equals("cpu")) {
            try (SplatRasterCpu cpu = new SplatRasterCpu(SplatRasterSettings.defaults())) {
                for (int i = 0; i < cams.size(); i++) write(outs.get(i), cpu.forward(content.splats(), cams.get(i), bg).toImage());
            }
        } else {
            OffscreenRenderer r;
            try {
                r = new OffscreenRenderer();
            } catch (GlUnavailableException e) {
                throw new IllegalArgumentException("no OpenGL here (" + e.getMessage() + ")"
                        + (content.splats() != null ? "; try --renderer cpu" : ""));
            }
            try (r) {
                for (int i = 0; i < cams.size(); i++) write(outs.get(i), r.render(scene, cams.get(i)));
            }
        }
        return 0;
    }

    private static void write(Path out, FloatImage img) throws java.io.IOException {
        Images.writePng(out, img);
        System.out.println("wrote " + out + " (" + img.width() + "x" + img.height() + ")");
    }

    private static final Pattern KEY = Pattern.compile("(eye|target|up|fov)=");

    /** {@code auto} or {@code eye=x,y,z,target=x,y,z[,up=x,y,z][,fov=deg]}. */
    static Camera parseCamera(String spec, Scene scene, int w, int h) {
        if (spec.equalsIgnoreCase("auto")) return Cameras.framing(scene.bounds(), w, h);
        double[] eye = null, target = null, up = {0, 1, 0};
        double fov = 45;
        Matcher m = KEY.matcher(spec);
        List<int[]> starts = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        while (m.find()) {
            starts.add(new int[] {m.start(), m.end()});
            keys.add(m.group(1));
        }
        if (starts.isEmpty() || starts.get(0)[0] != 0) throw badCamera(spec);
        for (int i = 0; i < starts.size(); i++) {
            int end = i + 1 < starts.size() ? starts.get(i + 1)[0] : spec.length();
            String val = spec.substring(starts.get(i)[1], end).replaceAll(",$", "");
            double[] nums;
            try {
                nums = java.util.Arrays.stream(val.split(",")).mapToDouble(s -> Double.parseDouble(s.trim())).toArray();
            } catch (NumberFormatException e) {
                throw badCamera(spec);
            }
            switch (keys.get(i)) {
                case "eye" -> eye = three(nums, spec);
                case "target" -> target = three(nums, spec);
                case "up" -> up = three(nums, spec);
                default -> {
                    if (nums.length != 1 || !(nums[0] > 0 && nums[0] < 180)) throw badCamera(spec);
                    fov = nums[0];
                }
            }
        }
        if (eye == null) throw badCamera(spec);
        if (target == null) {
            var b = scene.bounds();
            target = new double[] {b.centerX(), b.centerY(), b.centerZ()};
        }
        return Cameras.lookAt("camera", w, h, fov, eye, target, up);
    }

    private static double[] three(double[] v, String spec) {
        if (v.length != 3) throw badCamera(spec);
        return v;
    }

    private static IllegalArgumentException badCamera(String spec) {
        return new IllegalArgumentException("--camera: expected auto or eye=x,y,z,target=x,y,z[,up=x,y,z][,fov=degrees], got '" + spec + "'");
    }
}
