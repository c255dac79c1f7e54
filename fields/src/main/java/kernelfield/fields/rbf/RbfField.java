package kernelfield.fields.rbf;

import java.util.List;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import kernelfield.engine.compute.CpuDevice;
import kernelfield.engine.optim.ParamBlock;
import kernelfield.engine.optim.ParamSet;
import kernelfield.engine.optim.SeededRandom;
import kernelfield.fields.rbf.internal.FusedMlp;
import kernelfield.fields.rbf.internal.GnfDecoder;
import kernelfield.fields.rbf.internal.VecSin;

/**
 * A NeuRBF-style neural field: adaptive radial bases with a feature vector each, composed with
 * sinusoids, next to a multi-resolution grid of features, decoded by a small MLP.
 *
 * <p>At a point {@code x}, with {@code N(x)} the kernels reaching it ({@link RbfBasis#lookup})
 * and {@code phi_j = kernel(q_j(x))}:
 * <pre>
 * f_c(x) = sum_{j in N(x)} w_{j,c} sin(m_c phi_j)        c = 0..C-1, m_c log-spaced
 * g(x)   = [grid level 0 features, ..., grid level L-1 features]   (bilinear / trilinear)
 * y(x)   = MLP([f, g])     first hidden layer a = z + sin(m'_o z), then ReLU layers, linear output
 * </pre>
 * (without composition, {@code f_c = sum_j w_{j,c} phi_j}); or, with the GNF decoder
 * ({@link RbfFieldConfig.Decoder#GNF}), {@code y_c(x) = b_c + sum_j w_{c,j} exp(-||s_j * (h - mu_j)||^2)}
 * over {@code J} Gaussian neurons of the features {@code h = [f, g]} ({@link GnfDecoder}).
 *
 * <p>Parameters ({@link #params()}, in this order): {@code rbf.centers (K, dim)} and
 * {@code rbf.shapes (K, S)} (group {@code kernels}; differentiable only when the config trains
 * kernels), {@code rbf.features (K, C)} and {@code grid.features (V, F)} (group
 * {@code features}), {@code decoder.<l>.weight (out, in)} and {@code decoder.<l>.bias (out, 1)}
 * (group {@code decoder}); with GNF instead {@code decoder.gnf.centers (J, F)},
 * {@code decoder.gnf.log_scales (J, F)}, {@code decoder.gnf.weight (out, J)} and
 * {@code decoder.gnf.bias (out, 1)} (group {@code decoder}), {@code F} the feature width.
 *
 * <p><b>Evaluation</b> goes through a {@link Workspace} of a fixed capacity (points per call):
 * {@link #forward} then, for training, {@link #backward}, which accumulates gradients into a
 * flat buffer laid out by {@link #gradientOffset(ParamBlock)} ({@link #gradientLength()}
 * floats; give each thread its own and add them with {@link #addGradients}). After the
 * optimizer changed the parameters call {@link #parametersChanged()}. One workspace per thread;
 * the field itself is read-only during evaluation.
 */
public final class RbfField {
    private static final VectorSpecies<Float> SP = VecSin.SP;
    private static final int LANES = SP.length();
    private static final float NORM_EPS = 1e-8f;
    /** Half-width of the GNF centres' initial cube. */
    static final float GNF_CENTER_RANGE = 0.3f;

    private final RbfFieldConfig config;
    private final RbfBasis basis;
    private final ParamBlock features;
    private final GridEncoding grid;
    private final FusedMlp mlp;
    private final GnfDecoder gnf;
    private final ParamBlock gnfCenters;
    private final ParamBlock gnfLogScales;
    private final int[] gnfOff;
    private final ParamBlock[] weights;
    private final ParamBlock[] biases;
    private final float[][] wArrays;
    private final float[][] bArrays;
    private final ParamSet params = new ParamSet();
    private final float[] freqs;
    private final boolean composed;
    private final int channels;
    private final int featureWidth;
    private final int[] flatOffset;
    private final List<ParamBlock> blockList;
    private final int gradientLength;
    private final int[] wOff;
    private final int[] bOff;

