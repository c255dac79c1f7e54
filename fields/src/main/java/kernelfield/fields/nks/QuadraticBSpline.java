package kernelfield.fields.nks;

/**
 * The uniform quadratic B-spline kernel of the {@code nks} representation, in voxel units.
 *
 * <p>In one dimension, {@code b(t)} is centred on 0 with support {@code (-1.5, 1.5)}:
 * {@code b(t) = 3/4 - t^2} for {@code |t| <= 1/2} and {@code (3/2 - |t|)^2 / 2} for
 * {@code 1/2 <= |t| <= 3/2}. It is C1, non-negative, and its integer translates sum to one
 * (partition of unity). The 3D kernel of a voxel of size {@code h} centred on {@code c} is
 * {@code K(x, c) = b((x0 - c0) / h) b((x1 - c1) / h) b((x2 - c2) / h)}: a point touches the 27
 * voxels of the 3 x 3 x 3 block around the voxel that contains it.
 *
 * <p>The Galerkin tables {@link #MASS} and {@link #STIFFNESS} give the exact 1D integrals
 * {@code M(d) = int b(t) b(t - d) dt} and {@code S(d) = int b'(t) b'(t - d) dt} for
 * {@code d = -2..2} (index {@code d + 2}); they vanish for {@code |d| > 2}. For voxel size
 * {@code h}, {@code int grad K_i . grad K_j dx = h (S M M + M S M + M M S)} over the three axis offsets.
 *
 * <p>All methods are static, allocation-free and exact up to rounding.
 */
public final class QuadraticBSpline {
    private QuadraticBSpline() {
    }

    /** Half-width of the support in voxels. */
    public static final double SUPPORT_RADIUS = 1.5;

    /** {@code int b(t) b(t - d) dt} for {@code d = -2..2}: 1/120, 13/60, 11/20, 13/60, 1/120. */
    public static final double[] MASS = {1.0 / 120, 13.0 / 60, 11.0 / 20, 13.0 / 60, 1.0 / 120};

    /** {@code int b'(t) b'(t - d) dt} for {@code d = -2..2}: -1/6, -1/3, 1, -1/3, -1/6. */
    public static final double[] STIFFNESS = {-1.0 / 6, -1.0 / 3, 1.0, -1.0 / 3, -1.0 / 6};

    /** {@code b(t)}. */
    public static double value(double t) {
        double a = Math.abs(t);
        if (a <= 0.5) return 0.75 - a * a;
        if (a < 1.5) {
            double u = 1.5 - a;
            return 0.5 * u * u;
        }
        return 0.0;
    }

    /** {@code b'(t)}. */
    public static double derivative(double t) {
        double a = Math.abs(t);
        if (a <= 0.5) return -2 * t;
        if (a < 1.5) return -(1.5 - a) * Math.signum(t);
        return 0.0;
    }

    /**
     * The three non-zero kernel weights at local coordinate {@code t} in {@code [-1/2, 1/2]}
     * (position relative to the centre of the voxel that holds the point, in voxels): writes
     * {@code b(t + 1), b(t), b(t - 1)} (the voxels at offsets -1, 0, +1) to {@code w[off..off+3)}
     * and, when {@code dw} is not null, their derivatives with respect to {@code t} to
     * {@code dw[off..off+3)}. The weights sum to one.
     */
    public static void weights(double t, double[] w, double[] dw, int off) {
        double a = 0.5 - t, c = 0.5 + t;
        w[off] = 0.5 * a * a;
        w[off + 1] = 0.75 - t * t;
        w[off + 2] = 0.5 * c * c;
        if (dw != null) {
            dw[off] = -a;
            dw[off + 1] = -2 * t;
            dw[off + 2] = c;
        }
    }

    /**
     * As {@link #weights(double, double[], double[], int)} with separate offsets: weights to
     * {@code w[wOff..wOff+3)}, derivatives to {@code dw[dwOff..dwOff+3)}.
     */
    public static void weights(double t, double[] w, int wOff, double[] dw, int dwOff) {
        double a = 0.5 - t, c = 0.5 + t;
        w[wOff] = 0.5 * a * a;
        w[wOff + 1] = 0.75 - t * t;
        w[wOff + 2] = 0.5 * c * c;
        dw[dwOff] = -a;
        dw[dwOff + 1] = -2 * t;
        dw[dwOff + 2] = c;
    }

    /** Float version of {@link #weights(double, double[], double[], int)}. */
    public static void weights(float t, float[] w, float[] dw, int off) {
        float a = 0.5f - t, c = 0.5f + t;
        w[off] = 0.5f * a * a;
        w[off + 1] = 0.75f - t * t;
        w[off + 2] = 0.5f * c * c;
        if (dw != null) {
            dw[off] = -a;
            dw[off + 1] = -2 * t;
            dw[off + 2] = c;
        }
    }

    /**
     * {@code int grad K_i . grad K_j dx} for two voxels of size {@code h} whose integer offsets
     * are {@code (dx, dy, dz)} (0 when an offset exceeds 2 in magnitude).
     */
    public static double stiffness3(int dx, int dy, int dz, double h) {
        if (Math.abs(dx) > 2 || Math.abs(dy) > 2 || Math.abs(dz) > 2) return 0.0;
        double mx = MASS[dx + 2], my = MASS[dy + 2], mz = MASS[dz + 2];
        return h * (STIFFNESS[dx + 2] * my * mz + mx * STIFFNESS[dy + 2] * mz + mx * my * STIFFNESS[dz + 2]);
    }
}
