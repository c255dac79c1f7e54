package kernelfield.fields.splat;

import java.util.Random;

import kernelfield.engine.data.Camera;

/** Random small scenes and cameras for the splat tests. */
final class SplatScenes {
    private SplatScenes() {
    }

    /** A camera at {@code eye} looking at {@code target} (y roughly down), OpenCV convention. */
    static Camera lookAt(int w, int h, double f, double[] eye, double[] target) {
        double[] zc = norm(sub(target, eye));
        double[] down = {0, 1, 0};
        double[] xc = norm(cross(down, zc));
        double[] yc = cross(zc, xc);
        double[] rc2w = {xc[0], yc[0], zc[0], xc[1], yc[1], zc[1], xc[2], yc[2], zc[2]};
        return Camera.fromCameraToWorld("test", w, h, f, f * 1.1, w * 0.5 + 0.7, h * 0.5 - 0.4, rc2w, eye);
    }

    static Camera defaultCamera(int w, int h) {
        return lookAt(w, h, 0.9 * w, new double[] {0.3, -0.2, -0.5}, new double[] {0, 0, 3});
    }

    /**
     * {@code n} random splats around (0, 0, 3), seen by {@link #defaultCamera}; screen sizes of a
     * few pixels at 32x24.
     */
    static GaussianSet random(int n, long seed, boolean withShape, int degree, double scale) {
        Random r = new Random(seed);
        float[] means = new float[3 * n], ls = new float[3 * n], q = new float[4 * n], ol = new float[n],
                dc = new float[3 * n], rest = new float[45 * n], shape = new float[n];
        for (int i = 0; i < n; i++) {
            means[3 * i] = (float) (r.nextDouble() - 0.5) * 1.6f;
            means[3 * i + 1] = (float) (r.nextDouble() - 0.5) * 1.2f;
            means[3 * i + 2] = (float) (2.5 + r.nextDouble());
            for (int k = 0; k < 3; k++) ls[3 * i + k] = (float) Math.log(scale * (0.5 + r.nextDouble()));
            for (int k = 0; k < 4; k++) q[4 * i + k] = (float) r.nextGaussian();
            ol[i] = (float) (r.nextGaussian() * 1.2 + 0.5);
            for (int k = 0; k < 3; k++) dc[3 * i + k] = (float) (r.nextGaussian() * 0.6);
            for (int k = 0; k < 45; k++) rest[45 * i + k] = (float) (r.nextGaussian() * 0.15);
            shape[i] = (float) (r.nextGaussian() * 0.8);
        }
        GaussianSet g = GaussianSet.of(means, ls, q, ol, dc, rest, withShape ? shape : null);
        g.setActiveShDegree(degree);
        return g;
    }

    static double[] sub(double[] a, double[] b) {
        return new double[] {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
    }

    static double[] cross(double[] a, double[] b) {
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    static double[] norm(double[] a) {
        double n = Math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
        return new double[] {a[0] / n, a[1] / n, a[2] / n};
    }
}
