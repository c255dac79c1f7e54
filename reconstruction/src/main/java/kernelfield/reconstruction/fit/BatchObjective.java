package kernelfield.reconstruction.fit;

import kernelfield.engine.compute.CpuDevice;
import kernelfield.engine.optim.Objective;
import kernelfield.engine.optim.SeededRandom;
import kernelfield.fields.rbf.RbfField;

/**
 * A loss on random minibatches of a fixed set of training points of an {@link RbfField}: each
 * step draws the batch, evaluates it in chunks of {@value #CHUNK} points on {@value #SLOTS}
 * slots, each slot with its own gradient buffer and workspace, and adds the slots' gradients in
 * slot order (so results do not depend on the thread count). Subclasses say how a point's
 * coordinates are read and what the loss is. Allocates its buffers once; a step allocates nothing.
 */
abstract class BatchObjective implements Objective {
    static final int SLOTS = 2;
    static final int CHUNK = 128;
    private static final int WARM_POINTS = 1024;
    /** A point this fast (forward and backward) runs compiled code. */
    private static final double WARM_FAST_SECONDS = 8e-6;

    final RbfField field;
    /** Kernels reaching each training point (rows in point order), or null: looked up per step. */
    RbfField.Neighbours nb;
    final int batch;
    /** Indices of the points of the current batch, ascending {@code (batch)}. */
    final int[] pick;
    private final int n;
    private final CpuDevice device;
    private final float[][] grads = new float[SLOTS][];
    private final RbfField.Workspace[] ws = new RbfField.Workspace[SLOTS];
    private final float[][] pts = new float[SLOTS][];
    private final float[][] dOut = new float[SLOTS][];
    private final double[] partial = new double[SLOTS];
    /** Whether steps start small until they run at compiled speed ({@link #startSmall}). */
    private boolean adaptive;
    private boolean compiled;
    private int fastSteps;
    private double firstPerPoint;
    private long trainedPoints;
    /** Points in drawing order when drawing without replacement, else null; {@code next} its cursor. */
    private int[] order;
    private int next;

    /**
     * @param n       training points
     * @param dim     coordinates per point
     * @param outputs field outputs per point
     */
    BatchObjective(RbfField field, RbfField.Neighbours nb, int n, int batch, int dim, int outputs, CpuDevice device) {
        this.field = field;
        this.nb = nb;
        this.n = n;
        this.batch = batch;
        this.device = device;
        this.pick = new int[batch];
        for (int i = 0; i < SLOTS; i++) {
            grads[i] = new float[field.gradientLength()];
            ws[i] = field.workspace(CHUNK);
            pts[i] = new float[CHUNK * dim];
            dOut[i] = new float[CHUNK * outputs];
        }
    }

    /** The factor of the loss gradient of a batch of {@code b} points. */
    abstract float gradientScale(int b);

    /** Writes the coordinates of the points {@code pick[i .. i+m)} into {@code p (m, dim)}. */
    abstract void gather(float[] p, int i, int m);

    /**
     * Adds the loss of the points {@code pick[i .. i+m)}, whose field outputs are {@code y (m,
     * outputs)}, to {@code loss} point by point and returns the sum; writes the loss gradient
     * times {@code scale} into {@code d (m, outputs)}.
     */
    abstract double addLoss(float[] y, int i, int m, float scale, float[] d, double loss);

    /**
     * Draws {@code b <= batch} points, adds the gradient of their loss to the blocks' gradients
     * and returns the summed loss.
     */
    final double accumulate(SeededRandom r, int b) {
        drawPoints(r, b);
        java.util.Arrays.sort(pick, 0, b);
        float scale = gradientScale(b);
        device.parallelForSlots(b, CHUNK, SLOTS, (slot, start, end) -> {
            float[] g = grads[slot]; // zero: cleared by the previous merge
            RbfField.Workspace w = ws[slot];
            float[] p = pts[slot];
            float[] d = dOut[slot];
            double loss = 0;
            for (int i = start; i < end; i += CHUNK) {
                int m = Math.min(CHUNK, end - i);
                gather(p, i, m);
                field.forward(w, p, 0, m, nb, pick, i);
                loss = addLoss(w.output(), i, m, scale, d, loss);
                field.backward(w, p, 0, m, d, g, null, 0);
            }
            partial[slot] = loss;
        });
        field.addGradients(grads, device, true);
        double loss = 0;
        for (double v : partial) loss += v;
        return loss;
    }

