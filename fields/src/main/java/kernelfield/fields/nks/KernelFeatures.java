package kernelfield.fields.nks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

import kernelfield.engine.compute.CpuDevice;
import kernelfield.engine.geometry.SymmetricEigenvalues;

/**
 * Learned per-voxel kernel features {@code s_v > 0} for {@link NksSolver#solve(VoxelHierarchy,
 * NksSolver.Samples, float[][], NksSolver.Options, CpuDevice, NksSolver.Listener)}: a small model
 * maps dimensionless descriptors of the samples around each voxel to its feature.
 *
 * <h2>Descriptors</h2>
 * For voxel {@code v} of level {@code l} (size {@code h}, centre {@code c_v}) over the samples in
 * its kernel's support (the 27 voxels around it), with area weights {@code a}, area-weighted
 * centroid {@code m}, covariance eigenvalues {@code e0 <= e1 <= e2} and mean normal {@code nbar}:
 * <ol start="0">
 *   <li>{@code sqrt(e0) / h}: the RMS distance to the local plane over the voxel size (noise or
 *       curvature against the resolution);</li>
 *   <li>{@code 1 - |nbar|}: the spread of the normals (0 where they agree);</li>
 *   <li>{@code 3 e0 / (e0 + e1 + e2)}: the surface variation (0 on a plane, 1 for an isotropic blob);</li>
 *   <li>{@code ln(A_v / mean_l A)}: the sample area in the support against the level's mean over
 *       non-empty supports (density);</li>
 *   <li>{@code |m - c_v| / h}: the offset of the local centroid from the voxel centre;</li>
 *   <li>{@code sigma / h}: the estimated noise of the whole input over the voxel size (the same for
 *       every voxel of a level).</li>
 * </ol>
 * All are invariant under a uniform scaling of the input (positions, voxel sizes, origin and noise
 * by {@code k}, areas by {@code k^2}). A voxel with no sample in its support has no descriptors
 * (NaN) and the feature 1.
 *
 * <h2>Model</h2>
 * {@code s_v = exp(clamp(b_l + w . d_v, -c, c))} with {@code b_0} on the finest level and
 * {@code b_1} on the coarser ones: {@link #DESCRIPTORS} + 3 numbers ({@link Model}). A large
 * {@code s_v} lets voxel {@code v} follow the data (its regulariser weight is divided by
 * {@code s_v^2}), a small one smooths it. The learned values ({@link Model#learned()}) are a
 * resource written by the bench module's trainer ({@code kernelfield.bench.NksFeatureTraining}) on
 * procedurally generated shapes; its header says how.
 */
public final class KernelFeatures {
    /** Descriptors per voxel. */
    public static final int DESCRIPTORS = 6;
    /** The resource holding the learned model. */
    public static final String RESOURCE = "/kernelfield/fields/nks/kernel-features.txt";

    private KernelFeatures() {
    }

    /**
     * The model {@code s = exp(clamp(b + w . d, -c, c))}.
     *
     * @param weights    {@code w (DESCRIPTORS)}, finite
     * @param finestBias {@code b_0}, the bias on level 0
     * @param coarseBias {@code b_1}, the bias on the levels above
     * @param clamp      {@code c > 0}: the features lie in {@code [e^-c, e^c]}
     */
    public record Model(double[] weights, double finestBias, double coarseBias, double clamp) {
        public Model {
            Objects.requireNonNull(weights, "weights");
            if (weights.length != DESCRIPTORS) throw new IllegalArgumentException(weights.length + " weights, expected " + DESCRIPTORS);
            weights = weights.clone();
            for (int i = 0; i < DESCRIPTORS; i++) {
                if (!Double.isFinite(weights[i])) throw new IllegalArgumentException("weight " + i + " is not finite: " + weights[i]);
            }
            if (!Double.isFinite(finestBias) || !Double.isFinite(coarseBias)) throw new IllegalArgumentException("biases must be finite");
            if (!(clamp > 0) || !Double.isFinite(clamp)) throw new IllegalArgumentException("clamp must be > 0 and finite, got " + clamp);
        }

        /** The model with every feature 1 (today's solve). */
        public static Model identity() {
            return new Model(new double[DESCRIPTORS], 0, 0, 2);
        }

