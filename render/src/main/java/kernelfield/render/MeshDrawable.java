package kernelfield.render;

import java.util.Objects;

import kernelfield.engine.data.Bounds;
import kernelfield.engine.data.TriangleMesh;

/**
 * A triangle mesh: smooth shading (vertex normals, computed when the mesh has none) or flat
 * shading (one normal per face), vertex colours when the mesh has them (else {@link #color()}),
 * and an optional wireframe drawn over the faces (or alone, with {@link #setFilled(boolean)}
 * false). Lighting is a headlight (a light at the camera), two-sided.
 */
public final class MeshDrawable extends Drawable {
    /** How faces are shaded. */
    public enum Shading {
        /** Interpolated vertex normals. */
        SMOOTH,
        /** One normal per face. */
        FLAT
    }

    private TriangleMesh mesh;
    private Shading shading = Shading.SMOOTH;
    private boolean wireframe;
    private boolean filled = true;
    private float[] color = rgb(0.75f, 0.75f, 0.78f);
    private float[] lineColor = rgb(0.05f, 0.05f, 0.05f);

    public MeshDrawable(TriangleMesh mesh) {
        this.mesh = Objects.requireNonNull(mesh, "mesh");
    }

    public TriangleMesh mesh() {
        return mesh;
    }

    /** Replaces the mesh (uploaded before the next frame). Returns this. */
    public MeshDrawable setMesh(TriangleMesh m) {
        mesh = Objects.requireNonNull(m, "mesh");
        markChanged();
        return this;
    }

    public Shading shading() {
        return shading;
    }

    public MeshDrawable setShading(Shading s) {
        shading = Objects.requireNonNull(s, "shading");
        return this;
    }

    public boolean wireframe() {
        return wireframe;
    }

    /** Draws the triangle edges in {@link #lineColor()}. Returns this. */
    public MeshDrawable setWireframe(boolean on) {
        wireframe = on;
        return this;
    }

    public boolean filled() {
        return filled;
    }

    /** Whether faces are drawn (false with a wireframe: edges only). Returns this. */
    public MeshDrawable setFilled(boolean on) {
        filled = on;
        return this;
    }

    /** Surface colour {@code (3)} used when the mesh has no vertex colours; a copy. */
    public float[] color() {
        return color.clone();
    }

    public MeshDrawable setColor(float r, float g, float b) {
        color = rgb(r, g, b);
        return this;
    }

    /** Wireframe colour {@code (3)}; a copy. */
    public float[] lineColor() {
        return lineColor.clone();
    }

    public MeshDrawable setLineColor(float r, float g, float b) {
        lineColor = rgb(r, g, b);
        return this;
    }

    @Override
    public MeshDrawable setVisible(boolean on) {
        super.setVisible(on);
        return this;
    }

    @Override
    public Bounds bounds() {
        return mesh.bounds();
    }
}
