package kernelfield.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

import kernelfield.engine.data.Camera;
import kernelfield.fields.splat.GaussianSet;
import kernelfield.fields.splat.SplatFrame;
import kernelfield.fields.splat.SplatKernel;
import kernelfield.fields.splat.SplatRasterCpu;
import kernelfield.fields.splat.SplatRasterSettings;

/**
 * Per-stage times of the CPU splat rasterizer on the {@link SplatRasterBench} scene (100k splats,
 * 512x512), and the splat-pixel evaluations per second. Median of {@code reps} forward + backward
 * passes after {@code warm} warm-up passes, for 1 and 2 threads.
 *
 * <p>Run: {@code java --add-modules=jdk.incubator.vector -cp ... kernelfield.bench.SplatRasterProfile
 * [reps] [warm] [splats] [kernel] [threads,...]}.
 */
public final class SplatRasterProfile {
    private static final String[] STAGES = {"project", "bin", "sort", "composite", "back-composite", "reduce",
            "back-project"};

    private SplatRasterProfile() {
    }

    public static void main(String[] args) throws Exception {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int warm = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
        SplatKernel kernel = args.length > 3 ? SplatKernel.valueOf(args[3].toUpperCase(Locale.ROOT)) : SplatKernel.GAUSSIAN;
        Camera camera = SplatRasterBench.camera();
        Random r = new Random(42);
        GaussianSet g = SplatRasterBench.scene(n, r);
        if (kernel != SplatKernel.GAUSSIAN) {
            float[] sh = new float[n];
            for (int i = 0; i < n; i++) sh[i] = (float) (r.nextGaussian() * 0.5);
            g = GaussianSet.of(g.means().value(), g.logScales().value(), g.quaternions().value(),
                    g.opacityLogits().value(), g.shDc().value(), g.shRest().value(), sh);
            g.setActiveShDegree(3);
        }
        float[] dl = new float[SplatRasterBench.W * SplatRasterBench.H * 3];
        for (int i = 0; i < dl.length; i++) dl[i] = (float) (r.nextGaussian() * 1e-3);
        float[] bg = {0, 0, 0};
        System.out.printf(Locale.ROOT, "load %s, %d splats, %s kernel, %d reps%n", load(), n, kernel, reps);
        int[] threadCounts = args.length > 4 ? Arrays.stream(args[4].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {1, 2};
        for (int threads : threadCounts) {
            SplatRasterSettings s = SplatRasterSettings.defaults().withThreads(threads).withKernel(kernel);
            try (SplatRasterCpu raster = new SplatRasterCpu(s)) {
                SplatFrame frame = new SplatFrame();
                long[][] st = new long[STAGES.length][reps];
                long[] fwd = new long[reps], tot = new long[reps], cpuF = new long[reps], cpuT = new long[reps];
                java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
                for (int it = -warm; it < reps; it++) {
                    long c0 = mx.getCurrentThreadCpuTime();
                    long t0 = System.nanoTime();
                    raster.forward(g, camera, bg, frame);
                    long t1 = System.nanoTime();
                    long c1 = mx.getCurrentThreadCpuTime();
                    g.params().zeroGrad();
                    raster.backward(frame, dl);
                    long t2 = System.nanoTime();
                    long c2 = mx.getCurrentThreadCpuTime();
                    if (it < 0) continue;
                    cpuF[it] = c1 - c0;
                    cpuT[it] = c2 - c0;
                    fwd[it] = t1 - t0;
                    tot[it] = t2 - t0;
                    for (int k = 0; k < STAGES.length; k++) st[k][it] = frame.stageNanos()[k];
                }
                double f = median(fwd), fb = median(tot);
                long ev = frame.splatPixelEvaluations();
                System.out.printf(Locale.ROOT, "%d thread(s): forward %.1f ms, forward+backward %.1f ms; "
                                + "%d tile entries, %,d splat-pixel evaluations, %.0f M/s forward, %.0f M/s forward+backward%n",
                        threads, f, fb, frame.tileEntries(), ev, ev / f / 1e3, ev / fb / 1e3);
                StringBuilder b = new StringBuilder("   ");
                for (int k = 0; k < STAGES.length; k++) {
                    b.append(String.format(Locale.ROOT, " %s %.1f", STAGES[k], median(st[k])));
                }
                System.out.println(b.append(" (ms, median)"));
                b = new StringBuilder("   ");
                for (int k = 0; k < STAGES.length; k++) {
                    b.append(String.format(Locale.ROOT, " %s %.1f", STAGES[k], min(st[k])));
                }
                System.out.println(b.append(String.format(Locale.ROOT, " (ms, minimum); forward %.1f, forward+backward %.1f (minimum)",
                        min(fwd), min(tot))));
                if (threads == 1) {
                    System.out.printf(Locale.ROOT, "    CPU time of the thread: forward %.1f ms, forward+backward %.1f ms (median); %.1f, %.1f (minimum)%n",
                            median(cpuF), median(cpuT), min(cpuF), min(cpuT));
                }
            }
        }
        System.out.printf(Locale.ROOT, "load after %s%n", load());
    }

    private static double min(long[] a) {
        return Arrays.stream(a).min().orElse(0) / 1e6;
    }

    private static double median(long[] a) {
        long[] c = a.clone();
        Arrays.sort(c);
        return c[c.length / 2] / 1e6;
    }

    private static String load() throws Exception {
        String[] p = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return p[0] + " " + p[1] + " " + p[2];
    }
}
