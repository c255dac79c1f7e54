package kernelfield.render;

import kernelfield.engine.data.Bounds;
import kernelfield.engine.data.Camera;

/**
 * The viewer's camera state, independent of any window system: orbit about a target (yaw,
 * pitch, distance), fly (move eye and target together), and jumps to given cameras (dataset
 * views). World up is {@code +y}. Pure math; not thread-safe.
 */
public final class ViewControls {
    private final Bounds bounds;
    private final double[] target = new double[3];
    private double yaw, pitch, distance;
    private double fovY = 45;
    private Camera fixed;

    /** Controls framing {@code bounds} (see {@link #reset()}). */
    public ViewControls(Bounds bounds) {
        this.bounds = bounds.isEmpty() ? new Bounds(-1, -1, -1, 1, 1, 1) : bounds;
        reset();
    }

    /** Back to the initial orbit: the bounds' centre, azimuth 30, elevation 20 degrees, the whole box in view. */
    public void reset() {
        fixed = null;
        target[0] = bounds.centerX();
        target[1] = bounds.centerY();
        target[2] = bounds.centerZ();
        yaw = Math.toRadians(30);
        pitch = Math.toRadians(20);
        distance = Math.max(1e-6, 0.5 * bounds.diagonal()) / Math.sin(Math.toRadians(fovY) / 2) * 1.05;
    }

    /** Rotates about the target by {@code dYaw, dPitch} radians (pitch kept within +-89 degrees). */
    public void orbit(double dYaw, double dPitch) {
        unfix();
        yaw += dYaw;
        pitch = Math.max(Math.toRadians(-89), Math.min(Math.toRadians(89), pitch + dPitch));
    }

    /** Multiplies the distance to the target by {@code factor}. */
    public void zoom(double factor) {
        unfix();
        if (factor > 0 && Double.isFinite(factor)) distance = Math.max(1e-6, distance * factor);
    }

    /**
     * Flies: moves eye and target by {@code forward, right, up} in units of the scene's size
     * (the bounding box diagonal) times {@code speed}.
     */
    public void fly(double forward, double right, double up, double speed) {
        unfix();
        double step = Math.max(1e-6, bounds.diagonal()) * speed;
        double[] f = forward(), r = Cameras.normalize(Cameras.cross(f, new double[] {0, 1, 0}), "view is vertical");
        for (int k = 0; k < 3; k++) target[k] += step * (forward * f[k] + right * r[k]);
        target[1] += step * up;
    }

    /** Shows exactly {@code camera}'s view (intrinsics scaled to the window) until the next orbit, zoom or fly. */
    public void jumpTo(Camera camera) {
        fixed = camera;
    }

    /** Whether a {@link #jumpTo} camera is shown. */
    public boolean isFixed() {
        return fixed != null;
    }

    /** The camera for a {@code width x height} window. Allocates it. */
    public Camera camera(int width, int height) {
        if (fixed != null) return fixed.resized(width, height);
        double[] f = forward(), eye = eye(f);
        return Cameras.lookAt("view", width, height, fovY, eye, target.clone(), new double[] {0, 1, 0});
    }

    /** Eye position {@code (3)}. Allocates. */
    public double[] eye() {
        return eye(forward());
    }

    private double[] eye(double[] f) {
        return new double[] {target[0] - distance * f[0], target[1] - distance * f[1], target[2] - distance * f[2]};
    }

    /** Unit view direction from yaw and pitch (yaw 0: looking down -z). */
    private double[] forward() {
        double cp = Math.cos(pitch);
        return new double[] {-cp * Math.sin(yaw), -Math.sin(pitch), -cp * Math.cos(yaw)};
    }

    /** Leaves a fixed camera, keeping its eye and direction as the orbit state. */
    private void unfix() {
        if (fixed == null) return;
        Camera c = fixed;
        fixed = null;
        double[] eye = c.center(), r = c.rotation();
        double[] f = {r[6], r[7], r[8]}; // camera z axis in world
        double d = Math.max(1e-6, Math.abs((bounds.centerX() - eye[0]) * f[0] + (bounds.centerY() - eye[1]) * f[1]
                + (bounds.centerZ() - eye[2]) * f[2]));
        distance = d;
        pitch = Math.asin(Math.max(-1, Math.min(1, -f[1])));
        yaw = Math.atan2(-f[0], -f[2]);
        double[] nf = forward();
        for (int k = 0; k < 3; k++) target[k] = eye[k] + d * nf[k];
    }
}
