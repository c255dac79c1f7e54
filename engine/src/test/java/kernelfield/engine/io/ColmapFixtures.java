package kernelfield.engine.io;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Small, consistent synthetic COLMAP models for tests. */
final class ColmapFixtures {
    private ColmapFixtures() {
    }

    /** One camera of every model, {@code images} images looking at the origin, points seen by them. */
    static ColmapModel model(int images, int points, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<ColmapModel.Camera> cams = new ArrayList<>();
        int cid = 3;
        for (ColmapModel.CameraModel m : ColmapModel.CameraModel.values()) {
            double[] p = new double[m.paramCount()];
            p[0] = 300 + r.nextDouble() * 10;
            if (!m.singleFocal()) p[1] = 300 + r.nextDouble() * 10;
            p[m.intrinsicCount() - 2] = 160.5;
            p[m.intrinsicCount() - 1] = 120.25;
            for (int k = m.intrinsicCount(); k < p.length; k++) p[k] = (r.nextDouble() - 0.5) * 1e-2;
            cams.add(new ColmapModel.Camera(cid, m, 320, 240, p));
            cid += 2;
        }
        // images on a ring, looking at the origin
        List<ColmapModel.Image> ims = new ArrayList<>();
        List<List<int[]>> obs = new ArrayList<>();
        for (int i = 0; i < points; i++) obs.add(new ArrayList<>());
        long[][] ids = new long[images][];
        double[][] xys = new double[images][];
        for (int i = 0; i < images; i++) {
            int m = 5 + r.nextInt(20);
            ids[i] = new long[m];
            xys[i] = new double[2 * m];
            for (int k = 0; k < m; k++) {
                xys[i][2 * k] = r.nextDouble() * 320;
                xys[i][2 * k + 1] = r.nextDouble() * 240;
                if (r.nextInt(3) == 0) {
                    ids[i][k] = -1;
                } else {
                    int pt = r.nextInt(points);
                    ids[i][k] = 1000 + pt;
                    obs.get(pt).add(new int[] {10 + i, k});
                }
            }
        }
        for (int i = 0; i < images; i++) {
            double a = 2 * Math.PI * i / images;
            double[] center = {4 * Math.cos(a), 4 * Math.sin(a), 1};
            // camera z towards the origin, x horizontal, y completing a right-handed frame (down-ish)
            double[] z = normalize(new double[] {-center[0], -center[1], -center[2]});
            double[] x = normalize(cross(z, new double[] {0, 0, 1}));
            double[] y = cross(z, x);
            double[] rot = {x[0], x[1], x[2], y[0], y[1], y[2], z[0], z[1], z[2]}; // world to camera rows
            double[] t = new double[3];
            for (int j = 0; j < 3; j++) t[j] = -(rot[3 * j] * center[0] + rot[3 * j + 1] * center[1] + rot[3 * j + 2] * center[2]);
            double[] q = ColmapModel.rotationToQuaternion(rot);
            int camId = cams.get(i % cams.size()).id();
            ims.add(new ColmapModel.Image(10 + i, q, t, camId, String.format("img_%03d.png", (i * 7) % images), xys[i], ids[i]));
        }
        List<ColmapModel.Point3D> pts = new ArrayList<>();
        for (int i = 0; i < points; i++) {
            List<int[]> o = obs.get(i);
            int[] ti = new int[o.size()], tk = new int[o.size()];
            for (int k = 0; k < o.size(); k++) {
                ti[k] = o.get(k)[0];
                tk[k] = o.get(k)[1];
            }
            pts.add(new ColmapModel.Point3D(1000 + i, r.nextDouble() - 0.5, r.nextDouble() - 0.5, r.nextDouble() - 0.5,
                    r.nextInt(256), r.nextInt(256), r.nextInt(256), r.nextDouble(), ti, tk));
        }
        return new ColmapModel(cams, ims, pts, null);
    }

    static double[] cross(double[] a, double[] b) {
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    static double[] normalize(double[] a) {
        double n = Math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
        return new double[] {a[0] / n, a[1] / n, a[2] / n};
    }
}