    /**
     * A field with kernels at the given centres and shapes (e.g. from {@link KMeansInit}); kernel
     * features, grid and decoder initialised from {@code config.seed()}.
     *
     * @param centers (K, dim); copied
     * @param shapes  (K, S); copied
     */
    public RbfField(RbfFieldConfig config, float[] centers, float[] shapes) {
        this.config = config;
        int dim = config.dim();
        this.channels = config.channels();
        SeededRandom rnd = new SeededRandom(config.seed());
        this.basis = new RbfBasis(dim, config.kernel(), config.support(), config.maxNeighbours(), centers, shapes,
                config.trainKernels());
        int k = basis.size();
        this.features = new ParamBlock("rbf.features", k, Math.max(channels, 1), "features", true);
        float[] fv = features.value();
        for (int i = 0; i < fv.length; i++) fv[i] = (rnd.nextFloat() * 2f - 1f) * 1e-4f;
        this.grid = config.gridResolutions().length == 0 ? null
                : new GridEncoding(config.boxLo(), config.boxHi(), config.gridResolutions(), config.gridFeatures(), 1e-4f,
                        rnd.nextLong());
        this.featureWidth = config.featureWidth();
        this.composed = config.rbfFreqMax() > 0f;
        this.freqs = logSpaced(config.rbfFreqMin(), config.rbfFreqMax(), Math.max(channels, 1));

        boolean gaussian = config.decoder() == RbfFieldConfig.Decoder.GNF;
        int[] hidden = config.hidden();
        int layers = gaussian ? 1 : hidden.length + 1;
        int[] widths = new int[layers + 1];
        widths[0] = featureWidth;
        if (!gaussian) System.arraycopy(hidden, 0, widths, 1, hidden.length);
        widths[layers] = config.outputs();
        FusedMlp.Act[] acts = new FusedMlp.Act[layers];
        float[][] mf = new float[layers][];
        for (int l = 0; l < layers; l++) acts[l] = l == layers - 1 ? FusedMlp.Act.NONE : FusedMlp.Act.RELU;
        if (!gaussian && config.decFreqMax() > 0f) {
            acts[0] = FusedMlp.Act.SINE_RESIDUAL;
            mf[0] = logSpaced(config.decFreqMin(), config.decFreqMax(), hidden[0]);
        }
        if (gaussian) {
            int j = config.neurons();
            this.mlp = null;
            this.gnf = new GnfDecoder(featureWidth, j, config.outputs());
            gnfCenters = new ParamBlock("decoder.gnf.centers", j, featureWidth, "decoder", true);
            gnfLogScales = new ParamBlock("decoder.gnf.log_scales", j, featureWidth, "decoder", true);
        } else {
            this.mlp = new FusedMlp(widths, acts, mf);
            this.gnf = null;
            gnfCenters = null;
            gnfLogScales = null;
        }
        weights = new ParamBlock[layers];
        biases = new ParamBlock[layers];
        wArrays = new float[layers][];
        bArrays = new float[layers][];
        if (gaussian) {
            initGaussian(rnd);
        } else {
            for (int l = 0; l < layers; l++) {
                int nin = widths[l], nout = widths[l + 1];
                weights[l] = new ParamBlock("decoder." + l + ".weight", nout, nin, "decoder", true);
                biases[l] = new ParamBlock("decoder." + l + ".bias", nout, 1, "decoder", true);
                float bound = (float) (1 / Math.sqrt(nin));
                for (float[] a : new float[][] {weights[l].value(), biases[l].value()}) {
                    for (int i = 0; i < a.length; i++) a[i] = (rnd.nextFloat() * 2f - 1f) * bound;
                }
            }
        }
        params.add(basis.centers());
        params.add(basis.shapes());
        if (channels > 0) params.add(features);
        if (grid != null) params.add(grid.table());
        if (gaussian) {
            params.add(gnfCenters);
            params.add(gnfLogScales);
        }
        for (int l = 0; l < layers; l++) {
            params.add(weights[l]);
            params.add(biases[l]);
        }
        blockList = params.blocks();
        flatOffset = new int[blockList.size()];
        int off = 0;
        for (int i = 0; i < blockList.size(); i++) {
            ParamBlock b = blockList.get(i);
            if (b.differentiable()) {
                flatOffset[i] = off;
                off += b.size();
            } else {
                flatOffset[i] = -1;
            }
        }
        gradientLength = off;
        wOff = new int[layers];
        bOff = new int[layers];
        for (int l = 0; l < layers; l++) {
            wOff[l] = gradientOffset(weights[l]);
            bOff[l] = gradientOffset(biases[l]);
        }
        gnfOff = gaussian ? new int[] {gradientOffset(gnfCenters), gradientOffset(gnfLogScales)} : null;
        parametersChanged();
    }

