package kernelfield.reconstruction.nvs;

import kernelfield.engine.optim.SeededRandom;
import kernelfield.engine.optim.StepContext;
import kernelfield.engine.optim.StepResult;
import kernelfield.engine.optim.Strategy;
import kernelfield.fields.splat.GaussianSet;

/**
 * The MCMC strategy of 3DGS-MCMC (Kheradmand et al. 2024), with {@code it = step + 1}:
 * <ul>
 *   <li>every {@code densifyInterval} steps in {@code (densifyFrom, densifyUntil)}: <b>relocate</b>
 *       the dead splats (opacity {@code <= minOpacity}) onto live ones drawn with probability
 *       proportional to their opacity (with replacement), then <b>add</b>
 *       {@code min(maxSplats, 1.05 N) - N} splats the same way. A source drawn {@code k} times
 *       (so shared by {@code k + 1} splats) gets, as do its copies, the opacity
 *       {@code 1 - (1 - o)^(1 / (k + 1))} and its scales times
 *       {@code o / sum_{i=1}^{k+1} sum_{j=0}^{i-1} C(i-1, j) (-1)^j o'^(j+1) / sqrt(j + 1)}, which keeps
 *       the rendered footprint (the paper's relocation rule; {@code k + 1} capped at 51). Adam
 *       moments of sources and targets are zeroed;</li>
 *   <li>after every step, <b>noise</b> on the positions:
 *       {@code Sigma * n * sigmoid(100 (1 - o - 0.995)) * noiseLr * lr_xyz} with {@code n} standard
 *       normal and {@code Sigma} the splat's 3D covariance, so that only nearly transparent splats
 *       move much (the SGLD exploration term).</li>
 * </ul>
 * The opacity and scale regularizers of the method are in the objective
 * ({@link SplatObjective}). Allocates when it resizes the set.
 */
public final class McmcStrategy implements Strategy {
    private static final int MAX_RATIO = 51;

    private final GaussianSet g;
    private final SplatTrainingOptions o;
    private final double[][] binom = new double[MAX_RATIO][MAX_RATIO];
    private long relocated, added;

    public McmcStrategy(SplatObjective objective, SplatTrainingOptions options) {
        this.g = objective.gaussians();
        this.o = options;
        for (int n = 0; n < MAX_RATIO; n++) {
            binom[n][0] = 1;
            for (int k = 1; k <= n; k++) binom[n][k] = binom[n - 1][k - 1] + (k <= n - 1 ? binom[n - 1][k] : 0);
        }
    }

    /** Totals so far: {relocated, added}. */
    public long[] counts() {
        return new long[] {relocated, added};
    }

    @Override
    public void afterStep(StepContext ctx, StepResult result) {
        long it = ctx.step() + 1;
        if (it < o.densifyUntil() && it > o.densifyFrom() && it % o.densifyInterval() == 0) {
            relocate(ctx.random());
            add(ctx.random());
        }
        double lrXyz = ctx.optimizer().learningRate(GaussianSet.XYZ, ctx.step());
        addNoise(ctx.random(), lrXyz * o.mcmcNoiseLr());
    }

