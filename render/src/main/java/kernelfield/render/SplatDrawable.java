package kernelfield.render;

import java.util.Objects;

import kernelfield.engine.data.Bounds;
import kernelfield.fields.splat.GaussianSet;
import kernelfield.fields.splat.SplatKernel;

/**
 * A set of Gaussian splats, drawn with the conventions of the CPU rasterizer
 * ({@link kernelfield.fields.splat.SplatRasterCpu}): the same projection, EWA covariance,
 * 0.3 px^2 dilation, alpha clamps ({@code min(0.99, .)}, nothing below 1/255), SH colour of the
 * set's active degree in the view direction, and depth order (ties by index). The renderer sorts
 * by depth on the GPU every frame and composites back to front, premultiplied. Differences from
 * the CPU rasterizer: float32 projection (CPU: float64) and no early stop of a pixel when its
 * transmittance falls below 1e-4.
 */
public final class SplatDrawable extends Drawable {
    private GaussianSet gaussians;
    private SplatKernel kernel = SplatKernel.GAUSSIAN;
    private boolean antialiased;
    private SplatSnapshot snapshot;

    public SplatDrawable(GaussianSet gaussians) {
        this.gaussians = Objects.requireNonNull(gaussians, "gaussians");
    }

    public GaussianSet gaussians() {
        return gaussians;
    }

    /** Replaces the set (uploaded before the next frame) and drops any snapshot. Returns this. */
    public SplatDrawable setGaussians(GaussianSet g) {
        gaussians = Objects.requireNonNull(g, "gaussians");
        snapshot = null;
        markChanged();
        return this;
    }

    /** The snapshot drawn instead of the set, or null. */
    public SplatSnapshot snapshot() {
        return snapshot;
    }

    /**
     * Draws {@code s} (held, not copied; its own kernel) instead of the set, from the next frame
     * (uploaded then); null goes back to the set. The set is then not read at all, so another
     * thread may keep changing it. Returns this.
     */
    public SplatDrawable setSnapshot(SplatSnapshot s) {
        snapshot = s;
        markChanged();
        return this;
    }

    public SplatKernel kernel() {
        return kernel;
    }

    /** The footprint; the GES kernels need a set with a shape block. Re-uploads. Returns this. */
    public SplatDrawable setKernel(SplatKernel k) {
        kernel = Objects.requireNonNull(k, "kernel");
        markChanged();
        return this;
    }

    public boolean antialiased() {
        return antialiased;
    }

    /** The Mip-Splatting 2D filter (see {@link kernelfield.fields.splat.SplatRasterSettings}). Returns this. */
    public SplatDrawable setAntialiased(boolean on) {
        antialiased = on;
        return this;
    }

    @Override
    public SplatDrawable setVisible(boolean on) {
        super.setVisible(on);
        return this;
    }

    /** Bounds of the means (of the snapshot when there is one). */
    @Override
    public Bounds bounds() {
        if (snapshot != null) return snapshot.bounds();
        return Bounds.of(gaussians.means().value());
    }
}