    /**
     * GNF initialisation: centres uniform in {@code [-a, a]^F}, {@code a =} {@value #GNF_CENTER_RANGE},
     * all scales {@code sqrt(3 / F) / a} (the features start near 0, where {@code ||s (h - mu)||^2}
     * is then about 1: every neuron responds and passes gradients back to the features), output
     * weights uniform in {@code +-1/sqrt(J)}, biases 0. Astronaut 512x512, 1,500 steps: J = 64,
     * a = 1 38.95 dB, 0.3 40.70 dB, 0.1 41.09 dB, 0.03 40.50 dB (scales twice as wide 37.78 dB,
     * twice as narrow 40.40 dB at a = 1); J = 32, a = 0.3 40.50 dB, 0.2 41.33 dB, 0.1 42.00 dB. A
     * small a makes the neurons narrow ({@code s ~ 1/a}) and the decoder's steps large against
     * their width: the 24x20 test image at learning rate 2e-2 reaches 23.3 dB at a = 0.3, 21.2 dB
     * at 0.2 and 16.7 dB at 0.1, hence 0.3.
     */
    private void initGaussian(SeededRandom rnd) {
        int j = config.neurons(), outs = config.outputs();
        weights[0] = new ParamBlock("decoder.gnf.weight", outs, j, "decoder", true);
        biases[0] = new ParamBlock("decoder.gnf.bias", outs, 1, "decoder", true);
        float[] mu = gnfCenters.value();
        for (int i = 0; i < mu.length; i++) mu[i] = (rnd.nextFloat() * 2f - 1f) * GNF_CENTER_RANGE;
        double s = Math.sqrt(3.0 / featureWidth) / GNF_CENTER_RANGE;
        java.util.Arrays.fill(gnfLogScales.value(), (float) Math.log(s));
        float bound = (float) (1 / Math.sqrt(j));
        float[] wv = weights[0].value();
        for (int i = 0; i < wv.length; i++) wv[i] = (rnd.nextFloat() * 2f - 1f) * bound;
    }

    static float[] logSpaced(float lo, float hi, int n) {
        float[] m = new float[n];
        if (!(hi > 0f)) return m;
        double a = Math.log(Math.max(lo, 1e-6f)), b = Math.log(hi);
        for (int i = 0; i < n; i++) m[i] = (float) Math.exp(n == 1 ? b : a + (b - a) * i / (n - 1));
        return m;
    }

    public RbfFieldConfig config() {
        return config;
    }

    public RbfBasis basis() {
        return basis;
    }

    /** The grid part, or null. */
    public GridEncoding grid() {
        return grid;
    }

    /** Kernel features {@code (K, C)}. */
    public ParamBlock kernelFeatures() {
        return features;
    }

    /** All parameter blocks (see the class comment). */
    public ParamSet params() {
        return params;
    }

