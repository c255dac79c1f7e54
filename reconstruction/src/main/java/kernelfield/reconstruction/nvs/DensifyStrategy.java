package kernelfield.reconstruction.nvs;

import java.util.Arrays;

import kernelfield.engine.optim.SeededRandom;
import kernelfield.engine.optim.StepContext;
import kernelfield.engine.optim.StepResult;
import kernelfield.engine.optim.Strategy;
import kernelfield.fields.splat.GaussianSet;
import kernelfield.fields.splat.SplatFrame;

/**
 * The adaptive density control of 3DGS. With {@code it = step + 1} (3DGS's 1-based iteration):
 * <ul>
 *   <li>while {@code it < densifyUntil}, after every backward pass each visible splat accumulates
 *       its view-space mean gradient norm ({@link SplatFrame#meanGradNorm2D()}) and a view count,
 *       and keeps its largest screen radius;</li>
 *   <li>every {@code densifyInterval} steps after {@code densifyFrom}: splats whose mean
 *       accumulated gradient is at least {@code densifyGradThreshold} are <b>cloned</b> (an exact
 *       copy) when their largest scale is at most {@code percentDense * extent}, else <b>split</b>
 *       into two splats drawn from the splat's own Gaussian, each with scales divided by 1.6, the
 *       original removed; then splats with opacity below {@code minOpacity} are <b>pruned</b>, and,
 *       after the first opacity reset, those whose screen radius exceeded 20 px or whose largest
 *       scale exceeds {@code 0.1 extent}; the statistics restart from zero. New rows get zero Adam
 *       moments (as 3DGS's optimizer state extension); rows of every block, moments included,
 *       stay aligned ({@link kernelfield.engine.optim.ParamBlock} resizes them together);</li>
 *   <li>every {@code opacityResetInterval} steps (and at {@code densifyFrom} with a white
 *       background, as 3DGS does), opacities are clamped to at most 0.01 and the opacity moments
 *       zeroed.</li>
 * </ul>
 * Difference from 3DGS: densification runs after the Adam update of its step instead of before,
 * and when clones plus splits would exceed {@code maxSplats}, only the candidates of largest
 * gradient are taken.
 *
 * <p>Allocates when it resizes the set (new arrays for every block) and its statistics.
 */
public final class DensifyStrategy implements Strategy {
    /** Screen radius in pixels above which a splat is pruned after the first opacity reset. */
    public static final int MAX_SCREEN_RADIUS = 20;

    private final GaussianSet g;
    private final SplatObjective objective;
    private final SplatTrainingOptions o;
    private final double extent;
    private final boolean resetAtDensifyStart;
    private float[] gradAccum = new float[0];
    private int[] denom = new int[0];
    private int[] maxRadii = new int[0];
    private long cloned, split, pruned;

    /**
     * @param extent the scene extent ({@link SplatInit#sceneExtent})
     */
    public DensifyStrategy(SplatObjective objective, SplatTrainingOptions options, double extent) {
        this.g = objective.gaussians();
        this.objective = objective;
        this.o = options;
        this.extent = extent;
        float[] bg = options.background();
        this.resetAtDensifyStart = bg[0] == 1 && bg[1] == 1 && bg[2] == 1;
    }

    /** Totals so far: {cloned, split, pruned}. */
    public long[] counts() {
        return new long[] {cloned, split, pruned};
    }

    private void ensureStats(int n) {
        if (gradAccum.length != n) {
            gradAccum = new float[n];
            denom = new int[n];
            maxRadii = new int[n];
        }
    }

    @Override
    public void afterBackward(StepContext ctx, StepResult result) {
        long it = ctx.step() + 1;
        if (it >= o.densifyUntil()) return;
        int n = g.size();
        ensureStats(n);
        SplatFrame f = objective.frame();
        int[] radii = f.radii();
        float[] gn = f.meanGradNorm2D();
        for (int i = 0; i < n; i++) {
            if (radii[i] > 0) {
                if (radii[i] > maxRadii[i]) maxRadii[i] = radii[i];
                gradAccum[i] += gn[i];
                denom[i]++;
            }
        }
    }

    @Override
    public void afterStep(StepContext ctx, StepResult result) {
        long it = ctx.step() + 1;
        if (it >= o.densifyUntil()) return;
        if (it > o.densifyFrom() && it % o.densifyInterval() == 0) {
            densifyAndPrune(ctx.random(), o.opacityResetInterval() > 0 && it > o.opacityResetInterval() ? MAX_SCREEN_RADIUS : 0);
        }
        if (o.opacityResetInterval() > 0 && (it % o.opacityResetInterval() == 0 || (resetAtDensifyStart && it == o.densifyFrom()))) {
            resetOpacity();
        }
    }

