package kernelfield.reconstruction.fit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import kernelfield.engine.compute.CpuDevice;
import kernelfield.engine.data.FloatImage;
import kernelfield.engine.image.Psnr;
import kernelfield.engine.image.Ssim;
import kernelfield.engine.optim.Adam;
import kernelfield.engine.optim.LearningRateSchedule;
import kernelfield.engine.optim.ProgressListener;
import kernelfield.engine.optim.SeededRandom;
import kernelfield.engine.optim.StepContext;
import kernelfield.engine.optim.StepResult;
import kernelfield.engine.optim.Strategy;
import kernelfield.engine.optim.TrainResult;
import kernelfield.fields.rbf.KMeansInit;
import kernelfield.fields.rbf.RbfField;
import kernelfield.fields.rbf.RbfFieldConfig;

/**
 * Fits an {@link RbfField} to one image (2D neural field regression, NeuRBF's image task):
 * kernels placed by weighted k-means on the Sobel gradient magnitude, then Adam on the mean
 * squared error of pixel minibatches (drawn without replacement, reshuffled every epoch), learning rates on a cosine schedule.
 *
 * <p>Coordinates are pixel centres {@code ((i + 0.5) / S, (j + 0.5) / S)}, {@code S} the longer
 * side. The time budget covers initialisation and training (not the final evaluation); with a
 * budget and no step count, the number of steps of the schedule is estimated every
 * {@value Training#CALIBRATION_STEPS} steps from the recent speed, so for bit-reproducible runs give
 * {@link Options#steps()}. Results are bit-identical for any thread count at a fixed step count.
 */
public final class ImageFit {
    static final boolean DEBUG = Boolean.getBoolean("kf.debug");
    private static final int CHUNK = 128;
    /** Final learning rate as a fraction of the peak (4,500 steps: 45.29 dB at 0.01 against 44.73 dB at 0.1). */
    private static final double LR_FLOOR = 0.01;

    private ImageFit() {
    }

    /**
     * @param timeBudgetSeconds seconds for initialisation and training ({@code <= 0}: none; then steps must be set)
     * @param steps             training steps ({@code 0}: as many as the budget allows)
     * @param maxParams         parameter budget (all stored values, frozen kernel centres and shapes included)
     * @param batch             pixels per step
     * @param lr                peak learning rate of kernel and grid features (decoder: 2x, kernels: 0.05x)
     * @param kmeansIters       Lloyd iterations
     * @param threads           CPU threads ({@code <= 0}: all cores)
     * @param seed              random seed
     * @param config            architecture, or null for {@link RbfFieldConfig#imageDefaults}
     * @param evalTimes         training seconds at which to record the full-image PSNR (curve), may be empty
     */
    public record Options(double timeBudgetSeconds, long steps, long maxParams, int batch, double lr, int kmeansIters,
            int threads, long seed, RbfFieldConfig config, double[] evalTimes) {
        public Options {
            if (timeBudgetSeconds <= 0 && steps <= 0) throw new IllegalArgumentException("give a time budget or a step count");
            if (maxParams < 1000) throw new IllegalArgumentException("parameter budget " + maxParams + " is too small (< 1000)");
            if (batch < 1) throw new IllegalArgumentException("batch " + batch + " < 1");
            evalTimes = evalTimes == null ? new double[0] : evalTimes.clone();
        }

        /**
         * 10 s, 0.5M parameters, batch 2^12, lr 5e-3, 1 k-means iteration. (At a fixed number of
         * pixels, 2^12-pixel steps reach a higher PSNR than 2^13-pixel steps, and a second Lloyd
         * iteration changes the PSNR by less than 0.01 dB: see bench/rbf/README.md.)
         */
        public static Options defaults() {
            return new Options(10, 0, 500_000, 1 << 12, 5e-3, 1, 0, 0, null, new double[0]);
        }

        public Options withBudget(double seconds, long stepCount) {
            return new Options(seconds, stepCount, maxParams, batch, lr, kmeansIters, threads, seed, config, evalTimes);
        }

        public Options withMaxParams(long n) {
            return new Options(timeBudgetSeconds, steps, n, batch, lr, kmeansIters, threads, seed, config, evalTimes);
        }

        public Options withThreads(int t) {
            return new Options(timeBudgetSeconds, steps, maxParams, batch, lr, kmeansIters, t, seed, config, evalTimes);
        }

        public Options withConfig(RbfFieldConfig c) {
            return new Options(timeBudgetSeconds, steps, maxParams, batch, lr, kmeansIters, threads, seed, c, evalTimes);
        }

        public Options withTraining(int batchSize, double learningRate) {
            return new Options(timeBudgetSeconds, steps, maxParams, batchSize, learningRate, kmeansIters, threads, seed, config,
                    evalTimes);
        }

        public Options withEvalTimes(double... t) {
            return new Options(timeBudgetSeconds, steps, maxParams, batch, lr, kmeansIters, threads, seed, config, t);
        }

        public Options withSeed(long s) {
            return new Options(timeBudgetSeconds, steps, maxParams, batch, lr, kmeansIters, threads, s, config, evalTimes);
        }
    }