        /** The model from a parameter vector {@code (DESCRIPTORS + 2)}: weights, finest bias, coarse bias; clamp {@code c}. */
        public static Model fromVector(double[] x, double clamp) {
            if (x.length != DESCRIPTORS + 2) throw new IllegalArgumentException(x.length + " parameters, expected " + (DESCRIPTORS + 2));
            return new Model(Arrays.copyOf(x, DESCRIPTORS), x[DESCRIPTORS], x[DESCRIPTORS + 1], clamp);
        }

        /** The parameter vector {@code (DESCRIPTORS + 2)} (allocated). */
        public double[] toVector() {
            double[] x = Arrays.copyOf(weights, DESCRIPTORS + 2);
            x[DESCRIPTORS] = finestBias;
            x[DESCRIPTORS + 1] = coarseBias;
            return x;
        }

        @Override
        public double[] weights() {
            return weights.clone();
        }

        /** The feature for descriptors {@code d (DESCRIPTORS)} at offset {@code off} on level {@code level}; 1 for NaN descriptors. */
        public double feature(float[] d, int off, int level) {
            double z = level == 0 ? finestBias : coarseBias;
            for (int i = 0; i < DESCRIPTORS; i++) z += weights[i] * d[off + i];
            if (Double.isNaN(z)) return 1.0;
            return Math.exp(Math.max(-clamp, Math.min(clamp, z)));
        }

        /**
         * The resource text: {@code header} lines as {@code #} comments, then {@code key = value}
         * lines ({@code w0 .. w5}, {@code finestBias}, {@code coarseBias}, {@code clamp}).
         */
        public String format(String header) {
            StringBuilder sb = new StringBuilder();
            for (String line : header.split("\n", -1)) sb.append("# ").append(line).append('\n');
            for (int i = 0; i < DESCRIPTORS; i++) sb.append(String.format(Locale.ROOT, "w%d = %.17g%n", i, weights[i]));
            sb.append(String.format(Locale.ROOT, "finestBias = %.17g%n", finestBias));
            sb.append(String.format(Locale.ROOT, "coarseBias = %.17g%n", coarseBias));
            sb.append(String.format(Locale.ROOT, "clamp = %.17g%n", clamp));
            return sb.toString();
        }