    /** Number of stored parameter values (frozen kernel centres and shapes included). */
    public long parameterCount() {
        return params.totalValues();
    }

    /** The composition frequencies {@code m_c (C)}; a copy. */
    public float[] frequencies() {
        return freqs.clone();
    }

    /** The MLP decoder, or null with the GNF decoder ({@link #gaussianDecoder()}). */
    public FusedMlp decoder() {
        return mlp;
    }

    /** The GNF decoder, or null with the MLP decoder ({@link #decoder()}). */
    public GnfDecoder gaussianDecoder() {
        return gnf;
    }

    /** Length of a flat gradient buffer: the values of the differentiable blocks, in order. */
    public int gradientLength() {
        return gradientLength;
    }

    /** Offset of a block in the flat gradient, or -1 when it is not differentiable. */
    public int gradientOffset(ParamBlock b) {
        for (int i = 0; i < blockList.size(); i++) if (blockList.get(i) == b) return flatOffset[i];
        throw new IllegalArgumentException("block " + b.name() + " is not a block of this field");
    }

    /**
     * Adds flat gradient buffers, in order {@code 0..n-1}, to the blocks' gradients
     * ({@code block.grad() += buf0 + buf1 + ...}, summed per element in buffer order so the
     * result does not depend on the thread count). Parallel on {@code device}; allocates only
     * the loop tasks.
     */
    public void addGradients(float[][] buffers, CpuDevice device) {
        addGradients(buffers, device, false);
    }

    /**
     * As {@link #addGradients(float[][], CpuDevice)}; with {@code clear} the buffers are also
     * set to zero in the same pass (ready for the next step), so a training step reads and
     * writes each buffer once.
     */
    public void addGradients(float[][] buffers, CpuDevice device, boolean clear) {
        int nb = buffers.length;
        for (int i = 0; i < blockList.size(); i++) {
            ParamBlock b = blockList.get(i);
            if (flatOffset[i] < 0) continue;
            float[] g = b.grad();
            int base = flatOffset[i];
            device.parallelFor(b.size(), 1 << 15, (c, s, e) -> {
                int t = s;
                int vec = s + (e - s) / LANES * LANES;
                for (; t < vec; t += LANES) {
                    FloatVector acc = FloatVector.fromArray(SP, buffers[0], base + t);
                    for (int k = 1; k < nb; k++) acc = acc.add(FloatVector.fromArray(SP, buffers[k], base + t));
                    acc.add(FloatVector.fromArray(SP, g, t)).intoArray(g, t);
                }
                for (; t < e; t++) {
                    float acc = buffers[0][base + t];
                    for (int k = 1; k < nb; k++) acc += buffers[k][base + t];
                    g[t] = acc + g[t];
                }
                if (clear) {
                    for (float[] buf : buffers) java.util.Arrays.fill(buf, base + s, base + e, 0f);
                }
            });
        }
    }

    /**
     * Takes the current parameter values: re-packs the decoder and, when kernels are trained,
     * rebuilds the neighbour index. Call after each optimizer step (the index rebuild may be done
     * less often with {@link #parametersChanged(boolean)}). Allocates the index when rebuilt.
     */
    public void parametersChanged() {
        parametersChanged(true);
    }

    /** As {@link #parametersChanged()}, rebuilding the kernel index only when asked. */
    public void parametersChanged(boolean rebuildIndex) {
        for (int l = 0; l < weights.length; l++) {
            wArrays[l] = weights[l].value();
            bArrays[l] = biases[l].value();
        }
        if (gnf != null) {
            gnf.pack(gnfCenters.value(), gnfLogScales.value(), wArrays[0], bArrays[0]);
        } else {
            mlp.pack(wArrays, bArrays);
        }
        if (rebuildIndex && config.trainKernels()) basis.rebuildIndex();
    }

