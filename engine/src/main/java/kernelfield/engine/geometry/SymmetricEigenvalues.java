package kernelfield.engine.geometry;

import java.util.Arrays;

/** Eigenvalues of symmetric 3x3 matrices (covariances), closed form. */
public final class SymmetricEigenvalues {
    private SymmetricEigenvalues() {
    }

    /**
     * Eigenvalues of {@code [[xx, xy, xz], [xy, yy, yz], [xz, yz, zz]]} in ascending order into
     * {@code out (3)}: the trigonometric solution of the characteristic cubic; a diagonal matrix
     * (off-diagonal mass under {@code 1e-30} of the squared mean diagonal) gives its diagonal.
     * Allocates nothing.
     */
    public static void of(double xx, double yy, double zz, double xy, double xz, double yz, double[] out) {
        double p1 = xy * xy + xz * xz + yz * yz;
        double q = (xx + yy + zz) / 3;
        if (p1 <= 1e-30 * Math.max(1e-300, q * q)) {
            out[0] = xx;
            out[1] = yy;
            out[2] = zz;
            Arrays.sort(out, 0, 3);
            return;
        }
        double p2 = (xx - q) * (xx - q) + (yy - q) * (yy - q) + (zz - q) * (zz - q) + 2 * p1;
        double p = Math.sqrt(p2 / 6);
        double bxx = (xx - q) / p, byy = (yy - q) / p, bzz = (zz - q) / p, bxy = xy / p, bxz = xz / p, byz = yz / p;
        double det = bxx * (byy * bzz - byz * byz) - bxy * (bxy * bzz - byz * bxz) + bxz * (bxy * byz - byy * bxz);
        double r = Math.max(-1, Math.min(1, det / 2));
        double phi = Math.acos(r) / 3;
        double e2 = q + 2 * p * Math.cos(phi);
        double e0 = q + 2 * p * Math.cos(phi + 2 * Math.PI / 3);
        out[0] = e0;
        out[1] = 3 * q - e0 - e2;
        out[2] = e2;
        Arrays.sort(out, 0, 3);
    }
}
