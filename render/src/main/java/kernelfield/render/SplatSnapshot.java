package kernelfield.render;

import java.util.Objects;

import kernelfield.engine.data.Bounds;
import kernelfield.fields.splat.GaussianSet;
import kernelfield.fields.splat.SplatKernel;
import kernelfield.render.internal.SplatPass;

/**
 * A copy of a {@link GaussianSet}'s values in the renderer's upload layout (activated opacity,
 * 3D covariance, SH of the active degree; see {@link SplatPass}): what a {@link SplatDrawable}
 * draws instead of its set once given one ({@link SplatDrawable#setSnapshot}). Made on one thread
 * (for instance the training thread, between steps) and drawn on another, it decouples the
 * renderer from a set that keeps changing; {@link LiveUpdate#splats} double-buffers two of them.
 * About 16 + 3 (d+1)^2 floats per splat, not the set's four arrays per parameter. Not
 * thread-safe: hand it over under a lock.
 */
public final class SplatSnapshot {
    private float[] gaussians = new float[0], sh = new float[1];
    private int size, degree;
    private SplatKernel kernel = SplatKernel.GAUSSIAN;
    private Bounds bounds = Bounds.EMPTY;

    /** An empty snapshot (no splats). */
    public SplatSnapshot() {
    }

    /** A new snapshot of {@code set}. Allocates its arrays. */
    public static SplatSnapshot of(GaussianSet set, SplatKernel kernel) {
        return new SplatSnapshot().copyFrom(set, kernel);
    }

    /**
     * Overwrites this snapshot with {@code set}'s current values; reuses the arrays when the size
     * and SH degree are unchanged, else allocates them anew. Reads {@code set} only. Returns this.
     *
     * @throws IllegalArgumentException when {@code kernel} needs a shape block the set lacks
     */
    public SplatSnapshot copyFrom(GaussianSet set, SplatKernel kernel) {
        Objects.requireNonNull(set, "set");
        this.kernel = Objects.requireNonNull(kernel, "kernel");
        int n = set.size(), d = set.activeShDegree(), st = 3 * (d + 1) * (d + 1);
        if (gaussians.length != n * SplatPass.STRIDE) gaussians = new float[n * SplatPass.STRIDE];
        if (sh.length != Math.max(1, n * st)) sh = new float[Math.max(1, n * st)];
        SplatPass.packGaussians(set, kernel, gaussians);
        SplatPass.packSh(set, sh);
        size = n;
        degree = d;
        bounds = Bounds.of(set.means().value());
        return this;
    }

    /** Number of splats. */
    public int size() {
        return size;
    }

    /** The SH degree packed. */
    public int shDegree() {
        return degree;
    }

    /** The kernel the covariances were packed for. */
    public SplatKernel kernel() {
        return kernel;
    }

    /** Bounds of the means at the copy. */
    public Bounds bounds() {
        return bounds;
    }

    /** Packed Gaussians {@code (N, 12)} (see {@link SplatPass}); the array itself. */
    public float[] gaussians() {
        return gaussians;
    }

    /** Packed SH {@code (N, 3 (d+1)^2)}; the array itself. */
    public float[] sh() {
        return sh;
    }
}
