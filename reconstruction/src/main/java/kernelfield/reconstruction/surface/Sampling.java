package kernelfield.reconstruction.surface;

import java.util.Arrays;

import kernelfield.engine.compute.CpuDevice;
import kernelfield.fields.nks.NksSolver;
import kernelfield.fields.nks.VoxelHierarchy;

/** Reduction of oriented points to one sample per occupied cell. */
final class Sampling {
    private Sampling() {
    }

    /**
     * One sample per occupied cell of size {@code hs} (cells aligned on {@code origin}): the
     * centroid of its points, the normalised sum of their normals (zero when they cancel), and
     * the area of a plane through a cell, {@code hs^2 / |n|_1}. Samples come in cell key order.
     * Allocates {@code O(n)} scratch and the samples.
     */
    static NksSolver.Samples cellSamples(float[] pts, float[] nrm, int n, double[] origin, double hs, CpuDevice device) {
        long[] keys = new long[n];
        device.parallelFor(n, 8192, (c, s, e) -> {
            for (int i = s; i < e; i++) {
                int x = (int) Math.floor((pts[3 * i] - origin[0]) / hs);
                int y = (int) Math.floor((pts[3 * i + 1] - origin[1]) / hs);
                int z = (int) Math.floor((pts[3 * i + 2] - origin[2]) / hs);
                keys[i] = VoxelHierarchy.morton(x, y, z);
            }
        });
        long[] sorted = keys.clone();
        Arrays.parallelSort(sorted);
        int u = 0;
        for (int i = 0; i < n; i++) if (i == 0 || sorted[i] != sorted[i - 1]) sorted[u++] = sorted[i];
        int cells = u;
        int[] cellOf = new int[n];
        device.parallelFor(n, 8192, (c, s, e) -> {
            for (int i = s; i < e; i++) cellOf[i] = Arrays.binarySearch(sorted, 0, cells, keys[i]);
        });
        double[] sum = new double[3 * cells];
        double[] nsum = new double[3 * cells];
        int[] count = new int[cells];
        for (int i = 0; i < n; i++) {
            int c = cellOf[i];
            count[c]++;
            for (int a = 0; a < 3; a++) {
                sum[3 * c + a] += pts[3 * i + a];
                nsum[3 * c + a] += nrm[3 * i + a];
            }
        }
        float[] p = new float[3 * cells];
        float[] nn = new float[3 * cells];
        float[] w = new float[cells];
        double area = hs * hs;
        for (int c = 0; c < cells; c++) {
            for (int a = 0; a < 3; a++) p[3 * c + a] = (float) (sum[3 * c + a] / count[c]);
            double nx = nsum[3 * c], ny = nsum[3 * c + 1], nz = nsum[3 * c + 2];
            double len = Math.sqrt(nx * nx + ny * ny + nz * nz);
            if (len > 1e-3 * count[c]) {
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
        return new NksSolver.Samples(p, nn, w);
    }

    /**
     * Centroids {@code (C, 3)} of the occupied cells of size {@code hs} (aligned on {@code origin}),
     * in cell key order. Allocates {@code O(n)} scratch and the result.
     */
    static float[] cellCentroids(float[] pts, int n, double[] origin, double hs, CpuDevice device) {
        float[] zero = new float[3 * n];
        return cellSamples(pts, zero, n, origin, hs, device).positions();
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
