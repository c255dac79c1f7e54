package kernelfield.fields.splat;

/**
 * The footprint of a splat in the image. With {@code p = 0.5 d^T Sigma2D^-1 d} (half the squared
 * Mahalanobis distance of the pixel centre {@code d} from the projected mean) the footprint is
 * {@code alpha = min(0.99, opacity * g(p))} with:
 *
 * <ul>
 *   <li>{@link #GAUSSIAN}: {@code g = exp(-p)} (3DGS);</li>
 *   <li>{@link #GES}: the generalized exponential of GES (Hamdi et al. 2024), whose 1D form is
 *       {@code A exp(-(|x - mu| / alpha)^beta)}. In Mahalanobis form that is
 *       {@code g = exp(-p^phi)} with {@code phi = beta / 2}; we take {@code phi = 2 sigmoid(shape)} in
 *       (0, 2), the activation GES applies to its shape parameter ({@code shape = 0} is the
 *       Gaussian, {@code phi < 1} is peakier with heavier tails, {@code phi > 1} flatter with a
 *       sharper edge, up to {@code beta = 4}). The screen-space extent is the Mahalanobis radius
 *       {@code sqrt(2 (ln 255)^(1 / phi))} where {@code g} falls to 1/255, at least 3 (as for the
 *       Gaussian) and at most 6 standard deviations (beyond, heavy tails are cut);</li>
 *   <li>{@link #GES_SCALED}: the form the GES authors' released rasterizer actually runs: a plain
 *       Gaussian whose scales are multiplied by {@code 2 sigmoid(shape)} (their "approximate
 *       variance" activation), so that a GES model exports as an ordinary Gaussian set with scales
 *       {@code exp(log-scale) * 2 sigmoid(shape)}.</li>
 * </ul>
 * The two GES forms need a {@link GaussianSet} with a shape block.
 */
public enum SplatKernel {
    /** {@code exp(-p)}. */
    GAUSSIAN,
    /** {@code exp(-p^phi)}, {@code phi = 2 sigmoid(shape)}. */
    GES,
    /** {@code exp(-p)} with scales times {@code 2 sigmoid(shape)}. */
    GES_SCALED
}
