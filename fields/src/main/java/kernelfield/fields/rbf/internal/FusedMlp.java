package kernelfield.fields.rbf.internal;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A small fully connected network evaluated on a batch of samples at once, forward and backward,
 * on the Vector API. Layer {@code l} maps {@code widths[l]} inputs to {@code widths[l+1]} outputs:
 * {@code z = W x + b}, then its activation. Weights {@code W (out, in)} row-major and biases
 * {@code b (out)} live in the caller's arrays (parameter blocks); {@link #pack} copies them into a
 * transposed {@code (in, out)} layout for the forward pass (call it after every update).
 *
 * <p>Activations: {@link Act#SINE_RESIDUAL} {@code a = z + sin(m_o z)} (NeuRBF's sinusoidal
 * composition of the first decoder layer, one frequency {@code m_o} per output), {@link Act#RELU},
 * {@link Act#NONE}.
 *
 * <p>Inner loops are vectorized over outputs (forward) or inputs (backward) with register-blocked
 * accumulators; leftover lanes run the same arithmetic in one masked vector. Each sample's result is
 * independent of the batch it is in and of the thread that runs it. Forward and backward allocate
 * nothing; a {@link Workspace} holds the per-batch buffers.
 */
public final class FusedMlp {
    private static final VectorSpecies<Float> SP = VecSin.SP;
    private static final int L = SP.length();

    /** Layer activation. */
    public enum Act {
        /** {@code z + sin(m_o z)}. */
        SINE_RESIDUAL,
        /** {@code max(z, 0)}. */
        RELU,
        /** identity. */
        NONE
    }

    private final int[] widths;
    private final Act[] acts;
    private final float[][] freqs;
    private final float[][] wt;
    private final float[][] w;
    private final float[][] b;

    /**
     * @param widths (layers + 1) widths, input first
     * @param acts   (layers) activation of each layer
     * @param freqs  (layers) per-output frequencies for {@link Act#SINE_RESIDUAL} layers, else null
     */
    public FusedMlp(int[] widths, Act[] acts, float[][] freqs) {
        if (widths.length < 2 || acts.length != widths.length - 1 || freqs.length != acts.length) {
            throw new IllegalArgumentException("need layers + 1 widths and one activation per layer");
        }
        this.widths = widths.clone();
        this.acts = acts.clone();
        this.freqs = new float[acts.length][];
        for (int l = 0; l < acts.length; l++) {
            if (acts[l] == Act.SINE_RESIDUAL) {
                if (freqs[l] == null || freqs[l].length != widths[l + 1]) {
                    throw new IllegalArgumentException("layer " + l + ": need " + widths[l + 1] + " frequencies");
                }
                this.freqs[l] = freqs[l].clone();
            }
        }
        wt = new float[acts.length][];
        w = new float[acts.length][];
        b = new float[acts.length][];
        // padded by a vector so that masked tail loads stay inside the arrays (the fast path)
        for (int l = 0; l < acts.length; l++) {
            wt[l] = new float[widths[l] * widths[l + 1] + L];
            w[l] = new float[widths[l] * widths[l + 1] + L];
            b[l] = new float[widths[l + 1] + L];
        }
    }

    public int layers() {
        return acts.length;
    }

    public int width(int i) {
        return widths[i];
    }

    public int inputWidth() {
        return widths[0];
    }

    public int outputWidth() {
        return widths[widths.length - 1];
    }

    public float[] frequencies(int layer) {
        return freqs[layer];
    }

    public Act activation(int layer) {
        return acts[layer];
    }

    /**
     * Takes the current weights: copies {@code weights[l] (out, in)} and {@code biases[l] (out)}
     * and the weights' transposes into internal (padded) arrays; call after every update (a few
     * thousand floats). Allocates nothing.
     */
    public void pack(float[][] weights, float[][] biases) {
        for (int l = 0; l < acts.length; l++) {
            int nin = widths[l], nout = widths[l + 1];
            float[] src = weights[l];
            float[] dst = wt[l];
            for (int o = 0; o < nout; o++) {
                for (int i = 0; i < nin; i++) dst[i * nout + o] = src[o * nin + i];
            }
            System.arraycopy(src, 0, w[l], 0, nin * nout);
            System.arraycopy(biases[l], 0, b[l], 0, nout);
        }
    }

    /** Per-batch buffers for up to {@code capacity} samples. */
    public final class Workspace {
        final int capacity;
        /** a[l] (capacity, widths[l]): a[0] is the input, a[layers] the output. */
        final float[][] a;
        final float[][] z;
        final float[] d0;
        final float[] d1;

        Workspace(int capacity) {
            this.capacity = capacity;
            a = new float[widths.length][];
            z = new float[widths.length][];
            int maxW = 0;
            for (int l = 0; l < widths.length; l++) {
                a[l] = new float[capacity * widths[l] + L];
                z[l] = new float[capacity * widths[l] + L];
                maxW = Math.max(maxW, widths[l]);
            }
            d0 = new float[capacity * maxW + L];
            d1 = new float[capacity * maxW + L];
        }

        /** The input buffer {@code (capacity, inputWidth)}; fill it before {@link #forward}. */
        public float[] input() {
            return a[0];
        }

        /** The output buffer {@code (capacity, outputWidth)}, valid after {@link #forward}. */
        public float[] output() {
            return a[a.length - 1];
        }

        public int capacity() {
            return capacity;
        }
    }

    /** A new workspace; allocates its buffers. */
    public Workspace workspace(int capacity) {
        return new Workspace(capacity);
    }

    /** Forward pass of the first {@code n} samples of {@code ws.input()}. Modifies the workspace only. */
    public void forward(Workspace ws, int n) {
        for (int l = 0; l < acts.length; l++) {
            int nin = widths[l], nout = widths[l + 1];
            float[] x = ws.a[l];
            float[] zz = ws.z[l + 1];
            linear(x, nin, wt[l], w[l], b[l], zz, nout, n);
            activate(acts[l], freqs[l], zz, ws.a[l + 1], nout, n);
        }
    }

    /**
     * Backward pass after {@link #forward} of the same {@code n} samples. Adds the weight
     * gradients to {@code grad[wOff[l] + o * in + i]} and the bias gradients to
     * {@code grad[bOff[l] + o]}; writes the input gradient {@code (n, inputWidth)} to
     * {@code dInput} when it is not null.
     *
     * @param dOut (n, outputWidth) loss gradient of the outputs; read only
     */
    public void backward(Workspace ws, int n, float[] dOut, float[] grad, int[] wOff, int[] bOff, float[] dInput) {
        float[] dA = dOut;
        for (int l = acts.length - 1; l >= 0; l--) {
            int nin = widths[l], nout = widths[l + 1];
            float[] dZ = dA == ws.d0 ? ws.d1 : ws.d0;
            activationBackward(acts[l], freqs[l], ws.z[l + 1], dA, dZ, nout, n);
            weightGrad(ws.a[l], nin, dZ, nout, n, grad, wOff[l], bOff[l]);
            if (l > 0) {
                float[] next = dZ == ws.d0 ? ws.d1 : ws.d0;
                inputGrad(dZ, nout, w[l], nin, next, n);
                dA = next;
            } else if (dInput != null) {
                inputGrad(dZ, nout, w[l], nin, dInput, n);
            }
        }
    }

    static void linear(float[] x, int nin, float[] wt, float[] w, float[] bias, float[] z, int nout, int n) {
        int vecOut = nout - nout % L;
        int s = 0;
        // four samples at a time share each weight load (16 accumulators); every sample's sums
        // run in the same order as in linearFrom, so the tiling changes no bit of the result
        for (; s + 4 <= n; s += 4) {
            int x0 = s * nin, x1 = x0 + nin, x2 = x1 + nin, x3 = x2 + nin;
            int z0 = s * nout, z1 = z0 + nout, z2 = z1 + nout, z3 = z2 + nout;
            int o = 0;
            for (; o + 4 * L <= vecOut; o += 4 * L) {
                FloatVector b0 = FloatVector.fromArray(SP, bias, o);
                FloatVector b1 = FloatVector.fromArray(SP, bias, o + L);
                FloatVector b2 = FloatVector.fromArray(SP, bias, o + 2 * L);
                FloatVector b3 = FloatVector.fromArray(SP, bias, o + 3 * L);
                FloatVector a00 = b0, a01 = b1, a02 = b2, a03 = b3;
                FloatVector a10 = b0, a11 = b1, a12 = b2, a13 = b3;
                FloatVector a20 = b0, a21 = b1, a22 = b2, a23 = b3;
                FloatVector a30 = b0, a31 = b1, a32 = b2, a33 = b3;
                for (int i = 0; i < nin; i++) {
                    int r = i * nout + o;
                    FloatVector w0 = FloatVector.fromArray(SP, wt, r);
                    FloatVector w1 = FloatVector.fromArray(SP, wt, r + L);
                    FloatVector w2 = FloatVector.fromArray(SP, wt, r + 2 * L);
                    FloatVector w3 = FloatVector.fromArray(SP, wt, r + 3 * L);
                    FloatVector xi = FloatVector.broadcast(SP, x[x0 + i]);
                    a00 = w0.fma(xi, a00);
                    a01 = w1.fma(xi, a01);
                    a02 = w2.fma(xi, a02);
                    a03 = w3.fma(xi, a03);
                    xi = FloatVector.broadcast(SP, x[x1 + i]);
                    a10 = w0.fma(xi, a10);
                    a11 = w1.fma(xi, a11);
                    a12 = w2.fma(xi, a12);
                    a13 = w3.fma(xi, a13);
                    xi = FloatVector.broadcast(SP, x[x2 + i]);
                    a20 = w0.fma(xi, a20);
                    a21 = w1.fma(xi, a21);
                    a22 = w2.fma(xi, a22);
                    a23 = w3.fma(xi, a23);
                    xi = FloatVector.broadcast(SP, x[x3 + i]);
                    a30 = w0.fma(xi, a30);
                    a31 = w1.fma(xi, a31);
                    a32 = w2.fma(xi, a32);
                    a33 = w3.fma(xi, a33);
                }
                store4(a00, a01, a02, a03, z, z0 + o);
                store4(a10, a11, a12, a13, z, z1 + o);
                store4(a20, a21, a22, a23, z, z2 + o);
                store4(a30, a31, a32, a33, z, z3 + o);
            }
            if (o < nout) {
                for (int t = 0; t < 4; t++) linearFrom(x, (s + t) * nin, nin, wt, bias, z, (s + t) * nout, nout, o);
            }
        }
        for (; s < n; s++) linearFrom(x, s * nin, nin, wt, bias, z, s * nout, nout, 0);
    }

    private static void store4(FloatVector a0, FloatVector a1, FloatVector a2, FloatVector a3, float[] dst, int off) {
        a0.intoArray(dst, off);
        a1.intoArray(dst, off + L);
        a2.intoArray(dst, off + 2 * L);
        a3.intoArray(dst, off + 3 * L);
    }

    /** Outputs {@code [oStart, nout)} of one sample: {@code z[zo + o] = bias[o] + sum_i wt[i, o] x[xo + i]}. */
    private static void linearFrom(float[] x, int xo, int nin, float[] wt, float[] bias, float[] z, int zo, int nout, int oStart) {
        int vecOut = nout - nout % L;
        int o = oStart;
        for (; o + 4 * L <= vecOut; o += 4 * L) {
            FloatVector a0 = FloatVector.fromArray(SP, bias, o);
            FloatVector a1 = FloatVector.fromArray(SP, bias, o + L);
            FloatVector a2 = FloatVector.fromArray(SP, bias, o + 2 * L);
            FloatVector a3 = FloatVector.fromArray(SP, bias, o + 3 * L);
            for (int i = 0; i < nin; i++) {
                FloatVector xi = FloatVector.broadcast(SP, x[xo + i]);
                int r = i * nout + o;
                a0 = FloatVector.fromArray(SP, wt, r).fma(xi, a0);
                a1 = FloatVector.fromArray(SP, wt, r + L).fma(xi, a1);
                a2 = FloatVector.fromArray(SP, wt, r + 2 * L).fma(xi, a2);
                a3 = FloatVector.fromArray(SP, wt, r + 3 * L).fma(xi, a3);
            }
            a0.intoArray(z, zo + o);
            a1.intoArray(z, zo + o + L);
            a2.intoArray(z, zo + o + 2 * L);
            a3.intoArray(z, zo + o + 3 * L);
        }
        for (; o + 2 * L <= vecOut; o += 2 * L) {
            FloatVector a0 = FloatVector.fromArray(SP, bias, o);
            FloatVector a1 = FloatVector.fromArray(SP, bias, o + L);
            for (int i = 0; i < nin; i++) {
                FloatVector xi = FloatVector.broadcast(SP, x[xo + i]);
                int r = i * nout + o;
                a0 = FloatVector.fromArray(SP, wt, r).fma(xi, a0);
                a1 = FloatVector.fromArray(SP, wt, r + L).fma(xi, a1);
            }
            a0.intoArray(z, zo + o);
            a1.intoArray(z, zo + o + L);
        }
        for (; o < vecOut; o += L) {
            FloatVector a0 = FloatVector.fromArray(SP, bias, o);
            for (int i = 0; i < nin; i++) {
                a0 = FloatVector.fromArray(SP, wt, i * nout + o).fma(FloatVector.broadcast(SP, x[xo + i]), a0);
            }
            a0.intoArray(z, zo + o);
        }
        if (o < nout) {
            // the last outputs in one masked vector: same order as the other lanes (bias, then i ascending, fused)
            VectorMask<Float> mask = SP.indexInRange(o, nout);
            FloatVector a0 = FloatVector.fromArray(SP, bias, o, mask);
            for (int i = 0; i < nin; i++) {
                a0 = FloatVector.fromArray(SP, wt, i * nout + o, mask).fma(FloatVector.broadcast(SP, x[xo + i]), a0);
            }
            a0.intoArray(z, zo + o, mask);
        }
    }

    static void activate(Act act, float[] m, float[] z, float[] a, int nout, int n) {
        int total = n * nout;
        switch (act) {
            case NONE -> System.arraycopy(z, 0, a, 0, total);
            case RELU -> {
                int i = 0;
                for (; i + L <= total; i += L) FloatVector.fromArray(SP, z, i).max(0f).intoArray(a, i);
                for (; i < total; i++) a[i] = Math.max(z[i], 0f);
            }
            case SINE_RESIDUAL -> {
                int vec = nout - nout % L;
                for (int s = 0; s < n; s++) {
                    int off = s * nout;
                    int o = 0;
                    for (; o < vec; o += L) {
                        FloatVector zz = FloatVector.fromArray(SP, z, off + o);
                        FloatVector mm = FloatVector.fromArray(SP, m, o);
                        zz.add(VecSin.sin(zz.mul(mm))).intoArray(a, off + o);
                    }
                    for (; o < nout; o++) a[off + o] = z[off + o] + VecSin.sin(z[off + o] * m[o]);
                }
            }
        }
    }

    static void activationBackward(Act act, float[] m, float[] z, float[] dA, float[] dZ, int nout, int n) {
        int total = n * nout;
        switch (act) {
            case NONE -> System.arraycopy(dA, 0, dZ, 0, total);
            case RELU -> {
                int i = 0;
                for (; i + L <= total; i += L) {
                    FloatVector zz = FloatVector.fromArray(SP, z, i);
                    FloatVector.zero(SP).blend(FloatVector.fromArray(SP, dA, i), zz.compare(VectorOperators.GT, 0f)).intoArray(dZ, i);
                }
                for (; i < total; i++) dZ[i] = z[i] > 0f ? dA[i] : 0f;
            }
            case SINE_RESIDUAL -> {
                int vec = nout - nout % L;
                for (int s = 0; s < n; s++) {
                    int off = s * nout;
                    int o = 0;
                    for (; o < vec; o += L) {
                        FloatVector zz = FloatVector.fromArray(SP, z, off + o);
                        FloatVector mm = FloatVector.fromArray(SP, m, o);
                        FloatVector d = VecSin.cos(zz.mul(mm)).fma(mm, FloatVector.broadcast(SP, 1f));
                        FloatVector.fromArray(SP, dA, off + o).mul(d).intoArray(dZ, off + o);
                    }
                    for (; o < nout; o++) {
                        float d = Math.fma(VecSin.cos(z[off + o] * m[o]), m[o], 1f);
                        dZ[off + o] = dA[off + o] * d;
                    }
                }
            }
        }
    }

    /** grad[wOff + o*nin + i] += sum_s dZ[s,o] x[s,i]; grad[bOff + o] += sum_s dZ[s,o]. */
    static void weightGrad(float[] x, int nin, float[] dZ, int nout, int n, float[] grad, int wOff, int bOff) {
        int vecIn = nin - nin % L;
        int o = 0;
        // four outputs at a time share each load of x (16 accumulators); every weight's sum runs
        // over the samples in ascending order, as in weightGradFrom
        for (; o + 4 <= nout; o += 4) {
            int g0 = wOff + o * nin, g1 = g0 + nin, g2 = g1 + nin, g3 = g2 + nin;
            int i = 0;
            for (; i + 4 * L <= vecIn; i += 4 * L) {
                FloatVector a00 = FloatVector.fromArray(SP, grad, g0 + i), a01 = FloatVector.fromArray(SP, grad, g0 + i + L);
                FloatVector a02 = FloatVector.fromArray(SP, grad, g0 + i + 2 * L), a03 = FloatVector.fromArray(SP, grad, g0 + i + 3 * L);
                FloatVector a10 = FloatVector.fromArray(SP, grad, g1 + i), a11 = FloatVector.fromArray(SP, grad, g1 + i + L);
                FloatVector a12 = FloatVector.fromArray(SP, grad, g1 + i + 2 * L), a13 = FloatVector.fromArray(SP, grad, g1 + i + 3 * L);
                FloatVector a20 = FloatVector.fromArray(SP, grad, g2 + i), a21 = FloatVector.fromArray(SP, grad, g2 + i + L);
                FloatVector a22 = FloatVector.fromArray(SP, grad, g2 + i + 2 * L), a23 = FloatVector.fromArray(SP, grad, g2 + i + 3 * L);
                FloatVector a30 = FloatVector.fromArray(SP, grad, g3 + i), a31 = FloatVector.fromArray(SP, grad, g3 + i + L);
                FloatVector a32 = FloatVector.fromArray(SP, grad, g3 + i + 2 * L), a33 = FloatVector.fromArray(SP, grad, g3 + i + 3 * L);
                for (int s = 0; s < n; s++) {
                    int xo = s * nin + i;
                    FloatVector x0 = FloatVector.fromArray(SP, x, xo);
                    FloatVector x1 = FloatVector.fromArray(SP, x, xo + L);
                    FloatVector x2 = FloatVector.fromArray(SP, x, xo + 2 * L);
                    FloatVector x3 = FloatVector.fromArray(SP, x, xo + 3 * L);
                    int dz = s * nout + o;
                    FloatVector d = FloatVector.broadcast(SP, dZ[dz]);
                    a00 = x0.fma(d, a00);
                    a01 = x1.fma(d, a01);
                    a02 = x2.fma(d, a02);
                    a03 = x3.fma(d, a03);
                    d = FloatVector.broadcast(SP, dZ[dz + 1]);
                    a10 = x0.fma(d, a10);
                    a11 = x1.fma(d, a11);
                    a12 = x2.fma(d, a12);
                    a13 = x3.fma(d, a13);
                    d = FloatVector.broadcast(SP, dZ[dz + 2]);
                    a20 = x0.fma(d, a20);
                    a21 = x1.fma(d, a21);
                    a22 = x2.fma(d, a22);
                    a23 = x3.fma(d, a23);
                    d = FloatVector.broadcast(SP, dZ[dz + 3]);
                    a30 = x0.fma(d, a30);
                    a31 = x1.fma(d, a31);
                    a32 = x2.fma(d, a32);
                    a33 = x3.fma(d, a33);
                }
                store4(a00, a01, a02, a03, grad, g0 + i);
                store4(a10, a11, a12, a13, grad, g1 + i);
                store4(a20, a21, a22, a23, grad, g2 + i);
                store4(a30, a31, a32, a33, grad, g3 + i);
            }
            for (; i + 2 * L <= vecIn; i += 2 * L) {
                FloatVector a00 = FloatVector.fromArray(SP, grad, g0 + i), a01 = FloatVector.fromArray(SP, grad, g0 + i + L);
                FloatVector a10 = FloatVector.fromArray(SP, grad, g1 + i), a11 = FloatVector.fromArray(SP, grad, g1 + i + L);
                FloatVector a20 = FloatVector.fromArray(SP, grad, g2 + i), a21 = FloatVector.fromArray(SP, grad, g2 + i + L);
                FloatVector a30 = FloatVector.fromArray(SP, grad, g3 + i), a31 = FloatVector.fromArray(SP, grad, g3 + i + L);
                for (int s = 0; s < n; s++) {
                    int xo = s * nin + i;
                    FloatVector x0 = FloatVector.fromArray(SP, x, xo);
                    FloatVector x1 = FloatVector.fromArray(SP, x, xo + L);
                    int dz = s * nout + o;
                    FloatVector d = FloatVector.broadcast(SP, dZ[dz]);
                    a00 = x0.fma(d, a00);
                    a01 = x1.fma(d, a01);
                    d = FloatVector.broadcast(SP, dZ[dz + 1]);
                    a10 = x0.fma(d, a10);
                    a11 = x1.fma(d, a11);
                    d = FloatVector.broadcast(SP, dZ[dz + 2]);
                    a20 = x0.fma(d, a20);
                    a21 = x1.fma(d, a21);
                    d = FloatVector.broadcast(SP, dZ[dz + 3]);
                    a30 = x0.fma(d, a30);
                    a31 = x1.fma(d, a31);
                }
                a00.intoArray(grad, g0 + i);
                a01.intoArray(grad, g0 + i + L);
                a10.intoArray(grad, g1 + i);
                a11.intoArray(grad, g1 + i + L);
                a20.intoArray(grad, g2 + i);
                a21.intoArray(grad, g2 + i + L);
                a30.intoArray(grad, g3 + i);
                a31.intoArray(grad, g3 + i + L);
            }
            for (; i < vecIn; i += L) {
                FloatVector a0 = FloatVector.fromArray(SP, grad, g0 + i), a1 = FloatVector.fromArray(SP, grad, g1 + i);
                FloatVector a2 = FloatVector.fromArray(SP, grad, g2 + i), a3 = FloatVector.fromArray(SP, grad, g3 + i);
                for (int s = 0; s < n; s++) {
                    FloatVector x0 = FloatVector.fromArray(SP, x, s * nin + i);
                    int dz = s * nout + o;
                    a0 = x0.fma(FloatVector.broadcast(SP, dZ[dz]), a0);
                    a1 = x0.fma(FloatVector.broadcast(SP, dZ[dz + 1]), a1);
                    a2 = x0.fma(FloatVector.broadcast(SP, dZ[dz + 2]), a2);
                    a3 = x0.fma(FloatVector.broadcast(SP, dZ[dz + 3]), a3);
                }
                a0.intoArray(grad, g0 + i);
                a1.intoArray(grad, g1 + i);
                a2.intoArray(grad, g2 + i);
                a3.intoArray(grad, g3 + i);
            }
            if (i < nin) {
                for (int t = 0; t < 4; t++) weightGradFrom(x, nin, dZ, nout, n, grad, wOff, o + t, i);
            }
        }
        for (; o < nout; o++) weightGradFrom(x, nin, dZ, nout, n, grad, wOff, o, 0);
        for (o = 0; o < nout; o++) {
            float gb = 0f;
            for (int s = 0; s < n; s++) gb += dZ[s * nout + o];
            grad[bOff + o] += gb;
        }
    }

    /** The weight gradient of output {@code o}, inputs {@code [iStart, nin)}. */
    private static void weightGradFrom(float[] x, int nin, float[] dZ, int nout, int n, float[] grad, int wOff, int o, int iStart) {
        int vecIn = nin - nin % L;
        int go = wOff + o * nin;
        int i = iStart;
        for (; i + 4 * L <= vecIn; i += 4 * L) {
            FloatVector a0 = FloatVector.fromArray(SP, grad, go + i);
            FloatVector a1 = FloatVector.fromArray(SP, grad, go + i + L);
            FloatVector a2 = FloatVector.fromArray(SP, grad, go + i + 2 * L);
            FloatVector a3 = FloatVector.fromArray(SP, grad, go + i + 3 * L);
            for (int s = 0; s < n; s++) {
                FloatVector d = FloatVector.broadcast(SP, dZ[s * nout + o]);
                int xo = s * nin + i;
                a0 = FloatVector.fromArray(SP, x, xo).fma(d, a0);
                a1 = FloatVector.fromArray(SP, x, xo + L).fma(d, a1);
                a2 = FloatVector.fromArray(SP, x, xo + 2 * L).fma(d, a2);
                a3 = FloatVector.fromArray(SP, x, xo + 3 * L).fma(d, a3);
            }
            a0.intoArray(grad, go + i);
            a1.intoArray(grad, go + i + L);
            a2.intoArray(grad, go + i + 2 * L);
            a3.intoArray(grad, go + i + 3 * L);
        }
        for (; i + 2 * L <= vecIn; i += 2 * L) {
            FloatVector a0 = FloatVector.fromArray(SP, grad, go + i);
            FloatVector a1 = FloatVector.fromArray(SP, grad, go + i + L);
            for (int s = 0; s < n; s++) {
                FloatVector d = FloatVector.broadcast(SP, dZ[s * nout + o]);
                int xo = s * nin + i;
                a0 = FloatVector.fromArray(SP, x, xo).fma(d, a0);
                a1 = FloatVector.fromArray(SP, x, xo + L).fma(d, a1);
            }
            a0.intoArray(grad, go + i);
            a1.intoArray(grad, go + i + L);
        }
        for (; i < vecIn; i += L) {
            FloatVector a0 = FloatVector.fromArray(SP, grad, go + i);
            for (int s = 0; s < n; s++) {
                a0 = FloatVector.fromArray(SP, x, s * nin + i).fma(FloatVector.broadcast(SP, dZ[s * nout + o]), a0);
            }
            a0.intoArray(grad, go + i);
        }
        if (i < nin) {
            VectorMask<Float> mask = SP.indexInRange(i, nin);
            FloatVector a0 = FloatVector.fromArray(SP, grad, go + i, mask);
            for (int s = 0; s < n; s++) {
                a0 = FloatVector.fromArray(SP, x, s * nin + i, mask).fma(FloatVector.broadcast(SP, dZ[s * nout + o]), a0);
            }
            a0.intoArray(grad, go + i, mask);
        }
    }

    /**
     * dX[s,i] = sum_o dZ[s,o] W[o,i]. The same product as {@link #linear} in another layout; one
     * method serving both (zero or bias start) ran 30% slower once compiled (1,500 image-fit steps,
     * 2 threads: 742k against 1.05M samples/s), so the two stay apart.
     */
    static void inputGrad(float[] dZ, int nout, float[] w, int nin, float[] dX, int n) {
        int vecIn = nin - nin % L;
        int s = 0;
        // four samples at a time share each weight load; each sum runs over o ascending, as in inputGradFrom
        for (; s + 4 <= n; s += 4) {
            int d0 = s * nout, d1 = d0 + nout, d2 = d1 + nout, d3 = d2 + nout;
            int x0 = s * nin, x1 = x0 + nin, x2 = x1 + nin, x3 = x2 + nin;
            int i = 0;
            for (; i + 4 * L <= vecIn; i += 4 * L) {
                FloatVector a00 = FloatVector.zero(SP), a01 = a00, a02 = a00, a03 = a00;
                FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
                FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
                FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
                for (int o = 0; o < nout; o++) {
                    int r = o * nin + i;
                    FloatVector w0 = FloatVector.fromArray(SP, w, r);
                    FloatVector w1 = FloatVector.fromArray(SP, w, r + L);
                    FloatVector w2 = FloatVector.fromArray(SP, w, r + 2 * L);
                    FloatVector w3 = FloatVector.fromArray(SP, w, r + 3 * L);
                    FloatVector d = FloatVector.broadcast(SP, dZ[d0 + o]);
                    a00 = w0.fma(d, a00);
                    a01 = w1.fma(d, a01);
                    a02 = w2.fma(d, a02);
                    a03 = w3.fma(d, a03);
                    d = FloatVector.broadcast(SP, dZ[d1 + o]);
                    a10 = w0.fma(d, a10);
                    a11 = w1.fma(d, a11);
                    a12 = w2.fma(d, a12);
                    a13 = w3.fma(d, a13);
                    d = FloatVector.broadcast(SP, dZ[d2 + o]);
                    a20 = w0.fma(d, a20);
                    a21 = w1.fma(d, a21);
                    a22 = w2.fma(d, a22);
                    a23 = w3.fma(d, a23);
                    d = FloatVector.broadcast(SP, dZ[d3 + o]);
                    a30 = w0.fma(d, a30);
                    a31 = w1.fma(d, a31);
                    a32 = w2.fma(d, a32);
                    a33 = w3.fma(d, a33);
                }
                store4(a00, a01, a02, a03, dX, x0 + i);
                store4(a10, a11, a12, a13, dX, x1 + i);
                store4(a20, a21, a22, a23, dX, x2 + i);
                store4(a30, a31, a32, a33, dX, x3 + i);
            }
            for (; i + 2 * L <= vecIn; i += 2 * L) {
                FloatVector a00 = FloatVector.zero(SP), a01 = a00, a10 = a00, a11 = a00;
                FloatVector a20 = a00, a21 = a00, a30 = a00, a31 = a00;
                for (int o = 0; o < nout; o++) {
                    int r = o * nin + i;
                    FloatVector w0 = FloatVector.fromArray(SP, w, r);
                    FloatVector w1 = FloatVector.fromArray(SP, w, r + L);
                    FloatVector d = FloatVector.broadcast(SP, dZ[d0 + o]);
                    a00 = w0.fma(d, a00);
                    a01 = w1.fma(d, a01);
                    d = FloatVector.broadcast(SP, dZ[d1 + o]);
                    a10 = w0.fma(d, a10);
                    a11 = w1.fma(d, a11);
                    d = FloatVector.broadcast(SP, dZ[d2 + o]);
                    a20 = w0.fma(d, a20);
                    a21 = w1.fma(d, a21);
                    d = FloatVector.broadcast(SP, dZ[d3 + o]);
                    a30 = w0.fma(d, a30);
                    a31 = w1.fma(d, a31);
                }
                a00.intoArray(dX, x0 + i);
                a01.intoArray(dX, x0 + i + L);
                a10.intoArray(dX, x1 + i);
                a11.intoArray(dX, x1 + i + L);
                a20.intoArray(dX, x2 + i);
                a21.intoArray(dX, x2 + i + L);
                a30.intoArray(dX, x3 + i);
                a31.intoArray(dX, x3 + i + L);
            }
            for (; i < vecIn; i += L) {
                FloatVector a0 = FloatVector.zero(SP), a1 = a0, a2 = a0, a3 = a0;
                for (int o = 0; o < nout; o++) {
                    FloatVector w0 = FloatVector.fromArray(SP, w, o * nin + i);
                    a0 = w0.fma(FloatVector.broadcast(SP, dZ[d0 + o]), a0);
                    a1 = w0.fma(FloatVector.broadcast(SP, dZ[d1 + o]), a1);
                    a2 = w0.fma(FloatVector.broadcast(SP, dZ[d2 + o]), a2);
                    a3 = w0.fma(FloatVector.broadcast(SP, dZ[d3 + o]), a3);
                }
                a0.intoArray(dX, x0 + i);
                a1.intoArray(dX, x1 + i);
                a2.intoArray(dX, x2 + i);
                a3.intoArray(dX, x3 + i);
            }
            if (i < nin) {
                for (int t = 0; t < 4; t++) inputGradFrom(dZ, (s + t) * nout, nout, w, nin, dX, (s + t) * nin, i);
            }
        }
        for (; s < n; s++) inputGradFrom(dZ, s * nout, nout, w, nin, dX, s * nin, 0);
    }

    /** Inputs {@code [iStart, nin)} of one sample's input gradient. */
    private static void inputGradFrom(float[] dZ, int dzo, int nout, float[] w, int nin, float[] dX, int xo, int iStart) {
        int vecIn = nin - nin % L;
        int i = iStart;
        for (; i + 4 * L <= vecIn; i += 4 * L) {
            FloatVector a0 = FloatVector.zero(SP), a1 = a0, a2 = a0, a3 = a0;
            for (int o = 0; o < nout; o++) {
                FloatVector d = FloatVector.broadcast(SP, dZ[dzo + o]);
                int r = o * nin + i;
                a0 = FloatVector.fromArray(SP, w, r).fma(d, a0);
                a1 = FloatVector.fromArray(SP, w, r + L).fma(d, a1);
                a2 = FloatVector.fromArray(SP, w, r + 2 * L).fma(d, a2);
                a3 = FloatVector.fromArray(SP, w, r + 3 * L).fma(d, a3);
            }
            a0.intoArray(dX, xo + i);
            a1.intoArray(dX, xo + i + L);
            a2.intoArray(dX, xo + i + 2 * L);
            a3.intoArray(dX, xo + i + 3 * L);
        }
        for (; i + 2 * L <= vecIn; i += 2 * L) {
            FloatVector a0 = FloatVector.zero(SP), a1 = a0;
            for (int o = 0; o < nout; o++) {
                FloatVector d = FloatVector.broadcast(SP, dZ[dzo + o]);
                int r = o * nin + i;
                a0 = FloatVector.fromArray(SP, w, r).fma(d, a0);
                a1 = FloatVector.fromArray(SP, w, r + L).fma(d, a1);
            }
            a0.intoArray(dX, xo + i);
            a1.intoArray(dX, xo + i + L);
        }
        for (; i < vecIn; i += L) {
            FloatVector a0 = FloatVector.zero(SP);
            for (int o = 0; o < nout; o++) {
                a0 = FloatVector.fromArray(SP, w, o * nin + i).fma(FloatVector.broadcast(SP, dZ[dzo + o]), a0);
            }
            a0.intoArray(dX, xo + i);
        }
        if (i < nin) {
            VectorMask<Float> mask = SP.indexInRange(i, nin);
            FloatVector a0 = FloatVector.zero(SP);
            for (int o = 0; o < nout; o++) {
                a0 = FloatVector.fromArray(SP, w, o * nin + i, mask).fma(FloatVector.broadcast(SP, dZ[dzo + o]), a0);
            }
            a0.intoArray(dX, xo + i, mask);
        }
    }
}
