package kernelfield.reconstruction.nvs.volsdf;

import java.util.Arrays;

/**
 * Settings of {@link VolSdfTraining}. Immutable; the {@code with...} methods return copies.
 *
 * @param iterations        training steps ({@code 0}: as many as the time budget allows)
 * @param timeBudgetSeconds training seconds ({@code +inf}: none); training stops after the step
 *                          that crosses it, and everything is still written
 * @param raysPerStep       random training pixels per step
 * @param resolutionScale   train and evaluate at this image scale, in (0, 1]
 * @param background        (3) RGB the RGBA images are composited over (and the renders drawn on)
 * @param bound             the scene is the cube {@code [-bound, bound]^3}
 * @param lr                peak learning rate of the field's features and decoder (warm-up, then
 *                          cosine down to a tenth)
 * @param betaInit          initial Laplace scale {@code beta} (learned, as {@code log beta})
 * @param betaLr            learning rate of {@code log beta}
 * @param eikonalWeight     weight of the Eikonal term {@code (|grad d| - 1)^2} (central differences)
 * @param maskWeight        weight of the L1 opacity-against-alpha term (RGBA images only)
 * @param gridResolution    cells along a side of the cached SDF / occupancy grid the sampler uses
 * @param refreshEvery      steps between refreshes of the cached SDF
 * @param samplesPerBand    samples over the sampled band around the surface (fewer once the step
 *                          reaches its minimum, {@code 2 bound / 512})
 * @param kernels           RBF kernels of the field (k-means on the visual hull's surface; on a
 *                          sphere without masks)
 * @param channels          features per kernel
 * @param gridLevels        dense grid resolutions of the field
 * @param gridFeatures      features per grid vertex
 * @param hidden            decoder hidden widths
 * @param shDegree          view dependence of the colour: 0 (none) or 1 (linear spherical harmonics)
 * @param sphereRadius      radius of the sphere the SDF starts as
 * @param initSteps         steps of the geometric pre-fit to the sphere
 * @param meshResolution    marching-cubes cells along a side of the cube
 * @param curveSeconds      training times (ascending) at which test views are scored off the clock
 * @param curveViews        test views scored at each curve point ({@code 0}: all)
 * @param threads           CPU threads ({@code <= 0}: all cores)
 * @param seed              random seed
 */
