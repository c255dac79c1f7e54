import java.util.Locale;
import java.util.SplittableRandom;

import kernelfield.engine.data.Bounds;
import kernelfield.engine.data.Camera;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.fields.splat.GaussianSet;
import kernelfield.render.Cameras;
import kernelfield.render.Renderer;
import kernelfield.render.Scene;
import kernelfield.render.gl.GlContext;

/**
 * Frames per second of the GL renderer, headless: 100k and 1M random splats (SH degree 3), a
 * 1M-triangle mesh and a sphere-traced implicit torus at W x H (default 1280x720); a fourth
 * argument picks scenes (e.g. {@code splats,sdf}). Every timed frame moves the camera a little along
 * an orbit, so splat frames include projection and the GPU sort; each frame ends with glFinish.
 * Run through bench/render/run.sh (it builds and sets the classpath).
 */
public class RenderBench {
    public static void main(String[] args) {
        int w = args.length > 0 ? Integer.parseInt(args[0]) : 1280, h = args.length > 1 ? Integer.parseInt(args[1]) : 720;
        int frames = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        try (GlContext ctx = GlContext.headless(); Renderer r = new Renderer(ctx.gl())) {
            System.out.println("context: " + ctx.description());
            System.out.printf(Locale.ROOT, "| scene | size | ms/frame (moving) | fps | ms/frame (still camera: draw only) | CPU ms/frame (moving) | CPU ms/frame (still) | fragment shader invocations |%n|---|---|---|---|---|---|---|---|%n");
            String only = args.length > 3 ? args[3] : "splats,mesh,sdf";
            if (only.contains("splats")) {
                run(r, "splats 100k", splatScene(100_000), w, h, frames);
                run(r, "splats 1M", splatScene(1_000_000), w, h, frames);
            }
            if (only.contains("mesh")) run(r, "mesh 1M triangles", meshScene(500, 1000), w, h, frames);
            if (only.contains("sdf")) {
                long t = System.nanoTime();
                Scene sdf = sdfScene(256);
                System.out.printf(Locale.ROOT, "(torus baked at 256 cells in %.0f ms)%n", (System.nanoTime() - t) / 1e6);
                run(r, "implicit torus, 256^3 bricks", sdf, w, h, frames);
            }
        }
    }

    static void run(Renderer r, String name, Scene s, int w, int h, int frames) {
        Bounds b = s.bounds();
        r.render(s, cam(b, w, h, 0)); // upload + warm-up
        r.render(s, cam(b, w, h, 1));
        ctxFinish(r);
        long t0 = System.nanoTime();
        double c0 = processCpuMs();
        for (int f = 0; f < frames; f++) {
            r.render(s, cam(b, w, h, 2 + f));
            ctxFinish(r);
        }
        double ms = (System.nanoTime() - t0) / 1e6 / frames;
        double cpu = (processCpuMs() - c0) / frames;
        // the same camera again: splat projection and sort are skipped, only drawing remains
        Camera still = cam(b, w, h, 1 + frames);
        long t1 = System.nanoTime();
        double c1 = processCpuMs();
        for (int f = 0; f < frames; f++) {
            r.render(s, still);
            ctxFinish(r);
        }
        double msStill = (System.nanoTime() - t1) / 1e6 / frames;
        double cpuStill = (processCpuMs() - c1) / frames;
        long fragments = fragmentInvocations(r, s, still);
        System.out.printf(Locale.ROOT, "| %s | %dx%d | %.1f | %.2f | %.1f | %.0f | %.0f | %s |%n", name, w, h, ms, 1000 / ms, msStill,
                cpu, cpuStill, fragments < 0 ? "n/a" : String.format(Locale.ROOT, "%.1fM", fragments / 1e6));
    }

    /**
     * Fragment shader invocations of one frame (ARB_pipeline_statistics_query, counted by the
     * driver: independent of the machine's load), or -1 where the query is not supported.
     */
    static long fragmentInvocations(Renderer r, Scene s, Camera cam) {
        if (!org.lwjgl.opengl.GL.getCapabilities().GL_ARB_pipeline_statistics_query) return -1;
        int q = org.lwjgl.opengl.GL15.glGenQueries();
        org.lwjgl.opengl.GL15.glBeginQuery(org.lwjgl.opengl.ARBPipelineStatisticsQuery.GL_FRAGMENT_SHADER_INVOCATIONS_ARB, q);
        r.render(s, cam);
        org.lwjgl.opengl.GL15.glEndQuery(org.lwjgl.opengl.ARBPipelineStatisticsQuery.GL_FRAGMENT_SHADER_INVOCATIONS_ARB);
        long n = org.lwjgl.opengl.GL33.glGetQueryObjecti64(q, org.lwjgl.opengl.GL15.GL_QUERY_RESULT);
        org.lwjgl.opengl.GL15.glDeleteQueries(q);
        return n;
    }

