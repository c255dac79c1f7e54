package kernelfield.engine.optim.internal;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The element-wise Adam update on a range of a flat array, on the Vector API. A range shorter
 * than a vector ends in one masked vector pass (or a scalar step for a single element; the
 * row-sparse update calls this on short runs of rows, where the tail dominates). The vector
 * lanes, the masked pass and the scalar loop perform the same IEEE operations in the same order
 * (no fused multiply-add), so every element gets the same bits whichever path, chunking or
 * thread count handles it. The system property {@code kernelfield.adam.maskedTail} (default 2)
 * sets the shortest tail that takes the masked pass; it is a benchmarking knob only.
 *
 * <pre>
 * m = b1 m + (1 - b1) g
 * v = b2 v + (1 - b2) g g
 * p = p - stepSize m / (sqrt(v) invSqrtBc2 + eps)
 * </pre>
 * with {@code stepSize = lr / (1 - b1^t)} and {@code invSqrtBc2 = 1 / sqrt(1 - b2^t)}.
 * Allocates nothing.
 */
public final class AdamKernel {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /** Tails at least this long take one masked vector pass instead of the scalar loop. */
    static final int MASKED_TAIL_MIN = Integer.getInteger("kernelfield.adam.maskedTail", 2);

    private AdamKernel() {
    }

    /** Updates elements {@code [from, to)} of {@code p}, {@code m}, {@code v} from {@code g}. */
    public static void update(float[] p, float[] g, float[] m, float[] v, int from, int to,
            float b1, float omb1, float b2, float omb2, float stepSize, float invSqrtBc2, float eps) {
        int i = from;
        int bound = from + SPECIES.loopBound(to - from);
        for (; i < bound; i += SPECIES.length()) {
            FloatVector gv = FloatVector.fromArray(SPECIES, g, i);
            FloatVector mv = FloatVector.fromArray(SPECIES, m, i).mul(b1).add(gv.mul(omb1));
            FloatVector vv = FloatVector.fromArray(SPECIES, v, i).mul(b2).add(gv.mul(gv).mul(omb2));
            FloatVector denom = vv.lanewise(VectorOperators.SQRT).mul(invSqrtBc2).add(eps);
            FloatVector pv = FloatVector.fromArray(SPECIES, p, i).sub(mv.mul(stepSize).div(denom));
            mv.intoArray(m, i);
            vv.intoArray(v, i);
            pv.intoArray(p, i);
        }
        if (to - i >= MASKED_TAIL_MIN) {
            VectorMask<Float> mask = SPECIES.indexInRange(i, to);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, i, mask);
            FloatVector mv = FloatVector.fromArray(SPECIES, m, i, mask).mul(b1).add(gv.mul(omb1));
            FloatVector vv = FloatVector.fromArray(SPECIES, v, i, mask).mul(b2).add(gv.mul(gv).mul(omb2));
            FloatVector denom = vv.lanewise(VectorOperators.SQRT).mul(invSqrtBc2).add(eps);
            FloatVector pv = FloatVector.fromArray(SPECIES, p, i, mask).sub(mv.mul(stepSize).div(denom));
            mv.intoArray(m, i, mask);
            vv.intoArray(v, i, mask);
            pv.intoArray(p, i, mask);
            return;
        }
        for (; i < to; i++) {
            float gi = g[i];
            float mi = m[i] * b1 + gi * omb1;
            float vi = v[i] * b2 + gi * gi * omb2;
            float denom = (float) Math.sqrt(vi) * invSqrtBc2 + eps;
            p[i] = p[i] - mi * stepSize / denom;
            m[i] = mi;
            v[i] = vi;
        }
    }
}
