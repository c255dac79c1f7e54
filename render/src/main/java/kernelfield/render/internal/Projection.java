package kernelfield.render.internal;

import kernelfield.engine.data.Bounds;
import kernelfield.engine.data.Camera;

/**
 * Our {@link Camera} (OpenCV: x right, y down, z forward, pixel centres at +0.5) as a GL
 * world-to-clip matrix whose window coordinates are image pixels with y down: a world point that
 * projects to pixel coordinates {@code (u, v)} lands at window {@code (u, v)}, so GL's pixel centre
 * {@code (i + 0.5, j + 0.5)} is the camera's pixel {@code (i, j)}, and framebuffer row {@code j}
 * read back is image row {@code j} (no flip). Depth: NDC -1 at {@code near}, +1 at {@code far}.
 */
public final class Projection {
    private Projection() {
    }

    /**
     * Writes the column-major world-to-clip matrix {@code out (16)}: {@code P * [R t; 0 1]} with
     * {@code x_clip = 2 fx / W x + (2 cx / W - 1) z}, {@code y_clip = 2 fy / H y + (2 cy / H - 1) z},
     * {@code w_clip = z} (camera coordinates).
     */
    public static void viewProjection(Camera cam, double near, double far, float[] out) {
        double w = cam.width(), h = cam.height();
        double[] r = cam.rotation(), t = cam.translation();
        // P rows (4x4) in camera coordinates
        double[][] p = {
            {2 * cam.fx() / w, 0, 2 * cam.cx() / w - 1, 0},
            {0, 2 * cam.fy() / h, 2 * cam.cy() / h - 1, 0},
            {0, 0, (far + near) / (far - near), -2 * far * near / (far - near)},
            {0, 0, 1, 0}};
        double[][] v = {
            {r[0], r[1], r[2], t[0]},
            {r[3], r[4], r[5], t[1]},
            {r[6], r[7], r[8], t[2]},
            {0, 0, 0, 1}};
        for (int row = 0; row < 4; row++) {
            for (int col = 0; col < 4; col++) {
                double s = 0;
                for (int k = 0; k < 4; k++) s += p[row][k] * v[k][col];
                out[col * 4 + row] = (float) s;
            }
        }
    }

    /**
     * Near and far planes {@code out (2)} enclosing {@code bounds} seen from {@code cam}: far just
     * beyond the farthest corner, near just before the nearest one (at least far / 10^5).
     */
    public static void clipRange(Camera cam, Bounds bounds, double[] out) {
        if (bounds == null || bounds.isEmpty()) {
            out[0] = 0.01;
            out[1] = 1000;
            return;
        }
        double[] c = new double[3];
        double zMin = Double.POSITIVE_INFINITY, zMax = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < 8; k++) {
            cam.toCamera((k & 1) == 0 ? bounds.minX() : bounds.maxX(), (k & 2) == 0 ? bounds.minY() : bounds.maxY(),
                    (k & 4) == 0 ? bounds.minZ() : bounds.maxZ(), c);
            zMin = Math.min(zMin, c[2]);
            zMax = Math.max(zMax, c[2]);
        }
        double far = Math.max(zMax * 1.01 + 1e-3, 1e-2);
        double near = zMin > 0 ? Math.max(zMin * 0.99, far * 1e-5) : far * 1e-4;
        out[0] = near;
        out[1] = far;
    }

    /** World-to-camera rotation as a column-major GLSL {@code mat3} {@code out (9)}. */
    public static void rotation(Camera cam, float[] out) {
        double[] r = cam.rotation();
        for (int row = 0; row < 3; row++) {
            for (int col = 0; col < 3; col++) out[col * 3 + row] = (float) r[row * 3 + col];
        }
    }
}