    /** Buffers of one evaluation of up to {@code capacity} points. One per thread. */
    public final class Workspace {
        final int capacity;
        final int k;
        final int[] count;
        final int[] idx;
        final float[] q;
        final float[] phi;
        final float[] norm;
        final float[] dphi;
        final float[] basisValues;
        final int[] gIdx;
        final float[] gW;
        final float[] gDw;
        final float[] dX;
        final float[] tmp;
        final FusedMlp.Workspace mw;
        final GnfDecoder.Workspace gw;
        /** The decoder's input (capacity, featureWidth). */
        final float[] in;

        Workspace(int capacity) {
            this.capacity = capacity;
            this.k = basis.maxNeighbours();
            count = new int[capacity];
            idx = new int[capacity * k];
            q = new float[capacity * k];
            phi = new float[capacity * k];
            norm = new float[capacity];
            dphi = new float[k];
            basisValues = new float[capacity * k * Math.max(channels, 1)];
            int gc = grid == null ? 0 : grid.levels() * grid.corners();
            gIdx = new int[capacity * gc];
            gW = new float[capacity * gc];
            gDw = new float[capacity * gc * config.dim()];
            dX = new float[capacity * featureWidth + LANES];
            tmp = new float[Math.max(channels, 1) + LANES];
            mw = mlp == null ? null : mlp.workspace(capacity);
            gw = gnf == null ? null : gnf.workspace(capacity);
            in = mw != null ? mw.input() : gw.input();
        }

        public int capacity() {
            return capacity;
        }

        /** Outputs {@code (capacity, outputs)} of the last {@link #forward}. */
        public float[] output() {
            return mw != null ? mw.output() : gw.output();
        }

        /** Number of kernels that reached point {@code i} of the last forward. */
        public int neighbourCount(int i) {
            return count[i];
        }
    }

    /** A new workspace for up to {@code capacity} points per call; allocates its buffers. */
    public Workspace workspace(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity " + capacity + " < 1");
        return new Workspace(capacity);
    }

    /**
     * Evaluates {@code n <= ws.capacity()} points {@code pts (n, dim)} from offset
     * {@code ptsOff}; results in {@link Workspace#output()} {@code (n, outputs)}. Modifies the
     * workspace only; allocates nothing.
     */
    public void forward(Workspace ws, float[] pts, int ptsOff, int n) {
        forward(ws, pts, ptsOff, n, null, null, 0);
    }

    /**
     * As {@link #forward(Workspace, float[], int, int)}, but the kernels reaching point {@code s}
     * are read from row {@code rows[rowsOff + s]} of a precomputed {@link Neighbours} table
     * (row {@code rowsOff + s} when {@code rows} is null) instead of being looked up: the fast
     * path for training on a fixed set of points (pixels) with frozen kernels. With
     * {@code nb == null} the kernels are looked up. Modifies the workspace only; allocates nothing.
     *
     * @param nb   neighbours of the fixed points, made by {@link #neighbours} from the same kernels
     * @param rows (>= rowsOff + n) rows of {@code nb}, or null
     */
    public void forward(Workspace ws, float[] pts, int ptsOff, int n, Neighbours nb, int[] rows, int rowsOff) {
        if (n > ws.capacity) throw new IllegalArgumentException(n + " points exceed the workspace capacity " + ws.capacity);
        if (nb != null && nb.k != ws.k) throw new IllegalArgumentException("neighbour table of another field");
        int dim = config.dim();
        int k = ws.k;
        float[] in = ws.in;
        int fw = featureWidth;
        float[] w = features.value();
        RbfKernel kern = basis.kernel();
        float sup = basis.support();
        if (grid != null) {
            // a loop of its own: the table reads (cache misses on fine levels) of several points
            // are then in flight at once, not one point's between the kernels' work
            for (int s = 0; s < n; s++) gridForward(pts, ptsOff + s * dim, ws, s, in, s * fw + channels);
        }
        for (int s = 0; s < n; s++) {
            int po = ptsOff + s * dim;
            int xo = s * fw;
            if (channels > 0) {
                int cnt;
                if (nb == null) {
                    cnt = basis.lookup(pts, po, ws.idx, ws.q, s * k);
                    ws.norm[s] = kernelValues(ws.q, ws.phi, s * k, cnt);
                } else {
                    int r = rows == null ? rowsOff + s : rows[rowsOff + s];
                    cnt = nb.count[r];
                    System.arraycopy(nb.idx, r * k, ws.idx, s * k, cnt);
                    System.arraycopy(nb.q, r * k, ws.q, s * k, cnt);
                    System.arraycopy(nb.phi, r * k, ws.phi, s * k, cnt);
                    ws.norm[s] = nb.norm[r];
                }
                ws.count[s] = cnt;
                for (int c = 0; c < channels; c++) in[xo + c] = 0f;
                for (int j = 0; j < cnt; j++) {
                    int slot = s * k + j;
                    rbfAccumulate(w, ws.idx[slot] * channels, ws.phi[slot], ws.basisValues, slot * channels, in, xo);
                }
            }
        }
        if (gnf != null) {
            gnf.forward(ws.gw, n);
        } else {
            mlp.forward(ws.mw, n);
        }
    }

