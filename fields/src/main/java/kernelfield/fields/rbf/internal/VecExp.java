package kernelfield.fields.rbf.internal;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Reproducible {@code exp(x)} for {@code x <= 0}, per lane and scalar, built only from float
 * multiply-adds and bit operations (as {@link VecSin}), so that the vector and the scalar forms
 * give the same bits whether the code runs interpreted or compiled.
 *
 * <p>{@code x} is clamped to {@code [-87, 0]}; {@code k = round(x / ln 2)} by the magic-number
 * trick, {@code r = x - k ln 2} with ln 2 split in two (Cody-Waite, {@code |r| <= ln2 / 2}), then
 * {@code e^r} by its Taylor polynomial of degree 7 and the result scaled by {@code 2^k} through the
 * exponent bits. Relative error about {@code 2e-7}. Allocates nothing.
 */
public final class VecExp {
    private VecExp() {
    }

    private static final VectorSpecies<Float> SP = VecSin.SP;
    private static final float LOG2E = (float) (1 / Math.log(2));
    private static final float MAGIC = 12582912f; // 1.5 * 2^23
    private static final int MAGIC_BITS = Float.floatToRawIntBits(MAGIC);
    private static final float LN2_HI = 0.693145751953125f; // 12 significant bits: k * LN2_HI is exact
    private static final float LN2_LO = (float) (Math.log(2) - 0.693145751953125);
    private static final float LO = -87f;
    private static final float C2 = 1f / 2;
    private static final float C3 = 1f / 6;
    private static final float C4 = 1f / 24;
    private static final float C5 = 1f / 120;
    private static final float C6 = 1f / 720;
    private static final float C7 = 1f / 5040;

    /** {@code exp(x)} per lane, {@code x} clamped to {@code [-87, 0]}. */
    public static FloatVector expNonPositive(FloatVector x) {
        x = x.max(LO).min(0f);
        FloatVector t = x.fma(LOG2E, MAGIC);
        FloatVector k = t.sub(MAGIC);
        FloatVector r = k.fma(k.broadcast(-LN2_HI), x);
        r = k.fma(k.broadcast(-LN2_LO), r);
        FloatVector p = r.fma(C7, C6);
        p = p.fma(r, r.broadcast(C5));
        p = p.fma(r, r.broadcast(C4));
        p = p.fma(r, r.broadcast(C3));
        p = p.fma(r, r.broadcast(C2));
        p = p.fma(r, r.broadcast(1f));
        p = p.fma(r, r.broadcast(1f));
        // k in [-126, 0]: 2^k has the biased exponent k + 127 in [1, 127]
        IntVector ki = t.reinterpretAsInts().sub(MAGIC_BITS);
        FloatVector scale = ki.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(scale);
    }

    /** {@code exp(x)}, the same bits as one lane of {@link #expNonPositive(FloatVector)}. */
    public static float expNonPositive(float x) {
        x = Math.min(Math.max(x, LO), 0f);
        float t = Math.fma(x, LOG2E, MAGIC);
        float k = t - MAGIC;
        float r = Math.fma(k, -LN2_HI, x);
        r = Math.fma(k, -LN2_LO, r);
        float p = Math.fma(r, C7, C6);
        p = Math.fma(p, r, C5);
        p = Math.fma(p, r, C4);
        p = Math.fma(p, r, C3);
        p = Math.fma(p, r, C2);
        p = Math.fma(p, r, 1f);
        p = Math.fma(p, r, 1f);
        int ki = Float.floatToRawIntBits(t) - MAGIC_BITS;
        return p * Float.intBitsToFloat((ki + 127) << 23);
    }
}
