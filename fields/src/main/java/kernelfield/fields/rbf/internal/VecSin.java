package kernelfield.fields.rbf.internal;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Reproducible sine and cosine, per lane and scalar, built only from float multiply-adds and bit
 * operations, so that the vector and the scalar forms give the same bits and the result does not
 * depend on whether the code runs interpreted or compiled (the Vector API's own transcendental
 * operations may differ by an ulp between those).
 *
 * <p>Range reduction: {@code k = round(x / pi)} by the magic-number trick (valid for
 * {@code |x| < 2^22}), {@code r = x - k pi} with pi split in three (Cody-Waite), then an odd
 * polynomial of degree 11 on {@code [-pi/2, pi/2]} and the sign flipped for odd {@code k}.
 * Absolute error about {@code 2e-7} for {@code |x| < 10^4}. Allocates nothing (vectors are
 * values once compiled).
 */
public final class VecSin {
    private VecSin() {
    }

    /** The preferred float species, shared by the RBF kernels. */
    public static final VectorSpecies<Float> SP = FloatVector.SPECIES_PREFERRED;

    private static final float INV_PI = (float) (1 / Math.PI);
    private static final float MAGIC = 12582912f; // 1.5 * 2^23
    private static final float PI_A = 3.140625f;
    private static final float PI_B = 9.67502593994140625e-4f;
    private static final float PI_C = (float) (Math.PI - 3.140625 - 9.67502593994140625e-4);
    private static final float HALF_PI = (float) (Math.PI / 2);
    private static final float S3 = -1.6666667e-1f;
    private static final float S5 = 8.3333310e-3f;
    private static final float S7 = -1.9840874e-4f;
    private static final float S9 = 2.7525562e-6f;
    private static final float S11 = -2.5050759e-8f;

    /** {@code sin(x)} per lane. */
    public static FloatVector sin(FloatVector x) {
        FloatVector t = x.fma(INV_PI, MAGIC);
        IntVector sign = t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 31);
        FloatVector k = t.sub(MAGIC);
        FloatVector r = k.mul(-PI_A).add(x);
        r = k.fma(k.broadcast(-PI_B), r);
        r = k.fma(k.broadcast(-PI_C), r);
        FloatVector r2 = r.mul(r);
        FloatVector p = r2.fma(S11, S9);
        p = p.fma(r2, r2.broadcast(S7));
        p = p.fma(r2, r2.broadcast(S5));
        p = p.fma(r2, r2.broadcast(S3));
        p = p.mul(r2).fma(r, r);
        return p.reinterpretAsInts().lanewise(VectorOperators.XOR, sign).reinterpretAsFloats();
    }

    /** {@code cos(x) = sin(x + pi/2)} per lane. */
    public static FloatVector cos(FloatVector x) {
        return sin(x.add(HALF_PI));
    }

    /** {@code sin(x)}, the same bits as one lane of {@link #sin(FloatVector)}. */
    public static float sin(float x) {
        float t = Math.fma(x, INV_PI, MAGIC);
        int sign = Float.floatToRawIntBits(t) << 31;
        float k = t - MAGIC;
        float r = k * -PI_A + x;
        r = Math.fma(k, -PI_B, r);
        r = Math.fma(k, -PI_C, r);
        float r2 = r * r;
        float p = Math.fma(r2, S11, S9);
        p = Math.fma(p, r2, S7);
        p = Math.fma(p, r2, S5);
        p = Math.fma(p, r2, S3);
        p = Math.fma(p * r2, r, r);
        return Float.intBitsToFloat(Float.floatToRawIntBits(p) ^ sign);
    }

    /** {@code cos(x) = sin(x + pi/2)}, the same bits as one lane of {@link #cos(FloatVector)}. */
    public static float cos(float x) {
        return sin(x + HALF_PI);
    }
}
