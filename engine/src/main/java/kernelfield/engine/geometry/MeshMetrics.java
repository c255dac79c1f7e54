package kernelfield.engine.geometry;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;

/**
 * Surface reconstruction metrics, with the project's one convention.
 *
 * <ul>
 *   <li>Each mesh is sampled with {@link SurfaceSampler}: {@code samples} area-uniform points
 *       (default 100,000) with the same fixed seed for both surfaces, each with its face normal.
 *       (Identical meshes therefore score exactly 0 / F = 1 / NC = 1.)</li>
 *   <li>All distances, and the thresholds tau, are relative to {@code diag}, the diagonal of the
 *       ground truth's bounding box (of its vertices).</li>
 *   <li>accuracy = mean distance from each predicted sample to its nearest ground-truth sample;
 *       completeness = the same from ground truth to prediction.</li>
 *   <li>Chamfer-L1 = (accuracy + completeness) / 2; Chamfer-L2 = (mean acc^2 + mean comp^2) / 2.</li>
 *   <li>F-score at tau = harmonic mean of precision (fraction of predicted samples within tau of
 *       the ground truth, distance {@code <= tau}) and recall (the reverse); 0 when both are 0.</li>
 *   <li>normal consistency = mean over both directions of {@code |n . n'|}, n' the normal of the
 *       nearest sample: (mean pred-&gt;gt + mean gt-&gt;pred) / 2.</li>
 * </ul>
 *
 * Deterministic: sums run in sample order, so results do not depend on the number of threads.
 */
public final class MeshMetrics {
    /** Default number of samples per surface. */
    public static final int DEFAULT_SAMPLES = 100_000;
    /** Default F-score thresholds (relative to the ground-truth diagonal). */
    private static final double[] DEFAULT_TAUS = {0.005, 0.01};

    private MeshMetrics() {
    }

    /**
     * Options of an evaluation.
     *
     * @param samples samples per surface
     * @param seed    sampling seed (the same for both surfaces)
     * @param taus    F-score thresholds, relative to the ground-truth diagonal
     */
    public record Options(int samples, long seed, double[] taus) {
        public Options {
            if (samples < 1) throw new IllegalArgumentException("samples " + samples + " < 1");
            taus = taus.clone();
            for (double t : taus) {
                if (!(t > 0) || !Double.isFinite(t)) throw new IllegalArgumentException("threshold " + t + " is not a positive number");
            }
        }

        /** 100,000 samples, {@link SurfaceSampler#DEFAULT_SEED}, tau 0.005 and 0.01. */
        public static Options defaults() {
            return new Options(DEFAULT_SAMPLES, SurfaceSampler.DEFAULT_SEED, DEFAULT_TAUS);
        }

        public Options withSamples(int n) {
            return new Options(n, seed, taus);
        }

        public Options withSeed(long s) {
            return new Options(samples, s, taus);
        }

        public Options withTaus(double... t) {
            return new Options(samples, seed, t);
        }

        @Override
        public double[] taus() {
            return taus.clone();
        }
    }