public record VolSdfOptions(long iterations, double timeBudgetSeconds, int raysPerStep, double resolutionScale,
        float[] background, float bound, double lr, double betaInit, double betaLr, double eikonalWeight, double maskWeight,
        int gridResolution, int refreshEvery, int samplesPerBand, int kernels, int channels, int[] gridLevels,
        int gridFeatures, int[] hidden, int shDegree, float sphereRadius, int initSteps, int meshResolution,
        double[] curveSeconds, int curveViews, int threads, long seed) {

    public VolSdfOptions {
        background = background.clone();
        gridLevels = gridLevels.clone();
        hidden = hidden.clone();
        curveSeconds = curveSeconds.clone();
        if (iterations < 0) throw new IllegalArgumentException("iterations " + iterations + " < 0");
        if (iterations == 0 && !(timeBudgetSeconds < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("give an iteration count or a time budget");
        }
        if (!(timeBudgetSeconds > 0)) throw new IllegalArgumentException("time budget " + timeBudgetSeconds + " must be > 0");
        if (raysPerStep < 1) throw new IllegalArgumentException("rays per step " + raysPerStep + " < 1");
        if (!(resolutionScale > 0 && resolutionScale <= 1)) throw new IllegalArgumentException("resolution scale " + resolutionScale + " not in (0, 1]");
        if (background.length != 3) throw new IllegalArgumentException("background needs 3 values");
        if (!(bound > 0)) throw new IllegalArgumentException("bound " + bound + " must be > 0");
        if (!(betaInit > 0)) throw new IllegalArgumentException("beta " + betaInit + " must be > 0");
        if (gridResolution < 8 || gridResolution > 512) throw new IllegalArgumentException("grid resolution " + gridResolution + " not in [8, 512]");
        if (refreshEvery < 1 || samplesPerBand < 4) throw new IllegalArgumentException("refreshEvery >= 1 and samplesPerBand >= 4");
        if (kernels < 0 || channels < 0 || (kernels > 0) != (channels > 0)) throw new IllegalArgumentException("kernels and channels must both be 0 or both positive");
        if (shDegree != 0 && shDegree != 1) throw new IllegalArgumentException("SH degree " + shDegree + " is not 0 or 1");
        if (!(sphereRadius > 0 && sphereRadius < bound)) throw new IllegalArgumentException("sphere radius " + sphereRadius + " not in (0, bound)");
        if (meshResolution < 8) throw new IllegalArgumentException("mesh resolution " + meshResolution + " < 8");
        for (int i = 1; i < curveSeconds.length; i++) {
            if (!(curveSeconds[i] > curveSeconds[i - 1])) throw new IllegalArgumentException("curve times must ascend");
        }
    }

    /**
     * The settings for the 256x256 NeRF-synthetic scenes on a few CPU cores: 4096 rays per step,
     * a 64^3 cached SDF refreshed every 100 steps, 4096 kernels of 8 channels, a dense grid of
     * levels 16..128 with 2 features, decoder 64, linear SH colour, beta from 0.1, 30,000 steps.
     */
    public static VolSdfOptions defaults() {
        return new VolSdfOptions(30_000, Double.POSITIVE_INFINITY, 4096, 1.0, new float[] {1, 1, 1}, 1.1f, 5e-3, 0.1, 2e-3,
                0.1, 0.1, 64, 100, 24, 4096, 8, new int[] {16, 32, 64, 128}, 2, new int[] {64}, 1, 0.6f, 300, 256,
                new double[0], 0, 0, 0);
    }

    /** Colour outputs of the field: {@code 3 (shDegree + 1)^2}. */
    public int colourOutputs() {
        return 3 * (shDegree + 1) * (shDegree + 1);
    }

    public VolSdfOptions withIterations(long n) {
        return new VolSdfOptions(n, timeBudgetSeconds, raysPerStep, resolutionScale, background, bound, lr, betaInit, betaLr,
                eikonalWeight, maskWeight, gridResolution, refreshEvery, samplesPerBand, kernels, channels, gridLevels,
                gridFeatures, hidden, shDegree, sphereRadius, initSteps, meshResolution, curveSeconds, curveViews, threads, seed);
    }

    public VolSdfOptions withTimeBudget(double seconds) {
        return new VolSdfOptions(iterations, seconds, raysPerStep, resolutionScale, background, bound, lr, betaInit, betaLr,
                eikonalWeight, maskWeight, gridResolution, refreshEvery, samplesPerBand, kernels, channels, gridLevels,
                gridFeatures, hidden, shDegree, sphereRadius, initSteps, meshResolution, curveSeconds, curveViews, threads, seed);
    }

    public VolSdfOptions withRays(int rays) {
        return new VolSdfOptions(iterations, timeBudgetSeconds, rays, resolutionScale, background, bound, lr, betaInit, betaLr,
                eikonalWeight, maskWeight, gridResolution, refreshEvery, samplesPerBand, kernels, channels, gridLevels,
                gridFeatures, hidden, shDegree, sphereRadius, initSteps, meshResolution, curveSeconds, curveViews, threads, seed);
    }

    public VolSdfOptions withResolutionScale(double s) {
        return new VolSdfOptions(iterations, timeBudgetSeconds, raysPerStep, s, background, bound, lr, betaInit, betaLr,
                eikonalWeight, maskWeight, gridResolution, refreshEvery, samplesPerBand, kernels, channels, gridLevels,
                gridFeatures, hidden, shDegree, sphereRadius, initSteps, meshResolution, curveSeconds, curveViews, threads, seed);
    }

    public VolSdfOptions withBackground(float[] bg) {
        return new VolSdfOptions(iterations, timeBudgetSeconds, raysPerStep, resolutionScale, bg, bound, lr, betaInit, betaLr,
                eikonalWeight, maskWeight, gridResolution, refreshEvery, samplesPerBand, kernels, channels, gridLevels,
                gridFeatures, hidden, shDegree, sphereRadius, initSteps, meshResolution, curveSeconds, curveViews, threads, seed);
    }

    public VolSdfOptions withLearning(double newLr, double beta0, double newBetaLr, double eikonal, double mask) {
        return new VolSdfOptions(iterations, timeBudgetSeconds, raysPerStep, resolutionScale, background, bound, newLr, beta0,
                newBetaLr, eikonal, mask, gridResolution, refreshEvery, samplesPerBand, kernels, channels, gridLevels,
                gridFeatures, hidden, shDegree, sphereRadius, initSteps, meshResolution, curveSeconds, curveViews, threads, seed);
    }

    public VolSdfOptions withSampling(int gridRes, int refresh, int perBand) {
        return new VolSdfOptions(iterations, timeBudgetSeconds, raysPerStep, resolutionScale, background, bound, lr, betaInit,
                betaLr, eikonalWeight, maskWeight, gridRes, refresh, perBand, kernels, channels, gridLevels,
                gridFeatures, hidden, shDegree, sphereRadius, initSteps, meshResolution, curveSeconds, curveViews, threads, seed);
    }

    public VolSdfOptions withModel(int kernelCount, int kernelChannels, int[] levels, int features, int[] hiddenWidths, int sh) {
        return new VolSdfOptions(iterations, timeBudgetSeconds, raysPerStep, resolutionScale, background, bound, lr, betaInit,
                betaLr, eikonalWeight, maskWeight, gridResolution, refreshEvery, samplesPerBand, kernelCount, kernelChannels,
                levels, features, hiddenWidths, sh, sphereRadius, initSteps, meshResolution, curveSeconds, curveViews, threads, seed);
    }

    public VolSdfOptions withInit(float radius, int steps) {
        return new VolSdfOptions(iterations, timeBudgetSeconds, raysPerStep, resolutionScale, background, bound, lr, betaInit,
                betaLr, eikonalWeight, maskWeight, gridResolution, refreshEvery, samplesPerBand, kernels, channels, gridLevels,
                gridFeatures, hidden, shDegree, radius, steps, meshResolution, curveSeconds, curveViews, threads, seed);
    }

    public VolSdfOptions withBound(float b) {
        return new VolSdfOptions(iterations, timeBudgetSeconds, raysPerStep, resolutionScale, background, b, lr, betaInit,
                betaLr, eikonalWeight, maskWeight, gridResolution, refreshEvery, samplesPerBand, kernels, channels, gridLevels,
                gridFeatures, hidden, shDegree, sphereRadius, initSteps, meshResolution, curveSeconds, curveViews, threads, seed);
    }

    public VolSdfOptions withMeshResolution(int r) {
        return new VolSdfOptions(iterations, timeBudgetSeconds, raysPerStep, resolutionScale, background, bound, lr, betaInit,
                betaLr, eikonalWeight, maskWeight, gridResolution, refreshEvery, samplesPerBand, kernels, channels, gridLevels,
                gridFeatures, hidden, shDegree, sphereRadius, initSteps, r, curveSeconds, curveViews, threads, seed);
    }

    public VolSdfOptions withCurve(double[] seconds, int views) {
        return new VolSdfOptions(iterations, timeBudgetSeconds, raysPerStep, resolutionScale, background, bound, lr, betaInit,
                betaLr, eikonalWeight, maskWeight, gridResolution, refreshEvery, samplesPerBand, kernels, channels, gridLevels,
                gridFeatures, hidden, shDegree, sphereRadius, initSteps, meshResolution, seconds, views, threads, seed);
    }

    public VolSdfOptions withThreads(int t) {
        return new VolSdfOptions(iterations, timeBudgetSeconds, raysPerStep, resolutionScale, background, bound, lr, betaInit,
                betaLr, eikonalWeight, maskWeight, gridResolution, refreshEvery, samplesPerBand, kernels, channels, gridLevels,
                gridFeatures, hidden, shDegree, sphereRadius, initSteps, meshResolution, curveSeconds, curveViews, t, seed);
    }

    public VolSdfOptions withSeed(long s) {
        return new VolSdfOptions(iterations, timeBudgetSeconds, raysPerStep, resolutionScale, background, bound, lr, betaInit,
                betaLr, eikonalWeight, maskWeight, gridResolution, refreshEvery, samplesPerBand, kernels, channels, gridLevels,
                gridFeatures, hidden, shDegree, sphereRadius, initSteps, meshResolution, curveSeconds, curveViews, threads, s);
    }

    @Override
    public String toString() {
        return "VolSdfOptions[iterations=" + iterations + ", budget=" + timeBudgetSeconds + ", rays=" + raysPerStep
                + ", scale=" + resolutionScale + ", lr=" + lr + ", beta0=" + betaInit + ", eikonal=" + eikonalWeight + ", mask="
                + maskWeight + ", grid=" + gridResolution + ", kernels=" + kernels + "x" + channels + ", levels="
                + Arrays.toString(gridLevels) + "x" + gridFeatures + ", hidden=" + Arrays.toString(hidden) + ", sh=" + shDegree + "]";
    }
}
