package kernelfield.render;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import kernelfield.engine.data.Bounds;
import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.fields.splat.GaussianSet;

/**
 * What to draw: an ordered list of {@link Drawable}s and a background colour. Opaque drawables
 * (meshes, points, implicit surfaces) are drawn first with depth testing, then splat sets back to front over them
 * (each set sorted on its own; two overlapping sets do not interleave). Not thread-safe.
 */
public final class Scene {
    private final List<Drawable> drawables = new ArrayList<>();
    private float[] background = {0f, 0f, 0f};

    /** Adds a mesh with the default style; returns its drawable. */
    public MeshDrawable addMesh(TriangleMesh mesh) {
        return add(new MeshDrawable(mesh));
    }

    /** Adds a point cloud; returns its drawable. */
    public PointsDrawable addPoints(PointCloud cloud) {
        return add(new PointsDrawable(cloud));
    }

    /** Adds a splat set; returns its drawable. */
    public SplatDrawable addSplats(GaussianSet gaussians) {
        return add(new SplatDrawable(gaussians));
    }

    /** Adds an implicit surface baked into {@code grid}; returns its drawable. */
    public SdfDrawable addSdf(SdfBrickGrid grid) {
        return add(new SdfDrawable(grid));
    }

    /** Adds a drawable (once); returns it. */
    public <D extends Drawable> D add(D drawable) {
        Objects.requireNonNull(drawable, "drawable");
        if (!drawables.contains(drawable)) drawables.add(drawable);
        return drawable;
    }

    /** Removes a drawable; true when it was there. */
    public boolean remove(Drawable drawable) {
        return drawables.remove(drawable);
    }

    /** The drawables in order, an unmodifiable view. */
    public List<Drawable> drawables() {
        return Collections.unmodifiableList(drawables);
    }

    /** Background colour {@code (3)}; a copy. */
    public float[] background() {
        return background.clone();
    }

    /** Sets the background colour. Returns this. */
    public Scene setBackground(float r, float g, float b) {
        background = new float[] {r, g, b};
        return this;
    }

    /** Union of the visible drawables' bounds ({@link Bounds#EMPTY} when none). */
    public Bounds bounds() {
        Bounds b = Bounds.EMPTY;
        for (Drawable d : drawables) {
            if (d.visible()) b = b.union(d.bounds());
        }
        return b;
    }
}