        /**
         * Parses {@link #format} text; {@code source} names it in errors.
         *
         * @throws IllegalArgumentException naming the source and line on a malformed, unknown,
         *                                  repeated, missing or non-finite entry
         */
        public static Model parse(String text, String source) {
            double[] v = new double[DESCRIPTORS + 3];
            boolean[] seen = new boolean[v.length];
            String[] lines = text.split("\r?\n");
            for (int ln = 0; ln < lines.length; ln++) {
                String line = lines[ln].strip();
                if (line.isEmpty() || line.startsWith("#")) continue;
                int eq = line.indexOf('=');
                if (eq < 0) throw new IllegalArgumentException(source + " line " + (ln + 1) + ": expected key = value, got '" + line + "'");
                String key = line.substring(0, eq).strip();
                int slot = switch (key) {
                    case "finestBias" -> DESCRIPTORS;
                    case "coarseBias" -> DESCRIPTORS + 1;
                    case "clamp" -> DESCRIPTORS + 2;
                    default -> key.matches("w[0-9]") && key.charAt(1) - '0' < DESCRIPTORS ? key.charAt(1) - '0' : -1;
                };
                if (slot < 0) throw new IllegalArgumentException(source + " line " + (ln + 1) + ": unknown key '" + key + "'");
                if (seen[slot]) throw new IllegalArgumentException(source + " line " + (ln + 1) + ": '" + key + "' given twice");
                double x;
                try {
                    x = Double.parseDouble(line.substring(eq + 1).strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(source + " line " + (ln + 1) + ": '" + key + "' is not a number");
                }
                if (!Double.isFinite(x)) throw new IllegalArgumentException(source + " line " + (ln + 1) + ": '" + key + "' is not finite");
                v[slot] = x;
                seen[slot] = true;
            }
            for (int i = 0; i < seen.length; i++) {
                if (!seen[i]) throw new IllegalArgumentException(source + ": missing " + (i < DESCRIPTORS ? "w" + i : i == DESCRIPTORS ? "finestBias"
                        : i == DESCRIPTORS + 1 ? "coarseBias" : "clamp"));
            }
            return new Model(Arrays.copyOf(v, DESCRIPTORS), v[DESCRIPTORS], v[DESCRIPTORS + 1], v[DESCRIPTORS + 2]);
        }

        private static volatile Model learned;

        /** The learned model of the {@link #RESOURCE} (read once). */
        public static Model learned() {
            Model m = learned;
            if (m == null) {
                try (InputStream in = KernelFeatures.class.getResourceAsStream(RESOURCE)) {
                    if (in == null) throw new IllegalStateException("missing resource " + RESOURCE);
                    m = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), RESOURCE);
                } catch (IOException e) {
                    throw new IllegalStateException("cannot read " + RESOURCE, e);
                }
                learned = m;
            }
            return m;
        }
    }

    /**
     * The descriptors of every voxel, per level {@code (L)} a {@code (V_l, DESCRIPTORS)} array
     * (NaN rows for voxels without samples in their support). Deterministic (sums in sample order
     * per voxel, then the 27 neighbours in a fixed order). Allocates the result and {@code 13 V_l}
     * doubles per level; modifies nothing.
     *
     * @param noise the input's estimated noise (standard deviation) in input units, {@code >= 0}
     */
    public static float[][] descriptors(VoxelHierarchy hier, NksSolver.Samples samples, double noise, CpuDevice device) {
        Objects.requireNonNull(hier, "hierarchy");
        Objects.requireNonNull(samples, "samples");
        if (!(noise >= 0) || !Double.isFinite(noise)) throw new IllegalArgumentException("noise must be >= 0 and finite, got " + noise);
        float[][] out = new float[hier.levelCount()][];
        for (int l = 0; l < hier.levelCount(); l++) out[l] = levelDescriptors(hier, samples, l, noise, device);
        return out;
    }

    /**
     * The features of every voxel for {@code model}, per level {@code (V_l)}, ready for {@link
     * NksSolver#solve(VoxelHierarchy, NksSolver.Samples, float[][], NksSolver.Options, CpuDevice,
     * NksSolver.Listener)}. Allocates the result and the descriptors.
     */
    public static float[][] features(VoxelHierarchy hier, NksSolver.Samples samples, double noise, Model model, CpuDevice device) {
        Objects.requireNonNull(model, "model");
        float[][] d = descriptors(hier, samples, noise, device);
        float[][] s = new float[d.length][];
        for (int l = 0; l < d.length; l++) {
            int nv = d[l].length / DESCRIPTORS;
            float[] f = new float[nv];
            float[] dl = d[l];
            int lev = l;
            device.parallelFor(nv, 4096, (c, st, e) -> {
                for (int v = st; v < e; v++) f[v] = (float) model.feature(dl, DESCRIPTORS * v, lev);
            });
            s[l] = f;
        }
        return s;
    }

    /** Moments per voxel (relative to its centre, in voxel units): area, 3 first, 6 second (xx yy zz xy xz yz), 3 normal sums. */
    private static final int M = 13;

    /** Covariance eigenvalues (in voxel units squared) below which they count as 0. */
    private static final double TINY = 1e-9;

    private static float[] levelDescriptors(VoxelHierarchy hier, NksSolver.Samples samples, int l, double noise, CpuDevice device) {
        VoxelHierarchy.Level level = hier.level(l);
        int nv = level.size();
        double h = level.voxelSize();
        double ox = hier.originX(), oy = hier.originY(), oz = hier.originZ();
        float[] p = samples.positions(), nn = samples.normals(), w = samples.weights();
        int ns = samples.size();
        double[] mom = new double[M * nv];
        for (int i = 0; i < ns; i++) {
            double a = w[i];
            if (a == 0) continue;
            double ux = (p[3 * i] - ox) / h, uy = (p[3 * i + 1] - oy) / h, uz = (p[3 * i + 2] - oz) / h;
            int x = (int) Math.floor(ux), y = (int) Math.floor(uy), z = (int) Math.floor(uz);
            int v = level.find(x, y, z);
            if (v < 0) throw new IllegalArgumentException("sample " + i + " lies in no active voxel of level " + l);
            double rx = ux - x - 0.5, ry = uy - y - 0.5, rz = uz - z - 0.5;
            int o = M * v;
            mom[o] += a;
            mom[o + 1] += a * rx;
            mom[o + 2] += a * ry;
            mom[o + 3] += a * rz;
            mom[o + 4] += a * rx * rx;
            mom[o + 5] += a * ry * ry;
            mom[o + 6] += a * rz * rz;
            mom[o + 7] += a * rx * ry;
            mom[o + 8] += a * rx * rz;
            mom[o + 9] += a * ry * rz;
            mom[o + 10] += a * nn[3 * i];
            mom[o + 11] += a * nn[3 * i + 1];
            mom[o + 12] += a * nn[3 * i + 2];
        }
        int[] nb = level.neighbours27();
        float[] d = new float[DESCRIPTORS * nv];
        double[] area = new double[nv];
        float noiseOverH = (float) (noise / h);
        device.parallelFor(nv, 2048, (c, st, e) -> {
            double[] s = new double[M];
            double[] ev = new double[3];
            for (int v = st; v < e; v++) {
                Arrays.fill(s, 0);
                for (int k = 0; k < 27; k++) {
                    int u = nb[27 * v + k];
                    if (u < 0) continue;
                    // centre of u minus centre of v, in voxels
                    double dx = k % 3 - 1, dy = k / 3 % 3 - 1, dz = k / 9 - 1;
                    int o = M * u;
                    double a = mom[o], sx = mom[o + 1], sy = mom[o + 2], sz = mom[o + 3];
                    s[0] += a;
                    s[1] += sx + a * dx;
                    s[2] += sy + a * dy;
                    s[3] += sz + a * dz;
                    s[4] += mom[o + 4] + 2 * dx * sx + a * dx * dx;
                    s[5] += mom[o + 5] + 2 * dy * sy + a * dy * dy;
                    s[6] += mom[o + 6] + 2 * dz * sz + a * dz * dz;
                    s[7] += mom[o + 7] + dx * sy + dy * sx + a * dx * dy;
                    s[8] += mom[o + 8] + dx * sz + dz * sx + a * dx * dz;
                    s[9] += mom[o + 9] + dy * sz + dz * sy + a * dy * dz;
                    s[10] += mom[o + 10];
                    s[11] += mom[o + 11];
                    s[12] += mom[o + 12];
                }
                int o = DESCRIPTORS * v;
                double a = s[0];
                area[v] = a;
                if (!(a > 0)) {
                    Arrays.fill(d, o, o + DESCRIPTORS, Float.NaN);
                    continue;
                }
                double mx = s[1] / a, my = s[2] / a, mz = s[3] / a;
                double cxx = Math.max(0, s[4] / a - mx * mx), cyy = Math.max(0, s[5] / a - my * my), czz = Math.max(0, s[6] / a - mz * mz);
                double cxy = s[7] / a - mx * my, cxz = s[8] / a - mx * mz, cyz = s[9] / a - my * mz;
                SymmetricEigenvalues.of(cxx, cyy, czz, cxy, cxz, cyz, ev);
                // spreads under TINY (voxel units squared) are rounding noise of one or two samples: zero
                double e0 = ev[0] > TINY ? ev[0] : 0, tr = e0 + (ev[1] > TINY ? ev[1] : 0) + (ev[2] > TINY ? ev[2] : 0);
                double nlen = Math.sqrt(s[10] * s[10] + s[11] * s[11] + s[12] * s[12]) / a;
                d[o] = (float) Math.sqrt(e0);
                d[o + 1] = (float) Math.max(0, 1 - nlen);
                d[o + 2] = (float) (tr > 0 ? 3 * e0 / tr : 0);
                d[o + 3] = 0; // density: after the level mean
                d[o + 4] = (float) Math.sqrt(mx * mx + my * my + mz * mz);
                d[o + 5] = noiseOverH;
            }
        });
        double sum = 0;
        int cnt = 0;
        for (int v = 0; v < nv; v++) {
            if (area[v] > 0) {
                sum += area[v];
                cnt++;
            }
        }
        double mean = cnt > 0 ? sum / cnt : 1;
        for (int v = 0; v < nv; v++) if (area[v] > 0) d[DESCRIPTORS * v + 3] = (float) Math.log(area[v] / mean);
        return d;
    }
}
