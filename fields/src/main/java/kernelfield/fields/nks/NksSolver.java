package kernelfield.fields.nks;

import java.util.Objects;

import kernelfield.engine.compute.CpuDevice;
import kernelfield.engine.sparse.ConjugateGradient;
import kernelfield.engine.sparse.JacobiPreconditioner;
import kernelfield.fields.nks.internal.FloatCsr;

/**
 * Fits the coefficients of an {@link NksField} to oriented samples by minimising the energy
 * described in the {@link kernelfield.fields.nks package documentation}: block Gauss-Seidel over
 * the levels, coarse to fine, each level's normal equations solved by Jacobi-preconditioned
 * conjugate gradients warm-started from the previous sweep.
 *
 * <p>Deterministic: assembly is row-owned (each matrix row sums its samples in a fixed order)
 * and the solver's reductions are chunked, so results are bit-identical for any thread count.
 */
public final class NksSolver {
    private static final boolean DEBUG = Boolean.getBoolean("kf.debug");

    private NksSolver() {
    }

    /**
     * The samples merged over the cells of size {@code h_l / 2} of level {@code l} (aligned on the
     * origin): per cell the area-weighted centroid, the area-weighted mean target gradient (not
     * normalised: {@code sum a |g - n|^2 = A |g - mean n|^2 + const} for a gradient {@code g}
     * constant over the cell) and the total area. Deterministic (cells in key order, samples in
     * input order within a cell). Allocates the result and {@code O(S)} scratch.
     */
    static Samples merge(Samples s, VoxelHierarchy hier, int l) {
        int n = s.size();
        float[] p = s.positions(), nn = s.normals(), w = s.weights();
        double hs = hier.level(l).voxelSize() / 2;
        double ox = hier.originX(), oy = hier.originY(), oz = hier.originZ();
        long[] key = new long[n];
        boolean sorted = true;
        for (int i = 0; i < n; i++) {
            key[i] = VoxelHierarchy.morton((int) Math.floor((p[3 * i] - ox) / hs), (int) Math.floor((p[3 * i + 1] - oy) / hs),
                    (int) Math.floor((p[3 * i + 2] - oz) / hs));
            if (i > 0 && key[i] < key[i - 1]) sorted = false;
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        if (!sorted) {
            Integer[] boxed = new Integer[n];
            for (int i = 0; i < n; i++) boxed[i] = i;
            java.util.Arrays.sort(boxed, (a, b) -> a.equals(b) ? 0 : key[a] != key[b] ? Long.compare(key[a], key[b]) : Integer.compare(a, b));
            for (int i = 0; i < n; i++) order[i] = boxed[i];
        }
        int cells = 0;
        for (int q = 0; q < n; q++) if (q == 0 || key[order[q]] != key[order[q - 1]]) cells++;
        float[] mp = new float[3 * cells], mn = new float[3 * cells], mw = new float[cells];
        int c = -1;
        double sx = 0, sy = 0, sz = 0, nx = 0, ny = 0, nz = 0, sw = 0;
        for (int q = 0; q <= n; q++) {
            if (q == n || q == 0 || key[order[q]] != key[order[q - 1]]) {
                if (c >= 0) {
                    double inv = sw > 0 ? 1 / sw : 0;
                    mp[3 * c] = (float) (sw > 0 ? sx * inv : mp[3 * c]);
                    mp[3 * c + 1] = (float) (sw > 0 ? sy * inv : mp[3 * c + 1]);
                    mp[3 * c + 2] = (float) (sw > 0 ? sz * inv : mp[3 * c + 2]);
                    mn[3 * c] = (float) (nx * inv);
                    mn[3 * c + 1] = (float) (ny * inv);
                    mn[3 * c + 2] = (float) (nz * inv);
                    mw[c] = (float) sw;
                }
                if (q == n) break;
                c++;
                int i = order[q];
                mp[3 * c] = p[3 * i];
                mp[3 * c + 1] = p[3 * i + 1];
                mp[3 * c + 2] = p[3 * i + 2];
                sx = sy = sz = nx = ny = nz = sw = 0;
            }
            int i = order[q];
            double a = w[i];
            sx += a * p[3 * i];
            sy += a * p[3 * i + 1];
            sz += a * p[3 * i + 2];
            nx += a * nn[3 * i];
            ny += a * nn[3 * i + 1];
            nz += a * nn[3 * i + 2];
            sw += a;
        }
        return new Samples(mp, mn, mw);
    }

    /**
     * Energy weights and solver settings.
     *
     * @param valueWeight    {@code mu_v}: weight of {@code (f(x_s) / h_l)^2} per unit sample area
     * @param gradientWeight {@code mu_g}: weight of {@code |grad f(x_s) - n_s|^2} per unit sample area
     * @param smoothness     {@code lambda_g}: weight of {@code (1 / h_l) int |grad f_l|^2} on each level
     * @param ridge          {@code lambda_0}: weight of {@code sum alpha^2} (keeps every level's system definite)
     * @param sweeps         coarse-to-fine Gauss-Seidel sweeps over the levels, {@code >= 1}
     * @param tolerance      relative residual at which each level's CG stops
     * @param maxIterations  CG iteration cap per level and sweep
     * @param mergeCoarse    levels above the finest fit samples merged over cells of {@code h_l / 2}
     *                       ({@link #withMergeCoarse})
     */
    public record Options(double valueWeight, double gradientWeight, double smoothness, double ridge, int sweeps,
            double tolerance, int maxIterations, boolean mergeCoarse) {
        /** Options without merging of the coarse levels' samples. */
        public Options(double valueWeight, double gradientWeight, double smoothness, double ridge, int sweeps, double tolerance,
                int maxIterations) {
            this(valueWeight, gradientWeight, smoothness, ridge, sweeps, tolerance, maxIterations, false);
        }

        public Options {
            check("valueWeight", valueWeight);
            check("gradientWeight", gradientWeight);
            check("smoothness", smoothness);
            check("ridge", ridge);
            if (!(ridge > 0)) throw new IllegalArgumentException("ridge must be > 0, got " + ridge);
            if (sweeps < 1) throw new IllegalArgumentException("sweeps must be >= 1, got " + sweeps);
            if (!(tolerance > 0)) throw new IllegalArgumentException("tolerance must be > 0, got " + tolerance);
            if (maxIterations < 1) throw new IllegalArgumentException("maxIterations must be >= 1, got " + maxIterations);
        }

        private static void check(String name, double v) {
            if (!(v >= 0) || !Double.isFinite(v)) throw new IllegalArgumentException(name + " must be finite and >= 0, got " + v);
        }

        public static Options defaults() {
            return new Options(4.0, 1.0, 0.02, 1e-6, 1, 1e-3, 300, true);
        }

        public Options withSweeps(int s) {
            return new Options(valueWeight, gradientWeight, smoothness, ridge, s, tolerance, maxIterations, mergeCoarse);
        }

        public Options withSmoothness(double s) {
            return new Options(valueWeight, gradientWeight, s, ridge, sweeps, tolerance, maxIterations, mergeCoarse);
        }

        public Options withValueWeight(double w) {
            return new Options(w, gradientWeight, smoothness, ridge, sweeps, tolerance, maxIterations, mergeCoarse);
        }

        /**
         * Whether levels above the finest fit the samples merged over cells of half their voxel
         * size (much less assembly work, the same energy up to the quadrature of those cells).
         */
        public Options withMergeCoarse(boolean m) {
            return new Options(valueWeight, gradientWeight, smoothness, ridge, sweeps, tolerance, maxIterations, m);
        }

        public Options withTolerance(double t) {
            return new Options(valueWeight, gradientWeight, smoothness, ridge, sweeps, t, maxIterations, mergeCoarse);
        }
    }

    /**
     * Oriented, weighted samples of the surface.
     *
     * @param positions {@code (S, 3)}, finite
     * @param normals   {@code (S, 3)} target gradients (unit outward normals; zero rows fit
     *                  the value only)
     * @param weights   {@code (S)} surface area each sample stands for, {@code >= 0}
     */
    public record Samples(float[] positions, float[] normals, float[] weights) {
        public Samples {
            Objects.requireNonNull(positions, "positions");
            Objects.requireNonNull(normals, "normals");
            Objects.requireNonNull(weights, "weights");
            if (positions.length % 3 != 0) throw new IllegalArgumentException("positions length " + positions.length + " not a multiple of 3");
            int s = positions.length / 3;
            if (normals.length != 3 * s) throw new IllegalArgumentException("normals length " + normals.length + ", expected " + 3 * s);
            if (weights.length != s) throw new IllegalArgumentException("weights length " + weights.length + ", expected " + s);
            for (int i = 0; i < 3 * s; i++) {
                if (!Float.isFinite(positions[i]) || !Float.isFinite(normals[i])) {
                    throw new IllegalArgumentException("sample " + i / 3 + ": non-finite position or normal");
                }
            }
            for (int i = 0; i < s; i++) {
                if (!(weights[i] >= 0) || !Float.isFinite(weights[i])) throw new IllegalArgumentException("sample " + i + ": weight " + weights[i]);
            }
        }

        public int size() {
            return weights.length;
        }
    }

    /** Per level and sweep report; may stop nothing. */
    @FunctionalInterface
    public interface Listener {
        void onLevel(int sweep, int level, int unknowns, ConjugateGradient.Result cg);
    }

    /**
     * The normal equations {@code A alpha = b} of one level with the other levels fixed:
     * {@code matrix (V, V)} symmetric positive definite, {@code rhs (V)}.
     */
    public record LevelSystem(FloatCsr matrix, double[] rhs) {
    }

    /** The outcome: the field, and total CG iterations per level {@code (L)}. */
    public record Result(NksField field, int[] iterations, double[] residuals) {
    }

    /**
     * Solves for all levels. Allocates the coefficients, one level system at a time, and
     * {@code 4 S} doubles of per-sample state; does not modify the inputs.
     */
    public static Result solve(VoxelHierarchy hier, Samples samples, Options options, CpuDevice device, Listener listener) {
        return solve(hier, samples, null, options, device, listener);
    }

    /**
     * Solves for all levels with per-voxel kernel features {@code s_v > 0} (see the package
     * documentation's energy): {@code f(x) = sum_v alpha_v s_v K_l(x, c_v)}, the smoothness and
     * ridge acting on the unscaled {@code alpha}. The system is assembled and solved directly in
     * the field's coefficients {@code beta = S alpha} (the same minimiser): the data part is
     * today's, the regulariser becomes {@code S^-1 (lambda_g G + lambda_0 I) S^-1}; with every
     * {@code s_v = 1} the coefficients are bit-identical to {@link #solve(VoxelHierarchy, Samples,
     * Options, CpuDevice, Listener) the solve without features}.
     *
     * @param features {@code (L)} per level {@code (V_l)} positive finite scales, or null (all 1);
     *                 a null level row means 1 on that level. Not modified.
     * @throws IllegalArgumentException when a row has the wrong length or a non-positive or
     *                                  non-finite entry
     */
    public static Result solve(VoxelHierarchy hier, Samples samples, float[][] features, Options options, CpuDevice device,
            Listener listener) {
        Objects.requireNonNull(hier, "hierarchy");
        Objects.requireNonNull(samples, "samples");
        Objects.requireNonNull(options, "options");
        int levels = hier.levelCount();
        float[][] inv = inverseScales(hier, features);
        int s = samples.size();
        double[][] alpha = new double[levels][];
        for (int l = 0; l < levels; l++) alpha[l] = new double[hier.level(l).size()];
        double[] fval = new double[s];
        double[] fgrad = new double[3 * s];
        int[] iters = new int[levels];
        double[] res = new double[levels];
        float[] pos = samples.positions();
        ConjugateGradient cg = new ConjugateGradient().tolerance(options.tolerance()).maxIterations(options.maxIterations())
                .device(device);
        Samples[] merged = new Samples[levels];
        for (int sweep = 0; sweep < options.sweeps(); sweep++) {
            for (int l = levels - 1; l >= 0; l--) {
                int lev = l;
                double[] a = alpha[l];
                if (sweep > 0) accumulateLevel(hier, lev, a, pos, fval, fgrad, -1.0, device);
                long tq = System.nanoTime();
                LevelSystem sys;
                if (l > 0 && options.mergeCoarse()) {
                    // the level's samples merged over cells of h_l / 2; the other levels evaluated there
                    Samples ms = merged[l] != null ? merged[l] : (merged[l] = merge(samples, hier, l));
                    double[] mv = new double[ms.size()], mg = new double[3 * ms.size()];
                    for (int m = 0; m < levels; m++) if (m != l) accumulateLevel(hier, m, alpha[m], ms.positions(), mv, mg, 1.0, device);
                    sys = assemble(hier, ms, l, mv, mg, options, inv[l], device);
                } else {
                    sys = assemble(hier, samples, l, fval, fgrad, options, inv[l], device);
                }
                long tq2 = System.nanoTime();
                cg.preconditioner(new JacobiPreconditioner(sys.matrix().diagonal(device)));
                ConjugateGradient.Result r = cg.solve(sys.matrix(), sys.rhs(), a);
                if (DEBUG) System.err.printf("level %d: %d unknowns, nnz %d, assemble %.2f s, cg %.2f s (%d it)%n", l, a.length,
                        sys.matrix().nnz(), (tq2 - tq) * 1e-9, (System.nanoTime() - tq2) * 1e-9, r.iterations());
                iters[l] += r.iterations();
                res[l] = r.relativeResidual();
                if (listener != null) listener.onLevel(sweep, l, a.length, r);
                accumulateLevel(hier, lev, a, pos, fval, fgrad, 1.0, device);
            }
        }
        return new Result(new NksField(hier, alpha), iters, res);
    }

    /** Per level the reciprocals {@code 1 / s_v} of checked features, null rows for none. */
    private static float[][] inverseScales(VoxelHierarchy hier, float[][] features) {
        int levels = hier.levelCount();
        float[][] inv = new float[levels][];
        if (features == null) return inv;
        if (features.length != levels) throw new IllegalArgumentException("features for " + features.length + " levels, expected " + levels);
        for (int l = 0; l < levels; l++) {
            float[] f = features[l];
            if (f == null) continue;
            int nv = hier.level(l).size();
            if (f.length != nv) throw new IllegalArgumentException("level " + l + ": " + f.length + " features, expected " + nv + " (one per voxel)");
            float[] r = new float[nv];
            for (int v = 0; v < nv; v++) {
                if (!(f[v] > 0) || !Float.isFinite(f[v])) throw new IllegalArgumentException("level " + l + " voxel " + v + ": feature " + f[v] + ", expected > 0 and finite");
                r[v] = 1f / f[v];
            }
            inv[l] = r;
        }
        return inv;
    }

    /** Adds {@code sign} times level {@code l}'s value and gradient at the samples. */
    static void accumulateLevel(VoxelHierarchy hier, int l, double[] alpha, float[] pos, double[] fval, double[] fgrad, double sign,
            CpuDevice device) {
        int s = fval.length;
        device.parallelFor(s, 2048, (c, st, e) -> {
            double[] g = new double[3];
            NksField.Cache cache = new NksField.Cache(hier.levelCount());
            for (int i = st; i < e; i++) {
                g[0] = 0;
                g[1] = 0;
                g[2] = 0;
                double v = NksField.levelValue(hier, l, alpha, pos[3 * i], pos[3 * i + 1], pos[3 * i + 2], g, 0, cache);
                fval[i] += sign * v;
                fgrad[3 * i] += sign * g[0];
                fgrad[3 * i + 1] += sign * g[1];
                fgrad[3 * i + 2] += sign * g[2];
            }
        });
    }

    /**
     * Assembles level {@code l}'s normal equations with the other levels' sum {@code F} fixed,
     * given by its values {@code fval (S)} and gradients {@code fgrad (S, 3)} at the samples. The
     * level's energy in its coefficients {@code alpha} is
     * {@code sum_s a_s [mu_v ((F + f_l)(x_s) / h)^2 + mu_g |grad (F + f_l)(x_s) - n_s|^2]
     * + (lambda_g / h) int |grad f_l|^2 + lambda_0 |alpha|^2 = alpha^T A alpha - 2 b^T alpha + const}.
     * Rows are owned by voxels (parallel, deterministic); allocates the matrix
     * ({@code 8 nnz} bytes plus row pointers), the right-hand side and {@code O(S + V)} scratch.
     */
    public static LevelSystem assemble(VoxelHierarchy hier, Samples samples, int l, double[] fval, double[] fgrad, Options o,
            CpuDevice device) {
        return assemble(hier, samples, l, fval, fgrad, o, null, device);
    }

    /**
     * {@link #assemble(VoxelHierarchy, Samples, int, double[], double[], Options, CpuDevice)} in the
     * coefficients {@code beta = S alpha} of kernel features {@code s_v}, given by their reciprocals
     * {@code inverseScale (V)} (null: all 1): the smoothness and ridge entry of row {@code i},
     * column {@code j} is multiplied by {@code (1 / s_i) (1 / s_j)}, the data part is unchanged.
     * Multiplying by exactly 1 changes nothing, so all-ones reciprocals give today's system bit for bit.
     */
    public static LevelSystem assemble(VoxelHierarchy hier, Samples samples, int l, double[] fval, double[] fgrad, Options o,
            float[] inverseScale, CpuDevice device) {
        VoxelHierarchy.Level level = hier.level(l);
        int nv = level.size();
        int ns = samples.size();
        double h = level.voxelSize();
        double ox = hier.originX(), oy = hier.originY(), oz = hier.originZ();
        float[] pos = samples.positions();
        float[] nrm = samples.normals();
        float[] wts = samples.weights();
        // bucket the samples by their voxel (counting sort; every sample's voxel is active)
        int[] voxelOf = new int[ns];
        int[] start = new int[nv + 1];
        for (int i = 0; i < ns; i++) {
            int x = (int) Math.floor((pos[3 * i] - ox) / h), y = (int) Math.floor((pos[3 * i + 1] - oy) / h);
            int z = (int) Math.floor((pos[3 * i + 2] - oz) / h);
            int v = level.find(x, y, z);
            if (v < 0) throw new IllegalArgumentException("sample " + i + " lies in no active voxel of level " + l);
            voxelOf[i] = v;
            start[v + 1]++;
        }
        for (int v = 0; v < nv; v++) start[v + 1] += start[v];
        int[] order = new int[ns];
        int[] fill = start.clone();
        for (int i = 0; i < ns; i++) order[fill[voxelOf[i]]++] = i;
        int[] nb27 = level.neighbours27();
        // pass 1: row lengths
        long[] rowPtr = new long[nv + 1];
        device.parallelFor(nv, 1024, (c, st, e) -> {
            int[] cols = new int[125];
            for (int r = st; r < e; r++) rowPtr[r + 1] = neighbours125(level, nb27, r, cols);
        });
        for (int r = 0; r < nv; r++) rowPtr[r + 1] += rowPtr[r];
        long nnz = rowPtr[nv];
        if (nnz > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("level " + l + " matrix too large: " + nnz + " entries");
        int[] colIdx = new int[(int) nnz];
        float[] vals = new float[(int) nnz];
        double[] rhs = new double[nv];
        double cv = o.valueWeight() / (h * h), cgw = o.gradientWeight();
        double[] stencil = new double[125];
        for (int dz = -2; dz <= 2; dz++) {
            for (int dy = -2; dy <= 2; dy++) {
                for (int dx = -2; dx <= 2; dx++) {
                    // (lambda_g / h) * int grad K_i . grad K_j = lambda_g * table
                    stencil[((dz + 2) * 5 + dy + 2) * 5 + dx + 2] = o.smoothness() * QuadraticBSpline.stiffness3(dx, dy, dz, 1.0);
                }
            }
        }
        double ridge = o.ridge();
        // per-sample kernel weights and derivatives on this level: (S, 18) = wx dx wy dy wz dz
        double[] sw = new double[18 * ns];
        device.parallelFor(ns, 4096, (c, st, e) -> {
            for (int i = st; i < e; i++) {
                double ux = (pos[3 * i] - ox) / h, uy = (pos[3 * i + 1] - oy) / h, uz = (pos[3 * i + 2] - oz) / h;
                QuadraticBSpline.weights(ux - Math.floor(ux) - 0.5, sw, 18 * i, sw, 18 * i + 3);
                QuadraticBSpline.weights(uy - Math.floor(uy) - 0.5, sw, 18 * i + 6, sw, 18 * i + 9);
                QuadraticBSpline.weights(uz - Math.floor(uz) - 0.5, sw, 18 * i + 12, sw, 18 * i + 15);
            }
        });
        device.parallelFor(nv, 256, (c, st, e) -> {
            int[] cols = new int[125];
            double[] acc = new double[125];
            double[] x1 = new double[3], x2 = new double[3], x3 = new double[3];
            double ih = 1.0 / h;
            for (int r = st; r < e; r++) {
                neighbours125(level, nb27, r, cols);
                if (inverseScale == null) {
                    for (int k = 0; k < 125; k++) acc[k] = cols[k] >= 0 ? stencil[k] : 0.0;
                    acc[62] += ridge;
                } else {
                    double ir = inverseScale[r];
                    for (int k = 0; k < 125; k++) acc[k] = cols[k] >= 0 ? stencil[k] * (ir * inverseScale[cols[k]]) : 0.0;
                    acc[62] += ridge * (ir * ir);
                }
                double b = 0;
                for (int d = 0; d < 27; d++) {
                    int v = nb27[27 * r + d];
                    if (v < 0) continue;
                    // offset of row r relative to the sample voxel v: e = -d
                    int ex = 2 - d % 3, ey = 2 - d / 3 % 3, ez = 2 - d / 9;
                    int base = ((2 - ez) * 5 + (2 - ey)) * 5 + (2 - ex);
                    for (int q = start[v]; q < start[v + 1]; q++) {
                        int smp = order[q];
                        double a = wts[smp];
                        if (a == 0) continue;
                        int so = 18 * smp;
                        // weights at o + {0,1,2}, derivatives at o + {3,4,5}; y at +6, z at +12
                        double wxe = sw[so + ex], dxe = sw[so + 3 + ex], wye = sw[so + 6 + ey], dye = sw[so + 9 + ey];
                        double wze = sw[so + 12 + ez], dze = sw[so + 15 + ez];
                        double wi = wxe * wye * wze;
                        double gxi = dxe * wye * wze * ih, gyi = wxe * dye * wze * ih, gzi = wxe * wye * dze * ih;
                        double av = a * cv * wi, ag = a * cgw;
                        double agx = ag * gxi, agy = ag * gyi, agz = ag * gzi;
                        double rv = -fval[smp];
                        double rx = nrm[3 * smp] - fgrad[3 * smp], ry = nrm[3 * smp + 1] - fgrad[3 * smp + 1];
                        double rz = nrm[3 * smp + 2] - fgrad[3 * smp + 2];
                        b += av * rv + agx * rx + agy * ry + agz * rz;
                        // separable column sums: acc += wz wy X1 + wz dy X2 + dz wy X3
                        for (int cx = 0; cx < 3; cx++) {
                            double wxc = sw[so + cx], dxc = sw[so + 3 + cx] * ih;
                            x1[cx] = av * wxc + agx * dxc;
                            x2[cx] = agy * wxc;
                            x3[cx] = agz * wxc;
                        }
                        for (int cz = 0; cz < 3; cz++) {
                            double wzc = sw[so + 12 + cz], dzc = sw[so + 15 + cz] * ih;
                            for (int cy = 0; cy < 3; cy++) {
                                double wyc = sw[so + 6 + cy], dyc = sw[so + 9 + cy] * ih;
                                double ca = wzc * wyc, cb = wzc * dyc, cc = dzc * wyc;
                                int k = base + (cz * 5 + cy) * 5;
                                acc[k] += ca * x1[0] + cb * x2[0] + cc * x3[0];
                                acc[k + 1] += ca * x1[1] + cb * x2[1] + cc * x3[1];
                                acc[k + 2] += ca * x1[2] + cb * x2[2] + cc * x3[2];
                            }
                        }
                    }
                }
                rhs[r] = b;
                // compact into the CSR row, in stencil order
                int p = (int) rowPtr[r];
                for (int k = 0; k < 125; k++) {
                    if (cols[k] >= 0) {
                        colIdx[p] = cols[k];
                        vals[p++] = (float) acc[k];
                    }
                }
            }
        });
        return new LevelSystem(new FloatCsr(nv, rowPtr, colIdx, vals), rhs);
    }

    /**
     * For each of the 125 offsets {@code d} in {@code -2..2} (index {@code ((dz + 2) * 5 + dy + 2) * 5 + dx + 2}),
     * the ways to reach it in two steps of the 27-neighbourhood, as pairs (first step, second
     * step) of neighbour slots, the sign step first: any active intermediate voxel answers
     * exactly through its own neighbour table.
     */
    private static final int[][] VIA = new int[125][];

    static {
        for (int dz = -2; dz <= 2; dz++) {
            for (int dy = -2; dy <= 2; dy++) {
                for (int dx = -2; dx <= 2; dx++) {
                    int[] list = new int[54];
                    int n = 0;
                    int sx0 = Integer.signum(dx), sy0 = Integer.signum(dy), sz0 = Integer.signum(dz);
                    list[n++] = ((sz0 + 1) * 3 + sy0 + 1) * 3 + sx0 + 1;
                    list[n++] = ((dz - sz0 + 1) * 3 + dy - sy0 + 1) * 3 + dx - sx0 + 1;
                    for (int az = -1; az <= 1; az++) {
                        for (int ay = -1; ay <= 1; ay++) {
                            for (int ax = -1; ax <= 1; ax++) {
                                int rx = dx - ax, ry = dy - ay, rz = dz - az;
                                if (Math.abs(rx) > 1 || Math.abs(ry) > 1 || Math.abs(rz) > 1) continue;
                                if (ax == sx0 && ay == sy0 && az == sz0) continue;
                                list[n++] = ((az + 1) * 3 + ay + 1) * 3 + ax + 1;
                                list[n++] = ((rz + 1) * 3 + ry + 1) * 3 + rx + 1;
                            }
                        }
                    }
                    VIA[((dz + 2) * 5 + dy + 2) * 5 + dx + 2] = java.util.Arrays.copyOf(list, n);
                }
            }
        }
    }

    /**
     * Indices of the 125 voxels at offsets {@code -2..2} around voxel {@code r} into
     * {@code cols}, index {@code ((dz + 2) * 5 + dy + 2) * 5 + dx + 2}, -1 where inactive; returns
     * the number of active ones. Goes through active intermediate neighbours (two table reads);
     * a hash lookup only where none of them is active.
     */
    static int neighbours125(VoxelHierarchy.Level level, int[] nb27, int r, int[] cols) {
        long key = level.keys()[r];
        int count = 0;
        int base = 27 * r;
        for (int k = 0; k < 125; k++) {
            int[] via = VIA[k];
            int idx = -2;
            for (int q = 0; q < via.length; q += 2) {
                int mid = nb27[base + via[q]];
                if (mid >= 0) {
                    idx = nb27[27 * mid + via[q + 1]];
                    break;
                }
            }
            if (idx == -2) {
                int dx = k % 5 - 2, dy = k / 5 % 5 - 2, dz = k / 25 - 2;
                idx = level.find(VoxelHierarchy.mortonX(key) + dx, VoxelHierarchy.mortonY(key) + dy, VoxelHierarchy.mortonZ(key) + dz);
            }
            cols[k] = idx;
            if (idx >= 0) count++;
        }
        return count;
    }
}
