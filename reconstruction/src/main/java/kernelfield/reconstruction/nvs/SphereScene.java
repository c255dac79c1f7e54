package kernelfield.reconstruction.nvs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import kernelfield.engine.data.FloatImage;
import kernelfield.engine.io.Images;

/**
 * A synthetic posed-image scene for smoke tests and examples: a coloured sphere of radius
 * {@link #RADIUS} at the origin, rendered analytically (4x4 supersampled, straight alpha) from
 * cameras on a ring around it, written as a NeRF-synthetic folder: {@code transforms_train.json},
 * {@code transforms_test.json}, {@code train/r_i.png}, {@code test/r_i.png}.
 */
public final class SphereScene {
    public static final double RADIUS = 0.6;
    public static final double DISTANCE = 2.5;
    public static final double FOV = 0.8;

    private SphereScene() {
    }

    /** The colour of the sphere at unit normal {@code n}: smooth, different on every side. */
    static double[] colour(double[] n) {
        return new double[] {0.5 + 0.4 * n[0], 0.5 + 0.4 * n[1] * n[2] + 0.1, 0.3 + 0.5 * Math.abs(n[2])};
    }

    /** Writes the scene: {@code train} views at evenly spaced azimuths, {@code test} views halfway between. */
    public static Path write(Path dir, int size, int train, int test) throws IOException {
        Files.createDirectories(dir.resolve("train"));
        Files.createDirectories(dir.resolve("test"));
        writeSplit(dir, "train", size, train, 0.0);
        writeSplit(dir, "test", size, test, 0.5);
        return dir;
    }

    private static void writeSplit(Path dir, String split, int size, int count, double offset) throws IOException {
        StringBuilder js = new StringBuilder();
        js.append(String.format(Locale.ROOT, "{\"camera_angle_x\": %.8f, \"frames\": [", FOV));
        for (int i = 0; i < count; i++) {
            double az = 2 * Math.PI * (i + offset) / count;
            double el = (i % 3 == 0 ? 0.15 : i % 3 == 1 ? 0.5 : 0.9) * (split.equals("test") ? 0.8 : 1.0);
            double[] c = {DISTANCE * Math.cos(el) * Math.cos(az), DISTANCE * Math.cos(el) * Math.sin(az), DISTANCE * Math.sin(el)};
            double[] f = unit(new double[] {-c[0], -c[1], -c[2]});
            double[] r = unit(cross(f, new double[] {0, 0, 1}));
            double[] u = cross(r, f);
            // OpenGL camera-to-world: columns right, up, -forward, centre
            double[][] m = {{r[0], u[0], -f[0], c[0]}, {r[1], u[1], -f[1], c[1]}, {r[2], u[2], -f[2], c[2]}, {0, 0, 0, 1}};
            FloatImage img = render(size, c, r, u, f);
            Images.writePng(dir.resolve(split).resolve("r_" + i + ".png"), img);
            if (i > 0) js.append(',');
            js.append(String.format(Locale.ROOT, "{\"file_path\": \"./%s/r_%d\", \"transform_matrix\": [", split, i));
            for (int a = 0; a < 4; a++) {
                js.append(String.format(Locale.ROOT, "[%.9f, %.9f, %.9f, %.9f]%s", m[a][0], m[a][1], m[a][2], m[a][3], a < 3 ? "," : ""));
            }
            js.append("]}");
        }
        js.append("]}");
        Files.writeString(dir.resolve("transforms_" + split + ".json"), js.toString(), StandardCharsets.UTF_8);
    }

    private static FloatImage render(int size, double[] c, double[] r, double[] u, double[] f) {
        double focal = size / 2.0 / Math.tan(FOV / 2);
        float[] px = new float[size * size * 4];
        int ss = 4;
        for (int j = 0; j < size; j++) {
            for (int i = 0; i < size; i++) {
                double cr = 0, cg = 0, cb = 0;
                int hits = 0;
                for (int b = 0; b < ss; b++) {
                    for (int a = 0; a < ss; a++) {
                        double x = (i + (a + 0.5) / ss - size / 2.0) / focal, y = (j + (b + 0.5) / ss - size / 2.0) / focal;
                        // OpenCV camera: x right, y down, z forward
                        double[] d = unit(new double[] {r[0] * x - u[0] * y + f[0], r[1] * x - u[1] * y + f[1], r[2] * x - u[2] * y + f[2]});
                        double bq = c[0] * d[0] + c[1] * d[1] + c[2] * d[2];
                        double cq = c[0] * c[0] + c[1] * c[1] + c[2] * c[2] - RADIUS * RADIUS;
                        double disc = bq * bq - cq;
                        if (disc < 0) continue;
                        double t = -bq - Math.sqrt(disc);
                        double[] n = {(c[0] + t * d[0]) / RADIUS, (c[1] + t * d[1]) / RADIUS, (c[2] + t * d[2]) / RADIUS};
                        double[] col = colour(n);
                        cr += col[0];
                        cg += col[1];
                        cb += col[2];
                        hits++;
                    }
                }
                int o = 4 * (j * size + i);
                if (hits > 0) {
                    px[o] = (float) (cr / hits);
                    px[o + 1] = (float) (cg / hits);
                    px[o + 2] = (float) (cb / hits);
                }
                px[o + 3] = (float) hits / (ss * ss);
            }
        }
        return new FloatImage(size, size, 4, px);
    }

    private static double[] cross(double[] a, double[] b) {
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    private static double[] unit(double[] a) {
        double l = Math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
        return new double[] {a[0] / l, a[1] / l, a[2] / l};
    }
}
