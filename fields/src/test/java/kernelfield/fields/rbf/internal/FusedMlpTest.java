package kernelfield.fields.rbf.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The batched (register-tiled) decoder against a float64 evaluation, and each sample's result
 * bit for bit the same whatever batch it is in.
 */
class FusedMlpTest {
    private static final int[][] SHAPES = {{51, 64, 64, 3}, {64, 64, 64, 1}, {19, 40, 7}, {35, 96, 4}, {3, 5, 2}};

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4})
    void batchedForwardAndBackwardMatchFloat64AndSingleSamples(int shapeIndex) {
        int[] widths = SHAPES[shapeIndex];
        int layers = widths.length - 1;
        Random r = new Random(7 + shapeIndex);
        FusedMlp.Act[] acts = new FusedMlp.Act[layers];
        float[][] freqs = new float[layers][];
        for (int l = 0; l < layers; l++) acts[l] = l == layers - 1 ? FusedMlp.Act.NONE : FusedMlp.Act.RELU;
        acts[0] = layers > 1 ? FusedMlp.Act.SINE_RESIDUAL : FusedMlp.Act.NONE;
        if (acts[0] == FusedMlp.Act.SINE_RESIDUAL) {
            freqs[0] = new float[widths[1]];
            for (int o = 0; o < widths[1]; o++) freqs[0][o] = 1f + 3f * r.nextFloat();
        }
        FusedMlp mlp = new FusedMlp(widths, acts, freqs);
        float[][] w = new float[layers][];
        float[][] b = new float[layers][];
        int[] wOff = new int[layers], bOff = new int[layers];
        int gradLen = 0;
        for (int l = 0; l < layers; l++) {
            w[l] = new float[widths[l] * widths[l + 1]];
            b[l] = new float[widths[l + 1]];
            float s = (float) (1 / Math.sqrt(widths[l]));
            for (int i = 0; i < w[l].length; i++) w[l][i] = (r.nextFloat() * 2 - 1) * s;
            for (int i = 0; i < b[l].length; i++) b[l][i] = (r.nextFloat() * 2 - 1) * s;
            wOff[l] = gradLen;
            gradLen += w[l].length;
            bOff[l] = gradLen;
            gradLen += b[l].length;
        }
        mlp.pack(w, b);
        int n = 13; // three tiles of four and one single sample
        int nin = widths[0], nout = widths[layers];
        float[] x = new float[n * nin];
        for (int i = 0; i < x.length; i++) x[i] = r.nextFloat() * 2 - 1;
        float[] dOut = new float[n * nout];
        for (int i = 0; i < dOut.length; i++) dOut[i] = r.nextFloat() * 2 - 1;

        FusedMlp.Workspace ws = mlp.workspace(n);
        System.arraycopy(x, 0, ws.input(), 0, x.length);
        mlp.forward(ws, n);
        float[] y = java.util.Arrays.copyOf(ws.output(), n * nout);
        float[] grad = new float[gradLen];
        float[] dIn = new float[n * nin];
        mlp.backward(ws, n, dOut, grad, wOff, bOff, dIn);

        // float64 reference
        double[] gradRef = new double[gradLen];
        for (int s = 0; s < n; s++) {
            double[][] a = new double[layers + 1][];
            double[][] z = new double[layers + 1][];
            a[0] = new double[nin];
            for (int i = 0; i < nin; i++) a[0][i] = x[s * nin + i];
            for (int l = 0; l < layers; l++) {
                z[l + 1] = new double[widths[l + 1]];
                a[l + 1] = new double[widths[l + 1]];
                for (int o = 0; o < widths[l + 1]; o++) {
                    double acc = b[l][o];
                    for (int i = 0; i < widths[l]; i++) acc += (double) w[l][o * widths[l] + i] * a[l][i];
                    z[l + 1][o] = acc;
                    a[l + 1][o] = switch (acts[l]) {
                        case NONE -> acc;
                        case RELU -> Math.max(acc, 0);
                        case SINE_RESIDUAL -> acc + Math.sin(freqs[l][o] * acc);
                    };
                }
            }
            for (int o = 0; o < nout; o++) {
                assertEquals(a[layers][o], y[s * nout + o], 2e-5 * (1 + Math.abs(a[layers][o])), "output " + s + "," + o);
            }
            double[] dA = new double[nout];
            for (int o = 0; o < nout; o++) dA[o] = dOut[s * nout + o];
            for (int l = layers - 1; l >= 0; l--) {
                double[] dZ = new double[widths[l + 1]];
                for (int o = 0; o < dZ.length; o++) {
                    double zz = z[l + 1][o];
                    dZ[o] = dA[o] * switch (acts[l]) {
                        case NONE -> 1;
                        case RELU -> zz > 0 ? 1 : 0;
                        case SINE_RESIDUAL -> 1 + freqs[l][o] * Math.cos(freqs[l][o] * zz);
                    };
                }
                double[] dPrev = new double[widths[l]];
                for (int o = 0; o < dZ.length; o++) {
                    gradRef[bOff[l] + o] += dZ[o];
                    for (int i = 0; i < widths[l]; i++) {
                        gradRef[wOff[l] + o * widths[l] + i] += dZ[o] * a[l][i];
                        dPrev[i] += dZ[o] * w[l][o * widths[l] + i];
                    }
                }
                if (l == 0) {
                    for (int i = 0; i < nin; i++) {
                        assertEquals(dPrev[i], dIn[s * nin + i], 1e-4 * (1 + Math.abs(dPrev[i])), "input gradient " + s + "," + i);
                    }
                }
                dA = dPrev;
            }
        }
        for (int i = 0; i < gradLen; i++) assertEquals(gradRef[i], grad[i], 1e-4 * (1 + Math.abs(gradRef[i])), "gradient " + i);

        // every sample alone: the same bits as in the batch
        FusedMlp.Workspace one = mlp.workspace(1);
        for (int s = 0; s < n; s++) {
            System.arraycopy(x, s * nin, one.input(), 0, nin);
            mlp.forward(one, 1);
            assertArrayEquals(java.util.Arrays.copyOfRange(y, s * nout, (s + 1) * nout),
                    java.util.Arrays.copyOf(one.output(), nout), "sample " + s + " alone");
            float[] d1 = new float[nin];
            mlp.backward(one, 1, java.util.Arrays.copyOfRange(dOut, s * nout, (s + 1) * nout), new float[gradLen], wOff, bOff, d1);
            assertArrayEquals(java.util.Arrays.copyOfRange(dIn, s * nin, (s + 1) * nin), d1, "input gradient of sample " + s + " alone");
        }
    }
}
