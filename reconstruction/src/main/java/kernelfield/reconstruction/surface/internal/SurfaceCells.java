package kernelfield.reconstruction.surface.internal;

import java.util.Arrays;

import kernelfield.engine.compute.CpuDevice;
import kernelfield.fields.nks.NksField;
import kernelfield.fields.nks.VoxelHierarchy;

/**
 * Narrow-band cell selection over a voxel hierarchy: from the coarsest level's voxels down to the
 * finest, each voxel is split into its 8 children, and a child is kept when the field changes
 * sign over the 3 x 3 x 3 lattice of its parent's corners and mid-points or comes within
 * {@code lipschitz * diagonal} of zero there (so, for a field whose slope is at most
 * {@code lipschitz}, no surface crossing is lost), and, when trimming, when it is an active voxel
 * of its level.
 */
public final class SurfaceCells {
    private SurfaceCells() {
    }

    /**
     * Finest-level voxel coordinates {@code (K, 3)} that may hold the zero level set.
     *
     * @param trim keep only voxels active on their level (a distance mask around the input)
     */
    public static int[] select(NksField field, boolean trim, double lipschitz, int subdivision, CpuDevice device) {
        VoxelHierarchy hier = field.hierarchy();
        int top = hier.levelCount() - 1;
        VoxelHierarchy.Level coarse = hier.level(top);
        long[] keys = coarse.keys();
        int[] cur = new int[3 * keys.length];
        for (int i = 0; i < keys.length; i++) {
            cur[3 * i] = VoxelHierarchy.mortonX(keys[i]);
            cur[3 * i + 1] = VoxelHierarchy.mortonY(keys[i]);
            cur[3 * i + 2] = VoxelHierarchy.mortonZ(keys[i]);
        }
        // test the coarsest voxels themselves first
        cur = filter(field, hier, top, cur, cur.length / 3, false, lipschitz, trim, device);
        for (int l = top; l > 0; l--) {
            cur = filter(field, hier, l - 1, cur, cur.length / 3, true, lipschitz, trim, device);
        }
        return crossed(field, cur, subdivision, device);
    }

    /**
     * The finest voxels whose {@code (sd + 1)^3} lattice (the corners of their marching-cubes
     * cells) changes sign: exactly those that marching cubes at that resolution polygonizes.
     */
    private static int[] crossed(NksField field, int[] vox, int sd, CpuDevice device) {
        VoxelHierarchy hier = field.hierarchy();
        int nv = vox.length / 3;
        int side = sd + 1, per = side * side * side;
        double h = hier.finestVoxelSize(), hm = h / sd;
        double ox = hier.originX(), oy = hier.originY(), oz = hier.originZ();
        int[] out = new int[vox.length];
        int m = 0;
        int block = Math.max(1, (1 << 16) / per);
        float[] pts = new float[3 * per * block];
        float[] val = new float[per * block];
        for (int b0 = 0; b0 < nv; b0 += block) {
            int nb = Math.min(block, nv - b0);
            int o = 0;
            for (int p = b0; p < b0 + nb; p++) {
                for (int k = 0; k < side; k++) {
                    for (int j = 0; j < side; j++) {
                        for (int i = 0; i < side; i++) {
                            pts[o++] = (float) (ox + vox[3 * p] * h + i * hm);
                            pts[o++] = (float) (oy + vox[3 * p + 1] * h + j * hm);
                            pts[o++] = (float) (oz + vox[3 * p + 2] * h + k * hm);
                        }
                    }
                }
            }
            field.evaluate(o == pts.length ? pts : java.util.Arrays.copyOf(pts, o), val, device);
            for (int p = 0; p < nb; p++) {
                float mn = Float.POSITIVE_INFINITY, mx = Float.NEGATIVE_INFINITY;
                for (int q = 0; q < per; q++) {
                    float v = val[per * p + q];
                    mn = Math.min(mn, v);
                    mx = Math.max(mx, v);
                }
                if (mn <= 0 && mx >= 0) {
                    out[m++] = vox[3 * (b0 + p)];
                    out[m++] = vox[3 * (b0 + p) + 1];
                    out[m++] = vox[3 * (b0 + p) + 2];
                }
            }
        }
        return Arrays.copyOf(out, m);
    }

    /**
     * Tests voxels (or, with {@code split}, the 8 children of each voxel) on level {@code l};
     * returns the kept ones.
     */
    private static int[] filter(NksField field, VoxelHierarchy hier, int l, int[] parents, int np, boolean split, double lip,
            boolean trim, CpuDevice device) {
        VoxelHierarchy.Level level = hier.level(l);
        double h = level.voxelSize();
        // lattice points: for each parent a 3x3x3 (split) or 2x2x2 lattice of level-l corners
        int per = split ? 27 : 8;
        int side = split ? 3 : 2;
        float[] pts = new float[3 * per * np];
        double ox = hier.originX(), oy = hier.originY(), oz = hier.originZ();
        for (int p = 0; p < np; p++) {
            int bx = split ? 2 * parents[3 * p] : parents[3 * p];
            int by = split ? 2 * parents[3 * p + 1] : parents[3 * p + 1];
            int bz = split ? 2 * parents[3 * p + 2] : parents[3 * p + 2];
            int o = 3 * per * p;
            for (int k = 0; k < side; k++) {
                for (int j = 0; j < side; j++) {
                    for (int i = 0; i < side; i++) {
                        pts[o++] = (float) (ox + (bx + i) * h);
                        pts[o++] = (float) (oy + (by + j) * h);
                        pts[o++] = (float) (oz + (bz + k) * h);
                    }
                }
            }
        }
        float[] val = new float[per * np];
        field.evaluate(pts, val, device);
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
                int x = bx + cx, y = by + cy, z = bz + cz;
                if (trim && level.find(x, y, z) < 0) continue;
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
                    out[m++] = x;
                    out[m++] = y;
                    out[m++] = z;
                }
            }
        }
        return Arrays.copyOf(out, m);
    }
}
