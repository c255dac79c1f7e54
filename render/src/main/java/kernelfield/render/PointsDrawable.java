package kernelfield.render;

import java.util.Objects;

import kernelfield.engine.data.Bounds;
import kernelfield.engine.data.PointCloud;

/**
 * A point cloud drawn as round points of a fixed size in pixels: the cloud's colours when it has
 * them (else {@link #color()}), shaded by a headlight when it has normals.
 */
public final class PointsDrawable extends Drawable {
    private PointCloud cloud;
    private float pointSize = 3f;
    private float[] color = rgb(0.85f, 0.85f, 0.85f);

    public PointsDrawable(PointCloud cloud) {
        this.cloud = Objects.requireNonNull(cloud, "cloud");
    }

    public PointCloud cloud() {
        return cloud;
    }

    /** Replaces the cloud (uploaded before the next frame). Returns this. */
    public PointsDrawable setCloud(PointCloud c) {
        cloud = Objects.requireNonNull(c, "cloud");
        markChanged();
        return this;
    }

    /** Point diameter in pixels. */
    public float pointSize() {
        return pointSize;
    }

    public PointsDrawable setPointSize(float px) {
        if (!(px > 0) || !Float.isFinite(px)) throw new IllegalArgumentException("point size " + px + " must be positive");
        pointSize = px;
        return this;
    }

    /** Colour {@code (3)} used when the cloud has none; a copy. */
    public float[] color() {
        return color.clone();
    }

    public PointsDrawable setColor(float r, float g, float b) {
        color = rgb(r, g, b);
        return this;
    }

    @Override
    public PointsDrawable setVisible(boolean on) {
        super.setVisible(on);
        return this;
    }

    @Override
    public Bounds bounds() {
        return cloud.bounds();
    }
}