    /**
     * Makes every later batch draw its points without replacement: the points in a random order,
     * batch after batch, reshuffled when all were drawn (random reshuffling: each point once per
     * epoch, a gradient of lower variance than independent draws). Allocates the order.
     */
    final void drawWithoutReplacement() {
        order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        next = n;
    }

    /** Writes the next {@code b} points to {@code pick[0..b)} (unsorted). */
    void drawPoints(SeededRandom r, int b) {
        if (order == null) {
            for (int i = 0; i < b; i++) pick[i] = r.nextInt(n);
            return;
        }
        for (int i = 0; i < b; i++) {
            if (next == n) {
                for (int j = n - 1; j > 0; j--) { // Fisher-Yates
                    int k = r.nextInt(j + 1);
                    int t = order[j];
                    order[j] = order[k];
                    order[k] = t;
                }
                next = 0;
            }
            pick[i] = order[next++];
        }
    }

    /**
     * Makes the training steps themselves warm the code up, instead of a separate {@link #warmUp}:
     * steps draw {@value #WARM_POINTS} points (the batch when smaller) until two steps in a row run
     * at compiled speed (below the warm-up's bound per point, or 30 times faster than the first
     * step), then the full batch. Slow uncompiled steps thus stay short and still train.
     * The batch size then depends on timing: use it only where results need not be reproducible
     * (a time budget).
     */
    final void startSmall() {
        adaptive = true;
        compiled = false;
        fastSteps = 0;
        firstPerPoint = 0;
    }

    /** Points drawn by {@link #accumulateStep} so far. */
    final long trainedPoints() {
        return trainedPoints;
    }

    /** The points of the next step: the batch, or fewer while {@link #startSmall} steps run uncompiled. */
    final int nextBatch() {
        return adaptive && !compiled ? Math.min(WARM_POINTS, batch) : batch;
    }

    /** Draws {@link #nextBatch()} points, accumulates them (see {@link #accumulate}) and returns the mean loss per point. */
    final double accumulateStep(SeededRandom r) {
        int b = nextBatch();
        trainedPoints += b;
        if (!adaptive || compiled) return accumulate(r, b) / b;
        long t0 = System.nanoTime();
        double loss = accumulate(r, b);
        double perPoint = (System.nanoTime() - t0) * 1e-9 / b;
        if (firstPerPoint == 0) firstPerPoint = perPoint;
        // compiled: below the absolute bound, or (on a loaded machine, where the wall time per
        // point is longer) 30 times faster than the first, interpreted step
        boolean fast = perPoint < WARM_FAST_SECONDS || perPoint < firstPerPoint / 30;
        fastSteps = fast ? fastSteps + 1 : 0;
        if (fastSteps >= 2) compiled = true;
        if (ImageFit.DEBUG) System.err.printf("small step: %.1f us per point%n", perPoint * 1e6);
        return loss / b;
    }

    /**
     * Runs the step's forward and backward code on small batches until the just-in-time
     * compiler has compiled it (vector code that is not yet compiled is orders of magnitude
     * slower): rounds of {@value #WARM_POINTS} points until two rounds in a row run at compiled
     * speed, or {@code maxSeconds} passed. Adds to the blocks' gradients (the trainer zeroes them
     * before each step); changes no parameter value.
     */
    final void warmUp(double maxSeconds) {
        // its rounds depend on timing: they draw with replacement from their own generator and
        // leave the training order (without replacement) untouched, so training stays reproducible
        int[] trainingOrder = order;
        order = null;
        try {
            warmUpRounds(maxSeconds);
        } finally {
            order = trainingOrder;
        }
    }

    private void warmUpRounds(double maxSeconds) {
        SeededRandom r = new SeededRandom(0x5eed);
        long t0 = System.nanoTime();
        int fast = 0;
        int rounds = 0;
        while (System.nanoTime() - t0 < maxSeconds * 1e9 && fast < 2) {
            long r0 = System.nanoTime();
            accumulate(r, Math.min(WARM_POINTS, batch));
            double perPoint = (System.nanoTime() - r0) * 1e-9 / Math.min(WARM_POINTS, batch);
            fast = perPoint < WARM_FAST_SECONDS ? fast + 1 : 0;
            rounds++;
            if (ImageFit.DEBUG) System.err.printf("warm round %d: %.1f us per point%n", rounds, perPoint * 1e6);
        }
    }
}
