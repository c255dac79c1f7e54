package kernelfield.engine.compute;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dense vector kernels on the Vector API (preferred species of the machine, with scalar tails).
 * Single-threaded; call them on chunks from {@link CpuDevice#parallelFor} to parallelise.
 * Element-wise operations give exactly the scalar results (fused multiply-add is used only where
 * the Javadoc says so). Reductions ({@code dot}, {@code sum}) add per-lane partials, then the
 * lanes, then the tail: deterministic on a given machine, but not the same rounding as a plain
 * scalar loop. None of these allocate.
 *
 * <p>Ranges are {@code (array, offset, length)}; bounds are checked by the array accesses.
 */
public final class VectorOps {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;

    private VectorOps() {
    }

    /** Lanes of the float species in use (e.g. 8 on AVX2). */
    public static int floatLanes() {
        return FS.length();
    }

    /** Lanes of the double species in use (e.g. 4 on AVX2). */
    public static int doubleLanes() {
        return DS.length();
    }

    // ---------------------------------------------------------------- float

    /** {@code x[off .. off+n) = v}. */
    public static void fill(float[] x, int off, int n, float v) {
        java.util.Arrays.fill(x, off, off + n, v);
    }

    /** {@code x[off + i] *= a} for {@code i < n}. */
    public static void scale(float a, float[] x, int off, int n) {
        int i = 0;
        int bound = FS.loopBound(n);
        for (; i < bound; i += FS.length()) {
            FloatVector.fromArray(FS, x, off + i).mul(a).intoArray(x, off + i);
        }
        for (; i < n; i++) x[off + i] *= a;
    }

    /** {@code y[yOff + i] += a * x[xOff + i]} for {@code i < n} (multiply, then add: not fused). */
    public static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        int bound = FS.loopBound(n);
        for (; i < bound; i += FS.length()) {
            FloatVector xv = FloatVector.fromArray(FS, x, xOff + i);
            FloatVector.fromArray(FS, y, yOff + i).add(xv.mul(a)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] += a * x[xOff + i];
    }

    /** Whole-array {@link #axpy(float, float[], int, float[], int, int)}: {@code y += a * x}. */
    public static void axpy(float a, float[] x, float[] y) {
        checkSameLength(x.length, y.length);
        axpy(a, x, 0, y, 0, x.length);
    }

    /** {@code y[yOff + i] = a * x[xOff + i] + b * y[yOff + i]} for {@code i < n} (not fused). */
    public static void axpby(float a, float[] x, int xOff, float b, float[] y, int yOff, int n) {
        int i = 0;
        int bound = FS.loopBound(n);
        for (; i < bound; i += FS.length()) {
            FloatVector xv = FloatVector.fromArray(FS, x, xOff + i);
            FloatVector yv = FloatVector.fromArray(FS, y, yOff + i);
            xv.mul(a).add(yv.mul(b)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] = a * x[xOff + i] + b * y[yOff + i];
    }

    /** {@code out[oOff + i] = x[xOff + i] * y[yOff + i]} for {@code i < n}; {@code out} may alias an input. */
    public static void mul(float[] x, int xOff, float[] y, int yOff, float[] out, int oOff, int n) {
        int i = 0;
        int bound = FS.loopBound(n);
        for (; i < bound; i += FS.length()) {
            FloatVector.fromArray(FS, x, xOff + i).mul(FloatVector.fromArray(FS, y, yOff + i)).intoArray(out, oOff + i);
        }
        for (; i < n; i++) out[oOff + i] = x[xOff + i] * y[yOff + i];
    }

    /**
     * The sum of the lanes of {@code v}, lane 0 first. Not {@code reduceLanes(ADD)}: its order is
     * unspecified, and the compiled intrinsic and the interpreted fallback add the lanes in different
     * orders, which made results depend on whether a loop had been JIT-compiled yet.
     */
    private static float lanes(FloatVector v) {
        float s = 0;
        for (int l = 0; l < FS.length(); l++) s += v.lane(l);
        return s;
    }

    /** {@link #lanes(FloatVector)} for doubles. */
    private static double lanes(DoubleVector v) {
        double s = 0;
        for (int l = 0; l < DS.length(); l++) s += v.lane(l);
        return s;
    }

    /** Sum of {@code x[xOff + i] * y[yOff + i]}, {@code i < n}, accumulated in float lanes (fused multiply-add). */
    public static float dot(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        int bound = FS.loopBound(n);
        FloatVector acc = FloatVector.zero(FS);
        for (; i < bound; i += FS.length()) {
            acc = FloatVector.fromArray(FS, x, xOff + i).fma(FloatVector.fromArray(FS, y, yOff + i), acc);
        }
        float s = lanes(acc);
        for (; i < n; i++) s = Math.fma(x[xOff + i], y[yOff + i], s);
        return s;
    }

    /** Whole-array {@link #dot(float[], int, float[], int, int)}. */
    public static float dot(float[] x, float[] y) {
        checkSameLength(x.length, y.length);
        return dot(x, 0, y, 0, x.length);
    }

    /** Sum of {@code x[off .. off+n)}, accumulated in float lanes. */
    public static float sum(float[] x, int off, int n) {
        int i = 0;
        int bound = FS.loopBound(n);
        FloatVector acc = FloatVector.zero(FS);
        for (; i < bound; i += FS.length()) acc = acc.add(FloatVector.fromArray(FS, x, off + i));
        float s = lanes(acc);
        for (; i < n; i++) s += x[off + i];
        return s;
    }

    /**
     * {@code out[oOff + i] = exp(a * x[xOff + i] + b)} for {@code i < n} (fused scale, shift and
     * exponential, as used for Gaussian weights); {@code out} may alias {@code x}. The vector
     * exponential is within a few ulps of {@link Math#exp}, not necessarily equal to it.
     */
    public static void expAffine(float a, float[] x, int xOff, float b, float[] out, int oOff, int n) {
        int i = 0;
        int bound = FS.loopBound(n);
        for (; i < bound; i += FS.length()) {
            FloatVector.fromArray(FS, x, xOff + i).mul(a).add(b).lanewise(VectorOperators.EXP).intoArray(out, oOff + i);
        }
        for (; i < n; i++) out[oOff + i] = (float) Math.exp(a * x[xOff + i] + b);
    }

    // ---------------------------------------------------------------- double

    /** {@code x[off .. off+n) = v}. */
    public static void fill(double[] x, int off, int n, double v) {
        java.util.Arrays.fill(x, off, off + n, v);
    }

    /** {@code x[off + i] *= a} for {@code i < n}. */
    public static void scale(double a, double[] x, int off, int n) {
        int i = 0;
        int bound = DS.loopBound(n);
        for (; i < bound; i += DS.length()) {
            DoubleVector.fromArray(DS, x, off + i).mul(a).intoArray(x, off + i);
        }
        for (; i < n; i++) x[off + i] *= a;
    }

    /** {@code y[yOff + i] += a * x[xOff + i]} for {@code i < n} (multiply, then add: not fused). */
    public static void axpy(double a, double[] x, int xOff, double[] y, int yOff, int n) {
        int i = 0;
        int bound = DS.loopBound(n);
        for (; i < bound; i += DS.length()) {
            DoubleVector xv = DoubleVector.fromArray(DS, x, xOff + i);
            DoubleVector.fromArray(DS, y, yOff + i).add(xv.mul(a)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] += a * x[xOff + i];
    }

    /** Whole-array {@link #axpy(double, double[], int, double[], int, int)}: {@code y += a * x}. */
    public static void axpy(double a, double[] x, double[] y) {
        checkSameLength(x.length, y.length);
        axpy(a, x, 0, y, 0, x.length);
    }

    /** {@code y[yOff + i] = a * x[xOff + i] + b * y[yOff + i]} for {@code i < n} (not fused). */
    public static void axpby(double a, double[] x, int xOff, double b, double[] y, int yOff, int n) {
        int i = 0;
        int bound = DS.loopBound(n);
        for (; i < bound; i += DS.length()) {
            DoubleVector xv = DoubleVector.fromArray(DS, x, xOff + i);
            DoubleVector yv = DoubleVector.fromArray(DS, y, yOff + i);
            xv.mul(a).add(yv.mul(b)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] = a * x[xOff + i] + b * y[yOff + i];
    }

    /** {@code out[oOff + i] = x[xOff + i] * y[yOff + i]} for {@code i < n}; {@code out} may alias an input. */
    public static void mul(double[] x, int xOff, double[] y, int yOff, double[] out, int oOff, int n) {
        int i = 0;
        int bound = DS.loopBound(n);
        for (; i < bound; i += DS.length()) {
            DoubleVector.fromArray(DS, x, xOff + i).mul(DoubleVector.fromArray(DS, y, yOff + i)).intoArray(out, oOff + i);
        }
        for (; i < n; i++) out[oOff + i] = x[xOff + i] * y[yOff + i];
    }

    /** Sum of {@code x[xOff + i] * y[yOff + i]}, {@code i < n}, accumulated in double lanes (fused multiply-add). */
    public static double dot(double[] x, int xOff, double[] y, int yOff, int n) {
        int i = 0;
        int bound = DS.loopBound(n);
        DoubleVector acc = DoubleVector.zero(DS);
        for (; i < bound; i += DS.length()) {
            acc = DoubleVector.fromArray(DS, x, xOff + i).fma(DoubleVector.fromArray(DS, y, yOff + i), acc);
        }
        double s = lanes(acc);
        for (; i < n; i++) s = Math.fma(x[xOff + i], y[yOff + i], s);
        return s;
    }

    /** Whole-array {@link #dot(double[], int, double[], int, int)}. */
    public static double dot(double[] x, double[] y) {
        checkSameLength(x.length, y.length);
        return dot(x, 0, y, 0, x.length);
    }

    /** Sum of {@code x[off .. off+n)}, accumulated in double lanes. */
    public static double sum(double[] x, int off, int n) {
        int i = 0;
        int bound = DS.loopBound(n);
        DoubleVector acc = DoubleVector.zero(DS);
        for (; i < bound; i += DS.length()) acc = acc.add(DoubleVector.fromArray(DS, x, off + i));
        double s = lanes(acc);
        for (; i < n; i++) s += x[off + i];
        return s;
    }

    private static void checkSameLength(int a, int b) {
        if (a != b) throw new IllegalArgumentException("length mismatch: " + a + " vs " + b);
    }
}