    /**
     * @param fitted          the fitted image, clamped to [0, 1], the photo's size and channels
     * @param errorMap        per-pixel mean absolute error over channels, times 10, clamped (1 channel)
     * @param psnr            PSNR of {@code fitted} against the photo, dB
     * @param ssim            SSIM (11x11 Gaussian window), mean over channels
     * @param parameters      stored parameter values
     * @param kernels         number of RBF kernels
     * @param steps           training steps taken
     * @param initSeconds     k-means and setup seconds
     * @param trainSeconds    training seconds (including curve evaluations)
     * @param samplesPerSecond training pixels per second
     * @param evalSamplesPerSecond pixels per second of the final full-image evaluation (forward only)
     * @param curve           (t, psnr) pairs: training seconds (init included) and full-image PSNR
     * @param field           the trained field
     */
    public record Result(FloatImage fitted, FloatImage errorMap, double psnr, double ssim, long parameters, int kernels,
            long steps, double initSeconds, double trainSeconds, double samplesPerSecond, double evalSamplesPerSecond, List<double[]> curve,
            RbfField field) {
    }

    /** Fits with default options and no progress reporting. */
    public static Result fit(FloatImage photo, Options o) {
        return fit(photo, o, ProgressListener.none());
    }

    /**
     * Fits the photo. Allocates the model and its buffers; does not modify {@code photo}.
     *
     * @param photo an image with 1 to 4 channels (alpha, the 4th, is ignored)
     */
    public static Result fit(FloatImage photo, Options o, ProgressListener listener) {
        Objects.requireNonNull(photo, "photo");
        long t0 = System.nanoTime();
        FloatImage img = photo.channels() == 4 ? photo.firstChannels(3) : photo;
        int w = img.width(), h = img.height(), ch = img.channels();
        int n = w * h;
        int s = Math.max(w, h);
        CpuDevice device = o.threads() > 0 ? CpuDevice.withThreads(o.threads()) : CpuDevice.shared();
        try {
            RbfFieldConfig base = o.config() != null ? o.config() : RbfFieldConfig.imageDefaults(w, h, o.maxParams());
            if (base.dim() != 2) throw new IllegalArgumentException("an image needs a 2D field, got dim " + base.dim());
            RbfFieldConfig cfg = base.withOutputs(ch).withSeed(o.seed());
            int k = Math.min(cfg.kernelsFor(o.maxParams()), n / 2);
            float[] coords = pixelCentres(w, h, s);
            float[] weights = sobelMagnitude(img);
            if (DEBUG) System.err.printf("t sobel %.2f%n", (System.nanoTime() - t0) * 1e-9);
            KMeansInit.Result km = KMeansInit.run(coords, weights, 2, Math.max(k, 1), o.kmeansIters(),
                    0.25 / ((double) s * s), 1.0, o.seed(), device);
            if (DEBUG) System.err.printf("t kmeans %.2f%n", (System.nanoTime() - t0) * 1e-9);
            RbfField field = new RbfField(cfg, km.centers(), km.shapes());
            if (DEBUG) System.err.printf("t field %.2f%n", (System.nanoTime() - t0) * 1e-9);
            // kernels are frozen: the kernels reaching each pixel are found once
            RbfField.Neighbours nb = cfg.trainKernels() ? null : field.neighbours(coords, n, device);
            if (DEBUG) System.err.printf("t nb %.2f%n", (System.nanoTime() - t0) * 1e-9);
            PixelObjective objective = new PixelObjective(field, nb, img, coords, o.batch(), device);
            objective.drawWithoutReplacement();
            // under a time budget the first steps warm the code up (small until compiled); a long
            // fixed-step run keeps its batch size (reproducible) and warms up separately
            if (o.steps() <= 0) {
                objective.startSmall();
            } else if (o.steps() * (long) o.batch() > 4_000_000L) {
                objective.warmUp(3.0);
            }
            if (DEBUG) System.err.printf("t warm %.2f%n", (System.nanoTime() - t0) * 1e-9);
            double initSeconds = (System.nanoTime() - t0) * 1e-9;

            double budget = o.timeBudgetSeconds() > 0 ? o.timeBudgetSeconds() - initSeconds : Double.POSITIVE_INFINITY;
            Training.Plan plan = new Training.Plan(o.steps(), budget);
            // down to a hundredth: the last steps settle the error at about one grey level
            LearningRateSchedule cosF = step -> cosine(o.lr(), step, plan.planned(), LR_FLOOR);
            LearningRateSchedule cosD = step -> cosine(2 * o.lr(), step, plan.planned(), LR_FLOOR);
            LearningRateSchedule cosK = step -> cosine(0.05 * o.lr(), step, plan.planned(), LR_FLOOR);
            Adam adam = new Adam(0.9, 0.99, 1e-15).setSchedule("features", cosF).setSchedule("decoder", cosD)
                    .setSchedule("kernels", cosK);
            List<double[]> curve = new ArrayList<>();
            double[] evalTimes = o.evalTimes();
            Strategy after = new Strategy() {
                int nextEval = 0;

                @Override
                public void afterStep(StepContext ctx, StepResult r) {
                    boolean rebuild = cfg.trainKernels() && ctx.step() % 25 == 24;
                    if (rebuild) objective.neighboursChanged();
                    field.parametersChanged(rebuild);
                    double el = plan.afterStep(ctx.step() + 1);
                    while (nextEval < evalTimes.length && el + initSeconds >= evalTimes[nextEval]) {
                        FloatImage pred = render(field, objective.neighbours(), w, h, ch, s, device);
                        curve.add(new double[] {el + initSeconds, Psnr.psnr(pred, img)});
                        nextEval++;
                    }
                }
            };
            TrainResult tr = Training.run(field, adam, objective, after, listener, o.seed(), o.steps(), budget);
            long r0 = System.nanoTime();
            FloatImage fitted = render(field, objective.neighbours(), w, h, ch, s, device);
            double evalRate = n / Math.max((System.nanoTime() - r0) * 1e-9, 1e-9);
            double psnr = Psnr.psnr(fitted, img);
            curve.add(new double[] {tr.elapsedSeconds() + initSeconds, psnr});
            Ssim.Boundary bd = w >= 11 && h >= 11 ? Ssim.Boundary.VALID : Ssim.Boundary.ZERO_PAD;
            double ssim = new Ssim(w, h, ch, bd, device).value(fitted.data(), img.data());
            FloatImage err = new FloatImage(w, h, 1);
            float[] e = err.data(), p = fitted.data(), t = img.data();
            for (int i = 0; i < n; i++) {
                float acc = 0f;
                for (int c = 0; c < ch; c++) acc += Math.abs(p[i * ch + c] - t[i * ch + c]);
                e[i] = Math.min(1f, 10f * acc / ch);
            }
            return new Result(fitted, err, psnr, ssim, field.parameterCount(), field.basis().size(), tr.stepsRun(),
                    initSeconds, tr.elapsedSeconds(), objective.trainedPoints() / Math.max(tr.elapsedSeconds(), 1e-9), evalRate,
                    curve, field);
        } finally {
            device.close();
        }
    }

