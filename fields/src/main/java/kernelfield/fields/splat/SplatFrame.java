package kernelfield.fields.splat;

import kernelfield.engine.data.FloatImage;
import kernelfield.fields.splat.internal.FrameBuffers;

/**
 * One rendered view of a {@link GaussianSet} and the workspace of its backward pass: the outputs,
 * and what {@link SplatRasterCpu#backward} needs (the per-splat projection and the per-tile depth
 * sorted lists). A frame can be reused for the next view: its arrays only grow, so rendering views
 * of one size into one frame allocates nothing after the first.
 *
 * <p>The arrays returned by the accessors are live views of the frame's buffers, valid until the
 * next {@code forward} into this frame; they may be longer than needed (use the sizes given).
 */
public final class SplatFrame {
    final FrameBuffers buf = new FrameBuffers();
    GaussianSet rendered;
    boolean backwardDone;

    /** An empty frame; {@link SplatRasterCpu#forward} fills it. */
    public SplatFrame() {
    }

    /** Image width of the last forward. */
    public int width() {
        return buf.width;
    }

    /** Image height of the last forward. */
    public int height() {
        return buf.height;
    }

    /** Number of splats of the last forward. */
    public int splatCount() {
        return buf.n;
    }

    /** The RGB image {@code (H, W, 3)}, background composited; a live array. */
    public float[] rgb() {
        return buf.image;
    }

    /** A new {@link FloatImage} holding a copy of the RGB image. Allocates. */
    public FloatImage toImage() {
        return new FloatImage(buf.width, buf.height, 3, buf.image.clone());
    }

    /** Final transmittance {@code (H, W)} (weight of the background); a live array. */
    public float[] transmittance() {
        return buf.transmittance;
    }

    /**
     * Alpha-weighted camera-space depth {@code (H, W)}, {@code sum_i alpha_i T_i z_i} (divide by
     * {@code 1 - T} for the expected depth of the covered part); only when the settings asked for it,
     * else null.
     */
    public float[] depth() {
        return buf.depthOn ? buf.depthImage : null;
    }

    /** Screen-space radius in pixels {@code (N)}, 0 for splats culled or off screen; a live array. */
    public int[] radii() {
        return buf.radius;
    }

    /** Number of (tile, splat) pairs rasterized. */
    public int tileEntries() {
        return buf.entries;
    }

    /**
     * After {@link SplatRasterCpu#backward}: per splat {@code (N)}, the norm of the loss gradient
     * with respect to the projected mean in normalized device coordinates,
     * {@code |(dL/du * W / 2, dL/dv * H / 2)|} with (u, v) in pixels: the quantity 3DGS accumulates
     * for densification (its threshold 0.0002 applies as is). 0 for splats not visible.
     */
    public float[] meanGradNorm2D() {
        return buf.meanGradNorm;
    }

    /**
     * Wall time in nanoseconds of each stage of the last {@link SplatRasterCpu#forward} and {@link
     * SplatRasterCpu#backward} into this frame, for profiling: {@code [projection, binning, per-tile
     * sort, forward compositing, backward compositing, per-splat reduction, backward projection]}.
     * A live array of 7.
     */
    public long[] stageNanos() {
        return buf.stageNanos;
    }

    /**
     * Number of (splat, pixel) pairs whose footprint the last forward evaluated: the pairs left after
     * the per-row and per-run culling, up to the point where a run of pixels is done. For
     * throughput figures.
     */
    public long splatPixelEvaluations() {
        return buf.evaluations;
    }
}
