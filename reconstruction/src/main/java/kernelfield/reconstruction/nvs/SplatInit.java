package kernelfield.reconstruction.nvs;

import java.util.List;

import kernelfield.engine.data.Camera;
import kernelfield.engine.data.FloatImage;
import kernelfield.engine.data.PointCloud;
import kernelfield.engine.geometry.KdTree;
import kernelfield.engine.optim.SeededRandom;
import kernelfield.fields.splat.GaussianSet;
import kernelfield.fields.splat.SplatFormats;

/**
 * Initial splats and scene measures for training, as 3DGS sets them up: isotropic splats whose
 * standard deviation is the RMS distance to the 3 nearest other points, identity rotation,
 * opacity 0.1, colour as SH degree 0 ({@code f_dc = (rgb - 0.5) / SH_C0}).
 */
public final class SplatInit {
    /** Initial opacity of every splat (3DGS). */
    public static final double INIT_OPACITY = 0.1;

    private SplatInit() {
    }

    /**
     * The scene extent of 3DGS ("cameras extent"): 1.1 times the largest distance of a camera
     * centre from the mean centre. Positions' learning rates and the densification size
     * thresholds are relative to it.
     */
    public static double sceneExtent(List<Camera> cams) {
        double[] m = new double[3];
        for (Camera c : cams) {
            double[] p = c.center();
            for (int k = 0; k < 3; k++) m[k] += p[k] / cams.size();
        }
        double r = 0;
        for (Camera c : cams) {
            double[] p = c.center();
            r = Math.max(r, Math.sqrt(sq(p[0] - m[0]) + sq(p[1] - m[1]) + sq(p[2] - m[2])));
        }
        return 1.1 * Math.max(r, 1e-6);
    }

    private static double sq(double x) {
        return x * x;
    }