    /**
     * The kernels reaching each of a fixed set of points, as {@link #forward} would look them up
     * with the current kernels (stale once kernels move or change shape).
     */
    public static final class Neighbours {
        final int k;
        final int n;
        final int[] count;
        final int[] idx;
        final float[] q;
        final float[] phi;
        final float[] norm;

        Neighbours(int n, int k) {
            this.n = n;
            this.k = k;
            count = new int[n];
            idx = new int[n * k];
            q = new float[n * k];
            phi = new float[n * k];
            norm = new float[n];
        }

        /** Number of points. */
        public int size() {
            return n;
        }

        /** Number of kernels reaching point {@code i}. */
        public int count(int i) {
            return count[i];
        }

        /** Index of the {@code j}-th nearest kernel ({@code j < count(i)}) of point {@code i}. */
        public int kernel(int i, int j) {
            return idx[i * k + j];
        }
    }

    /**
     * Looks up the kernels reaching {@code pts (n, dim)} once, in parallel on {@code device}.
     * Allocates the table, {@code n * maxNeighbours * 12} bytes.
     */
    public Neighbours neighbours(float[] pts, int n, CpuDevice device) {
        if (pts.length < n * config.dim()) throw new IllegalArgumentException("pts holds fewer than " + n + " points");
        int k = basis.maxNeighbours();
        Neighbours nb = new Neighbours(n, k);
        if (channels == 0) return nb;
        RbfKernel kern = basis.kernel();
        float sup = basis.support();
        int dim = config.dim();
        device.parallelFor(n, 4096, (c, s, e) -> {
            for (int i = s; i < e; i++) {
                int cnt = basis.lookup(pts, i * dim, nb.idx, nb.q, i * k);
                nb.count[i] = cnt;
                nb.norm[i] = kernelValues(nb.q, nb.phi, i * k, cnt);
            }
        });
        return nb;
    }

    /**
     * Kernel values {@code phi[o..o+cnt)} of {@code q[o..)}; with normalization divided by their
     * sum. Returns the divisor {@code sum + 1e-8} (1 without normalization).
     */
    private float kernelValues(float[] q, float[] phi, int o, int cnt) {
        RbfKernel kern = basis.kernel();
        float sup = basis.support();
        float sum = 0f;
        for (int j = 0; j < cnt; j++) {
            float v = kern.value(q[o + j], sup);
            phi[o + j] = v;
            sum += v;
        }
        if (!config.normalize()) return 1f;
        float norm = sum + NORM_EPS;
        float inv = 1f / norm;
        for (int j = 0; j < cnt; j++) phi[o + j] *= inv;
        return norm;
    }

