package kernelfield.fields.rbf;

import java.util.Arrays;

/**
 * The architecture of an {@link RbfField}. Immutable; the {@code with...} methods return copies.
 *
 * @param dim            2 (images) or 3 (distance fields)
 * @param boxLo          (dim) lower corner of the domain (the grid's box)
 * @param boxHi          (dim) upper corner
 * @param kernel         radial profile
 * @param support        kernels reach points with {@code q < support}
 * @param maxNeighbours  at most this many kernels per point
 * @param channels       features per kernel ({@code 0}: no RBF part)
 * @param rbfFreqMin     lowest frequency of the sinusoidal composition {@code sin(m_c phi)}
 * @param rbfFreqMax     highest (log-spaced over the channels); {@code <= 0}: no composition, the
 *                       feature is {@code sum_j w_j phi_j}
 * @param gridResolutions cells along the longest side per grid level (empty: no grid)
 * @param gridFeatures   features per grid vertex
 * @param hidden         decoder hidden widths (at least one)
 * @param decFreqMin     lowest frequency of the first decoder layer's {@code h + sin(m' h)}
 * @param decFreqMax     highest; {@code <= 0}: the first layer is a plain ReLU
 * @param outputs        output width (3 for RGB, 1 for a distance)
 * @param trainKernels   whether centres and shapes are trained (else frozen)
 * @param seed           seed of the parameter initialisation
 * @param normalize      kernel values divided by their sum over the kernels reaching the point,
 *                       {@code phi_j / (sum_i phi_i + 1e-8)} (NeuRBF's image setting: a partition of
 *                       unity). The field then jumps where the last kernel leaves a point, so keep
 *                       it off where a loss needs smooth gradients (distance fields)
 * @param decoder        the decoder: {@link Decoder#MLP} ({@code hidden}, {@code decFreqMin},
 *                       {@code decFreqMax}) or {@link Decoder#GNF} (one layer of {@code neurons}
 *                       Gaussian neurons in feature space; {@code hidden} and the decoder
 *                       frequencies are then unused)
 * @param neurons        Gaussian neurons of the GNF decoder (at least 1 with GNF; kept, unused, with MLP)
 */
