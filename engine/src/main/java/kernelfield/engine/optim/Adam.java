package kernelfield.engine.optim;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;

import kernelfield.engine.optim.internal.AdamKernel;

/**
 * Adam with bias correction, per learning-rate group schedules, a dense and a row-sparse update.
 *
 * <p>For each value, at the block's Adam step {@code t} (counted from 1, see
 * {@link ParamBlock#adamSteps()}):
 * <pre>
 * m = beta1 m + (1 - beta1) g
 * v = beta2 v + (1 - beta2) g^2
 * p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 * as PyTorch's Adam (which 3DGS uses); defaults {@code beta1 = 0.9}, {@code beta2 = 0.999},
 * {@code eps = 1e-15} (3DGS's). Arithmetic is float32; the constants are computed in double.
 *
 * <p><b>Row-sparse update</b> ("sparse Adam", as in 3DGS's accelerated trainer and gsplat's
 * selective Adam): only rows flagged visible are touched; for every other row the value and both
 * moments are left exactly as they are (the moments are <em>not</em> decayed) and its gradient
 * is not read. The step count {@code t} of the block still advances by one per call, so the bias
 * correction follows the global step.
 *
 * <p><b>Determinism</b>: the update is element-wise with no reductions; work is split into
 * fixed-size chunks run on the common fork-join pool, and the vector and scalar paths give the
 * same bits, so results are bit-identical for any thread count. Each call allocates only the
 * few objects of the parallel dispatch (none for blocks under {@value #PARALLEL_THRESHOLD}
 * values); the inner loop allocates nothing.
 */
public final class Adam {
    /** Default first-moment decay. */
    public static final double DEFAULT_BETA1 = 0.9;
    /** Default second-moment decay. */
    public static final double DEFAULT_BETA2 = 0.999;
    /** Default epsilon, as 3DGS uses. */
    public static final double DEFAULT_EPS = 1e-15;

    /** Blocks with fewer values than this are updated on the calling thread. */
    public static final int PARALLEL_THRESHOLD = 1 << 16;
    private static final int CHUNK = 1 << 14;

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final Map<String, LearningRateSchedule> schedules = new HashMap<>();

    /** Adam with the default betas and epsilon. */
    public Adam() {
        this(DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPS);
    }

