package kernelfield.fields.rbf;

/**
 * The radial profile of a basis function, as a function of the squared Mahalanobis distance
 * {@code q = |A (x - c)|^2} and of the support {@code Q} (the kernel is zero for {@code q >= Q}).
 *
 * <p>The non-compact profiles are multiplied by the taper {@code T(t) = (1 - t)^2 (1 + 2t)},
 * {@code t = q / Q}, which has zero value and zero slope at {@code t = 1}: a kernel enters or
 * leaves a query's neighbourhood with a continuous value and a continuous gradient.
 */
public enum RbfKernel {
    /** {@code exp(-q / 2) T(q / Q)}. */
    GAUSSIAN,
    /** {@code 1 / (1 + q) T(q / Q)} (NeuRBF's default). */
    INVERSE_QUADRATIC,
    /** Wendland's C2 function {@code (1 - r)^4 (4r + 1)}, {@code r = sqrt(q / Q)}: compact by itself, no taper. */
    WENDLAND;

    /** The value at {@code q >= 0} with support {@code Q}; 0 for {@code q >= Q}. */
    public float value(float q, float support) {
        if (q >= support) return 0f;
        float t = q / support;
        return switch (this) {
            case GAUSSIAN -> (float) StrictMath.exp(-0.5 * q) * taper(t);
            case INVERSE_QUADRATIC -> 1f / (1f + q) * taper(t);
            case WENDLAND -> {
                float r = (float) Math.sqrt(t);
                float a = 1f - r;
                float a2 = a * a;
                yield a2 * a2 * (4f * r + 1f);
            }
        };
    }

    /** The derivative with respect to {@code q}; 0 for {@code q >= Q}. */
    public float derivative(float q, float support) {
        if (q >= support) return 0f;
        float t = q / support;
        return switch (this) {
            case GAUSSIAN -> {
                float e = (float) StrictMath.exp(-0.5 * q);
                yield -0.5f * e * taper(t) + e * taperDerivative(t) / support;
            }
            case INVERSE_QUADRATIC -> {
                float inv = 1f / (1f + q);
                yield -inv * inv * taper(t) + inv * taperDerivative(t) / support;
            }
            case WENDLAND -> {
                float r = (float) Math.sqrt(t);
                float a = 1f - r;
                yield -10f * a * a * a / support;
            }
        };
    }

    static float taper(float t) {
        float a = 1f - t;
        return a * a * (1f + 2f * t);
    }

    static float taperDerivative(float t) {
        return -6f * t * (1f - t);
    }

    /** Parses {@code gaussian}, {@code iq} / {@code inverse-quadratic}, {@code wendland} (case-insensitive). */
    public static RbfKernel parse(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "gaussian" -> GAUSSIAN;
            case "iq", "inverse-quadratic", "inverse_quadratic" -> INVERSE_QUADRATIC;
            case "wendland", "compact" -> WENDLAND;
            default -> throw new IllegalArgumentException("unknown RBF kernel '" + s
                    + "' (expected gaussian, inverse-quadratic or wendland)");
        };
    }
}
