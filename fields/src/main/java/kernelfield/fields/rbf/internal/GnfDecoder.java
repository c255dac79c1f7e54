package kernelfield.fields.rbf.internal;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * A decoder of one layer of {@code J} Gaussian neurons in feature space (GNF, Gaussian RBF
 * networks), evaluated on a batch of samples at once, forward and backward, on the Vector API.
 * For a feature vector {@code f (F)}:
 * <pre>
 * t_{j,i} = s_{j,i} (f_i - mu_{j,i}),   s_{j,i} = exp(l_{j,i})
 * g_j     = exp(-sum_i t_{j,i}^2)
 * y_c     = b_c + sum_j w_{c,j} g_j
 * </pre>
 * Parameters, in the caller's arrays: centres {@code mu (J, F)}, log-scales {@code l (J, F)} (one
 * scale per neuron and feature; the log keeps the scales positive and their steps relative),
 * output weights {@code w (C, J)} and biases {@code b (C)}. {@link #pack} takes them into internal
 * layouts (call it after every update).
 *
 * <p>The gradients, with {@code u_j = dL/dg_j * (-2 g_j)}: {@code dL/dl_{j,i} = u_j t_{j,i}^2},
 * {@code dL/dmu_{j,i} = -u_j t_{j,i} s_{j,i}}, {@code dL/df_i = sum_j u_j t_{j,i} s_{j,i}},
 * {@code dL/dw_{c,j} = dL/dy_c g_j}.
 *
 * <p>The forward pass and the parameter gradients run with the neurons in the vector lanes
 * ({@code t = f_i S + C} with {@code S = s}, {@code C = -mu s} packed {@code (F, J)}), the input
 * gradient with the features in the lanes ({@code t s = f_i P + Q}, {@code P = s^2},
 * {@code Q = -mu s^2} packed {@code (J, F)}). Each sample's outputs and input gradient are
 * computed by the same operations in the same order whatever batch it is in (tiles of four
 * samples share each parameter load), so they do not depend on the batch or the thread. Forward
 * and backward allocate nothing; a {@link Workspace} holds the per-batch buffers.
 */
public final class GnfDecoder {
    private static final VectorSpecies<Float> SP = VecSin.SP;
    private static final int L = SP.length();

    private final int nin;
    private final int neurons;
    private final int nout;
    /** Neurons rounded up to whole vectors; padded neurons have zero scale, centre and weights. */
    private final int jp;
    private final int jv;
    /** s (F, jp). */
    private final float[] sT;
    /** -mu s (F, jp). */
    private final float[] cT;
    /** s^2 (J, F), padded by a vector. */
    private final float[] p;
    /** -mu s^2 (J, F), padded by a vector. */
    private final float[] q;
    /** w (C, jp). */
    private final float[] w;
    private final float[] b;

    /**
     * @param inputs  feature width {@code F}
     * @param neurons Gaussian neurons {@code J}
     * @param outputs output width {@code C}
     */
    public GnfDecoder(int inputs, int neurons, int outputs) {
        if (inputs < 1 || neurons < 1 || outputs < 1) {
            throw new IllegalArgumentException("need at least one input, neuron and output (" + inputs + ", " + neurons + ", "
                    + outputs + ")");
        }
        this.nin = inputs;
        this.neurons = neurons;
        this.nout = outputs;
        this.jv = (neurons + L - 1) / L;
        this.jp = jv * L;
        sT = new float[nin * jp];
        cT = new float[nin * jp];
        p = new float[neurons * nin + L];
        q = new float[neurons * nin + L];
        w = new float[nout * jp];
        b = new float[nout];
    }

    public int inputWidth() {
        return nin;
    }

    public int neurons() {
        return neurons;
    }

    public int outputWidth() {
        return nout;
    }

    /** Number of parameter values: {@code 2 J F + C J + C}. */
    public static long parameterCount(int inputs, int neurons, int outputs) {
        return 2L * neurons * inputs + (long) outputs * neurons + outputs;
    }

    /**
     * Takes the current parameters into the internal layouts (a few thousand floats); call after
     * every update. Allocates nothing.
     *
     * @param centers   mu (J, F)
     * @param logScales l (J, F)
     * @param weights   w (C, J)
     * @param biases    b (C)
     */
    public void pack(float[] centers, float[] logScales, float[] weights, float[] biases) {
        for (int j = 0; j < neurons; j++) {
            for (int i = 0; i < nin; i++) {
                int o = j * nin + i;
                float s = (float) StrictMath.exp(logScales[o]);
                float mu = centers[o];
                sT[i * jp + j] = s;
                cT[i * jp + j] = -mu * s;
                float s2 = s * s;
                p[o] = s2;
                q[o] = -mu * s2;
            }
        }
        for (int c = 0; c < nout; c++) System.arraycopy(weights, c * neurons, w, c * jp, neurons);
        System.arraycopy(biases, 0, b, 0, nout);
    }

    /** Per-batch buffers for up to {@code capacity} samples. */
    public final class Workspace {
        final int capacity;
        final float[] in;
        final float[] out;
        /** E, then g = exp(-E) (capacity, jp). */
        final float[] g;
        /** u = -2 g dL/dg (capacity, jp). */
        final float[] u;
        /** Per-call parameter gradient sums: log-scales and -centres (F, jp), weights (C, jp), biases (C). */
        final float[] gl;
        final float[] gc;
        final float[] gw;
        final float[] gb;
        final float[] tmp;

        Workspace(int capacity) {
            this.capacity = capacity;
            in = new float[capacity * nin + L];
            out = new float[capacity * nout];
            g = new float[capacity * jp];
            u = new float[capacity * jp];
            gl = new float[nin * jp];
            gc = new float[nin * jp];
            gw = new float[nout * jp];
            gb = new float[nout];
            tmp = new float[L];
        }

        /** The input buffer {@code (capacity, inputWidth)}; fill it before {@link #forward}. */
        public float[] input() {
            return in;
        }

        /** The output buffer {@code (capacity, outputWidth)}, valid after {@link #forward}. */
        public float[] output() {
            return out;
        }

        /** The neuron values {@code g (capacity, J rounded up to a vector)} of the last forward. */
        public float[] activations() {
            return g;
        }

        /** Row stride of {@link #activations()}. */
        public int activationStride() {
            return jp;
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
        float[] x = ws.in, g = ws.g;
        int s = 0;
        for (; s + 4 <= n; s += 4) {
            int v = 0;
            for (; v + 2 <= jv; v += 2) energy4x2(x, s, v * L, g);
            for (; v < jv; v++) {
                for (int t = 0; t < 4; t++) energy1(x, s + t, v * L, g);
            }
        }
        for (; s < n; s++) {
            for (int v = 0; v < jv; v++) energy1(x, s, v * L, g);
        }
        float[] out = ws.out, tmp = ws.tmp;
        for (s = 0; s < n; s++) {
            int go = s * jp;
            for (int v = 0; v < jv; v++) {
                int o = go + v * L;
                VecExp.expNonPositive(FloatVector.fromArray(SP, g, o).neg()).intoArray(g, o);
            }
            for (int c = 0; c < nout; c++) {
                FloatVector acc = FloatVector.zero(SP);
                for (int v = 0; v < jv; v++) {
                    acc = FloatVector.fromArray(SP, w, c * jp + v * L).fma(FloatVector.fromArray(SP, g, go + v * L), acc);
                }
                out[s * nout + c] = b[c] + sumLanes(acc, tmp);
            }
        }
    }

    /** Sum of the lanes in lane order (a fixed order, unlike a reduction). */
    private static float sumLanes(FloatVector v, float[] tmp) {
        v.intoArray(tmp, 0);
        float a = tmp[0];
        for (int l = 1; l < L; l++) a += tmp[l];
        return a;
    }

    /** E of neurons {@code [j0, j0 + 2L)} for samples {@code s0..s0+3}; the same sums as {@link #energy1}. */
    private void energy4x2(float[] x, int s0, int j0, float[] e) {
        FloatVector a00 = FloatVector.zero(SP), a01 = a00, a10 = a00, a11 = a00;
        FloatVector a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        int x0 = s0 * nin, x1 = x0 + nin, x2 = x1 + nin, x3 = x2 + nin;
        for (int i = 0; i < nin; i++) {
            int r = i * jp + j0;
            FloatVector s0v = FloatVector.fromArray(SP, sT, r), s1v = FloatVector.fromArray(SP, sT, r + L);
            FloatVector c0v = FloatVector.fromArray(SP, cT, r), c1v = FloatVector.fromArray(SP, cT, r + L);
            FloatVector f = FloatVector.broadcast(SP, x[x0 + i]);
            FloatVector t0 = f.fma(s0v, c0v), t1 = f.fma(s1v, c1v);
            a00 = t0.fma(t0, a00);
            a01 = t1.fma(t1, a01);
            f = FloatVector.broadcast(SP, x[x1 + i]);
            t0 = f.fma(s0v, c0v);
            t1 = f.fma(s1v, c1v);
            a10 = t0.fma(t0, a10);
            a11 = t1.fma(t1, a11);
            f = FloatVector.broadcast(SP, x[x2 + i]);
            t0 = f.fma(s0v, c0v);
            t1 = f.fma(s1v, c1v);
            a20 = t0.fma(t0, a20);
            a21 = t1.fma(t1, a21);
            f = FloatVector.broadcast(SP, x[x3 + i]);
            t0 = f.fma(s0v, c0v);
            t1 = f.fma(s1v, c1v);
            a30 = t0.fma(t0, a30);
            a31 = t1.fma(t1, a31);
        }
        int o = s0 * jp + j0;
        a00.intoArray(e, o);
        a01.intoArray(e, o + L);
        a10.intoArray(e, o + jp);
        a11.intoArray(e, o + jp + L);
        a20.intoArray(e, o + 2 * jp);
        a21.intoArray(e, o + 2 * jp + L);
        a30.intoArray(e, o + 3 * jp);
        a31.intoArray(e, o + 3 * jp + L);
    }

    /** E of neurons {@code [j0, j0 + L)} of sample {@code s}: {@code sum_i (f_i S + C)^2}, i ascending. */
    private void energy1(float[] x, int s, int j0, float[] e) {
        FloatVector a = FloatVector.zero(SP);
        int xo = s * nin;
        for (int i = 0; i < nin; i++) {
            int r = i * jp + j0;
            FloatVector t = FloatVector.broadcast(SP, x[xo + i]).fma(FloatVector.fromArray(SP, sT, r), FloatVector.fromArray(SP, cT, r));
            a = t.fma(t, a);
        }
        a.intoArray(e, s * jp + j0);
    }

    /**
     * Backward pass after {@link #forward} of the same {@code n} samples. Adds the parameter
     * gradients, summed over the samples, to {@code grad}: centres at {@code grad[muOff + j F + i]},
     * log-scales at {@code grad[lOff + j F + i]}, weights at {@code grad[wOff + c J + j]}, biases at
     * {@code grad[bOff + c]}; writes the input gradient {@code (n, inputWidth)} to {@code dInput}
     * when it is not null. Modifies the workspace, {@code grad} and {@code dInput}; allocates nothing.
     *
     * @param dOut (n, outputWidth) loss gradient of the outputs; read only
     */
    public void backward(Workspace ws, int n, float[] dOut, float[] grad, int muOff, int lOff, int wOff, int bOff, float[] dInput) {
        float[] g = ws.g, u = ws.u, gw = ws.gw, gb = ws.gb;
        java.util.Arrays.fill(gw, 0f);
        java.util.Arrays.fill(gb, 0f);
        for (int s = 0; s < n; s++) {
            int go = s * jp;
            for (int v = 0; v < jv; v++) {
                int o = go + v * L;
                FloatVector gv = FloatVector.fromArray(SP, g, o);
                FloatVector dg = FloatVector.zero(SP);
                for (int c = 0; c < nout; c++) {
                    FloatVector d = FloatVector.broadcast(SP, dOut[s * nout + c]);
                    dg = FloatVector.fromArray(SP, w, c * jp + v * L).fma(d, dg);
                    int r = c * jp + v * L;
                    gv.fma(d, FloatVector.fromArray(SP, gw, r)).intoArray(gw, r);
                }
                gv.mul(-2f).mul(dg).intoArray(u, o);
            }
            for (int c = 0; c < nout; c++) gb[c] += dOut[s * nout + c];
        }
        for (int c = 0; c < nout; c++) {
            for (int j = 0; j < neurons; j++) grad[wOff + c * neurons + j] += gw[c * jp + j];
            grad[bOff + c] += gb[c];
        }
        scaleGradients(ws, n);
        float[] gl = ws.gl, gc = ws.gc;
        for (int j = 0; j < neurons; j++) {
            int row = j * nin;
            for (int i = 0; i < nin; i++) {
                grad[lOff + row + i] += gl[i * jp + j];
                grad[muOff + row + i] -= gc[i * jp + j];
            }
        }
        if (dInput != null) inputGrad(ws.in, u, n, dInput);
    }

    /**
     * Sums over the samples, per feature {@code i} and neuron {@code j}: {@code gl += u t^2},
     * {@code gc += u t s} (the centres' gradient is {@code -gc}), samples in order.
     */
    private void scaleGradients(Workspace ws, int n) {
        float[] x = ws.in, u = ws.u, gl = ws.gl, gc = ws.gc;
        for (int i = 0; i < nin; i++) {
            int v = 0;
            for (; v + 2 <= jv; v += 2) {
                int r = i * jp + v * L;
                FloatVector s0v = FloatVector.fromArray(SP, sT, r), s1v = FloatVector.fromArray(SP, sT, r + L);
                FloatVector c0v = FloatVector.fromArray(SP, cT, r), c1v = FloatVector.fromArray(SP, cT, r + L);
                FloatVector l0 = FloatVector.zero(SP), l1 = l0, m0 = l0, m1 = l0;
                for (int s = 0; s < n; s++) {
                    FloatVector f = FloatVector.broadcast(SP, x[s * nin + i]);
                    int uo = s * jp + v * L;
                    FloatVector t0 = f.fma(s0v, c0v), t1 = f.fma(s1v, c1v);
                    FloatVector ut0 = FloatVector.fromArray(SP, u, uo).mul(t0);
                    FloatVector ut1 = FloatVector.fromArray(SP, u, uo + L).mul(t1);
                    l0 = ut0.fma(t0, l0);
                    l1 = ut1.fma(t1, l1);
                    m0 = ut0.fma(s0v, m0);
                    m1 = ut1.fma(s1v, m1);
                }
                l0.intoArray(gl, r);
                l1.intoArray(gl, r + L);
                m0.intoArray(gc, r);
                m1.intoArray(gc, r + L);
            }
            for (; v < jv; v++) {
                int r = i * jp + v * L;
                FloatVector s0v = FloatVector.fromArray(SP, sT, r), c0v = FloatVector.fromArray(SP, cT, r);
                FloatVector l0 = FloatVector.zero(SP), m0 = l0;
                for (int s = 0; s < n; s++) {
                    FloatVector t0 = FloatVector.broadcast(SP, x[s * nin + i]).fma(s0v, c0v);
                    FloatVector ut0 = FloatVector.fromArray(SP, u, s * jp + v * L).mul(t0);
                    l0 = ut0.fma(t0, l0);
                    m0 = ut0.fma(s0v, m0);
                }
                l0.intoArray(gl, r);
                m0.intoArray(gc, r);
            }
        }
    }

    /**
     * {@code dX[s, i] = sum_j u_{s,j} (f_{s,i} P_{j,i} + Q_{j,i})}, j ascending; four samples share
     * each load of P and Q. Lanes past the row end read the next row (their results are not stored).
     */
    private void inputGrad(float[] x, float[] u, int n, float[] dX) {
        int s = 0;
        for (; s + 4 <= n; s += 4) {
            int x0 = s * nin, x1 = x0 + nin, x2 = x1 + nin, x3 = x2 + nin;
            int u0 = s * jp, u1 = u0 + jp, u2 = u1 + jp, u3 = u2 + jp;
            for (int i = 0; i < nin; i += L) {
                FloatVector f0 = FloatVector.fromArray(SP, x, x0 + i), f1 = FloatVector.fromArray(SP, x, x1 + i);
                FloatVector f2 = FloatVector.fromArray(SP, x, x2 + i), f3 = FloatVector.fromArray(SP, x, x3 + i);
                FloatVector a0 = FloatVector.zero(SP), a1 = a0, a2 = a0, a3 = a0;
                for (int j = 0; j < neurons; j++) {
                    int r = j * nin + i;
                    FloatVector pv = FloatVector.fromArray(SP, p, r), qv = FloatVector.fromArray(SP, q, r);
                    a0 = f0.fma(pv, qv).fma(FloatVector.broadcast(SP, u[u0 + j]), a0);
                    a1 = f1.fma(pv, qv).fma(FloatVector.broadcast(SP, u[u1 + j]), a1);
                    a2 = f2.fma(pv, qv).fma(FloatVector.broadcast(SP, u[u2 + j]), a2);
                    a3 = f3.fma(pv, qv).fma(FloatVector.broadcast(SP, u[u3 + j]), a3);
                }
                if (i + L <= nin) {
                    a0.intoArray(dX, x0 + i);
                    a1.intoArray(dX, x1 + i);
                    a2.intoArray(dX, x2 + i);
                    a3.intoArray(dX, x3 + i);
                } else {
                    VectorMask<Float> m = SP.indexInRange(i, nin);
                    a0.intoArray(dX, x0 + i, m);
                    a1.intoArray(dX, x1 + i, m);
                    a2.intoArray(dX, x2 + i, m);
                    a3.intoArray(dX, x3 + i, m);
                }
            }
        }
        for (; s < n; s++) {
            int xo = s * nin, uo = s * jp;
            for (int i = 0; i < nin; i += L) {
                FloatVector f0 = FloatVector.fromArray(SP, x, xo + i);
                FloatVector a0 = FloatVector.zero(SP);
                for (int j = 0; j < neurons; j++) {
                    int r = j * nin + i;
                    a0 = f0.fma(FloatVector.fromArray(SP, p, r), FloatVector.fromArray(SP, q, r))
                            .fma(FloatVector.broadcast(SP, u[uo + j]), a0);
                }
                if (i + L <= nin) {
                    a0.intoArray(dX, xo + i);
                } else {
                    a0.intoArray(dX, xo + i, SP.indexInRange(i, nin));
                }
            }
        }
    }
}
