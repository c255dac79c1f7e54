package kernelfield.engine.geometry;

import java.util.Arrays;
import java.util.Objects;

import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.util.FloatList;
import kernelfield.engine.util.IntList;
import kernelfield.engine.geometry.internal.LongIntHashMap;
import kernelfield.engine.geometry.internal.McCell;
import kernelfield.engine.geometry.internal.McTables;

/**
 * Narrow-band marching cubes: only a given set of cells of a {@link SampleGrid} is polygonized, and
 * the field is evaluated, in batches, only at the corners of those cells.
 *
 * <p>The cells are given by their keys ({@link SampleGrid#key}); they are sorted and deduplicated,
 * so the output is deterministic and independent of their order. Vertices are welded across cells
 * through a hash map on lattice edges. Cells are processed in key order with the same tables and
 * vertex placement as {@link MarchingCubes}, so on the same samples the output is identical,
 * array for array, to the dense result whenever the given cells include every cell the surface
 * crosses (extra cells cost time only). Where the band misses crossed cells the mesh is open.
 */
public final class SparseMarchingCubes {
    private SparseMarchingCubes() {
    }

    /** A scalar field evaluated in batches. */
    @FunctionalInterface
    public interface Field {
        /**
         * Values at {@code points (M, 3)}; returns a new or reused array of at least M values. Must
         * not keep {@code points}.
         */
        float[] evaluate(float[] points);
    }

    /** Points per call of {@link Field#evaluate}. */
    public static final int BATCH = 1 << 16;

