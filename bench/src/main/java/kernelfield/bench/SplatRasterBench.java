package kernelfield.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import kernelfield.engine.data.Camera;
import kernelfield.fields.splat.GaussianSet;
import kernelfield.fields.splat.SplatFrame;
import kernelfield.fields.splat.SplatRasterCpu;
import kernelfield.fields.splat.SplatRasterSettings;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CPU splat rasterizer: 100k random splats in view at 512x512 (SH degree 3, screen radii of a
 * few pixels, about five layers per pixel), forward alone and forward + backward, 1 and 2 threads.
 * Run: {@code bench/jmh SplatRasterBench -f 1 -wi 2 -i 3}. The setup prints the scene's splat-pixel
 * evaluation count ({@link SplatFrame#splatPixelEvaluations()}); {@link SplatRasterProfile} prints
 * per-stage times and evaluations per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class SplatRasterBench {
    @Param({"1", "2"})
    public int threads;

    @Param({"100000"})
    public int splats;

    private GaussianSet gaussians;
    private Camera camera;
    private SplatRasterCpu raster;
    private SplatFrame frame;
    private float[] dLdImage;
    private final float[] background = {0, 0, 0};

    @Setup(Level.Trial)
    public void setup() {
        camera = camera();
        Random r = new Random(42);
        gaussians = scene(splats, r);
        raster = new SplatRasterCpu(SplatRasterSettings.defaults().withThreads(threads));
        frame = new SplatFrame();
        dLdImage = new float[W * H * 3];
        for (int i = 0; i < dLdImage.length; i++) dLdImage[i] = (float) (r.nextGaussian() * 1e-3);
        raster.forward(gaussians, camera, background, frame);
        System.out.printf("%n[splat bench] %d tile entries, %.2f per splat, %d splat-pixel evaluations per forward"
                        + " (divide by the time for evaluations per second)%n", frame.tileEntries(),
                frame.tileEntries() / (double) splats, frame.splatPixelEvaluations());
    }

    static final int W = 512, H = 512;

    /** The bench camera: 512x512, 60 degrees field of view, at the origin looking down +z. */
    static Camera camera() {
        double f = W / (2 * Math.tan(Math.toRadians(30)));
        return Camera.pinhole("bench", W, H, f, f, W / 2.0, H / 2.0, new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1},
                new double[] {0, 0, 0});
    }

    /** {@code n} random splats in the view of {@link #camera()}, SH degree 3 active; draws from {@code r}. */
    static GaussianSet scene(int n, Random r) {
        float[] means = new float[3 * n], ls = new float[3 * n], q = new float[4 * n], ol = new float[n],
                dc = new float[3 * n], rest = new float[45 * n];
        double tan = Math.tan(Math.toRadians(30));
        for (int i = 0; i < n; i++) {
            double z = 3 + 5 * r.nextDouble();
            means[3 * i] = (float) ((r.nextDouble() * 2 - 1) * tan * z);
            means[3 * i + 1] = (float) ((r.nextDouble() * 2 - 1) * tan * z);
            means[3 * i + 2] = (float) z;
            for (int k = 0; k < 3; k++) ls[3 * i + k] = (float) Math.log(0.012 * Math.exp(0.5 * r.nextGaussian()));
            for (int k = 0; k < 4; k++) q[4 * i + k] = (float) r.nextGaussian();
            ol[i] = (float) r.nextGaussian();
            for (int k = 0; k < 3; k++) dc[3 * i + k] = (float) (r.nextGaussian() * 0.5);
            for (int k = 0; k < 45; k++) rest[45 * i + k] = (float) (r.nextGaussian() * 0.05);
        }
        GaussianSet g = GaussianSet.of(means, ls, q, ol, dc, rest, null);
        g.setActiveShDegree(3);
        return g;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        raster.close();
    }

    @Benchmark
    public float forward() {
        raster.forward(gaussians, camera, background, frame);
        return frame.rgb()[0];
    }

    @Benchmark
    public float forwardBackward() {
        raster.forward(gaussians, camera, background, frame);
        gaussians.params().zeroGrad();
        raster.backward(frame, dLdImage);
        return gaussians.means().grad()[0];
    }
}
