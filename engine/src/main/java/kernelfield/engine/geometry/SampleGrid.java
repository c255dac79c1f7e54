package kernelfield.engine.geometry;

/**
 * A regular lattice of {@code nx * ny * nz} sample points: sample {@code (i, j, k)} sits at
 * {@code (originX + i spacingX, originY + j spacingY, originZ + k spacingZ)}. Dense sample arrays
 * over it are laid out {@code (nz, ny, nx)}: sample {@code (i, j, k)} at {@code (k ny + j) nx + i}.
 * Cell {@code (i, j, k)} (for {@code i < nx - 1} and so on) is the cube between samples
 * {@code (i, j, k)} and {@code (i + 1, j + 1, k + 1)}; its key, {@link #key}, is the linear index of
 * its lowest sample.
 */
public record SampleGrid(int nx, int ny, int nz, double originX, double originY, double originZ, double spacingX,
        double spacingY, double spacingZ) {

    public SampleGrid {
        if (nx < 1 || ny < 1 || nz < 1) throw new IllegalArgumentException("grid size " + nx + " x " + ny + " x " + nz);
        if (!(spacingX > 0) || !(spacingY > 0) || !(spacingZ > 0) || !Double.isFinite(spacingX)
                || !Double.isFinite(spacingY) || !Double.isFinite(spacingZ)) {
            throw new IllegalArgumentException("spacing must be positive and finite: " + spacingX + ", " + spacingY + ", " + spacingZ);
        }
        if (!Double.isFinite(originX) || !Double.isFinite(originY) || !Double.isFinite(originZ)) {
            throw new IllegalArgumentException("origin must be finite");
        }
    }

    /** A grid with the same spacing on every axis. */
    public SampleGrid(int nx, int ny, int nz, double originX, double originY, double originZ, double spacing) {
        this(nx, ny, nz, originX, originY, originZ, spacing, spacing, spacing);
    }

    /** Number of samples, {@code nx ny nz}. */
    public long sampleCount() {
        return (long) nx * ny * nz;
    }

    /** World x of sample column i. */
    public double x(double i) {
        return originX + i * spacingX;
    }

    /** World y of sample row j. */
    public double y(double j) {
        return originY + j * spacingY;
    }

    /** World z of sample layer k. */
    public double z(double k) {
        return originZ + k * spacingZ;
    }

    /** Linear key {@code (k ny + j) nx + i} of sample (or cell) {@code (i, j, k)}. */
    public long key(int i, int j, int k) {
        return ((long) k * ny + j) * nx + i;
    }

    /**
     * All sample positions as float {@code (nx ny nz, 3)}, in the dense layout; allocates the
     * result. Handy to fill a dense grid from a batched field.
     */
    public float[] samplePositions() {
        long n = sampleCount();
        if (3 * n > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("grid too large for one array: " + n + " samples");
        float[] p = new float[(int) (3 * n)];
        int o = 0;
        for (int k = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                for (int i = 0; i < nx; i++) {
                    p[o++] = (float) x(i);
                    p[o++] = (float) y(j);
                    p[o++] = (float) z(k);
                }
            }
        }
        return p;
    }
}