    /**
     * Scores of a prediction against a ground truth. Distances are relative to {@link #diag}.
     *
     * @param accuracy          mean pred -&gt; gt distance
     * @param completeness      mean gt -&gt; pred distance
     * @param chamferL1         (accuracy + completeness) / 2
     * @param chamferL2         (mean squared pred -&gt; gt + mean squared gt -&gt; pred) / 2
     * @param taus              thresholds {@code (T)}
     * @param precision         {@code (T)} fraction of pred samples within tau of gt
     * @param recall            {@code (T)} fraction of gt samples within tau of pred
     * @param fscore            {@code (T)} harmonic means
     * @param normalConsistency mean |n . n'| over both directions; NaN when the prediction has no normals
     * @param diag              the ground truth's bounding-box diagonal, absolute units
     * @param predSamples       number of prediction points used
     * @param gtSamples         number of ground-truth samples used
     */
    public record Result(double accuracy, double completeness, double chamferL1, double chamferL2,
                         double[] taus, double[] precision, double[] recall, double[] fscore,
                         double normalConsistency, double diag, int predSamples, int gtSamples) {

        /** F-score at the threshold {@code tau} (one of {@link #taus}). */
        public double fscore(double tau) {
            return fscore[indexOf(tau)];
        }

        public double precision(double tau) {
            return precision[indexOf(tau)];
        }

        public double recall(double tau) {
            return recall[indexOf(tau)];
        }

        private int indexOf(double tau) {
            for (int i = 0; i < taus.length; i++) if (taus[i] == tau) return i;
            throw new IllegalArgumentException("no threshold " + tau + " in " + Arrays.toString(taus));
        }

        /**
         * The scores as an ordered map for JSON: {@code chamfer_l1}, {@code chamfer_l2},
         * {@code fscore@<tau>} per tau (tau written as given, e.g. {@code fscore@0.005}),
         * {@code normal_consistency} (null when not defined), {@code diag}, {@code accuracy},
         * {@code completeness}, {@code precision@<tau>}, {@code recall@<tau>},
         * {@code pred_samples}, {@code gt_samples}. Allocates a new map.
         */
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("chamfer_l1", chamferL1);
            m.put("chamfer_l2", chamferL2);
            for (int i = 0; i < taus.length; i++) m.put("fscore@" + tauKey(taus[i]), fscore[i]);
            m.put("normal_consistency", Double.isNaN(normalConsistency) ? null : normalConsistency);
            m.put("diag", diag);
            m.put("accuracy", accuracy);
            m.put("completeness", completeness);
            for (int i = 0; i < taus.length; i++) {
                m.put("precision@" + tauKey(taus[i]), precision[i]);
                m.put("recall@" + tauKey(taus[i]), recall[i]);
            }
            m.put("pred_samples", predSamples);
            m.put("gt_samples", gtSamples);
            return m;
        }
    }

    /** The threshold as written: 0.005 -&gt; "0.005", 0.01 -&gt; "0.01", 1e-4 -&gt; "0.0001". */
    static String tauKey(double tau) {
        return BigDecimal.valueOf(tau).stripTrailingZeros().toPlainString();
    }

    /** Compares two meshes with the default options. */
    public static Result compare(TriangleMesh pred, TriangleMesh gt) {
        return compare(pred, gt, Options.defaults());
    }

    /**
     * Compares two meshes: both sampled with {@code options.samples()} points and the same seed.
     * Allocates the samples, two kd-trees and {@code O(samples)} work arrays; modifies nothing.
     *
     * @throws IllegalArgumentException when a mesh has no area or the ground truth's diagonal is 0
     */
    public static Result compare(TriangleMesh pred, TriangleMesh gt, Options options) {
        double diag = diagonal(gt);
        PointCloud p = SurfaceSampler.sample(pred, options.samples(), options.seed());
        PointCloud g = SurfaceSampler.sample(gt, options.samples(), options.seed());
        return compare(p.positions(), p.normals(), g.positions(), g.normals(), diag, options.taus);
    }

    /** Compares predicted points with a ground-truth mesh, default options. */
    public static Result compare(PointCloud pred, TriangleMesh gt) {
        return compare(pred, gt, Options.defaults());
    }

    /**
     * Compares predicted points (all of them, as given; normals used when present) with a
     * ground-truth mesh sampled with {@code options.samples()} points. Normal consistency is NaN
     * when {@code pred} has no normals.
     *
     * @throws IllegalArgumentException when pred is empty, the mesh has no area or its diagonal is 0
     */
    public static Result compare(PointCloud pred, TriangleMesh gt, Options options) {
        if (pred.size() == 0) throw new IllegalArgumentException("predicted point cloud is empty");
        double diag = diagonal(gt);
        PointCloud g = SurfaceSampler.sample(gt, options.samples(), options.seed());
        return compare(pred.positions(), pred.normals(), g.positions(), g.normals(), diag, options.taus);
    }

    private static double diagonal(TriangleMesh gt) {
        double diag = gt.bounds().diagonal();
        if (!(diag > 0) || !Double.isFinite(diag)) {
            throw new IllegalArgumentException("ground truth has a degenerate bounding box (diagonal " + diag + ")");
        }
        return diag;
    }

    /**
     * The metrics of point sets {@code pred (P, 3)} and {@code gt (G, 3)} with optional normals
     * (null: normal consistency is NaN), distances divided by {@code diag}.
     */
    static Result compare(float[] pred, float[] predN, float[] gt, float[] gtN, double diag, double[] taus) {
        int np = pred.length / 3, ng = gt.length / 3;
        int[] pIdx = new int[np];
        float[] pD2 = new float[np];
        KdTree.build(gt).nearestBatch(pred, pIdx, pD2);
        int[] gIdx = new int[ng];
        float[] gD2 = new float[ng];
        KdTree.build(pred).nearestBatch(gt, gIdx, gD2);

        double inv = 1.0 / diag;
        int t = taus.length;
        double[] precision = new double[t], recall = new double[t], fscore = new double[t];
        double[] accStats = stats(pD2, inv, taus, precision);
        double[] compStats = stats(gD2, inv, taus, recall);
        for (int i = 0; i < t; i++) {
            double s = precision[i] + recall[i];
            fscore[i] = s > 0 ? 2 * precision[i] * recall[i] / s : 0;
        }
        double nc = Double.NaN;
        if (predN != null && gtN != null) {
            nc = 0.5 * (meanAbsDot(predN, gtN, pIdx) + meanAbsDot(gtN, predN, gIdx));
        }
        double acc = accStats[0], comp = compStats[0];
        return new Result(acc, comp, 0.5 * (acc + comp), 0.5 * (accStats[1] + compStats[1]),
                taus.clone(), precision, recall, fscore, nc, diag, np, ng);
    }

    /** {mean d, mean d^2} of relative distances; fills the fraction within each tau. */
    private static double[] stats(float[] d2, double inv, double[] taus, double[] within) {
        double sum = 0, sum2 = 0;
        long[] count = new long[taus.length];
        for (float v : d2) {
            double d = Math.sqrt(v) * inv;
            sum += d;
            sum2 += d * d;
            for (int i = 0; i < taus.length; i++) if (d <= taus[i]) count[i]++;
        }
        int n = d2.length;
        for (int i = 0; i < taus.length; i++) within[i] = count[i] / (double) n;
        return new double[] {sum / n, sum2 / n};
    }

    private static double meanAbsDot(float[] a, float[] b, int[] nn) {
        double s = 0;
        for (int i = 0; i < nn.length; i++) {
            int j = nn[i];
            double la = Math.sqrt((double) a[3 * i] * a[3 * i] + (double) a[3 * i + 1] * a[3 * i + 1] + (double) a[3 * i + 2] * a[3 * i + 2]);
            double lb = Math.sqrt((double) b[3 * j] * b[3 * j] + (double) b[3 * j + 1] * b[3 * j + 1] + (double) b[3 * j + 2] * b[3 * j + 2]);
            if (la > 0 && lb > 0) {
                s += Math.abs((double) a[3 * i] * b[3 * j] + (double) a[3 * i + 1] * b[3 * j + 1] + (double) a[3 * i + 2] * b[3 * j + 2]) / (la * lb);
            }
        }
        return s / nn.length;
    }
}
