package kernelfield.engine.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * A pinhole camera in the one internal convention (OpenCV): x right, y down, z forward (the
 * camera looks down +z); pixel (u, v) has its centre at (u + 0.5, v + 0.5), so the principal
 * point of a centred camera is (W / 2, H / 2).
 *
 * <p>The pose is world-to-camera: {@code x_cam = R x_world + t}, {@code R} row-major 3x3.
 * Readers of other conventions (OpenGL/Blender {@code transform_matrix}, COLMAP quaternions)
 * convert at the boundary.
 *
 * <p>Distortion, when the source had any, is kept as {@code distortionModel} (COLMAP's names:
 * {@code SIMPLE_RADIAL}, {@code RADIAL}, {@code OPENCV}, ...) and its parameters, and is not
 * applied by {@link #project}.
 */
public final class Camera {
    private final String name;
    private final int width;
    private final int height;
    private final double fx, fy, cx, cy;
    private final double[] rotation; // (3, 3) row-major, world to camera
    private final double[] translation; // (3)
    private final String distortionModel;
    private final double[] distortion;

    public Camera(String name, int width, int height, double fx, double fy, double cx, double cy,
                  double[] rotation, double[] translation, String distortionModel, double[] distortion) {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("camera size " + width + "x" + height);
        if (!(fx > 0) || !(fy > 0) || !Double.isFinite(fx) || !Double.isFinite(fy)) {
            throw new IllegalArgumentException("focal lengths must be finite and positive: " + fx + ", " + fy);
        }
        Objects.requireNonNull(rotation);
        Objects.requireNonNull(translation);
        if (rotation.length != 9 || translation.length != 3) throw new IllegalArgumentException("rotation (3,3), translation (3)");
        for (double d : rotation) if (!Double.isFinite(d)) throw new IllegalArgumentException("rotation not finite");
        for (double d : translation) if (!Double.isFinite(d)) throw new IllegalArgumentException("translation not finite");
        this.name = name == null ? "" : name;
        this.width = width;
        this.height = height;
        this.fx = fx;
        this.fy = fy;
        this.cx = cx;
        this.cy = cy;
        this.rotation = rotation.clone();
        this.translation = translation.clone();
        this.distortionModel = distortionModel == null ? "PINHOLE" : distortionModel;
        this.distortion = distortion == null ? new double[0] : distortion.clone();
    }

    /** A pinhole camera with no distortion. */
    public static Camera pinhole(String name, int width, int height, double fx, double fy, double cx, double cy,
                                 double[] rotation, double[] translation) {
        return new Camera(name, width, height, fx, fy, cx, cy, rotation, translation, "PINHOLE", null);
    }

    /**
     * From a camera-to-world 4x4 matrix (row-major) in the OpenGL/Blender convention (camera looks
     * down -z, +y up), as in NeRF-synthetic and nerfstudio {@code transform_matrix}. The y and z
     * camera axes are flipped to reach the internal convention.
     */
    public static Camera fromOpenGlCameraToWorld(String name, int width, int height, double fx, double fy,
                                                 double cx, double cy, double[] c2w) {
        if (c2w.length != 16) throw new IllegalArgumentException("c2w must be 4x4");
        // c2w columns are the camera axes in world; OpenCV axes: x, -y, -z.
        double[] rc2w = {
            c2w[0], -c2w[1], -c2w[2],
            c2w[4], -c2w[5], -c2w[6],
            c2w[8], -c2w[9], -c2w[10]};
        double[] center = {c2w[3], c2w[7], c2w[11]};
        return fromCameraToWorld(name, width, height, fx, fy, cx, cy, rc2w, center);
    }

    /** From an OpenCV camera-to-world rotation {@code (3, 3)} row-major and camera centre. */
    public static Camera fromCameraToWorld(String name, int width, int height, double fx, double fy,
                                           double cx, double cy, double[] rc2w, double[] center) {
        double[] r = transpose(rc2w);
        double[] t = new double[3];
        for (int i = 0; i < 3; i++) {
            t[i] = -(r[3 * i] * center[0] + r[3 * i + 1] * center[1] + r[3 * i + 2] * center[2]);
        }
        return pinhole(name, width, height, fx, fy, cx, cy, r, t);
    }

    static double[] transpose(double[] m) {
        return new double[] {m[0], m[3], m[6], m[1], m[4], m[7], m[2], m[5], m[8]};
    }

    public String name() {
        return name;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public double fx() {
        return fx;
    }

    public double fy() {
        return fy;
    }

    public double cx() {
        return cx;
    }

    public double cy() {
        return cy;
    }

    /** World-to-camera rotation {@code (3, 3)} row-major, a copy. */
    public double[] rotation() {
        return rotation.clone();
    }

    /** World-to-camera translation {@code (3)}, a copy. */
    public double[] translation() {
        return translation.clone();
    }

    public String distortionModel() {
        return distortionModel;
    }

    public double[] distortion() {
        return distortion.clone();
    }

    /** Horizontal field of view in radians. */
    public double fovX() {
        return 2 * Math.atan(width / (2 * fx));
    }

    /** Camera centre in world coordinates: {@code -R^T t}. */
    public double[] center() {
        double[] c = new double[3];
        for (int j = 0; j < 3; j++) {
            c[j] = -(rotation[j] * translation[0] + rotation[3 + j] * translation[1] + rotation[6 + j] * translation[2]);
        }
        return c;
    }

    /** World-to-camera 4x4, row-major. */
    public double[] worldToCamera() {
        return new double[] {
            rotation[0], rotation[1], rotation[2], translation[0],
            rotation[3], rotation[4], rotation[5], translation[1],
            rotation[6], rotation[7], rotation[8], translation[2],
            0, 0, 0, 1};
    }

    /** Camera-to-world 4x4 in the internal (OpenCV) convention, row-major. */
    public double[] cameraToWorld() {
        double[] c = center();
        return new double[] {
            rotation[0], rotation[3], rotation[6], c[0],
            rotation[1], rotation[4], rotation[7], c[1],
            rotation[2], rotation[5], rotation[8], c[2],
            0, 0, 0, 1};
    }

    /** A point in camera coordinates: {@code out (3) = R x + t}. */
    public void toCamera(double x, double y, double z, double[] out) {
        out[0] = rotation[0] * x + rotation[1] * y + rotation[2] * z + translation[0];
        out[1] = rotation[3] * x + rotation[4] * y + rotation[5] * z + translation[1];
        out[2] = rotation[6] * x + rotation[7] * y + rotation[8] * z + translation[2];
    }

    /**
     * Projects a world point to pixel coordinates {@code out (3) = (u, v, depth)} (no distortion).
     * Returns false when the point is behind the camera.
     */
    public boolean project(double x, double y, double z, double[] out) {
        toCamera(x, y, z, out);
        double d = out[2];
        if (!(d > 0)) return false;
        out[0] = fx * out[0] / d + cx;
        out[1] = fy * out[1] / d + cy;
        out[2] = d;
        return true;
    }

    /** A copy with another image size, intrinsics scaled to match. */
    public Camera resized(int newWidth, int newHeight) {
        double sx = (double) newWidth / width, sy = (double) newHeight / height;
        return new Camera(name, newWidth, newHeight, fx * sx, fy * sy, cx * sx, cy * sy, rotation, translation,
                distortionModel, distortion);
    }

    @Override
    public String toString() {
        return "Camera[" + name + " " + width + "x" + height + " f=" + fx + "," + fy + " c=" + cx + "," + cy
                + " centre=" + Arrays.toString(center()) + "]";
    }
}