    /**
     * Polygonizes the cells {@code cells} of {@code grid} at level {@code iso}.
     *
     * @param cells cell keys, any order, duplicates allowed; not modified
     * @return a new mesh, see {@link MarchingCubes#extract} for the conventions
     * @throws IllegalArgumentException for a key that is not a cell of the grid
     */
    public static TriangleMesh extract(Field field, SampleGrid grid, long[] cells, float iso) {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(grid, "grid");
        Objects.requireNonNull(cells, "cells");
        int nx = grid.nx(), ny = grid.ny(), nz = grid.nz();
        long[] cs = cells.clone();
        Arrays.sort(cs);
        int nc = 0;
        for (int i = 0; i < cs.length; i++) {
            if (i > 0 && cs[i] == cs[i - 1]) continue;
            long key = cs[i];
            long i0 = key % nx, j0 = key / nx % ny, k0 = key / ((long) nx * ny);
            if (key < 0 || i0 >= nx - 1 || j0 >= ny - 1 || k0 >= nz - 1) {
                throw new IllegalArgumentException("cell key " + key + " is not a cell of a " + nx + " x " + ny + " x " + nz + " grid");
            }
            cs[nc++] = key;
        }
        if (nc == 0) return new TriangleMesh(new float[0], new int[0]);
        long[] off = new long[8];
        for (int c = 0; c < 8; c++) off[c] = ((long) McCell.dz(c) * ny + McCell.dy(c)) * nx + McCell.dx(c);
        // unique corners, sorted
        if ((long) nc * 8 > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("too many cells: " + nc);
        long[] corners = new long[nc * 8];
        for (int i = 0; i < nc; i++) for (int c = 0; c < 8; c++) corners[8 * i + c] = cs[i] + off[c];
        Arrays.sort(corners);
        int nu = 0;
        for (int i = 0; i < corners.length; i++) if (i == 0 || corners[i] != corners[i - 1]) corners[nu++] = corners[i];
        float[] values = new float[nu];
        for (int lo = 0; lo < nu; lo += BATCH) {
            int m = Math.min(BATCH, nu - lo);
            float[] pts = new float[3 * m];
            for (int q = 0; q < m; q++) {
                long key = corners[lo + q];
                pts[3 * q] = (float) grid.x(key % nx);
                pts[3 * q + 1] = (float) grid.y(key / nx % ny);
                pts[3 * q + 2] = (float) grid.z(key / ((long) nx * ny));
            }
            float[] r = field.evaluate(pts);
            if (r == null || r.length < m) {
                throw new IllegalArgumentException("field returned " + (r == null ? "null" : r.length + " values") + " for " + m + " points");
            }
            System.arraycopy(r, 0, values, lo, m);
        }
        FloatList verts = new FloatList(1024);
        IntList tris = new IntList(2048);
        HashedEdges he = new HashedEdges(grid, iso, verts, new LongIntHashMap(Math.min(nc * 2, 1 << 24)));
        float[] v = he.v;
        long[] ck = he.ck;
        int[] scratch = new int[8];
        for (int ci = 0; ci < nc; ci++) {
            long key = cs[ci];
            for (int c = 0; c < 8; c++) {
                ck[c] = key + off[c];
                v[c] = values[Arrays.binarySearch(corners, 0, nu, ck[c])];
            }
            int t = McTables.lookup(v, iso);
            if (t < 0) continue;
            McCell.polygonize(t, he, verts, tris, scratch);
        }
        return new TriangleMesh(verts.toArray(), tris.toArray());
    }

    /**
     * Cells near the level set, from a coarse pass: the field is evaluated on the sub-lattice of
     * every {@code stride}-th sample (and the last one on each axis); each coarse block whose
     * corners change sign about {@code iso}, or lie within {@code band} of it, contributes all its
     * cells. For a signed distance (1-Lipschitz) a band of {@code stride} times the largest
     * spacing times sqrt(3) is sure to catch every crossed cell.
     *
     * @return sorted cell keys, a new array
     */
    public static long[] cellsNearSurface(Field field, SampleGrid grid, int stride, float band, float iso) {
        Objects.requireNonNull(field, "field");
        if (stride < 1) throw new IllegalArgumentException("stride " + stride);
        int nx = grid.nx(), ny = grid.ny(), nz = grid.nz();
        if (nx < 2 || ny < 2 || nz < 2) return new long[0];
        int[] cx = coarse(nx, stride), cy = coarse(ny, stride), cz = coarse(nz, stride);
        int mx = cx.length, my = cy.length, mz = cz.length;
        long total = (long) mx * my * mz;
        if (total > Integer.MAX_VALUE / 4) throw new IllegalArgumentException("coarse grid too large: " + total);
        float[] pts = new float[(int) (3 * total)];
        int o = 0;
        for (int k = 0; k < mz; k++) {
            for (int j = 0; j < my; j++) {
                for (int i = 0; i < mx; i++) {
                    pts[o++] = (float) grid.x(cx[i]);
                    pts[o++] = (float) grid.y(cy[j]);
                    pts[o++] = (float) grid.z(cz[k]);
                }
            }
        }
        float[] val = new float[(int) total];
        for (int lo = 0; lo < total; lo += BATCH) {
            int m = (int) Math.min(BATCH, total - lo);
            float[] r = field.evaluate(Arrays.copyOfRange(pts, 3 * lo, 3 * (lo + m)));
            System.arraycopy(r, 0, val, lo, m);
        }
        long[] keys = new long[1024];
        int n = 0;
        for (int k = 0; k < mz - 1; k++) {
            for (int j = 0; j < my - 1; j++) {
                for (int i = 0; i < mx - 1; i++) {
                    boolean below = false, above = false, near = false;
                    for (int c = 0; c < 8; c++) {
                        float f = val[((k + McCell.dz(c)) * my + j + McCell.dy(c)) * mx + i + McCell.dx(c)];
                        if (f < iso) below = true;
                        else above = true;
                        if (Math.abs(f - iso) <= band) near = true;
                    }
                    if (!(near || (below && above))) continue;
                    for (int z = cz[k]; z < cz[k + 1]; z++) {
                        for (int y = cy[j]; y < cy[j + 1]; y++) {
                            for (int x = cx[i]; x < cx[i + 1]; x++) {
                                if (n == keys.length) keys = Arrays.copyOf(keys, 2 * n);
                                keys[n++] = grid.key(x, y, z);
                            }
                        }
                    }
                }
            }
        }
        long[] out = Arrays.copyOf(keys, n);
        Arrays.sort(out);
        return out;
    }

    private static int[] coarse(int n, int stride) {
        int m = (n - 1 + stride - 1) / stride + 1;
        int[] c = new int[m];
        for (int i = 0; i < m; i++) c[i] = Math.min(i * stride, n - 1);
        return c;
    }

    /** Vertex ids of lattice edges through a hash map keyed by {@code 3 * lowSampleKey + axis}. */
    private static final class HashedEdges implements McCell.EdgeVertices {
        final SampleGrid grid;
        final float iso;
        final FloatList verts;
        final LongIntHashMap map;
        final float[] v = new float[8];
        final long[] ck = new long[8];
        final int nx, ny;

        HashedEdges(SampleGrid grid, float iso, FloatList verts, LongIntHashMap map) {
            this.grid = grid;
            this.iso = iso;
            this.verts = verts;
            this.map = map;
            nx = grid.nx();
            ny = grid.ny();
        }

        @Override
        public int vertex(int e) {
            int c0 = McTables.EDGE_C0[e], axis = McTables.EDGE_AXIS[e];
            long s = ck[c0];
            long ek = s * 3 + axis;
            int id = map.get(ek);
            if (id < 0) {
                id = verts.size() / 3;
                McCell.emit(verts, grid, (int) (s % nx), (int) (s / nx % ny), (int) (s / ((long) nx * ny)), axis, v[c0],
                        v[c0 | 1 << axis], iso);
                map.put(ek, id);
            }
            return id;
        }
    }
}
