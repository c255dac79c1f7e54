package kernelfield.render;

import java.util.Objects;

import kernelfield.engine.data.Bounds;
import kernelfield.fields.DistanceField;

/**
 * An implicit surface: the zero level set of a distance field baked into an {@link SdfBrickGrid},
 * sphere-traced per pixel on the GPU (a ray walks the brick grid, skips empty bricks, steps by the
 * interpolated distance inside surface bricks and refines the first sign change by a secant
 * step). Shaded like a smooth mesh (headlight, two-sided) with the normal from the field's
 * gradient, in {@link #color()}; writes depth, so it hides and is hidden by meshes and points,
 * and splats blend over it. For an unsigned field the surface is where the interpolated distance
 * falls below half a cell (slightly inflated).
 */
public final class SdfDrawable extends Drawable {
    private SdfBrickGrid grid;
    private float[] color = rgb(0.75f, 0.75f, 0.78f);

    public SdfDrawable(SdfBrickGrid grid) {
        this.grid = Objects.requireNonNull(grid, "grid");
    }

    /**
     * Bakes {@code field} over {@code domain} ({@link SdfBrickGrid#bake(DistanceField, Bounds, int)})
     * and wraps the grid.
     */
    public static SdfDrawable of(DistanceField field, Bounds domain, int resolution) {
        return new SdfDrawable(SdfBrickGrid.bake(field, domain, resolution));
    }

    public SdfBrickGrid grid() {
        return grid;
    }

    /** Replaces the grid (uploaded before the next frame). Returns this. */
    public SdfDrawable setGrid(SdfBrickGrid g) {
        grid = Objects.requireNonNull(g, "grid");
        markChanged();
        return this;
    }

    /** Surface colour {@code (3)}; a copy. */
    public float[] color() {
        return color.clone();
    }

    public SdfDrawable setColor(float r, float g, float b) {
        color = rgb(r, g, b);
        return this;
    }

    @Override
    public SdfDrawable setVisible(boolean on) {
        super.setVisible(on);
        return this;
    }

    /** The surface bricks' box. */
    @Override
    public Bounds bounds() {
        return grid.surfaceBounds();
    }
}
