package kernelfield.fields.splat.internal;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Reproducible float vector math: exp, log built only from IEEE basic
 * operations, conversions and bit operations, so that the result is the same bit for
 * bit whether the code runs interpreted, C1- or C2-compiled. (The Vector API's transcendental
 * {@code lanewise} operations may differ by an ulp between these, which
 * would make results depend on which thread ran which tile.)
 */
public final class VecMath {
    private VecMath() {
    }

    static final VectorSpecies<Float> SP = TileRaster.SP;
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693145751953125f;
    private static final float LN2_LO = 1.42860682030941723212e-6f;
    private static final float[] EXP_POLY = {1f, 1f, 1f / 2, 1f / 6, 1f / 24, 1f / 120, 1f / 720, 1f / 5040};

    /** {@code exp(x)} per lane (relative error about 1e-7; clamped to {@code [-87, 88]}, so ~0 below). */
    public static FloatVector exp(FloatVector x) {
        x = x.max(-87f).min(88f);
        FloatVector t = x.mul(LOG2E).add(0.5f);
        IntVector n = (IntVector) t.convert(VectorOperators.F2I, 0); // toward zero
        FloatVector nf = (FloatVector) n.convert(VectorOperators.I2F, 0);
        // floor: one less where truncation went up (negative non-integers)
        n = n.sub(1, nf.compare(VectorOperators.GT, t).cast(n.species()));
        nf = (FloatVector) n.convert(VectorOperators.I2F, 0);
        FloatVector r = x.sub(nf.mul(LN2_HI)).sub(nf.mul(LN2_LO));
        FloatVector p = FloatVector.broadcast(SP, EXP_POLY[7]);
        for (int k = 6; k >= 0; k--) p = p.mul(r).add(EXP_POLY[k]);
        FloatVector scale = n.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(scale);
    }

    // exp(r) on [-ln2 / 2, ln2 / 2]: minimax polynomial of degree 5 for the relative error
    private static final float E1 = 9.999997020e-01f, E2 = 4.999915063e-01f, E3 = 1.666763574e-01f,
            E4 = 4.189793020e-02f, E5 = 8.290315047e-03f;

    /**
     * {@code exp(-p)} per lane for {@code p >= 0}: {@code 2^-k exp(r)} with {@code k = round(p / ln2)},
     * {@code r = k ln2 - p} (two-part ln2, fused multiply-adds), {@code exp(r)} by a degree-5 minimax
     * polynomial. Relative error at most 2e-7 (about 2 ulp; the float64 reference differs from the
     * float32 rasterizer by more than that through the conic's rounding); {@code p >= 87} gives
     * {@code exp(-87)}, below any alpha threshold. Fused multiply-adds are exact IEEE operations
     * (single rounding) on every tier, so the result is reproducible.
     */
    public static FloatVector expNeg(FloatVector p) {
        FloatVector pc = p.min(87f);
        IntVector k = (IntVector) pc.fma(LOG2E, 0.5f).convert(VectorOperators.F2I, 0); // p >= 0: round half up
        FloatVector kf = (FloatVector) k.convert(VectorOperators.I2F, 0);
        FloatVector r = kf.fma(FloatVector.broadcast(SP, LN2_HI), pc.neg());
        r = kf.fma(FloatVector.broadcast(SP, LN2_LO), r);
        FloatVector e = r.fma(E5, E4).fma(r, FloatVector.broadcast(SP, E3)).fma(r, FloatVector.broadcast(SP, E2))
                .fma(r, FloatVector.broadcast(SP, E1)).fma(r, FloatVector.broadcast(SP, 1f));
        return e.mul(k.neg().add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
    }

    /** Natural log per lane for positive normal {@code x} (absolute error about 1e-7). */
    public static FloatVector logPositive(FloatVector x) {
        IntVector bits = x.reinterpretAsInts();
        IntVector e = bits.lanewise(VectorOperators.ASHR, 23).sub(127);
        FloatVector m = bits.and(0x007fffff).or(0x3f800000).reinterpretAsFloats(); // [1, 2)
        // bring m into [sqrt(1/2), sqrt(2))
        var big = m.compare(VectorOperators.GT, 1.41421356f);
        m = m.blend(m.mul(0.5f), big);
        e = e.add(1, big.cast(e.species()));
        FloatVector s = m.sub(1f).div(m.add(1f));
        FloatVector s2 = s.mul(s);
        FloatVector poly = s2.mul(1f / 9).add(1f / 7).mul(s2).add(1f / 5).mul(s2).add(1f / 3).mul(s2).add(1f);
        FloatVector ef = (FloatVector) e.convert(VectorOperators.I2F, 0);
        return ef.mul(LN2_HI).add(s.mul(poly).mul(2f)).add(ef.mul(LN2_LO));
    }
}
