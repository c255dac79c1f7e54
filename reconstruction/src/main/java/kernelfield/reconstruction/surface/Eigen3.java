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
        double[] r = new double[3];
        kernelfield.engine.geometry.SymmetricEigenvalues.of(c[0], c[3], c[5], c[1], c[2], c[4], r);
        return r;
    }
}