    /** Draws {@code count} indices among {@code n} with probability proportional to {@code w} (cdf (n)). */
    private static int[] sample(double[] cdf, int n, int count, SeededRandom rng) {
        int[] out = new int[count];
        double total = cdf[n - 1];
        for (int k = 0; k < count; k++) {
            double u = rng.nextDouble() * total;
            int lo = 0, hi = n - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (cdf[mid] > u) hi = mid;
                else lo = mid + 1;
            }
            out[k] = lo;
        }
        return out;
    }

    /** Sets the opacity and scales of each source drawn {@code k} times for {@code k + 1} sharers. */
    private void share(int[] sources) {
        int n = g.size();
        int[] times = new int[n];
        for (int s : sources) times[s]++;
        float[] ol = g.opacityLogits().value(), ls = g.logScales().value();
        float minO = (float) o.minOpacity();
        for (int i = 0; i < n; i++) {
            if (times[i] == 0) continue;
            int ratio = Math.min(times[i] + 1, MAX_RATIO);
            double op = SplatOps.sigmoid(ol[i]);
            double np = 1 - Math.pow(1 - op, 1.0 / ratio);
            np = Math.min(Math.max(np, minO), 1 - 1e-7);
            double denom = 0;
            for (int a = 1; a <= ratio; a++) {
                for (int j = 0; j < a; j++) {
                    denom += binom[a - 1][j] * ((j & 1) == 0 ? 1 : -1) * Math.pow(np, j + 1) / Math.sqrt(j + 1);
                }
            }
            double coef = op / denom;
            float dl = (float) Math.log(Math.max(coef, 1e-12));
            ol[i] = (float) SplatOps.logit(np);
            for (int a = 0; a < 3; a++) ls[3 * i + a] += dl;
        }
    }

    private double[] opacityCdf(boolean[] alive) {
        int n = g.size();
        float[] ol = g.opacityLogits().value();
        double[] cdf = new double[n];
        double acc = 0;
        for (int i = 0; i < n; i++) {
            if (alive == null || alive[i]) acc += SplatOps.sigmoid(ol[i]);
            cdf[i] = acc;
        }
        return cdf;
    }

    /** Moves dead splats onto live ones. */
    void relocate(SeededRandom rng) {
        int n = g.size();
        float[] ol = g.opacityLogits().value();
        float deadLogit = (float) SplatOps.logit(o.minOpacity());
        boolean[] alive = new boolean[n];
        int nDead = 0;
        for (int i = 0; i < n; i++) {
            alive[i] = ol[i] > deadLogit;
            if (!alive[i]) nDead++;
        }
        if (nDead == 0 || nDead == n) return;
        int[] dead = new int[nDead];
        for (int i = 0, k = 0; i < n; i++) if (!alive[i]) dead[k++] = i;
        int[] src = sample(opacityCdf(alive), n, nDead, rng);
        share(src);
        boolean[] touched = new boolean[n];
        for (var b : g.params().blocks()) {
            int c = b.cols();
            float[] v = b.value();
            for (int k = 0; k < nDead; k++) System.arraycopy(v, src[k] * c, v, dead[k] * c, c);
        }
        for (int k = 0; k < nDead; k++) {
            touched[src[k]] = true;
            touched[dead[k]] = true;
        }
        SplatOps.zeroMoments(g, touched);
        relocated += nDead;
    }

    /** Grows the set by 5% (up to the cap) with copies of live splats. */
    void add(SeededRandom rng) {
        int n = g.size();
        int target = (int) Math.min(o.maxSplats(), Math.floor(1.05 * n));
        int k = Math.max(0, target - n);
        if (k == 0) return;
        int[] src = sample(opacityCdf(null), n, k, rng);
        share(src);
        boolean[] touched = new boolean[n];
        for (int s : src) touched[s] = true;
        SplatOps.zeroMoments(g, touched);
        SplatOps.appendCopies(g, src);
        added += k;
    }

    /** Adds the position noise, {@code scale = lr_xyz * noiseLr}. */
    void addNoise(SeededRandom rng, double scale) {
        int n = g.size();
        float[] means = g.means().value(), ls = g.logScales().value(), q = g.quaternions().value(),
                ol = g.opacityLogits().value();
        double[] r = new double[9];
        for (int i = 0; i < n; i++) {
            double op = SplatOps.sigmoid(ol[i]);
            double gate = 1 / (1 + Math.exp(-100 * (1 - op - 0.995)));
            double a0 = rng.nextGaussian(), a1 = rng.nextGaussian(), a2 = rng.nextGaussian();
            double f = gate * scale;
            if (f == 0) continue;
            // Sigma n = R S^2 R^T n
            SplatOps.rotation(q, 4 * i, r);
            double s0 = Math.exp(2.0 * ls[3 * i]), s1 = Math.exp(2.0 * ls[3 * i + 1]), s2 = Math.exp(2.0 * ls[3 * i + 2]);
            double b0 = (r[0] * a0 + r[3] * a1 + r[6] * a2) * s0;
            double b1 = (r[1] * a0 + r[4] * a1 + r[7] * a2) * s1;
            double b2 = (r[2] * a0 + r[5] * a1 + r[8] * a2) * s2;
            for (int a = 0; a < 3; a++) {
                means[3 * i + a] += (float) (f * (r[3 * a] * b0 + r[3 * a + 1] * b1 + r[3 * a + 2] * b2));
            }
        }
    }
}
