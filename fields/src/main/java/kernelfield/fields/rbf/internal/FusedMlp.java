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
        for (int s = 0; s < n; s++) {
            int xo = s * nin;
            int zo = s * nout;
            int o = 0;
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
        for (int o = 0; o < nout; o++) {
            int go = wOff + o * nin;
            int i = 0;
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
            float gb = 0f;
            for (int s = 0; s < n; s++) gb += dZ[s * nout + o];
            grad[bOff + o] += gb;
        }
    }

    /** dX[s,i] = sum_o dZ[s,o] W[o,i]. */
    static void inputGrad(float[] dZ, int nout, float[] w, int nin, float[] dX, int n) {
        int vecIn = nin - nin % L;
        for (int s = 0; s < n; s++) {
            int dzo = s * nout;
            int xo = s * nin;
            int i = 0;
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
}
