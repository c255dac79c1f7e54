package kernelfield.fields.splat;

import kernelfield.engine.optim.ParamBlock;
import kernelfield.engine.optim.ParamSet;

/**
 * The parameters of a set of {@code N} 3D Gaussian splats as {@link ParamBlock}s, in pre-activation
 * form as 3DGS trains and stores them. Block names (also their learning-rate groups) are those of
 * the 3DGS optimizer's parameter groups:
 *
 * <ul>
 *   <li>{@value #XYZ}: means {@code (N, 3)}, world coordinates;</li>
 *   <li>{@value #SCALING}: log-scales {@code (N, 3)}; the standard deviations are {@code exp(.)};</li>
 *   <li>{@value #ROTATION}: quaternions {@code (N, 4)} in {@code (w, x, y, z)} order, not necessarily
 *       normalised: the kernels normalise them (a zero quaternion is invalid);</li>
 *   <li>{@value #OPACITY}: opacity logits {@code (N, 1)}; the opacity is {@code sigmoid(.)};</li>
 *   <li>{@value #F_DC}: SH degree-0 coefficients {@code (N, 3)} (RGB);</li>
 *   <li>{@value #F_REST}: SH coefficients of degree 1..3, {@code (N, 45)}, <b>coefficient-major</b>:
 *       coefficient {@code k} (1..15) of channel {@code c} at column {@code (k - 1) * 3 + c} (the
 *       in-memory layout of 3DGS and gsplat, {@code (N, 15, 3)}). The 3DGS PLY file stores
 *       {@code f_rest} channel-major ({@code f_rest_{c * 15 + k - 1}}): PLY readers transpose;</li>
 *   <li>{@value #SHAPE} (optional): GES shape parameter {@code (N, 1)}, pre-activation; see
 *       {@link SplatKernel}.</li>
 * </ul>
 *
 * <p>The active SH degree (0..3) says how many SH bands the kernels evaluate; the storage always
 * holds degree 3. Storage is allocated by the constructors; the accessors return the live blocks.
 * Not thread-safe.
 */
public final class GaussianSet {
    /** Block name of the means. */
    public static final String XYZ = "xyz";
    /** Block name of the log-scales. */
    public static final String SCALING = "scaling";
    /** Block name of the quaternions. */
    public static final String ROTATION = "rotation";
    /** Block name of the opacity logits. */
    public static final String OPACITY = "opacity";
    /** Block name of the SH degree-0 coefficients. */
    public static final String F_DC = "f_dc";
    /** Block name of the SH degree 1..3 coefficients. */
    public static final String F_REST = "f_rest";
    /** Block name of the GES shape parameters. */
    public static final String SHAPE = "shape";
    /** Highest SH degree stored. */
    public static final int MAX_SH_DEGREE = 3;
    /** Columns of {@link #F_REST}: 15 coefficients times 3 channels. */
    public static final int REST_COLS = 45;

    private final ParamSet params;
    private final ParamBlock means, logScales, quaternions, opacityLogits, shDc, shRest, shape;
    private int activeShDegree;

    /**
     * {@code n} splats at the origin with unit scale ({@code log-scale 0}), identity rotation
     * {@code (1, 0, 0, 0)}, opacity logit 0 (opacity 0.5), zero SH (grey 0.5) and, when
     * {@code withShape}, shape 0. Active SH degree 0. Allocates every block.
     */
    public GaussianSet(int n, boolean withShape) {
        means = new ParamBlock(XYZ, n, 3, XYZ, true);
        logScales = new ParamBlock(SCALING, n, 3, SCALING, true);
        quaternions = new ParamBlock(ROTATION, n, 4, ROTATION, true);
        opacityLogits = new ParamBlock(OPACITY, n, 1, OPACITY, true);
        shDc = new ParamBlock(F_DC, n, 3, F_DC, true);
        shRest = new ParamBlock(F_REST, n, REST_COLS, F_REST, true);
        shape = withShape ? new ParamBlock(SHAPE, n, 1, SHAPE, true) : null;
        float[] q = quaternions.value();
        for (int i = 0; i < n; i++) q[4 * i] = 1f;
        params = withShape
                ? ParamSet.of(means, shDc, shRest, opacityLogits, logScales, quaternions, shape)
                : ParamSet.of(means, shDc, shRest, opacityLogits, logScales, quaternions);
    }