    /** Clamps every opacity to at most 0.01 and zeroes the opacity moments. */
    void resetOpacity() {
        float cap = (float) SplatOps.logit(0.01);
        float[] ol = g.opacityLogits().value();
        for (int i = 0; i < ol.length; i++) ol[i] = Math.min(ol[i], cap);
        g.opacityLogits().zeroMoments();
    }

    /**
     * One densification: clone, split, prune (see the class comment).
     *
     * @param maxScreen screen-radius pruning threshold in pixels, 0 for none
     */
    void densifyAndPrune(SeededRandom rng, int maxScreen) {
        int n = g.size();
        ensureStats(n);
        float[] ls = g.logScales().value();
        double thr = o.densifyGradThreshold();
        double big = o.percentDense() * extent;
        int[] cand = new int[n];
        float[] grads = new float[n];
        int nc = 0;
        for (int i = 0; i < n; i++) {
            grads[i] = denom[i] > 0 ? gradAccum[i] / denom[i] : 0f;
            if (grads[i] >= thr) cand[nc++] = i;
        }
        int allowed = Math.max(0, o.maxSplats() - n);
        if (nc > allowed) {
            Integer[] order = new Integer[nc];
            for (int k = 0; k < nc; k++) order[k] = cand[k];
            Arrays.sort(order, (a, b) -> {
                int c = Float.compare(grads[b], grads[a]);
                return c != 0 ? c : Integer.compare(a, b);
            });
            nc = allowed;
            for (int k = 0; k < nc; k++) cand[k] = order[k];
            Arrays.sort(cand, 0, nc);
        }
        int nClone = 0, nSplit = 0;
        int[] clones = new int[nc], splits = new int[nc];
        for (int k = 0; k < nc; k++) {
            int i = cand[k];
            double maxScale = Math.exp(Math.max(ls[3 * i], Math.max(ls[3 * i + 1], ls[3 * i + 2])));
            if (maxScale <= big) clones[nClone++] = i;
            else splits[nSplit++] = i;
        }
        int[] src = new int[nClone + 2 * nSplit];
        System.arraycopy(clones, 0, src, 0, nClone);
        for (int k = 0; k < nSplit; k++) {
            src[nClone + 2 * k] = splits[k];
            src[nClone + 2 * k + 1] = splits[k];
        }
        if (src.length > 0) {
            int first = SplatOps.appendCopies(g, src);
            float[] means = g.means().value(), q = g.quaternions().value();
            ls = g.logScales().value();
            float shrink = (float) Math.log(1.6);
            double[] rot = new double[9];
            for (int r = first + nClone; r < first + src.length; r++) {
                SplatOps.rotation(q, 4 * r, rot);
                double z0 = rng.nextGaussian() * Math.exp(ls[3 * r]);
                double z1 = rng.nextGaussian() * Math.exp(ls[3 * r + 1]);
                double z2 = rng.nextGaussian() * Math.exp(ls[3 * r + 2]);
                for (int a = 0; a < 3; a++) {
                    means[3 * r + a] += (float) (rot[3 * a] * z0 + rot[3 * a + 1] * z1 + rot[3 * a + 2] * z2);
                }
                for (int a = 0; a < 3; a++) ls[3 * r + a] -= shrink;
            }
        }
        int total = g.size();
        boolean[] keep = new boolean[total];
        Arrays.fill(keep, true);
        for (int k = 0; k < nSplit; k++) keep[splits[k]] = false;
        float minLogit = (float) SplatOps.logit(o.minOpacity());
        float[] ol = g.opacityLogits().value();
        ls = g.logScales().value();
        double worldMax = Math.log(0.1 * extent);
        int removed = 0;
        for (int i = 0; i < total; i++) {
            boolean prune = ol[i] < minLogit;
            if (maxScreen > 0) {
                int rad = i < n ? maxRadii[i] : 0;
                double maxLs = Math.max(ls[3 * i], Math.max(ls[3 * i + 1], ls[3 * i + 2]));
                prune |= rad > maxScreen || maxLs > worldMax;
            }
            if (prune && keep[i]) {
                keep[i] = false;
                removed++;
            }
        }
        if (removed + nSplit > 0) SplatOps.keepRows(g, keep);
        cloned += nClone;
        split += nSplit;
        pruned += removed;
        gradAccum = new float[g.size()];
        denom = new int[g.size()];
        maxRadii = new int[g.size()];
    }
}
