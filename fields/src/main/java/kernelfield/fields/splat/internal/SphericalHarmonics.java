package kernelfield.fields.splat.internal;

/**
 * Real spherical harmonics of degree 0..3 in the sign and ordering convention of 3DGS (16
 * basis functions, index {@code k = l * l + l + m}), evaluated at a unit direction, with their
 * partial derivatives with respect to the direction's components. Pure functions on caller
 * arrays; allocates nothing.
 */
public final class SphericalHarmonics {
    private SphericalHarmonics() {
    }

    /** Normalisation constants of the real SH basis (degree 0, 1, 2, 3). */
    static final double C0 = 0.28209479177387814;
    static final double C1 = 0.4886025119029199;
    static final double C20 = 1.0925484305920792, C21 = -1.0925484305920792, C22 = 0.31539156525252005,
            C23 = -1.0925484305920792, C24 = 0.5462742152960396;
    static final double C30 = -0.5900435899266435, C31 = 2.890611442640554, C32 = -0.4570457994644658,
            C33 = 0.3731763325901154, C34 = -0.4570457994644658, C35 = 1.445305721320277,
            C36 = -0.5900435899266435;

    /** Number of basis functions up to and including {@code degree}: {@code (degree + 1)^2}. */
    public static int count(int degree) {
        return (degree + 1) * (degree + 1);
    }

    /**
     * Basis values at the unit direction {@code (x, y, z)}: writes {@code out[0 .. count(degree))}.
     */
    public static void basis(int degree, double x, double y, double z, double[] out) {
        out[0] = C0;
        if (degree < 1) return;
        out[1] = -C1 * y;
        out[2] = C1 * z;
        out[3] = -C1 * x;
        if (degree < 2) return;
        double xx = x * x, yy = y * y, zz = z * z;
        out[4] = C20 * x * y;
        out[5] = C21 * y * z;
        out[6] = C22 * (2 * zz - xx - yy);
        out[7] = C23 * x * z;
        out[8] = C24 * (xx - yy);
        if (degree < 3) return;
        out[9] = C30 * y * (3 * xx - yy);
        out[10] = C31 * x * y * z;
        out[11] = C32 * y * (4 * zz - xx - yy);
        out[12] = C33 * z * (2 * zz - 3 * xx - 3 * yy);
        out[13] = C34 * x * (4 * zz - xx - yy);
        out[14] = C35 * z * (xx - yy);
        out[15] = C36 * x * (xx - 3 * yy);
    }

    /**
     * Partial derivatives of the basis polynomials at {@code (x, y, z)} (treated as independent
     * variables): writes {@code grad (count(degree), 3)} row-major, {@code d Y_k / d x} at
     * {@code grad[3k]}.
     */
    public static void basisGradient(int degree, double x, double y, double z, double[] grad) {
        grad[0] = 0;
        grad[1] = 0;
        grad[2] = 0;
        if (degree < 1) return;
        set(grad, 1, 0, -C1, 0);
        set(grad, 2, 0, 0, C1);
        set(grad, 3, -C1, 0, 0);
        if (degree < 2) return;
        double xx = x * x, yy = y * y, zz = z * z;
        set(grad, 4, C20 * y, C20 * x, 0);
        set(grad, 5, 0, C21 * z, C21 * y);
        set(grad, 6, -2 * C22 * x, -2 * C22 * y, 4 * C22 * z);
        set(grad, 7, C23 * z, 0, C23 * x);
        set(grad, 8, 2 * C24 * x, -2 * C24 * y, 0);
        if (degree < 3) return;
        set(grad, 9, 6 * C30 * x * y, C30 * (3 * xx - 3 * yy), 0);
        set(grad, 10, C31 * y * z, C31 * x * z, C31 * x * y);
        set(grad, 11, -2 * C32 * x * y, C32 * (4 * zz - xx - 3 * yy), 8 * C32 * y * z);
        set(grad, 12, -6 * C33 * x * z, -6 * C33 * y * z, C33 * (6 * zz - 3 * xx - 3 * yy));
        set(grad, 13, C34 * (4 * zz - 3 * xx - yy), -2 * C34 * x * y, 8 * C34 * x * z);
        set(grad, 14, 2 * C35 * x * z, -2 * C35 * y * z, C35 * (xx - yy));
        set(grad, 15, C36 * (3 * xx - 3 * yy), -6 * C36 * x * y, 0);
    }

    private static void set(double[] g, int k, double dx, double dy, double dz) {
        g[3 * k] = dx;
        g[3 * k + 1] = dy;
        g[3 * k + 2] = dz;
    }
}
