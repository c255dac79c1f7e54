package kernelfield.reconstruction.nvs;

import java.util.Objects;

import kernelfield.fields.splat.SplatKernel;

/**
 * Options of {@link SplatTraining}: the 3DGS recipe by default (rates, schedules and thresholds of
 * the reference implementation), changed with {@link #toBuilder()}. Immutable ({@code background}
 * is copied in and out).
 *
 * @param iterations training steps; the schedules (position rate decay, densification, SH degree) are laid out over them
 * @param timeBudgetSeconds wall-time budget of the training loop in seconds (infinity: none); the run stops on time and still writes the model
 * @param background (3) RGB background the renders are composited over; RGBA images are composited over it too
 * @param strategy densification strategy: 3DGS adaptive density control, or MCMC relocation
 * @param maxSplats cap on the number of splats (MCMC: the target count it grows to)
 * @param kernel the splat footprint (GES kernels add a shape parameter per splat)
 * @param antialiased Mip-Splatting 2D filter in the rasterizer
 * @param seed seed of every random choice (initialization, views, densification noise)
 * @param threads rasterizer threads; results are bit-identical for any count
 * @param resolutionScale image scale factor in (0, 1]: 0.5 trains and evaluates at half resolution
 * @param lrPositionInit position rate at step 0, times the scene extent
 * @param lrPositionFinal position rate at the last step, times the scene extent (log-linear decay in between)
 * @param lrFeature rate of the SH degree-0 coefficients (f_dc); f_rest gets a twentieth
 * @param lrOpacity rate of the opacity logits
 * @param lrScaling rate of the log-scales
 * @param lrRotation rate of the quaternions
 * @param lrShape rate of the GES shape parameters
 * @param ssimWeight lambda of the loss {@code (1 - lambda) L1 + lambda D-SSIM}
 * @param maxShDegree highest SH degree trained (0..3)
 * @param shDegreeInterval the active SH degree rises by one every this many steps
 * @param densifyFrom first step of densification
 * @param densifyUntil densification stops at this step
 * @param densifyInterval steps between densifications (and MCMC relocations)
 * @param densifyGradThreshold mean view-space gradient norm (NDC units) above which a splat is cloned or split
 * @param percentDense splats larger than this fraction of the scene extent are split, smaller ones cloned
 * @param opacityResetInterval steps between opacity resets (0: never)
 * @param minOpacity splats below this opacity are pruned (MCMC: relocated)
 * @param initPoints number of random initial points when the dataset has no sparse points (or {@code initFromPoints} is off)
 * @param initFromPoints start from the dataset's sparse points (COLMAP points3D) when it has them; off: random points even then
 * @param initFromMasks with RGBA training images, keep only random initial points inside the visual hull of the alpha masks
 * @param sparseAdam row-sparse Adam: splats not visible in a step keep their moments (3DGS's sparse Adam); false is PyTorch's dense Adam
 * @param mcmcNoiseLr MCMC: scale of the position noise (times the position rate)
 * @param mcmcOpacityReg MCMC: weight of the mean-opacity regularizer
 * @param mcmcScaleReg MCMC: weight of the mean-scale regularizer
 */
