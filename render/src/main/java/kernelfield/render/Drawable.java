package kernelfield.render;

import kernelfield.engine.data.Bounds;

/**
 * Something a {@link Scene} draws. A drawable holds its data on the CPU side (arrays held, not
 * copied); a {@link Renderer} uploads it on first use and again whenever {@link #version()}
 * changes: call {@link #markChanged()} after modifying the data in place (for instance after a
 * training step). Style settings (colours, shading, point size) take effect on the next frame
 * without an upload. Not thread-safe: change a drawable on the thread that renders it, between
 * frames; to show data that another thread keeps changing (a training run), use
 * {@link LiveUpdate}.
 */
public abstract sealed class Drawable permits MeshDrawable, PointsDrawable, SplatDrawable, SdfDrawable {
    private int version;
    private boolean visible = true;

    Drawable() {
    }

    /** Incremented by {@link #markChanged()}. */
    public final int version() {
        return version;
    }

    /** Says that the data changed in place: the renderer uploads it again before the next frame. */
    public final void markChanged() {
        version++;
    }

    /** Whether the drawable is drawn. */
    public final boolean visible() {
        return visible;
    }

    /** Shows or hides the drawable. Returns this. */
    public Drawable setVisible(boolean on) {
        visible = on;
        return this;
    }

    /** World-space bounds of the data (computed on each call). */
    public abstract Bounds bounds();

    static float[] rgb(float r, float g, float b) {
        return new float[] {r, g, b};
    }
}
