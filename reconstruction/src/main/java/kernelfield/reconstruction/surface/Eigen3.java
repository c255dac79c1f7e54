package kernelfield.reconstruction.surface;

/** Eigenvalues of a symmetric 3 x 3 matrix, closed form (trigonometric). */
final class Eigen3 {
    private Eigen3() {
    }

    /**
     * Eigenvalues, ascending, of the scatter matrix (sum of outer products about the mean, not
     * divided by the count) of the points {@code pts (N, 3)} listed in {@code idx[0..count)}, or of
     * the first {@code count} points when {@code idx} is null. {@code c (6)} is scratch. Allocates
     * the result.
     */
    static double[] scatterValues(float[] pts, int[] idx, int count, double[] c) {
        double mx = 0, my = 0, mz = 0;
        for (int j = 0; j < count; j++) {
            int i = idx == null ? j : idx[j];
            mx += pts[3 * i];
            my += pts[3 * i + 1];
            mz += pts[3 * i + 2];
        }
        mx /= count;
        my /= count;
        mz /= count;
        java.util.Arrays.fill(c, 0);
        for (int j = 0; j < count; j++) {
            int i = idx == null ? j : idx[j];
            double x = pts[3 * i] - mx, y = pts[3 * i + 1] - my, z = pts[3 * i + 2] - mz;
            c[0] += x * x;
            c[1] += x * y;
            c[2] += x * z;
            c[3] += y * y;
            c[4] += y * z;
            c[5] += z * z;
        }
        return values(c);
    }

    /**
     * Eigenvalues, ascending, of the symmetric matrix given as {@code (xx, xy, xz, yy, yz, zz)}.
     * Allocates the result.
     */
    static double[] values(double[] c) {
        double a = c[0], b = c[3], d = c[5], xy = c[1], xz = c[2], yz = c[4];
        double p1 = xy * xy + xz * xz + yz * yz;
        double q = (a + b + d) / 3;
        double[] r = new double[3];
        if (p1 <= 1e-300 * (a * a + b * b + d * d) || p1 == 0) {
            r[0] = a;
            r[1] = b;
            r[2] = d;
            java.util.Arrays.sort(r);
            return r;
        }
        double p2 = (a - q) * (a - q) + (b - q) * (b - q) + (d - q) * (d - q) + 2 * p1;
        double p = Math.sqrt(p2 / 6);
        double b00 = (a - q) / p, b11 = (b - q) / p, b22 = (d - q) / p, b01 = xy / p, b02 = xz / p, b12 = yz / p;
        double det = b00 * (b11 * b22 - b12 * b12) - b01 * (b01 * b22 - b12 * b02) + b02 * (b01 * b12 - b11 * b02);
        double hr = Math.max(-1, Math.min(1, det / 2));
        double phi = Math.acos(hr) / 3;
        double e2 = q + 2 * p * Math.cos(phi);
        double e0 = q + 2 * p * Math.cos(phi + 2 * Math.PI / 3);
        double e1 = 3 * q - e0 - e2;
        r[0] = e0;
        r[1] = e1;
        r[2] = e2;
        java.util.Arrays.sort(r);
        return r;
    }
}