public record RbfFieldConfig(int dim, float[] boxLo, float[] boxHi, RbfKernel kernel, float support, int maxNeighbours,
        int channels, float rbfFreqMin, float rbfFreqMax, int[] gridResolutions, int gridFeatures, int[] hidden,
        float decFreqMin, float decFreqMax, int outputs, boolean trainKernels, long seed, boolean normalize,
        Decoder decoder, int neurons) {

    /** The decoder of the features. */
    public enum Decoder {
        /** A small MLP, the first layer with a sinusoidal residual activation (NeuRBF). */
        MLP,
        /** One layer of Gaussian neurons in feature space (GNF, Gaussian RBF networks). */
        GNF
    }

    /** Neurons of {@link #withGaussianDecoder(int)} when none are given: 64. */
    public static final int DEFAULT_NEURONS = 64;

    /** A configuration with the MLP decoder. */
    public RbfFieldConfig(int dim, float[] boxLo, float[] boxHi, RbfKernel kernel, float support, int maxNeighbours,
            int channels, float rbfFreqMin, float rbfFreqMax, int[] gridResolutions, int gridFeatures, int[] hidden,
            float decFreqMin, float decFreqMax, int outputs, boolean trainKernels, long seed, boolean normalize) {
        this(dim, boxLo, boxHi, kernel, support, maxNeighbours, channels, rbfFreqMin, rbfFreqMax, gridResolutions,
                gridFeatures, hidden, decFreqMin, decFreqMax, outputs, trainKernels, seed, normalize, Decoder.MLP,
                DEFAULT_NEURONS);
    }

    /** A configuration without normalization. */
    public RbfFieldConfig(int dim, float[] boxLo, float[] boxHi, RbfKernel kernel, float support, int maxNeighbours,
            int channels, float rbfFreqMin, float rbfFreqMax, int[] gridResolutions, int gridFeatures, int[] hidden,
            float decFreqMin, float decFreqMax, int outputs, boolean trainKernels, long seed) {
        this(dim, boxLo, boxHi, kernel, support, maxNeighbours, channels, rbfFreqMin, rbfFreqMax, gridResolutions,
                gridFeatures, hidden, decFreqMin, decFreqMax, outputs, trainKernels, seed, false);
    }

    public RbfFieldConfig {
        boxLo = boxLo.clone();
        boxHi = boxHi.clone();
        gridResolutions = gridResolutions.clone();
        hidden = hidden.clone();
        if (dim != 2 && dim != 3) throw new IllegalArgumentException("dim " + dim + " is not 2 or 3");
        if (boxLo.length != dim || boxHi.length != dim) throw new IllegalArgumentException("box must have " + dim + " coordinates");
        if (channels < 0) throw new IllegalArgumentException("channels " + channels + " < 0");
        if (hidden.length < 1) throw new IllegalArgumentException("the decoder needs at least one hidden layer");
        if (outputs < 1) throw new IllegalArgumentException("outputs " + outputs + " < 1");
        if (gridResolutions.length > 0 && gridFeatures < 1) throw new IllegalArgumentException("grid features " + gridFeatures + " < 1");
        if (channels == 0 && gridResolutions.length == 0) throw new IllegalArgumentException("neither kernels nor a grid");
        if (decoder == null) throw new IllegalArgumentException("no decoder kind");
        if (decoder == Decoder.GNF && neurons < 1) throw new IllegalArgumentException("GNF neurons " + neurons + " < 1");
    }

    /** {@link #imageDefaults(int, int, long)} at 500,000 parameters. */
    public static RbfFieldConfig imageDefaults(int width, int height) {
        return imageDefaults(width, height, 500_000);
    }

    /**
     * Defaults for fitting an image of {@code width x height} pixels with about
     * {@code maxParams} parameters, coordinates scaled by the longer side {@code s}:
     * inverse-quadratic kernels, the 4 nearest per pixel, normalized, 48 channels composed at
     * frequencies 0.125..4096; a 3-level grid of 1 feature, {@code r - 1}, {@code r/4 - 1} and
     * {@code r/16 - 1} cells across with {@code r = min(s, sqrt(0.55 maxParams))} (the finest level
     * about one vertex per pixel, at most 55% of the budget); decoder 64-64. The kernels take the
     * rest of the budget.
     *
     * <p>The finest grid level carries pixel-scale detail that the kernels' sinusoids otherwise
     * spend their channels on, and one cell fewer than a divisor of the side keeps pixel centres
     * off a fixed position in the cells (where a level of {@code s} cells would put every pixel
     * at a cell centre, all four weights 1/4). A 512x512 photo, 0.5M parameters, 4,500 steps:
     * 32 channels and a (32, 128) grid of 2 features 45.3 dB; 48 channels and (32, 128, 512) of
     * 1 feature 48.5 dB; (31, 127, 511) 49.8 dB (bench/rbf/README.md).
     */
    public static RbfFieldConfig imageDefaults(int width, int height, long maxParams) {
        int s = Math.max(width, height);
        int r = (int) Math.max(2, Math.min(s, Math.floor(Math.sqrt(0.55 * maxParams))));
        int[] levels = {Math.max(1, r / 16 - 1), Math.max(1, r / 4 - 1), Math.max(1, r - 1)};
        return new RbfFieldConfig(2, new float[] {0f, 0f}, new float[] {(float) width / s, (float) height / s},
                RbfKernel.INVERSE_QUADRATIC, 16f, 4, 48, 0.125f, 4096f, levels, 1,
                new int[] {64, 64}, 10f, 100f, 3, false, 0L, true);
    }

    /** Decoder input width: {@code channels + levels * gridFeatures}. */
    public int featureWidth() {
        return channels + gridResolutions.length * gridFeatures;
    }

    /** Values of everything but the kernels (grid, decoder). */
    public long fixedParameterCount() {
        long n = gridResolutions.length == 0 ? 0 : GridEncoding.parameterCount(boxLo, boxHi, gridResolutions, gridFeatures);
        int in = featureWidth();
        if (decoder == Decoder.GNF) return n + kernelfield.fields.rbf.internal.GnfDecoder.parameterCount(in, neurons, outputs);
        for (int h : hidden) {
            n += (long) in * h + h;
            in = h;
        }
        n += (long) in * outputs + outputs;
        return n;
    }

    /** Values per kernel: centre, shape and features. */
    public int parametersPerKernel() {
        return dim + RbfBasis.shapeCols(dim) + channels;
    }

    /** The kernel count that brings the total to about {@code totalParams} (at least 0). */
    public int kernelsFor(long totalParams) {
        if (channels == 0) return 0;
        return (int) Math.max(0, (totalParams - fixedParameterCount()) / parametersPerKernel());
    }

    public RbfFieldConfig withKernel(RbfKernel k, float newSupport) {
        return new RbfFieldConfig(dim, boxLo, boxHi, k, newSupport, maxNeighbours, channels, rbfFreqMin, rbfFreqMax,
                gridResolutions, gridFeatures, hidden, decFreqMin, decFreqMax, outputs, trainKernels, seed, normalize, decoder, neurons);
    }

    public RbfFieldConfig withTrainKernels(boolean train) {
        return new RbfFieldConfig(dim, boxLo, boxHi, kernel, support, maxNeighbours, channels, rbfFreqMin, rbfFreqMax,
                gridResolutions, gridFeatures, hidden, decFreqMin, decFreqMax, outputs, train, seed, normalize, decoder, neurons);
    }

    public RbfFieldConfig withChannels(int c, float freqMin, float freqMax, int neighbours) {
        return new RbfFieldConfig(dim, boxLo, boxHi, kernel, support, neighbours, c, freqMin, freqMax,
                gridResolutions, gridFeatures, hidden, decFreqMin, decFreqMax, outputs, trainKernels, seed, normalize, decoder, neurons);
    }

    public RbfFieldConfig withGrid(int[] resolutions, int features) {
        return new RbfFieldConfig(dim, boxLo, boxHi, kernel, support, maxNeighbours, channels, rbfFreqMin, rbfFreqMax,
                resolutions, features, hidden, decFreqMin, decFreqMax, outputs, trainKernels, seed, normalize, decoder, neurons);
    }

    public RbfFieldConfig withDecoder(int[] hiddenWidths, float freqMin, float freqMax) {
        return new RbfFieldConfig(dim, boxLo, boxHi, kernel, support, maxNeighbours, channels, rbfFreqMin, rbfFreqMax,
                gridResolutions, gridFeatures, hiddenWidths, freqMin, freqMax, outputs, trainKernels, seed, normalize, decoder, neurons);
    }

    /**
     * The same architecture with the GNF decoder of {@code j} Gaussian neurons (the MLP's hidden
     * widths and frequencies are kept for {@link #withMlpDecoder()}).
     */
    public RbfFieldConfig withGaussianDecoder(int j) {
        return new RbfFieldConfig(dim, boxLo, boxHi, kernel, support, maxNeighbours, channels, rbfFreqMin, rbfFreqMax,
                gridResolutions, gridFeatures, hidden, decFreqMin, decFreqMax, outputs, trainKernels, seed, normalize,
                Decoder.GNF, j);
    }

    /** The same architecture with the MLP decoder (its hidden widths and frequencies as they are). */
    public RbfFieldConfig withMlpDecoder() {
        return new RbfFieldConfig(dim, boxLo, boxHi, kernel, support, maxNeighbours, channels, rbfFreqMin, rbfFreqMax,
                gridResolutions, gridFeatures, hidden, decFreqMin, decFreqMax, outputs, trainKernels, seed, normalize,
                Decoder.MLP, neurons);
    }

    public RbfFieldConfig withNormalize(boolean n) {
        return new RbfFieldConfig(dim, boxLo, boxHi, kernel, support, maxNeighbours, channels, rbfFreqMin, rbfFreqMax,
                gridResolutions, gridFeatures, hidden, decFreqMin, decFreqMax, outputs, trainKernels, seed, n, decoder, neurons);
    }

    public RbfFieldConfig withOutputs(int n) {
        return new RbfFieldConfig(dim, boxLo, boxHi, kernel, support, maxNeighbours, channels, rbfFreqMin, rbfFreqMax,
                gridResolutions, gridFeatures, hidden, decFreqMin, decFreqMax, n, trainKernels, seed, normalize, decoder, neurons);
    }

    public RbfFieldConfig withSeed(long s) {
        return new RbfFieldConfig(dim, boxLo, boxHi, kernel, support, maxNeighbours, channels, rbfFreqMin, rbfFreqMax,
                gridResolutions, gridFeatures, hidden, decFreqMin, decFreqMax, outputs, trainKernels, s, normalize, decoder, neurons);
    }

    @Override
    public String toString() {
        return "RbfFieldConfig[dim=" + dim + ", kernel=" + kernel + ", support=" + support + ", k=" + maxNeighbours
                + ", channels=" + channels + ", rbfFreq=" + rbfFreqMin + ".." + rbfFreqMax + ", grid="
                + Arrays.toString(gridResolutions) + "x" + gridFeatures + ", hidden=" + Arrays.toString(hidden)
                + ", decFreq=" + decFreqMin + ".." + decFreqMax + ", decoder=" + decoder
                + (decoder == Decoder.GNF ? "(" + neurons + ")" : "") + ", outputs=" + outputs + ", trainKernels="
                + trainKernels + ", normalize=" + normalize + "]";
    }
}
