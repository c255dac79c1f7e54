package kernelfield.engine.sparse;

/**
 * Finite-difference Laplacians on regular grids with Dirichlet (zero) boundaries: the classic SPD
 * test and model problems (Poisson equations, smoothing). Unknown {@code (i, j, k)} has index
 * {@code i + nx * (j + ny * k)}.
 */
public final class Laplacians {
    private Laplacians() {
    }

    /** The 5-point negative Laplacian {@code (nx*ny, nx*ny)}: 4 on the diagonal, -1 to each grid neighbour. */
    public static CsrMatrix grid2d(int nx, int ny) {
        return grid3d(nx, ny, 1, false);
    }

    /** The 7-point negative Laplacian {@code (nx*ny*nz, nx*ny*nz)}: 6 on the diagonal, -1 to each grid neighbour. */
    public static CsrMatrix grid3d(int nx, int ny, int nz) {
        return grid3d(nx, ny, nz, true);
    }

    private static CsrMatrix grid3d(int nx, int ny, int nz, boolean threeD) {
        if (nx < 1 || ny < 1 || nz < 1) throw new IllegalArgumentException("bad grid " + nx + " x " + ny + " x " + nz);
        long nl = (long) nx * ny * nz;
        int per = threeD ? 7 : 5;
        if (nl * per > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("grid too large: " + nl + " unknowns");
        int n = (int) nl;
        int[] rp = new int[n + 1];
        int[] ci = new int[n * per];
        double[] v = new double[n * per];
        double diag = threeD ? 6 : 4;
        int w = 0;
        for (int k = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                for (int i = 0; i < nx; i++) {
                    int id = i + nx * (j + ny * k);
                    // Increasing column order: -z, -y, -x, self, +x, +y, +z.
                    if (threeD && k > 0) { ci[w] = id - nx * ny; v[w++] = -1; }
                    if (j > 0) { ci[w] = id - nx; v[w++] = -1; }
                    if (i > 0) { ci[w] = id - 1; v[w++] = -1; }
                    ci[w] = id;
                    v[w++] = diag;
                    if (i < nx - 1) { ci[w] = id + 1; v[w++] = -1; }
                    if (j < ny - 1) { ci[w] = id + nx; v[w++] = -1; }
                    if (threeD && k < nz - 1) { ci[w] = id + nx * ny; v[w++] = -1; }
                    rp[id + 1] = w;
                }
            }
        }
        return CsrMatrix.wrap(n, n, rp, java.util.Arrays.copyOf(ci, w), java.util.Arrays.copyOf(v, w));
    }
}
