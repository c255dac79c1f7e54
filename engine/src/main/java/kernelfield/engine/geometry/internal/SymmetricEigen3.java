package kernelfield.engine.geometry.internal;

/**
 * Closed-form eigen decomposition of symmetric 3x3 matrices, for PCA normals.
 *
 * <p>Eigenvalues come from the trigonometric solution of the characteristic cubic on the matrix
 * scaled to unit maximum entry; the eigenvector of the smallest eigenvalue is the largest cross
 * product of two rows of {@code A - lambda I}. Degenerate cases are handled explicitly: a double
 * smallest eigenvalue (points on a line) gives a vector orthogonal to the remaining direction, a
 * triple one (all points equal, or isotropic) gives {@code +z}.
 */
public final class SymmetricEigen3 {
    private SymmetricEigen3() {
    }

    private static final double RANK_EPS = 1e-18;

    /**
     * Writes the unit eigenvector of the smallest eigenvalue of the symmetric matrix
     * {@code [[a00 a01 a02] [a01 a11 a12] [a02 a12 a22]]} into {@code out[off..off+3)}; returns
     * the eigenvalues' ratio {@code lambda_min / (lambda_0 + lambda_1 + lambda_2)} (the surface
     * variation; 0 for a perfect plane, 1/3 for isotropic or empty spread). Allocates nothing.
     */
    public static double smallestEigenvector(double a00, double a01, double a02, double a11, double a12, double a22,
                                             float[] out, int off) {
        double scale = Math.max(Math.max(Math.max(Math.abs(a00), Math.abs(a01)), Math.max(Math.abs(a02), Math.abs(a11))),
                Math.max(Math.abs(a12), Math.abs(a22)));
        if (!(scale > 0) || !Double.isFinite(scale)) {
            set(out, off, 0, 0, 1);
            return 1.0 / 3.0;
        }
        double s = 1.0 / scale;
        a00 *= s;
        a01 *= s;
        a02 *= s;
        a11 *= s;
        a12 *= s;
        a22 *= s;
        double q = (a00 + a11 + a22) / 3.0;
        double p1 = a01 * a01 + a02 * a02 + a12 * a12;
        double lambda;
        double trace = a00 + a11 + a22;
        if (p1 == 0) {
            lambda = Math.min(a00, Math.min(a11, a22));
        } else {
            double b00 = a00 - q, b11 = a11 - q, b22 = a22 - q;
            double p2 = b00 * b00 + b11 * b11 + b22 * b22 + 2 * p1;
            double p = Math.sqrt(p2 / 6.0);
            double ip = 1.0 / p;
            double c00 = b00 * ip, c11 = b11 * ip, c22 = b22 * ip, c01 = a01 * ip, c02 = a02 * ip, c12 = a12 * ip;
            double det = c00 * (c11 * c22 - c12 * c12) - c01 * (c01 * c22 - c12 * c02) + c02 * (c01 * c12 - c11 * c02);
            double r = Math.max(-1.0, Math.min(1.0, det / 2.0));
            double phi = Math.acos(r) / 3.0;
            lambda = q + 2 * p * Math.cos(phi + 2.0 * Math.PI / 3.0);
        }
        // Rows of M = A - lambda I.
        double m00 = a00 - lambda, m11 = a11 - lambda, m22 = a22 - lambda;
        // r0 = (m00, a01, a02), r1 = (a01, m11, a12), r2 = (a02, a12, m22)
        double x01 = a01 * a12 - a02 * m11, y01 = a02 * a01 - m00 * a12, z01 = m00 * m11 - a01 * a01;
        double x02 = a01 * m22 - a02 * a12, y02 = a02 * a02 - m00 * m22, z02 = m00 * a12 - a01 * a02;
        double x12 = m11 * m22 - a12 * a12, y12 = a12 * a02 - a01 * m22, z12 = a01 * a12 - m11 * a02;
        double n01 = x01 * x01 + y01 * y01 + z01 * z01;
        double n02 = x02 * x02 + y02 * y02 + z02 * z02;
        double n12 = x12 * x12 + y12 * y12 + z12 * z12;
        double variation = trace > 0 ? Math.max(0, lambda) / trace : 1.0 / 3.0;
        double best = Math.max(n01, Math.max(n02, n12));
        if (best > RANK_EPS) {
            double inv = 1.0 / Math.sqrt(best);
            if (best == n01) set(out, off, x01 * inv, y01 * inv, z01 * inv);
            else if (best == n02) set(out, off, x02 * inv, y02 * inv, z02 * inv);
            else set(out, off, x12 * inv, y12 * inv, z12 * inv);
            return variation;
        }
        // M has rank <= 1: take any unit vector orthogonal to its largest row.
        double l0 = m00 * m00 + a01 * a01 + a02 * a02, l1 = a01 * a01 + m11 * m11 + a12 * a12, l2 = a02 * a02 + a12 * a12 + m22 * m22;
        double rx, ry, rz;
        if (l0 >= l1 && l0 >= l2) {
            rx = m00; ry = a01; rz = a02;
        } else if (l1 >= l2) {
            rx = a01; ry = m11; rz = a12;
        } else {
            rx = a02; ry = a12; rz = m22;
        }
        double lr = Math.max(l0, Math.max(l1, l2));
        if (!(lr > 1e-24)) {
            set(out, off, 0, 0, 1);
            return 1.0 / 3.0;
        }
        // Cross with the axis least aligned with r.
        double ax = Math.abs(rx), ay = Math.abs(ry), az = Math.abs(rz);
        double cx, cy, cz;
        if (ax <= ay && ax <= az) { // r x e_x
            cx = 0; cy = rz; cz = -ry;
        } else if (ay <= az) {      // r x e_y
            cx = -rz; cy = 0; cz = rx;
        } else {                    // r x e_z
            cx = ry; cy = -rx; cz = 0;
        }
        double inv = 1.0 / Math.sqrt(cx * cx + cy * cy + cz * cz);
        set(out, off, cx * inv, cy * inv, cz * inv);
        return variation;
    }

    private static void set(float[] out, int off, double x, double y, double z) {
        out[off] = (float) x;
        out[off + 1] = (float) y;
        out[off + 2] = (float) z;
    }
}
