package kernelfield.reconstruction.surface.internal;

import java.util.Arrays;

import kernelfield.engine.compute.CpuDevice;
import kernelfield.fields.nks.NksField;
import kernelfield.fields.nks.VoxelHierarchy;

/**
 * Selection of the marching-cubes cells that the zero level set of an {@link NksField} crosses, on
 * the lattice of spacing {@code h0 / sd} aligned with the hierarchy's origin.
 *
 * <p>Candidate finest voxels: when trimming, every active voxel of the finest level (the distance
 * mask: voxels within the dilation of an input sample); otherwise a coarse-to-fine narrow band:
 * from the coarsest level's voxels down, each voxel is split into its 8 children, and a child is
 * kept when the field changes sign over the 3 x 3 x 3 lattice of its parent's corners and
 * mid-points or comes within {@code lipschitz * diagonal} of zero there. Each candidate's
 * {@code (sd + 1)^3} lattice is then evaluated in one block ({@link NksField#evaluateVoxelLattices})
 * and its {@code sd^3} cells kept where their corners change sign, exactly the cells marching cubes
 * polygonizes with the same values ({@link NksField#latticeValue} gives them bit for bit).
 */
public final class SurfaceCells {
    private static final int BLOCK = 1 << 15;

    private SurfaceCells() {
    }

    /**
     * Lattice cells {@code (C, 3)} (integer coordinates of each cell's lowest corner, lattice
     * spacing {@code h0 / sd}) whose 8 corner values are not all on one side of zero (some
     * {@code < 0} and some {@code >= 0}), in increasing candidate voxel order. Allocates the result
     * and {@code O(candidates)} scratch.
     *
     * @param trim keep only finest voxels active on their level (a distance mask around the input)
     */
    public static int[] crossedCells(NksField field, boolean trim, double lipschitz, int sd, CpuDevice device) {
        return crossed(field::evaluateVoxelLattices, candidates(field, trim, lipschitz, device), sd, device);
    }

    /**
     * The candidate finest voxels {@code (K, 3)} (finest-level coordinates): with {@code trim} the
     * active voxels of the finest level, otherwise the coarse-to-fine narrow band. Allocates the
     * result and {@code O(K)} scratch.
     */
    public static int[] candidates(NksField field, boolean trim, double lipschitz, CpuDevice device) {
        return trim ? finestVoxels(field.hierarchy()) : narrowBand(field, lipschitz, device);
    }

    /**
     * A field evaluated on the {@code (sd + 1)^3} lattices of finest voxels, as
     * {@link NksField#evaluateVoxelLattices}: must be a pure function of each lattice point.
     */
    @FunctionalInterface
    public interface VoxelLattices {
        /** Values for {@code voxels (K, 3)} into {@code out (K, (sd + 1)^3)}. */
        void evaluate(int[] voxels, int sd, float[] out, CpuDevice device);
    }

    private static int[] finestVoxels(VoxelHierarchy hier) {
        long[] keys = hier.level(0).keys();
        int[] v = new int[3 * keys.length];
        for (int i = 0; i < keys.length; i++) {
            v[3 * i] = VoxelHierarchy.mortonX(keys[i]);
            v[3 * i + 1] = VoxelHierarchy.mortonY(keys[i]);
            v[3 * i + 2] = VoxelHierarchy.mortonZ(keys[i]);
        }
        return v;
    }

    /** Finest voxels of the coarse-to-fine narrow band (no trimming). */
    static int[] narrowBand(NksField field, double lipschitz, CpuDevice device) {
        VoxelHierarchy hier = field.hierarchy();
        int top = hier.levelCount() - 1;
        long[] keys = hier.level(top).keys();
        int[] cur = new int[3 * keys.length];
        for (int i = 0; i < keys.length; i++) {
            cur[3 * i] = VoxelHierarchy.mortonX(keys[i]);
            cur[3 * i + 1] = VoxelHierarchy.mortonY(keys[i]);
            cur[3 * i + 2] = VoxelHierarchy.mortonZ(keys[i]);
        }
        cur = filter(field, hier, top, cur, false, lipschitz, device);
        for (int l = top; l > 0; l--) cur = filter(field, hier, l - 1, cur, true, lipschitz, device);
        return cur;
    }