    /**
     * @param beta1 first-moment decay in {@code [0, 1)}
     * @param beta2 second-moment decay in {@code [0, 1)}
     * @param eps   added to the denominator, {@code >= 0}
     */
    public Adam(double beta1, double beta2, double eps) {
        if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("beta1 " + beta1 + " not in [0, 1)");
        if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("beta2 " + beta2 + " not in [0, 1)");
        if (!(eps >= 0) || Double.isInfinite(eps)) throw new IllegalArgumentException("eps " + eps + " must be finite and >= 0");
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    public double beta1() {
        return beta1;
    }

    public double beta2() {
        return beta2;
    }

    public double eps() {
        return eps;
    }

    /** Sets the schedule of a learning-rate group. Returns this. */
    public Adam setSchedule(String group, LearningRateSchedule schedule) {
        schedules.put(Objects.requireNonNull(group, "group"), Objects.requireNonNull(schedule, "schedule"));
        return this;
    }

    /** Sets a constant learning rate for a group. Returns this. */
    public Adam setLearningRate(String group, double lr) {
        return setSchedule(group, LearningRateSchedule.constant(lr));
    }

    /**
     * The schedule of a group.
     *
     * @throws IllegalStateException when the group has none
     */
    public LearningRateSchedule schedule(String group) {
        LearningRateSchedule s = schedules.get(group);
        if (s == null) {
            throw new IllegalStateException("no learning rate for group " + group + " (groups: " + schedules.keySet() + ")");
        }
        return s;
    }

    /** The learning rate of a group at a training step. */
    public double learningRate(String group, long step) {
        return schedule(group).at(step);
    }

    /**
     * Dense update of every differentiable block of the set, each at its group's rate at
     * training step {@code step}. Modifies the blocks' values, moments and Adam step counts.
     */
    public void step(ParamSet params, long step) {
        step(params, step, null);
    }

    /**
     * Update of every differentiable block of the set at training step {@code step}: blocks with
     * exactly {@code visibleRows.length} rows (the kernels) get the row-sparse update, the others
     * (shared weights with another row count) the dense one. A null mask means dense for all.
     *
     * @param visibleRows (N) true for the rows that took part in this step, or null
     */
    public void step(ParamSet params, long step, boolean[] visibleRows) {
        for (ParamBlock b : params.iterable()) {
            if (!b.differentiable()) continue;
            double lr = learningRate(b.lrGroup(), step);
            if (visibleRows != null && visibleRows.length == b.rows()) {
                stepSparse(b, lr, visibleRows);
            } else {
                step(b, lr);
            }
        }
    }

    /**
     * Dense update of one block at learning rate {@code lr}. Modifies its values, moments and
     * Adam step count; reads its gradient.
     *
     * @throws IllegalArgumentException when the block is not differentiable
     */
    public void step(ParamBlock block, double lr) {
        Consts c = prepare(block, lr);
        float[] p = block.value();
        float[] g = block.grad();
        float[] m = block.m();
        float[] v = block.v();
        int n = block.size();
        if (n < PARALLEL_THRESHOLD) {
            AdamKernel.update(p, g, m, v, 0, n, c.b1, c.omb1, c.b2, c.omb2, c.stepSize, c.invSqrtBc2, c.eps);
            return;
        }
        int chunks = (n + CHUNK - 1) / CHUNK;
        IntStream.range(0, chunks).parallel().forEach(k -> {
            int from = k * CHUNK;
            int to = Math.min(n, from + CHUNK);
            AdamKernel.update(p, g, m, v, from, to, c.b1, c.omb1, c.b2, c.omb2, c.stepSize, c.invSqrtBc2, c.eps);
        });
    }

    /**
     * Row-sparse update of one block: rows with {@code visibleRows[r]} false keep their values and
     * moments untouched; the block's Adam step count still advances.
     *
     * @param visibleRows (rows) true for the rows to update
     * @throws IllegalArgumentException when the block is not differentiable or the mask length is not its row count
     */
    public void stepSparse(ParamBlock block, double lr, boolean[] visibleRows) {
        if (visibleRows.length != block.rows()) {
            throw new IllegalArgumentException("block " + block.name() + ": visibility mask of length "
                    + visibleRows.length + ", expected " + block.rows());
        }
        Consts c = prepare(block, lr);
        float[] p = block.value();
        float[] g = block.grad();
        float[] m = block.m();
        float[] v = block.v();
        int rows = block.rows();
        int cols = block.cols();
        if (block.size() < PARALLEL_THRESHOLD) {
            sparseRows(p, g, m, v, visibleRows, cols, 0, rows, c);
            return;
        }
        int rowsPerChunk = Math.max(1, CHUNK / cols);
        int chunks = (rows + rowsPerChunk - 1) / rowsPerChunk;
        IntStream.range(0, chunks).parallel().forEach(k -> {
            int from = k * rowsPerChunk;
            sparseRows(p, g, m, v, visibleRows, cols, from, Math.min(rows, from + rowsPerChunk), c);
        });
    }

    /** Updates the runs of consecutive visible rows in [rowFrom, rowTo) as contiguous element ranges. */
    private static void sparseRows(float[] p, float[] g, float[] m, float[] v, boolean[] visible, int cols,
            int rowFrom, int rowTo, Consts c) {
        int r = rowFrom;
        while (r < rowTo) {
            if (!visible[r]) {
                r++;
                continue;
            }
            int start = r;
            while (r < rowTo && visible[r]) r++;
            AdamKernel.update(p, g, m, v, start * cols, r * cols, c.b1, c.omb1, c.b2, c.omb2, c.stepSize,
                    c.invSqrtBc2, c.eps);
        }
    }

    private record Consts(float b1, float omb1, float b2, float omb2, float stepSize, float invSqrtBc2, float eps) {
    }

    private Consts prepare(ParamBlock block, double lr) {
        if (!block.differentiable()) {
            throw new IllegalArgumentException("block " + block.name() + " is not differentiable: it is never stepped");
        }
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("block " + block.name() + ": learning rate " + lr + " must be finite and >= 0");
        }
        block.incrementAdamSteps();
        long t = block.adamSteps();
        double bc1 = 1 - Math.pow(beta1, t);
        double bc2 = 1 - Math.pow(beta2, t);
        return new Consts((float) beta1, (float) (1 - beta1), (float) beta2, (float) (1 - beta2),
                (float) (lr / bc1), (float) (1 / Math.sqrt(bc2)), (float) eps);
    }
}