    private void rbfAccumulate(float[] w, int wo, float ph, float[] bv, int bo, float[] in, int xo) {
        int c = 0;
        int vec = channels - channels % LANES;
        if (composed) {
            FloatVector p = FloatVector.broadcast(SP, ph);
            for (; c < vec; c += LANES) {
                FloatVector sv = VecSin.sin(FloatVector.fromArray(SP, freqs, c).mul(p));
                sv.intoArray(bv, bo + c);
                FloatVector.fromArray(SP, w, wo + c).fma(sv, FloatVector.fromArray(SP, in, xo + c)).intoArray(in, xo + c);
            }
            for (; c < channels; c++) {
                float sv = VecSin.sin(freqs[c] * ph);
                bv[bo + c] = sv;
                in[xo + c] = Math.fma(w[wo + c], sv, in[xo + c]);
            }
        } else {
            for (; c < channels; c++) {
                bv[bo + c] = ph;
                in[xo + c] = Math.fma(w[wo + c], ph, in[xo + c]);
            }
        }
    }

    private void gridForward(float[] pts, int po, Workspace ws, int s, float[] in, int go) {
        int levels = grid.levels(), corners = grid.corners(), f = grid.features();
        float[] t = grid.table().value();
        for (int l = 0; l < levels; l++) {
            int o = (s * levels + l) * corners;
            grid.corners(pts, po, l, ws.gIdx, ws.gW, o, null);
            for (int e = 0; e < f; e++) {
                float acc = 0f;
                for (int c = 0; c < corners; c++) acc = Math.fma(ws.gW[o + c], t[ws.gIdx[o + c] * f + e], acc);
                in[go + l * f + e] = acc;
            }
        }
    }

    /**
     * Back-propagates {@code dOut (n, outputs)}, the loss gradient of the outputs of the last
     * {@link #forward} on the same points: adds the parameter gradients into {@code grad} (flat
     * layout, {@link #gradientLength()} floats) and, when {@code dPts} is not null, writes the
     * gradient with respect to the points {@code (n, dim)} from {@code dPtsOff}. Modifies the
     * workspace, {@code grad} and {@code dPts}; allocates nothing.
     */
    public void backward(Workspace ws, float[] pts, int ptsOff, int n, float[] dOut, float[] grad, float[] dPts, int dPtsOff) {
        int dim = config.dim();
        int fw = featureWidth;
        int k = ws.k;
        if (gnf != null) {
            gnf.backward(ws.gw, n, dOut, grad, gnfOff[0], gnfOff[1], wOff[0], bOff[0], ws.dX);
        } else {
            mlp.backward(ws.mw, n, dOut, grad, wOff, bOff, ws.dX);
        }
        int fOff = channels > 0 ? gradientOffset(features) : -1;
        int cOff = gradientOffset(basis.centers());
        int sOff = gradientOffset(basis.shapes());
        boolean needPhiGrad = config.trainKernels() || dPts != null;
        float[] w = features.value();
        RbfKernel kern = basis.kernel();
        float sup = basis.support();
        if (dPts != null) java.util.Arrays.fill(dPts, dPtsOff, dPtsOff + n * dim, 0f);
        for (int s = 0; s < n; s++) {
            int po = ptsOff + s * dim;
            int xo = s * fw;
            if (channels > 0) {
                int cnt = ws.count[s];
                float dot = 0f;
                for (int j = 0; j < cnt; j++) {
                    int slot = s * k + j;
                    int row = ws.idx[slot];
                    rbfScatter(ws.basisValues, slot * channels, ws.dX, xo, grad, fOff + row * channels);
                    if (needPhiGrad) {
                        float dphi = rbfPhiGrad(w, row * channels, ws.phi[slot], ws.dX, xo, ws.tmp);
                        ws.dphi[j] = dphi;
                        dot = Math.fma(dphi, ws.phi[slot], dot);
                    }
                }
                if (needPhiGrad) {
                    // normalized: phi~_i = phi_i / S, dL/dphi_i = (dL/dphi~_i - sum_j phi~_j dL/dphi~_j) / S
                    boolean norm = config.normalize();
                    float inv = 1f / ws.norm[s];
                    for (int j = 0; j < cnt; j++) {
                        int slot = s * k + j;
                        float dphi = norm ? (ws.dphi[j] - dot) * inv : ws.dphi[j];
                        float dq = dphi * kern.derivative(ws.q[slot], sup);
                        if (dq != 0f) basis.backwardQ(ws.idx[slot], pts, po, dq, grad, cOff, sOff, dPts, dPtsOff + s * dim);
                    }
                }
            }
        }
        if (grid != null) {
            for (int s = 0; s < n; s++) {
                gridBackward(pts, ptsOff + s * dim, ws, s, s * fw + channels, grad, dPts, dPts == null ? 0 : dPtsOff + s * dim);
            }
        }
    }