    /**
     * A set holding copies of the given arrays.
     *
     * @param means         (N, 3)
     * @param logScales     (N, 3)
     * @param quaternions   (N, 4) wxyz
     * @param opacityLogits (N)
     * @param shDc          (N, 3)
     * @param shRest        (N, 45) coefficient-major, or null for zeros
     * @param shape         (N) GES shape, or null for none
     */
    public static GaussianSet of(float[] means, float[] logScales, float[] quaternions, float[] opacityLogits,
                                 float[] shDc, float[] shRest, float[] shape) {
        int n = opacityLogits.length;
        check("means", means, n * 3);
        check("logScales", logScales, n * 3);
        check("quaternions", quaternions, n * 4);
        check("shDc", shDc, n * 3);
        if (shRest != null) check("shRest", shRest, n * REST_COLS);
        if (shape != null) check("shape", shape, n);
        GaussianSet g = new GaussianSet(n, shape != null);
        System.arraycopy(means, 0, g.means.value(), 0, n * 3);
        System.arraycopy(logScales, 0, g.logScales.value(), 0, n * 3);
        System.arraycopy(quaternions, 0, g.quaternions.value(), 0, n * 4);
        System.arraycopy(opacityLogits, 0, g.opacityLogits.value(), 0, n);
        System.arraycopy(shDc, 0, g.shDc.value(), 0, n * 3);
        if (shRest != null) System.arraycopy(shRest, 0, g.shRest.value(), 0, n * REST_COLS);
        if (shape != null) System.arraycopy(shape, 0, g.shape.value(), 0, n);
        return g;
    }

    private static void check(String what, float[] a, int expected) {
        if (a.length != expected) {
            throw new IllegalArgumentException(what + ": " + a.length + " values, expected " + expected);
        }
    }

    /** Number of splats. */
    public int size() {
        return means.rows();
    }

    /** All blocks, in the order xyz, f_dc, f_rest, opacity, scaling, rotation[, shape]. */
    public ParamSet params() {
        return params;
    }

    /** Means {@code (N, 3)}. */
    public ParamBlock means() {
        return means;
    }

    /** Log-scales {@code (N, 3)}. */
    public ParamBlock logScales() {
        return logScales;
    }

    /** Quaternions {@code (N, 4)}, wxyz. */
    public ParamBlock quaternions() {
        return quaternions;
    }

    /** Opacity logits {@code (N, 1)}. */
    public ParamBlock opacityLogits() {
        return opacityLogits;
    }

    /** SH degree-0 coefficients {@code (N, 3)}. */
    public ParamBlock shDc() {
        return shDc;
    }

    /** SH degree 1..3 coefficients {@code (N, 45)}, coefficient-major. */
    public ParamBlock shRest() {
        return shRest;
    }

    /** GES shape {@code (N, 1)}, or null when this set has none. */
    public ParamBlock shape() {
        return shape;
    }

    /** Whether this set has a GES shape block. */
    public boolean hasShape() {
        return shape != null;
    }

    /** SH degree the kernels evaluate, 0..3. */
    public int activeShDegree() {
        return activeShDegree;
    }

    /** Sets the SH degree the kernels evaluate. */
    public void setActiveShDegree(int degree) {
        if (degree < 0 || degree > MAX_SH_DEGREE) {
            throw new IllegalArgumentException("SH degree " + degree + " not in 0.." + MAX_SH_DEGREE);
        }
        this.activeShDegree = degree;
    }

    /** Checks that every block has {@link #size()} rows (pruning or densifying must keep them together). */
    void checkConsistent() {
        int n = size();
        for (ParamBlock b : params.blocks()) {
            if (b.rows() != n) {
                throw new IllegalStateException("block " + b.name() + " has " + b.rows() + " rows, xyz has " + n);
            }
        }
    }
}
