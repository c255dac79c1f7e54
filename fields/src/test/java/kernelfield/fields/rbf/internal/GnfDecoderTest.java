package kernelfield.fields.rbf.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import jdk.incubator.vector.FloatVector;

/**
 * The GNF decoder against a float64 evaluation: outputs, and every gradient (centres,
 * log-scales, weights, biases, inputs) against float64 central finite differences; each sample's
 * outputs and input gradient bit for bit the same whatever batch it is in.
 */
class GnfDecoderTest {

    /** A decoder with its parameters, inputs and output gradients. */
    private record Setup(GnfDecoder dec, int f, int j, int c, float[] mu, float[] ls, float[] w, float[] b, float[] x,
            float[] dOut, int n) {
        int muOff() {
            return 0;
        }

        int lOff() {
            return j * f;
        }

        int wOff() {
            return 2 * j * f;
        }

        int bOff() {
            return 2 * j * f + c * j;
        }

        int gradLength() {
            return 2 * j * f + c * j + c;
        }
    }

    private static Setup setup(int f, int j, int c, int n, long seed) {
        Random r = new Random(seed);
        float[] mu = new float[j * f], ls = new float[j * f], w = new float[c * j], b = new float[c];
        for (int i = 0; i < mu.length; i++) mu[i] = r.nextFloat() * 2 - 1;
        // scales around sqrt(3 / F), spread over a factor e: E of order 1
        for (int i = 0; i < ls.length; i++) ls[i] = (float) (0.5 * Math.log(3.0 / f)) + (r.nextFloat() - 0.5f);
        for (int i = 0; i < w.length; i++) w[i] = r.nextFloat() * 2 - 1;
        for (int i = 0; i < b.length; i++) b[i] = r.nextFloat() - 0.5f;
        float[] x = new float[n * f];
        for (int i = 0; i < x.length; i++) x[i] = r.nextFloat() * 2 - 1;
        float[] dOut = new float[n * c];
        for (int i = 0; i < dOut.length; i++) dOut[i] = r.nextFloat() * 2 - 1;
        GnfDecoder dec = new GnfDecoder(f, j, c);
        dec.pack(mu, ls, w, b);
        return new Setup(dec, f, j, c, mu, ls, w, b, x, dOut, n);
    }

    /** Sample s's outputs in float64 straight from the formula. */
    private static double[] eval(Setup st, int s) {
        double[] y = new double[st.c];
        for (int c = 0; c < st.c; c++) y[c] = st.b[c];
        for (int j = 0; j < st.j; j++) {
            double e = 0;
            for (int i = 0; i < st.f; i++) {
                double t = Math.exp(st.ls[j * st.f + i]) * ((double) st.x[s * st.f + i] - st.mu[j * st.f + i]);
                e += t * t;
            }
            double g = Math.exp(-e);
            for (int c = 0; c < st.c; c++) y[c] += st.w[c * st.j + j] * g;
        }
        return y;
    }

    /** L = sum_s sum_c dOut[s, c] y[s, c] in float64. */
    private static double loss(Setup st) {
        double l = 0;
        for (int s = 0; s < st.n; s++) {
            double[] y = eval(st, s);
            for (int c = 0; c < st.c; c++) l += st.dOut[s * st.c + c] * y[c];
        }
        return l;
    }

    /** Central difference of {@link #loss} in {@code a[i]}, restored afterwards. */
    private static double numeric(Setup st, float[] a, int i) {
        float v0 = a[i];
        double h = Math.max(1e-3 * Math.abs(v0), 1e-3);
        float vp = (float) (v0 + h), vm = (float) (v0 - h);
        a[i] = vp;
        double lp = loss(st);
        a[i] = vm;
        double lm = loss(st);
        a[i] = v0;
        return (lp - lm) / ((double) vp - vm);
    }