    private void rbfScatter(float[] bv, int bo, float[] dX, int xo, float[] grad, int go) {
        int c = 0;
        int vec = channels - channels % LANES;
        for (; c < vec; c += LANES) {
            FloatVector.fromArray(SP, bv, bo + c).fma(FloatVector.fromArray(SP, dX, xo + c), FloatVector.fromArray(SP, grad, go + c))
                    .intoArray(grad, go + c);
        }
        for (; c < channels; c++) grad[go + c] = Math.fma(bv[bo + c], dX[xo + c], grad[go + c]);
    }

    /** dL/dphi = sum_c w_c m_c cos(m_c phi) dX_c (or sum_c w_c dX_c without composition). */
    private float rbfPhiGrad(float[] w, int wo, float ph, float[] dX, int xo, float[] tmp) {
        float acc = 0f;
        if (!composed) {
            for (int c = 0; c < channels; c++) acc = Math.fma(w[wo + c], dX[xo + c], acc);
            return acc;
        }
        int c = 0;
        int vec = channels - channels % LANES;
        FloatVector p = FloatVector.broadcast(SP, ph);
        FloatVector sum = FloatVector.zero(SP);
        for (; c < vec; c += LANES) {
            FloatVector m = FloatVector.fromArray(SP, freqs, c);
            FloatVector t = VecSin.cos(m.mul(p)).mul(m).mul(FloatVector.fromArray(SP, w, wo + c));
            sum = t.fma(FloatVector.fromArray(SP, dX, xo + c), sum);
        }
        sum.intoArray(tmp, 0);
        for (int i = 0; i < LANES; i++) acc += tmp[i];
        for (; c < channels; c++) acc = Math.fma(VecSin.cos(freqs[c] * ph) * freqs[c] * w[wo + c], dX[xo + c], acc);
        return acc;
    }

    private void gridBackward(float[] pts, int po, Workspace ws, int s, int go, float[] grad, float[] dPts, int dpo) {
        int levels = grid.levels(), corners = grid.corners(), f = grid.features(), dim = config.dim();
        int tOff = gradientOffset(grid.table());
        float[] t = grid.table().value();
        for (int l = 0; l < levels; l++) {
            int o = (s * levels + l) * corners;
            for (int c = 0; c < corners; c++) {
                float wc = ws.gW[o + c];
                int row = tOff + ws.gIdx[o + c] * f;
                for (int e = 0; e < f; e++) grad[row + e] = Math.fma(wc, ws.dX[go + l * f + e], grad[row + e]);
            }
            if (dPts != null) {
                grid.corners(pts, po, l, ws.gIdx, ws.gW, o, ws.gDw);
                for (int c = 0; c < corners; c++) {
                    float dv = 0f;
                    int row = ws.gIdx[o + c] * f;
                    for (int e = 0; e < f; e++) dv = Math.fma(t[row + e], ws.dX[go + l * f + e], dv);
                    for (int d = 0; d < dim; d++) dPts[dpo + d] += ws.gDw[(o + c) * dim + d] * dv;
                }
            }
        }
    }
}
