package kernelfield.reconstruction.surface;

import java.util.Arrays;

import kernelfield.engine.compute.CpuDevice;
import kernelfield.engine.geometry.KdTree;
import kernelfield.fields.nks.NksSolver;
import kernelfield.fields.nks.VoxelHierarchy;

/** Reduction of oriented points to one sample per occupied cell. */
final class Sampling {
    private Sampling() {
    }

    /**
     * One sample per occupied cell of size {@code hs} (cells aligned on {@code origin}, which lies
     * below every point): the centroid of its points, the normalised sum of their normals (zero
     * when they cancel), and the area of a plane through a cell, {@code hs^2 / |n|_1}. Samples
     * come in cell key (Morton) order; each cell's sums are taken over its points in index order,
     * so the result does not depend on the thread count. Allocates {@code O(n)} scratch and the
     * samples.
     */
    static NksSolver.Samples cellSamples(float[] pts, float[] nrm, int n, double[] origin, double hs, CpuDevice device) {
        return reduce(pts, nrm, n, origin, hs, device, true, null);
    }

    /** {@link #cellSamples}, and the number of points of each cell into {@code counts[0]}, an array {@code (C)} it allocates. */
    static NksSolver.Samples cellSamples(float[] pts, float[] nrm, int n, double[] origin, double hs, CpuDevice device, int[][] counts) {
        return reduce(pts, nrm, n, origin, hs, device, true, counts);
    }

    /**
     * Centroids {@code (C, 3)} of the occupied cells of size {@code hs} (aligned on {@code origin}),
     * in cell key order. Allocates {@code O(n)} scratch and the result.
     */
    static float[] cellCentroids(float[] pts, int n, double[] origin, double hs, CpuDevice device) {
        return reduce(pts, null, n, origin, hs, device, true, null).positions();
    }

    /**
     * Centroids {@code (C, 3)} of the occupied cells of size {@code hs} (as {@link #cellCentroids})
     * and the number of points in each cell into {@code counts[0]}, an array {@code (C)} it allocates.
     */
    static float[] cellCentroids(float[] pts, int n, double[] origin, double hs, CpuDevice device, int[][] counts) {
        return reduce(pts, null, n, origin, hs, device, true, counts).positions();
    }

    /**
     * Moves each point {@code i} of {@code p (C, 3)} along its unit normal {@code nrm (C, 3)}
     * towards (by {@code strength} in 0..1 of the way) the plane through the {@code weights}-weighted
     * centroid ({@code (C)}, null for equal weights) of its {@code k} nearest neighbours in
     * {@code tree} (built on {@code p}; the point itself included) with that normal: the points'
     * spread across the surface is averaged away, their spread along it is kept. Deterministic.
     * Returns new positions {@code (C, 3)}; allocates them and per-task scratch; modifies nothing.
     */
    static float[] projectToLocalPlanes(float[] p, float[] nrm, int[] weights, double strength, KdTree tree, int k, CpuDevice device) {
        int c = p.length / 3;
        float[] out = new float[3 * c];
        int kk = Math.min(k, c);
        device.parallelFor(c, 1024, (ch, s, e) -> {
            int[] idx = new int[kk];
            float[] d2 = new float[kk];
            for (int i = s; i < e; i++) {
                float x = p[3 * i], y = p[3 * i + 1], z = p[3 * i + 2];
                int found = tree.knn(x, y, z, kk, idx, d2);
                double nx = nrm[3 * i], ny = nrm[3 * i + 1], nz = nrm[3 * i + 2];
                double sw = 0, sd = 0;
                for (int q = 0; q < found; q++) {
                    int j = idx[q];
                    double w = weights == null ? 1 : weights[j];
                    sw += w;
                    sd += w * ((p[3 * j] - x) * nx + (p[3 * j + 1] - y) * ny + (p[3 * j + 2] - z) * nz);
                }
                double off = sw > 0 ? strength * sd / sw : 0;
                out[3 * i] = (float) (x + off * nx);
                out[3 * i + 1] = (float) (y + off * ny);
                out[3 * i + 2] = (float) (z + off * nz);
            }
        });
        return out;
    }

    private static final int GRAIN = 8192;

    /**
     * {@link #cellSamples} with {@code nrm} possibly null (then only the positions are meaningful).
     * With {@code packed} (and when cell key and point index fit 63 bits together) the points
     * are grouped by one sort of packed (key, index) longs, otherwise by a sort of the keys and a
     * binary search per point; both give the same result.
     */
    static NksSolver.Samples reduce(float[] pts, float[] nrm, int n, double[] origin, double hs, CpuDevice device, boolean packed) {
        return reduce(pts, nrm, n, origin, hs, device, packed, null);
    }

