package kernelfield.render;

import java.util.SplittableRandom;

import kernelfield.engine.data.Camera;
import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.fields.splat.GaussianSet;

/** Deterministic scenes for the renderer's tests. */
final class TestScenes {
    private TestScenes() {
    }

    /** A UV sphere of radius r around c, {@code (stacks + 1) (slices + 1)} vertices, with per-vertex colours by normal. */
    static TriangleMesh sphere(double r, int stacks, int slices, boolean colors) {
        int nv = (stacks + 1) * (slices + 1);
        float[] v = new float[3 * nv], n = new float[3 * nv], c = colors ? new float[3 * nv] : null;
        int k = 0;
        for (int i = 0; i <= stacks; i++) {
            double th = Math.PI * i / stacks;
            for (int j = 0; j <= slices; j++, k++) {
                double ph = 2 * Math.PI * j / slices;
                double x = Math.sin(th) * Math.cos(ph), y = Math.cos(th), z = Math.sin(th) * Math.sin(ph);
                v[3 * k] = (float) (r * x);
                v[3 * k + 1] = (float) (r * y);
                v[3 * k + 2] = (float) (r * z);
                n[3 * k] = (float) x;
                n[3 * k + 1] = (float) y;
                n[3 * k + 2] = (float) z;
                if (c != null) {
                    c[3 * k] = (float) (0.5 + 0.5 * x);
                    c[3 * k + 1] = (float) (0.5 + 0.5 * y);
                    c[3 * k + 2] = (float) (0.5 + 0.5 * z);
                }
            }
        }
        int[] t = new int[6 * stacks * slices];
        int o = 0;
        for (int i = 0; i < stacks; i++) {
            for (int j = 0; j < slices; j++) {
                int a = i * (slices + 1) + j, b = a + slices + 1;
                t[o++] = a;
                t[o++] = a + 1;
                t[o++] = b;
                t[o++] = a + 1;
                t[o++] = b + 1;
                t[o++] = b;
            }
        }
        return new TriangleMesh(v, t, n, c);
    }

    /** Points on a helix-wrapped sphere, coloured by position. */
    static PointCloud points(int n) {
        float[] p = new float[3 * n], c = new float[3 * n];
        double golden = Math.PI * (3 - Math.sqrt(5));
        for (int i = 0; i < n; i++) {
            double y = 1 - 2.0 * (i + 0.5) / n, r = Math.sqrt(1 - y * y), th = golden * i;
            p[3 * i] = (float) (r * Math.cos(th));
            p[3 * i + 1] = (float) y;
            p[3 * i + 2] = (float) (r * Math.sin(th));
            c[3 * i] = (float) (0.5 + 0.5 * r * Math.cos(th));
            c[3 * i + 1] = (float) (0.5 + 0.5 * y);
            c[3 * i + 2] = 0.3f;
        }
        return new PointCloud(p, null, c, null);
    }

    /**
     * {@code n} random splats in the cube [-1, 1]^3: log-scales in [-4.5, -2], random rotations,
     * opacities from logits in [-2, 4], SH degree {@code degree} with random coefficients.
     */
    static GaussianSet splats(int n, int degree, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] m = new float[3 * n], s = new float[3 * n], q = new float[4 * n], o = new float[n], dc = new float[3 * n],
                rest = new float[45 * n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 3; k++) {
                m[3 * i + k] = (float) rnd.nextDouble(-1, 1);
                s[3 * i + k] = (float) rnd.nextDouble(-4.5, -2);
                dc[3 * i + k] = (float) rnd.nextDouble(-1.5, 1.5);
            }
            for (int k = 0; k < 4; k++) q[4 * i + k] = (float) rnd.nextGaussian();
            o[i] = (float) rnd.nextDouble(-2, 4);
            for (int k = 0; k < 45; k++) rest[45 * i + k] = (float) rnd.nextDouble(-0.3, 0.3);
        }
        GaussianSet g = GaussianSet.of(m, s, q, o, dc, rest, null);
        g.setActiveShDegree(degree);
        return g;
    }

    /** A camera at distance 3.2 looking at the origin, slightly off-axis, with an off-centre principal point. */
    static Camera camera(int w, int h) {
        Camera c = Cameras.lookAt("test", w, h, 45, new double[] {1.2, 0.9, 2.8}, new double[] {0, 0, 0},
                new double[] {0, 1, 0});
        return Camera.pinhole("test", w, h, c.fx(), c.fy(), c.cx() + 3.25, c.cy() - 2.5, c.rotation(), c.translation());
    }
}