    /**
     * The cells {@code (C, 3)} of the candidate voxels' {@code vox (K, 3)} lattices whose corner
     * values change sign, in candidate order. Allocates the result and {@code O(K)} scratch.
     */
    public static int[] crossed(VoxelLattices field, int[] vox, int sd, CpuDevice device) {
        int nv = vox.length / 3;
        int side = sd + 1, per = side * side * side;
        long[] masks = new long[nv];
        float[] val = new float[per * Math.min(nv, BLOCK)];
        for (int b0 = 0; b0 < nv; b0 += BLOCK) {
            int nb = Math.min(BLOCK, nv - b0);
            int base = b0;
            field.evaluate(Arrays.copyOfRange(vox, 3 * b0, 3 * (b0 + nb)), sd, val, device);
            device.parallelFor(nb, 1024, (c, st, e) -> {
                for (int p = st; p < e; p++) {
                    int o = per * p;
                    long m = 0;
                    for (int k = 0; k < sd; k++) {
                        for (int j = 0; j < sd; j++) {
                            for (int i = 0; i < sd; i++) {
                                int q = o + (k * side + j) * side + i;
                                int neg = 0;
                                for (int c8 = 0; c8 < 8; c8++) {
                                    int d = q + ((c8 >> 2) * side + ((c8 >> 1) & 1)) * side + (c8 & 1);
                                    if (val[d] < 0f) neg++;
                                }
                                if (neg != 0 && neg != 8) m |= 1L << ((k * sd + j) * sd + i);
                            }
                        }
                    }
                    masks[base + p] = m;
                }
            });
        }
        int count = 0;
        for (long m : masks) count += Long.bitCount(m);
        int[] out = new int[3 * count];
        int o = 0;
        for (int p = 0; p < nv; p++) {
            long m = masks[p];
            while (m != 0) {
                int bit = Long.numberOfTrailingZeros(m);
                m &= m - 1;
                int i = bit % sd, j = bit / sd % sd, k = bit / (sd * sd);
                out[o++] = vox[3 * p] * sd + i;
                out[o++] = vox[3 * p + 1] * sd + j;
                out[o++] = vox[3 * p + 2] * sd + k;
            }
        }
        return out;
    }

    /**
     * Tests voxels (or, with {@code split}, the 8 children of each voxel) on level {@code l};
     * returns the kept ones.
     */
    private static int[] filter(NksField field, VoxelHierarchy hier, int l, int[] parents, boolean split, double lip,
            CpuDevice device) {
        int np = parents.length / 3;
        double h = hier.level(l).voxelSize();
        int per = split ? 27 : 8;
        int side = split ? 3 : 2;
        int[] g = new int[3 * per * np];
        for (int p = 0; p < np; p++) {
            int bx = split ? 2 * parents[3 * p] : parents[3 * p];
            int by = split ? 2 * parents[3 * p + 1] : parents[3 * p + 1];
            int bz = split ? 2 * parents[3 * p + 2] : parents[3 * p + 2];
            int o = 3 * per * p;
            for (int k = 0; k < side; k++) {
                for (int j = 0; j < side; j++) {
                    for (int i = 0; i < side; i++) {
                        g[o++] = bx + i;
                        g[o++] = by + j;
                        g[o++] = bz + k;
                    }
                }
            }
        }
        float[] val = new float[per * np];
        field.evaluateLattice(l, 1, g, val, device);
        double band = lip * h * Math.sqrt(3);
        int children = split ? 8 : 1;
        int[] out = new int[3 * children * np];
        int m = 0;
        for (int p = 0; p < np; p++) {
            int bx = split ? 2 * parents[3 * p] : parents[3 * p];
            int by = split ? 2 * parents[3 * p + 1] : parents[3 * p + 1];
            int bz = split ? 2 * parents[3 * p + 2] : parents[3 * p + 2];
            for (int c = 0; c < children; c++) {
                int cx = c & 1, cy = (c >> 1) & 1, cz = c >> 2;
                float mn = Float.POSITIVE_INFINITY, mx = Float.NEGATIVE_INFINITY, amin = Float.POSITIVE_INFINITY;
                for (int k = 0; k < 2; k++) {
                    for (int j = 0; j < 2; j++) {
                        for (int i = 0; i < 2; i++) {
                            float v = val[per * p + ((cz + k) * side + cy + j) * side + cx + i];
                            mn = Math.min(mn, v);
                            mx = Math.max(mx, v);
                            amin = Math.min(amin, Math.abs(v));
                        }
                    }
                }
                if ((mn <= 0 && mx >= 0) || amin <= band) {
                    out[m++] = bx + cx;
                    out[m++] = by + cy;
                    out[m++] = bz + cz;
                }
            }
        }
        return Arrays.copyOf(out, m);
    }
}