    private static NksSolver.Samples reduce(float[] pts, float[] nrm, int n, double[] origin, double hs, CpuDevice device, boolean packed,
            int[][] countsOut) {
        long[] keys = new long[n];
        int chunks = CpuDevice.chunkCount(n, GRAIN);
        int[] chunkMax = new int[chunks];
        device.parallelFor(n, GRAIN, (c, s, e) -> {
            int m = 0;
            for (int i = s; i < e; i++) {
                int x = (int) Math.floor((pts[3 * i] - origin[0]) / hs);
                int y = (int) Math.floor((pts[3 * i + 1] - origin[1]) / hs);
                int z = (int) Math.floor((pts[3 * i + 2] - origin[2]) / hs);
                keys[i] = VoxelHierarchy.morton(x, y, z);
                m |= x | y | z; // negative when any is: sign bit set
            }
            chunkMax[c] = m;
        });
        int or = 0;
        for (int m : chunkMax) or |= m;
        int keyBits = 3 * (32 - Integer.numberOfLeadingZeros(or));
        int idxBits = 32 - Integer.numberOfLeadingZeros(Math.max(1, n - 1));
        // point indices grouped by cell, in cell key order and index order within a cell
        int[] order = new int[n];
        int[] start;
        if (packed && or >= 0 && keyBits + idxBits <= 63) {
            // one sort of (key, index) packed into longs
            device.parallelFor(n, GRAIN, (c, s, e) -> {
                for (int i = s; i < e; i++) keys[i] = (keys[i] << idxBits) | i;
            });
            Arrays.parallelSort(keys);
            long mask = (1L << idxBits) - 1;
            int cells = 0;
            for (int i = 0; i < n; i++) {
                if (i == 0 || (keys[i] >>> idxBits) != (keys[i - 1] >>> idxBits)) cells++;
            }
            start = new int[cells + 1];
            int c = 0;
            for (int i = 0; i < n; i++) {
                if (i == 0 || (keys[i] >>> idxBits) != (keys[i - 1] >>> idxBits)) start[c++] = i;
                order[i] = (int) (keys[i] & mask);
            }
            start[cells] = n;
        } else {
            long[] sorted = keys.clone();
            Arrays.parallelSort(sorted);
            int u = 0;
            for (int i = 0; i < n; i++) if (i == 0 || sorted[i] != sorted[i - 1]) sorted[u++] = sorted[i];
            int cells = u;
            int[] cellOf = new int[n];
            device.parallelFor(n, GRAIN, (c, s, e) -> {
                for (int i = s; i < e; i++) cellOf[i] = Arrays.binarySearch(sorted, 0, cells, keys[i]);
            });
            start = new int[cells + 1];
            for (int i = 0; i < n; i++) start[cellOf[i] + 1]++;
            for (int c = 0; c < cells; c++) start[c + 1] += start[c];
            int[] fill = Arrays.copyOf(start, cells);
            for (int i = 0; i < n; i++) order[fill[cellOf[i]]++] = i;
        }
        int cells = start.length - 1;
        if (countsOut != null) {
            int[] cnt = new int[cells];
            for (int c = 0; c < cells; c++) cnt[c] = start[c + 1] - start[c];
            countsOut[0] = cnt;
        }
        float[] p = new float[3 * cells];
        float[] nn = new float[3 * cells];
        float[] w = new float[cells];
        double area = hs * hs;
        device.parallelFor(cells, GRAIN / 4, (ch, c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                double sx = 0, sy = 0, sz = 0, nx = 0, ny = 0, nz = 0;
                int count = start[c + 1] - start[c];
                for (int j = start[c]; j < start[c + 1]; j++) {
                    int i = 3 * order[j];
                    sx += pts[i];
                    sy += pts[i + 1];
                    sz += pts[i + 2];
                    if (nrm != null) {
                        nx += nrm[i];
                        ny += nrm[i + 1];
                        nz += nrm[i + 2];
                    }
                }
                p[3 * c] = (float) (sx / count);
                p[3 * c + 1] = (float) (sy / count);
                p[3 * c + 2] = (float) (sz / count);
                double len = Math.sqrt(nx * nx + ny * ny + nz * nz);
                if (len > 1e-3 * count) {
                    nx /= len;
                    ny /= len;
                    nz /= len;
                    nn[3 * c] = (float) nx;
                    nn[3 * c + 1] = (float) ny;
                    nn[3 * c + 2] = (float) nz;
                    double l1 = Math.abs(nx) + Math.abs(ny) + Math.abs(nz);
                    w[c] = (float) (area / Math.max(1.0, l1));
                } else {
                    w[c] = (float) (area / 1.5);
                }
            }
        });
        return new NksSolver.Samples(p, nn, w);
    }

    /**
     * Samples at {@code positions (C, 3)} (one per cell of size {@code hs}) with unit
     * {@code normals (C, 3)}, weighted as {@link #cellSamples} does. Holds both arrays.
     */
    static NksSolver.Samples withNormals(float[] positions, float[] normals, double hs) {
        int c = positions.length / 3;
        float[] w = new float[c];
        double area = hs * hs;
        for (int i = 0; i < c; i++) {
            double l1 = Math.abs(normals[3 * i]) + Math.abs(normals[3 * i + 1]) + Math.abs(normals[3 * i + 2]);
            w[i] = (float) (area / Math.max(1.0, l1));
        }
        return new NksSolver.Samples(positions, normals, w);
    }
}