    /**
     * Bounds for random initial points when there are no sparse points, for object-centric
     * captures: the cube centred on the point nearest (least squares) to every camera's optical
     * axis, of half-side {@code 0.325} times the mean distance from that point to the cameras (the
     * {@code [-1.3, 1.3]^3} cube of 3DGS for NeRF-synthetic, whose cameras are at distance 4).
     *
     * @return {cx, cy, cz, halfSide}
     */
    public static double[] objectBounds(List<Camera> cams) {
        // minimize sum_i |(I - d_i d_i^T)(x - c_i)|^2
        double[] a = new double[9], b = new double[3];
        for (Camera c : cams) {
            double[] r = c.rotation(); // world to camera: the optical axis is the third row
            double[] d = {r[6], r[7], r[8]};
            double[] p = c.center();
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    double m = (i == j ? 1 : 0) - d[i] * d[j];
                    a[3 * i + j] += m;
                    b[i] += m * p[j];
                }
            }
        }
        double[] x = solve3(a, b);
        if (x == null) { // all axes parallel: use the mean centre pushed along the mean axis
            x = new double[3];
        }
        double dist = 0;
        for (Camera c : cams) {
            double[] p = c.center();
            dist += Math.sqrt(sq(p[0] - x[0]) + sq(p[1] - x[1]) + sq(p[2] - x[2])) / cams.size();
        }
        return new double[] {x[0], x[1], x[2], 0.325 * dist};
    }

    private static double[] solve3(double[] a, double[] b) {
        double det = a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) + a[2] * (a[3] * a[7] - a[4] * a[6]);
        double scale = Math.abs(a[0]) + Math.abs(a[4]) + Math.abs(a[8]);
        if (!(Math.abs(det) > 1e-9 * scale * scale * scale)) return null;
        double[] x = new double[3];
        for (int k = 0; k < 3; k++) {
            double[] m = a.clone();
            for (int i = 0; i < 3; i++) m[3 * i + k] = b[i];
            x[k] = (m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6])) / det;
        }
        return x;
    }

    /** Splats on the points of a cloud (COLMAP's points3D), coloured by its colours (grey without). */
    public static GaussianSet fromPoints(PointCloud pc, boolean withShape) {
        float[] rgb = pc.hasColors() ? pc.colors() : null;
        return build(pc.positions().clone(), rgb, withShape);
    }

    /**
     * Random points, uniform in the cube {@code bounds = {cx, cy, cz, halfSide}}. When
     * {@code alphas} is given (RGBA training images, one per camera, at the cameras' sizes), a
     * candidate is kept only where every view it projects into sees it at alpha {@code >= 0.5}
     * (the visual hull of the masks, one view's vote forgiven), and its colour is the mean of the
     * pixels it projects to; otherwise colours are random as in 3DGS. Draws candidates until
     * {@code count} are kept or {@code 64 count} were tried.
     */
    public static GaussianSet random(int count, double[] bounds, List<Camera> cams, List<FloatImage> alphas,
                                     boolean withShape, SeededRandom rng) {
        float[] pos = new float[3 * count], rgb = new float[3 * count];
        double[] tmp = new double[3];
        int kept = 0;
        long tries = 0, maxTries = 64L * count;
        while (kept < count && tries < maxTries) {
            tries++;
            double x = bounds[0] + (2 * rng.nextDouble() - 1) * bounds[3];
            double y = bounds[1] + (2 * rng.nextDouble() - 1) * bounds[3];
            double z = bounds[2] + (2 * rng.nextDouble() - 1) * bounds[3];
            float r, g, b;
            if (alphas != null) {
                int misses = 0, seen = 0;
                double sr = 0, sg = 0, sb = 0;
                for (int v = 0; v < cams.size() && misses <= 1; v++) {
                    Camera c = cams.get(v);
                    if (!c.project(x, y, z, tmp)) continue;
                    int px = (int) Math.floor(tmp[0]), py = (int) Math.floor(tmp[1]);
                    if (px < 0 || py < 0 || px >= c.width() || py >= c.height()) continue;
                    FloatImage im = alphas.get(v);
                    int o = (py * im.width() + px) * 4;
                    float[] d = im.data();
                    if (d[o + 3] < 0.5f) {
                        misses++;
                        continue;
                    }
                    seen++;
                    sr += d[o];
                    sg += d[o + 1];
                    sb += d[o + 2];
                }
                if (misses > 1 || seen == 0) continue;
                r = (float) (sr / seen);
                g = (float) (sg / seen);
                b = (float) (sb / seen);
            } else {
                r = rng.nextFloat();
                g = rng.nextFloat();
                b = rng.nextFloat();
            }
            pos[3 * kept] = (float) x;
            pos[3 * kept + 1] = (float) y;
            pos[3 * kept + 2] = (float) z;
            rgb[3 * kept] = r;
            rgb[3 * kept + 1] = g;
            rgb[3 * kept + 2] = b;
            kept++;
        }
        if (kept < Math.min(count, 16)) {
            throw new IllegalStateException("initialization: only " + kept + " of " + tries
                    + " random points fall inside the masks of the training views");
        }
        return build(java.util.Arrays.copyOf(pos, 3 * kept), java.util.Arrays.copyOf(rgb, 3 * kept), withShape);
    }

    /** Splats on {@code pos (N, 3)} with colours {@code rgb (N, 3)} (null: grey). */
    static GaussianSet build(float[] pos, float[] rgb, boolean withShape) {
        int n = pos.length / 3;
        GaussianSet g = new GaussianSet(n, withShape);
        System.arraycopy(pos, 0, g.means().value(), 0, 3 * n);
        float[] ls = g.logScales().value(), ol = g.opacityLogits().value(), dc = g.shDc().value();
        float logit = (float) Math.log(INIT_OPACITY / (1 - INIT_OPACITY));
        float[] d2 = meanNeighbourDist2(pos, 3);
        for (int i = 0; i < n; i++) {
            float s = (float) (0.5 * Math.log(Math.max(d2[i], 1e-14)));
            ls[3 * i] = ls[3 * i + 1] = ls[3 * i + 2] = s;
            ol[i] = logit;
            for (int c = 0; c < 3; c++) {
                double v = rgb == null ? 0.5 : rgb[3 * i + c];
                dc[3 * i + c] = (float) ((v - 0.5) / SplatFormats.SH_C0);
            }
        }
        return g;
    }

    /** Mean squared distance from each point to its {@code k} nearest other points {@code (N)}. */
    static float[] meanNeighbourDist2(float[] pos, int k) {
        int n = pos.length / 3;
        float[] out = new float[n];
        if (n < 2) {
            java.util.Arrays.fill(out, 1e-4f);
            return out;
        }
        int kk = Math.min(k + 1, n);
        KdTree tree = KdTree.build(pos);
        int[] idx = new int[n * kk];
        float[] d2 = new float[n * kk];
        tree.knnBatch(pos, kk, idx, d2);
        for (int i = 0; i < n; i++) {
            double s = 0;
            int m = 0;
            for (int j = 0; j < kk; j++) {
                if (idx[i * kk + j] == i || idx[i * kk + j] < 0) continue;
                if (m == kk - 1) break;
                s += d2[i * kk + j];
                m++;
            }
            out[i] = m > 0 ? (float) (s / m) : 1e-4f;
        }
        return out;
    }
}