    /** Cosine decay from {@code lr} to a tenth of it over {@code total} steps. */
    static double cosine(double lr, long step, long total) {
        return cosine(lr, step, total, 0.1);
    }

    /** Cosine decay from {@code lr} to {@code floor * lr} over {@code total} steps. */
    static double cosine(double lr, long step, long total, double floor) {
        double t = Math.clamp((double) step / total, 0, 1);
        return lr * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * t)));
    }

    /** Pixel centres {@code (w*h, 2)} scaled by {@code 1/s}, row-major from the top-left. */
    static float[] pixelCentres(int w, int h, int s) {
        float[] c = new float[w * h * 2];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                c[(y * w + x) * 2] = (x + 0.5f) / s;
                c[(y * w + x) * 2 + 1] = (y + 0.5f) / s;
            }
        }
        return c;
    }

    /** Sum over channels of the Sobel gradient magnitude, {@code (h*w)}, border pixels clamped. */
    static float[] sobelMagnitude(FloatImage img) {
        int w = img.width(), h = img.height(), ch = img.channels();
        float[] d = img.data();
        float[] m = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int x0 = Math.max(x - 1, 0), x1 = Math.min(x + 1, w - 1);
                int y0 = Math.max(y - 1, 0), y1 = Math.min(y + 1, h - 1);
                double acc = 0;
                for (int c = 0; c < ch; c++) {
                    double gx = (d[(y0 * w + x1) * ch + c] + 2 * d[(y * w + x1) * ch + c] + d[(y1 * w + x1) * ch + c])
                            - (d[(y0 * w + x0) * ch + c] + 2 * d[(y * w + x0) * ch + c] + d[(y1 * w + x0) * ch + c]);
                    double gy = (d[(y1 * w + x0) * ch + c] + 2 * d[(y1 * w + x) * ch + c] + d[(y1 * w + x1) * ch + c])
                            - (d[(y0 * w + x0) * ch + c] + 2 * d[(y0 * w + x) * ch + c] + d[(y0 * w + x1) * ch + c]);
                    acc += Math.sqrt(gx * gx + gy * gy);
                }
                m[y * w + x] = (float) acc;
            }
        }
        return m;
    }

    /** Evaluates the field at every pixel centre; allocates the image and per-chunk workspaces. */
    public static FloatImage render(RbfField field, int w, int h, int ch, int s, CpuDevice device) {
        return render(field, null, w, h, ch, s, device);
    }

    /**
     * As {@link #render(RbfField, int, int, int, int, CpuDevice)}, reading the kernels reaching
     * each pixel from {@code nb} (rows in pixel order) when it is not null.
     */
    public static FloatImage render(RbfField field, RbfField.Neighbours nb, int w, int h, int ch, int s, CpuDevice device) {
        FloatImage out = new FloatImage(w, h, ch);
        float[] o = out.data();
        int n = w * h;
        int grain = 4096;
        device.parallelFor(n, grain, (c, start, end) -> {
            RbfField.Workspace ws = field.workspace(CHUNK);
            float[] pts = new float[CHUNK * 2];
            for (int i = start; i < end; i += CHUNK) {
                int m = Math.min(CHUNK, end - i);
                for (int t = 0; t < m; t++) {
                    int p = i + t;
                    pts[t * 2] = (p % w + 0.5f) / s;
                    pts[t * 2 + 1] = (p / w + 0.5f) / s;
                }
                field.forward(ws, pts, 0, m, nb, null, i);
                float[] y = ws.output();
                for (int t = 0; t < m * ch; t++) o[i * ch + t] = Math.clamp(y[t], 0f, 1f);
            }
        });
        return out;
    }

    /** MSE on a random minibatch of pixels. */
    static final class PixelObjective extends BatchObjective {
        private final float[] target;
        private final float[] coords;
        private final int ch;

        PixelObjective(RbfField field, RbfField.Neighbours nb, FloatImage img, float[] coords, int batch, CpuDevice device) {
            super(field, nb, img.width() * img.height(), batch, 2, img.channels(), device);
            this.target = img.data();
            this.coords = coords;
            this.ch = img.channels();
        }

        /** The pixels' neighbour table, or null when kernels are trained (then looked up per step). */
        RbfField.Neighbours neighbours() {
            return nb;
        }

        /** Kernels moved: drops the table (trained kernels are looked up per step). */
        void neighboursChanged() {
            nb = null;
        }

        @Override
        public StepResult evaluate(StepContext ctx) {
            double loss = accumulateStep(ctx.random()) / ch;
            return new StepResult(loss, java.util.Map.of("psnr_batch", Psnr.fromMse(loss)), null);
        }

        @Override
        float gradientScale(int b) {
            return 2f / ((float) b * ch);
        }

        @Override
        void gather(float[] p, int i, int m) {
            for (int t = 0; t < m; t++) {
                int px = pick[i + t];
                p[t * 2] = coords[px * 2];
                p[t * 2 + 1] = coords[px * 2 + 1];
            }
        }

        @Override
        double addLoss(float[] y, int i, int m, float scale, float[] d, double loss) {
            for (int t = 0; t < m; t++) {
                int px = pick[i + t];
                for (int c = 0; c < ch; c++) {
                    float e = y[t * ch + c] - target[px * ch + c];
                    loss += (double) e * e;
                    d[t * ch + c] = scale * e;
                }
            }
            return loss;
        }
    }
}