public record SplatTrainingOptions(
        int iterations,
        double timeBudgetSeconds,
        float[] background,
        StrategyKind strategy,
        int maxSplats,
        SplatKernel kernel,
        boolean antialiased,
        long seed,
        int threads,
        double resolutionScale,
        double lrPositionInit,
        double lrPositionFinal,
        double lrFeature,
        double lrOpacity,
        double lrScaling,
        double lrRotation,
        double lrShape,
        double ssimWeight,
        int maxShDegree,
        int shDegreeInterval,
        int densifyFrom,
        int densifyUntil,
        int densifyInterval,
        double densifyGradThreshold,
        double percentDense,
        int opacityResetInterval,
        double minOpacity,
        int initPoints,
        boolean initFromPoints,
        boolean initFromMasks,
        boolean sparseAdam,
        double mcmcNoiseLr,
        double mcmcOpacityReg,
        double mcmcScaleReg) {

    /** The densification strategy. */
    public enum StrategyKind {
        /** 3DGS adaptive density control: clone, split, prune, opacity reset. */
        DEFAULT,
        /** 3DGS-MCMC: dead splats relocated onto live ones, position noise, a fixed cap. */
        MCMC
    }

    public SplatTrainingOptions {
        Objects.requireNonNull(background, "background");
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(kernel, "kernel");
        if (background.length != 3) throw new IllegalArgumentException("background: expected 3 values, got " + background.length);
        background = background.clone();
        if (iterations < 0) throw new IllegalArgumentException("iterations " + iterations + " < 0");
        if (!(timeBudgetSeconds >= 0)) throw new IllegalArgumentException("time budget " + timeBudgetSeconds + " s must be >= 0");
        if (maxSplats < 1) throw new IllegalArgumentException("max splats " + maxSplats + " < 1");
        if (threads < 1) throw new IllegalArgumentException("threads " + threads + " < 1");
        if (!(resolutionScale > 0 && resolutionScale <= 1)) throw new IllegalArgumentException("resolution scale " + resolutionScale + " not in (0, 1]");
        if (maxShDegree < 0 || maxShDegree > 3) throw new IllegalArgumentException("SH degree " + maxShDegree + " not in 0..3");
        if (shDegreeInterval < 1) throw new IllegalArgumentException("SH degree interval " + shDegreeInterval + " < 1");
        if (densifyInterval < 1) throw new IllegalArgumentException("densify interval " + densifyInterval + " < 1");
        if (initPoints < 1) throw new IllegalArgumentException("init points " + initPoints + " < 1");
        if (!(ssimWeight >= 0 && ssimWeight <= 1)) throw new IllegalArgumentException("SSIM weight " + ssimWeight + " not in [0, 1]");
    }

    /** The background colour (a copy). */
    @Override
    public float[] background() {
        return background.clone();
    }

    /** The 3DGS defaults. */
    public static SplatTrainingOptions defaults() {
        return new Builder().build();
    }

    /** A builder holding these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.iterations = iterations;
        b.timeBudgetSeconds = timeBudgetSeconds;
        b.background = background;
        b.strategy = strategy;
        b.maxSplats = maxSplats;
        b.kernel = kernel;
        b.antialiased = antialiased;
        b.seed = seed;
        b.threads = threads;
        b.resolutionScale = resolutionScale;
        b.lrPositionInit = lrPositionInit;
        b.lrPositionFinal = lrPositionFinal;
        b.lrFeature = lrFeature;
        b.lrOpacity = lrOpacity;
        b.lrScaling = lrScaling;
        b.lrRotation = lrRotation;
        b.lrShape = lrShape;
        b.ssimWeight = ssimWeight;
        b.maxShDegree = maxShDegree;
        b.shDegreeInterval = shDegreeInterval;
        b.densifyFrom = densifyFrom;
        b.densifyUntil = densifyUntil;
        b.densifyInterval = densifyInterval;
        b.densifyGradThreshold = densifyGradThreshold;
        b.percentDense = percentDense;
        b.opacityResetInterval = opacityResetInterval;
        b.minOpacity = minOpacity;
        b.initPoints = initPoints;
        b.initFromPoints = initFromPoints;
        b.initFromMasks = initFromMasks;
        b.sparseAdam = sparseAdam;
        b.mcmcNoiseLr = mcmcNoiseLr;
        b.mcmcOpacityReg = mcmcOpacityReg;
        b.mcmcScaleReg = mcmcScaleReg;
        return b;
    }

    /** Mutable options; {@link #build()} checks them. */
    public static final class Builder {
        private int iterations = 30000;
        private double timeBudgetSeconds = Double.POSITIVE_INFINITY;
        private float[] background = new float[] {1, 1, 1};
        private StrategyKind strategy = StrategyKind.DEFAULT;
        private int maxSplats = 1_000_000;
        private SplatKernel kernel = SplatKernel.GAUSSIAN;
        private boolean antialiased = false;
        private long seed = 0L;
        private int threads = Runtime.getRuntime().availableProcessors();
        private double resolutionScale = 1.0;
        private double lrPositionInit = 1.6e-4;
        private double lrPositionFinal = 1.6e-6;
        private double lrFeature = 2.5e-3;
        private double lrOpacity = 0.025;
        private double lrScaling = 5e-3;
        private double lrRotation = 1e-3;
        private double lrShape = 2e-3;
        private double ssimWeight = 0.2;
        private int maxShDegree = 3;
        private int shDegreeInterval = 1000;
        private int densifyFrom = 500;
        private int densifyUntil = 15000;
        private int densifyInterval = 100;
        private double densifyGradThreshold = 2e-4;
        private double percentDense = 0.01;
        private int opacityResetInterval = 3000;
        private double minOpacity = 0.005;
        private int initPoints = 20000;
        private boolean initFromPoints = true;
        private boolean initFromMasks = true;
        private boolean sparseAdam = true;
        private double mcmcNoiseLr = 5e5;
        private double mcmcOpacityReg = 0.01;
        private double mcmcScaleReg = 0.01;

        /** See {@link SplatTrainingOptions#iterations()}. */
        public Builder iterations(int v) {
            this.iterations = v;
            return this;
        }

        /** See {@link SplatTrainingOptions#timeBudgetSeconds()}. */
        public Builder timeBudgetSeconds(double v) {
            this.timeBudgetSeconds = v;
            return this;
        }

        /** See {@link SplatTrainingOptions#background()}. */
        public Builder background(float[] v) {
            this.background = v;
            return this;
        }

        /** See {@link SplatTrainingOptions#strategy()}. */
        public Builder strategy(StrategyKind v) {
            this.strategy = v;
            return this;
        }

        /** See {@link SplatTrainingOptions#maxSplats()}. */
        public Builder maxSplats(int v) {
            this.maxSplats = v;
            return this;
        }

        /** See {@link SplatTrainingOptions#kernel()}. */
        public Builder kernel(SplatKernel v) {
            this.kernel = v;
            return this;
        }

        /** See {@link SplatTrainingOptions#antialiased()}. */
        public Builder antialiased(boolean v) {
            this.antialiased = v;
            return this;
        }

        /** See {@link SplatTrainingOptions#seed()}. */
        public Builder seed(long v) {
            this.seed = v;
            return this;
        }

        /** See {@link SplatTrainingOptions#threads()}. */
        public Builder threads(int v) {
            this.threads = v;
            return this;
        }

        /** See {@link SplatTrainingOptions#resolutionScale()}. */
        public Builder resolutionScale(double v) {
            this.resolutionScale = v;
            return this;
        }

        /** See {@link SplatTrainingOptions#lrPositionInit()}. */
        public Builder lrPositionInit(double v) {
            this.lrPositionInit = v;
            return this;
        }

        /** See {@link SplatTrainingOptions#lrPositionFinal()}. */
        public Builder lrPositionFinal(double v) {
            this.lrPositionFinal = v;
            return this;
        }

        /** See {@link SplatTrainingOptions#lrFeature()}. */
        public Builder lrFeature(double v) {
            this.lrFeature = v;
            return this;
        }

        /** See {@link SplatTrainingOptions#lrOpacity()}. */
        public Builder lrOpacity(double v) {
            this.lrOpacity = v;
            return this;
        }

        /** See {@link SplatTrainingOptions#lrScaling()}. */
        public Builder lrScaling(double v) {
            this.lrScaling = v;
            return this;
        }

        /** See {@link SplatTrainingOptions#lrRotation()}. */
        public Builder lrRotation(double v) {
            this.lrRotation = v;
            return this;
        }

        /** See {@link SplatTrainingOptions#lrShape()}. */
        public Builder lrShape(double v) {
            this.lrShape = v;
            return this;
        }

        /** See {@link SplatTrainingOptions#ssimWeight()}. */
        public Builder ssimWeight(double v) {
            this.ssimWeight = v;
            return this;
        }

        /** See {@link SplatTrainingOptions#maxShDegree()}. */
        public Builder maxShDegree(int v) {
            this.maxShDegree = v;
            return this;
        }

        /** See {@link SplatTrainingOptions#shDegreeInterval()}. */
        public Builder shDegreeInterval(int v) {
            this.shDegreeInterval = v;
            return this;
        }

        /** See {@link SplatTrainingOptions#densifyFrom()}. */
        public Builder densifyFrom(int v) {
            this.densifyFrom = v;
            return this;
        }

        /** See {@link SplatTrainingOptions#densifyUntil()}. */
        public Builder densifyUntil(int v) {
            this.densifyUntil = v;
            return this;
        }

        /** See {@link SplatTrainingOptions#densifyInterval()}. */
        public Builder densifyInterval(int v) {
            this.densifyInterval = v;
            return this;
        }

        /** See {@link SplatTrainingOptions#densifyGradThreshold()}. */
        public Builder densifyGradThreshold(double v) {
            this.densifyGradThreshold = v;
            return this;
        }

        /** See {@link SplatTrainingOptions#percentDense()}. */
        public Builder percentDense(double v) {
            this.percentDense = v;
            return this;
        }

        /** See {@link SplatTrainingOptions#opacityResetInterval()}. */
        public Builder opacityResetInterval(int v) {
            this.opacityResetInterval = v;
            return this;
        }

        /** See {@link SplatTrainingOptions#minOpacity()}. */
        public Builder minOpacity(double v) {
            this.minOpacity = v;
            return this;
        }

        /** See {@link SplatTrainingOptions#initPoints()}. */
        public Builder initPoints(int v) {
            this.initPoints = v;
            return this;
        }

        /** See {@link SplatTrainingOptions#initFromPoints()}. */
        public Builder initFromPoints(boolean v) {
            this.initFromPoints = v;
            return this;
        }

        /** See {@link SplatTrainingOptions#initFromMasks()}. */
        public Builder initFromMasks(boolean v) {
            this.initFromMasks = v;
            return this;
        }

        /** See {@link SplatTrainingOptions#sparseAdam()}. */
        public Builder sparseAdam(boolean v) {
            this.sparseAdam = v;
            return this;
        }

        /** See {@link SplatTrainingOptions#mcmcNoiseLr()}. */
        public Builder mcmcNoiseLr(double v) {
            this.mcmcNoiseLr = v;
            return this;
        }

        /** See {@link SplatTrainingOptions#mcmcOpacityReg()}. */
        public Builder mcmcOpacityReg(double v) {
            this.mcmcOpacityReg = v;
            return this;
        }

        /** See {@link SplatTrainingOptions#mcmcScaleReg()}. */
        public Builder mcmcScaleReg(double v) {
            this.mcmcScaleReg = v;
            return this;
        }

        /** The options; throws {@link IllegalArgumentException} on a bad value. */
        public SplatTrainingOptions build() {
            return new SplatTrainingOptions(iterations, timeBudgetSeconds, background, strategy, maxSplats, kernel, antialiased, seed, threads, resolutionScale, lrPositionInit, lrPositionFinal, lrFeature, lrOpacity, lrScaling, lrRotation, lrShape, ssimWeight, maxShDegree, shDegreeInterval, densifyFrom, densifyUntil, densifyInterval, densifyGradThreshold, percentDense, opacityResetInterval, minOpacity, initPoints, initFromPoints, initFromMasks, sparseAdam, mcmcNoiseLr, mcmcOpacityReg, mcmcScaleReg);
        }
    }
}
