package kernelfield.fields.splat;

/**
 * Options of the splat rasterizer.
 *
 * @param kernel      the footprint, {@link SplatKernel#GAUSSIAN} for 3DGS
 * @param antialiased false: the 3DGS low-pass (0.3 px^2 added to the 2D covariance diagonal);
 *                    true: the Mip-Splatting 2D filter, the same 0.3 px^2 dilation with the opacity
 *                    scaled by {@code sqrt(det(Sigma2D) / det(Sigma2D + 0.3 I))} so that the
 *                    splat's integral does not grow when it becomes small on screen
 * @param depth       whether the forward pass also writes the alpha-weighted depth
 *                    {@code sum_i alpha_i T_i z_i} (not differentiated)
 * @param threads     worker threads, {@code >= 1}; results are bit-identical for any count
 */
public record SplatRasterSettings(SplatKernel kernel, boolean antialiased, boolean depth, int threads) {
    public SplatRasterSettings {
        if (kernel == null) throw new IllegalArgumentException("kernel is null");
        if (threads < 1) throw new IllegalArgumentException("threads " + threads + " < 1");
    }

    /** 3DGS defaults: Gaussian, 0.3 low-pass, no depth, one thread per available processor. */
    public static SplatRasterSettings defaults() {
        return new SplatRasterSettings(SplatKernel.GAUSSIAN, false, false, Runtime.getRuntime().availableProcessors());
    }

    /** A copy with another thread count. */
    public SplatRasterSettings withThreads(int n) {
        return new SplatRasterSettings(kernel, antialiased, depth, n);
    }

    /** A copy with another kernel. */
    public SplatRasterSettings withKernel(SplatKernel k) {
        return new SplatRasterSettings(k, antialiased, depth, threads);
    }

    /** A copy with the anti-aliasing filter on or off. */
    public SplatRasterSettings withAntialiased(boolean on) {
        return new SplatRasterSettings(kernel, on, depth, threads);
    }

    /** A copy with the depth output on or off. */
    public SplatRasterSettings withDepth(boolean on) {
        return new SplatRasterSettings(kernel, antialiased, on, threads);
    }
}