    @ParameterizedTest
    @CsvSource({"51, 64, 3, 13", "19, 37, 2, 9", "5, 3, 1, 6", "33, 16, 4, 5"})
    void gradientsMatchFloat64FiniteDifferences(int f, int j, int c, int n) {
        Setup st = setup(f, j, c, n, 17 + f + j);
        GnfDecoder.Workspace ws = st.dec.workspace(n);
        System.arraycopy(st.x, 0, ws.input(), 0, st.x.length);
        st.dec.forward(ws, n);
        for (int s = 0; s < n; s++) {
            double[] ref = eval(st, s);
            for (int o = 0; o < c; o++) {
                assertEquals(ref[o], ws.output()[s * c + o], 2e-5 * (1 + Math.abs(ref[o])), "output " + s + "," + o);
            }
        }
        float[] grad = new float[st.gradLength()];
        Arrays.fill(grad, 0.5f); // gradients are added to what is there
        float[] dIn = new float[n * f];
        st.dec.backward(ws, n, st.dOut, grad, st.muOff(), st.lOff(), st.wOff(), st.bOff(), dIn);
        for (int i = 0; i < grad.length; i++) grad[i] -= 0.5f;

        checkBlock(st, "centres", st.mu, grad, st.muOff());
        checkBlock(st, "log-scales", st.ls, grad, st.lOff());
        checkBlock(st, "weights", st.w, grad, st.wOff());
        checkBlock(st, "biases", st.b, grad, st.bOff());
        checkBlock(st, "inputs", st.x, dIn, 0);
    }

    private static void checkBlock(Setup st, String name, float[] values, float[] analytic, int off) {
        int m = Math.min(values.length, 40);
        double[] num = new double[m];
        int[] which = new int[m];
        double scale = 0;
        for (int t = 0; t < m; t++) {
            which[t] = (int) ((long) t * values.length / m);
            num[t] = numeric(st, values, which[t]);
            scale = Math.max(scale, Math.abs(num[t]));
        }
        assertTrue(scale > 1e-3, name + " gradient is not all zero");
        for (int t = 0; t < m; t++) {
            assertEquals(num[t], analytic[off + which[t]], 1e-3 * scale + 1e-3 * Math.abs(num[t]), name + "[" + which[t] + "]");
        }
    }

    @ParameterizedTest
    @CsvSource({"51, 64, 3", "19, 37, 2", "5, 3, 1"})
    void eachSampleGivesTheSameBitsAloneAsInABatch(int f, int j, int c) {
        int n = 11; // two tiles of four and three single samples
        Setup st = setup(f, j, c, n, 3 + f);
        GnfDecoder.Workspace ws = st.dec.workspace(n);
        System.arraycopy(st.x, 0, ws.input(), 0, st.x.length);
        st.dec.forward(ws, n);
        float[] y = Arrays.copyOf(ws.output(), n * c);
        float[] dIn = new float[n * f];
        st.dec.backward(ws, n, st.dOut, new float[st.gradLength()], st.muOff(), st.lOff(), st.wOff(), st.bOff(), dIn);
        GnfDecoder.Workspace one = st.dec.workspace(1);
        for (int s = 0; s < n; s++) {
            System.arraycopy(st.x, s * f, one.input(), 0, f);
            st.dec.forward(one, 1);
            assertArrayEquals(Arrays.copyOfRange(y, s * c, (s + 1) * c), Arrays.copyOf(one.output(), c), "sample " + s + " alone");
            float[] d1 = new float[f];
            st.dec.backward(one, 1, Arrays.copyOfRange(st.dOut, s * c, (s + 1) * c), new float[st.gradLength()], st.muOff(),
                    st.lOff(), st.wOff(), st.bOff(), d1);
            assertArrayEquals(Arrays.copyOfRange(dIn, s * f, (s + 1) * f), d1, "input gradient of sample " + s + " alone");
        }
    }

    @Test
    void expIsAccurateAndTheSameInVectorAndScalarForm() {
        int lanes = VecSin.SP.length();
        float[] x = new float[4096];
        Random r = new Random(1);
        for (int i = 0; i < x.length; i++) x[i] = i < 8 ? new float[] {0f, -0f, -1e-30f, -87f, -86.9f, -100f, -0.34657f, -20f}[i]
                : -r.nextFloat() * (i % 2 == 0 ? 1f : 90f);
        float[] v = new float[x.length];
        for (int i = 0; i < x.length; i += lanes) VecExp.expNonPositive(FloatVector.fromArray(VecSin.SP, x, i)).intoArray(v, i);
        for (int i = 0; i < x.length; i++) {
            float s = VecExp.expNonPositive(x[i]);
            assertEquals(Float.floatToRawIntBits(s), Float.floatToRawIntBits(v[i]), "exp(" + x[i] + ") vector and scalar");
            double ref = Math.exp(Math.max(x[i], -87f));
            assertEquals(ref, s, 3e-7 * ref, "exp(" + x[i] + ")");
        }
        assertEquals(1f, VecExp.expNonPositive(0f));
    }
}
