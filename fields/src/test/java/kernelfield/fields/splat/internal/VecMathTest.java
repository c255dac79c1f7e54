package kernelfield.fields.splat.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The vector exp against {@link Math#exp}: the error budget the rasterizer's docs state. */
class VecMathTest {
    private static final int L = VecMath.SP.length();

    private static float[] expNeg(float[] p) {
        float[] out = new float[p.length];
        for (int i = 0; i < p.length; i += L) {
            VecMath.expNeg(FloatVector.fromArray(VecMath.SP, p, i)).intoArray(out, i);
        }
        return out;
    }

    @Test
    void expNegIsWithin2e7RelativeOverTheAlphaRange() {
        // every float from 0 to 30 in steps of ~1e-5 (a splat's p; alpha < 1/255 beyond ~5.5)
        int n = 3_000_000 / L * L;
        float[] p = new float[n];
        for (int i = 0; i < n; i++) p[i] = i * (30f / n);
        float[] e = expNeg(p);
        double worst = 0;
        for (int i = 0; i < n; i++) {
            double ref = Math.exp(-(double) p[i]);
            worst = Math.max(worst, Math.abs(e[i] - ref) / ref);
        }
        assertTrue(worst < 2e-7, "max relative error " + worst);
    }

    @Test
    void expNegAtZeroIsOneAndFarOutIsTiny() {
        float[] p = new float[L];
        for (int i = 0; i < L; i++) p[i] = i == 0 ? 0f : 80f + 10f * i;
        float[] e = expNeg(p);
        assertEquals(1f, e[0], 1e-7f);
        for (int i = 1; i < L; i++) {
            assertTrue(e[i] >= 0 && e[i] < 1e-34f, "exp(-" + p[i] + ") = " + e[i]);
        }
    }
}
