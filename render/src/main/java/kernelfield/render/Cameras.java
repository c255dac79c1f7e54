package kernelfield.render;

import kernelfield.engine.data.Bounds;
import kernelfield.engine.data.Camera;

/** Cameras for viewing: look-at and framing a bounding box. All return new {@link Camera}s. */
public final class Cameras {
    private Cameras() {
    }

    /**
     * A pinhole camera at {@code eye (3)} looking at {@code target (3)}, image up along {@code up
     * (3)} (the camera's y axis points down, opposite to up), vertical field of view {@code fovY}
     * degrees, centred principal point.
     *
     * @throws IllegalArgumentException when eye and target coincide or up is parallel to the view
     */
    public static Camera lookAt(String name, int width, int height, double fovYDegrees, double[] eye, double[] target,
                                double[] up) {
        double[] f = normalize(sub(target, eye), "eye and target coincide");
        double[] x = normalize(cross(f, up), "up is parallel to the view direction");
        double[] y = cross(f, x); // down
        double fy = 0.5 * height / Math.tan(Math.toRadians(fovYDegrees) / 2);
        double[] rc2w = {x[0], y[0], f[0], x[1], y[1], f[1], x[2], y[2], f[2]};
        return Camera.fromCameraToWorld(name, width, height, fy, fy, width / 2.0, height / 2.0, rc2w, eye.clone());
    }

    /**
     * A camera that frames {@code bounds}: looking at its centre from azimuth {@code 30} degrees and
     * elevation {@code 20} degrees around {@code +y} (up), at a distance that fits the bounding
     * sphere in a 40 degree vertical field of view.
     */
    public static Camera framing(Bounds bounds, int width, int height) {
        return orbit(bounds, width, height, 30, 20, new double[] {0, 1, 0});
    }

    /**
     * A camera on the bounding sphere's fitting distance around {@code bounds}' centre at azimuth
     * and elevation (degrees) about {@code up (3)}.
     */
    public static Camera orbit(Bounds bounds, int width, int height, double azimuthDeg, double elevationDeg, double[] up) {
        if (bounds.isEmpty()) bounds = new Bounds(-1, -1, -1, 1, 1, 1);
        double[] c = {bounds.centerX(), bounds.centerY(), bounds.centerZ()};
        double r = Math.max(1e-6, 0.5 * bounds.diagonal());
        double fov = 40;
        double halfMin = Math.toRadians(fov) / 2;
        if (width < height) halfMin = Math.atan(Math.tan(halfMin) * width / height);
        double dist = r / Math.sin(halfMin) * 1.05;
        double[] u = normalize(up.clone(), "up is zero");
        // a basis (e1, e2) of the plane orthogonal to up
        double[] e1 = normalize(cross(u, Math.abs(u[2]) < 0.9 ? new double[] {0, 0, 1} : new double[] {1, 0, 0}), "up");
        double[] e2 = cross(e1, u);
        double az = Math.toRadians(azimuthDeg), el = Math.toRadians(elevationDeg);
        double[] eye = new double[3];
        for (int k = 0; k < 3; k++) {
            eye[k] = c[k] + dist * (Math.cos(el) * (Math.cos(az) * e2[k] + Math.sin(az) * e1[k]) + Math.sin(el) * u[k]);
        }
        return lookAt("orbit", width, height, fov, eye, c, u);
    }

    static double[] sub(double[] a, double[] b) {
        return new double[] {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
    }

    static double[] cross(double[] a, double[] b) {
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    static double[] normalize(double[] a, String what) {
        double n = Math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
        if (!(n > 1e-12) || !Double.isFinite(n)) throw new IllegalArgumentException(what);
        return new double[] {a[0] / n, a[1] / n, a[2] / n};
    }
}