    /**
     * CPU time of the whole process (all threads, llvmpipe's included) in ms, from /proc/self/stat
     * (10 ms ticks); less sensitive than wall time to other processes on a shared machine. NaN
     * where /proc is missing.
     */
    static double processCpuMs() {
        try {
            String st = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
            String[] f = st.substring(st.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10.0; // utime, stime (fields 14, 15) at 100 Hz
        } catch (java.io.IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    static void ctxFinish(Renderer r) {
        r.gl().finish();
    }

    static Camera cam(Bounds b, int w, int h, int frame) {
        return Cameras.orbit(b, w, h, 30 + 2 * frame, 20, new double[] {0, 1, 0});
    }

    static Scene splatScene(int n) {
        SplittableRandom rnd = new SplittableRandom(1);
        float[] m = new float[3 * n], s = new float[3 * n], q = new float[4 * n], o = new float[n], dc = new float[3 * n],
                rest = new float[45 * n];
        double scale = Math.log(0.02 * Math.cbrt(100_000.0 / n));
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 3; k++) {
                m[3 * i + k] = (float) rnd.nextGaussian();
                s[3 * i + k] = (float) (scale + rnd.nextDouble(-1, 1));
                dc[3 * i + k] = (float) rnd.nextDouble(-1.5, 1.5);
            }
            for (int k = 0; k < 4; k++) q[4 * i + k] = (float) rnd.nextGaussian();
            o[i] = (float) rnd.nextDouble(-2, 4);
            for (int k = 0; k < 45; k++) rest[45 * i + k] = (float) rnd.nextDouble(-0.2, 0.2);
        }
        GaussianSet g = GaussianSet.of(m, s, q, o, dc, rest, null);
        g.setActiveShDegree(3);
        Scene sc = new Scene();
        sc.addSplats(g);
        return sc;
    }

    /** A torus (ring radius 1, tube 0.35) baked into a brick grid of {@code res} cells along its longest side. */
    static Scene sdfScene(int res) {
        kernelfield.fields.DistanceField torus = new kernelfield.fields.DistanceField() {
            @Override
            public boolean signed() {
                return true;
            }

            @Override
            public void evaluate(float[] p, float[] v, float[] g) {
                for (int i = 0; i < p.length / 3; i++) {
                    double x = p[3 * i], y = p[3 * i + 1], z = p[3 * i + 2], q = Math.sqrt(x * x + z * z) - 1;
                    v[i] = (float) (Math.sqrt(q * q + y * y) - 0.35);
                }
            }
        };
        Scene s = new Scene();
        s.addSdf(kernelfield.render.SdfBrickGrid.bake(torus, new Bounds(-1.4, -0.4, -1.4, 1.4, 0.4, 1.4), res));
        return s;
    }

    static Scene meshScene(int stacks, int slices) {
        int nv = (stacks + 1) * (slices + 1);
        float[] v = new float[3 * nv];
        int k = 0;
        for (int i = 0; i <= stacks; i++) {
            double th = Math.PI * i / stacks;
            for (int j = 0; j <= slices; j++, k++) {
                double ph = 2 * Math.PI * j / slices, r = 1 + 0.05 * Math.sin(7 * th) * Math.cos(5 * ph);
                v[3 * k] = (float) (r * Math.sin(th) * Math.cos(ph));
                v[3 * k + 1] = (float) (r * Math.cos(th));
                v[3 * k + 2] = (float) (r * Math.sin(th) * Math.sin(ph));
            }
        }
        int[] t = new int[6 * stacks * slices];
        int o = 0;
        for (int i = 0; i < stacks; i++) {
            for (int j = 0; j < slices; j++) {
                int a = i * (slices + 1) + j, c = a + slices + 1;
                t[o++] = a; t[o++] = a + 1; t[o++] = c;
                t[o++] = a + 1; t[o++] = c + 1; t[o++] = c;
            }
        }
        Scene s = new Scene();
        s.addMesh(new TriangleMesh(v, t));
        return s;
    }
}
