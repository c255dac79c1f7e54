package kernelfield.engine.geometry;

import java.util.Arrays;
import java.util.Objects;

import kernelfield.engine.compute.CpuDevice;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.geometry.internal.LongIntHashMap;
import kernelfield.engine.geometry.internal.McCell;
import kernelfield.engine.geometry.internal.McTables;
import kernelfield.engine.util.FloatList;
import kernelfield.engine.util.IntList;

/**
 * Dual marching cubes (after Schaefer and Warren, "Dual marching cubes: primal contouring of dual
 * grids", 2004): the level set of a field over an adaptive octree given by its leaves.
 *
 * <p>The octree: leaf cells {@code (level, ix, iy, iz)} on a base lattice of spacing {@code h}
 * anchored at {@code origin}. A leaf of level {@code k} is the cube of {@code 2^k} base cells
 * starting at base cell {@code (ix, iy, iz) 2^k}; its size is {@code h 2^k}. Leaves must not
 * overlap; they need not cover space (a sparse band around the surface is the intended use) and
 * need not be 2:1 balanced.
 *
 * <p>The method: the field is evaluated once at the centre of every leaf. The dual grid has one
 * vertex per leaf (its centre) and one hexahedral cell per octree vertex {@code P} (a corner of
 * some leaf): the cell joins the centres of the 8 leaves that contain the 8 octants around
 * {@code P} (corner {@code c} of the dual cell, numbered as in {@link MarchingCubes}, is the leaf
 * of the octant on the {@code (c & 1, c >> 1 & 1, c >> 2 & 1)} side of {@code P}). Where leaves of
 * different sizes meet, one leaf fills several octants and the cell degenerates (a prism, a
 * pyramid, ...); where an octant holds no leaf (the edge of the band) the cell is skipped. The
 * dual cells tile the space between the leaf centres without gaps or overlaps, so running the
 * marching-cubes case table ({@link MarchingCubes}'s conventions: below {@code iso} is inside,
 * triangles counter-clockwise seen from outside, ambiguous faces by the asymptotic decider on the
 * face's four values) on each dual cell gives a crack-free surface: each vertex lies on a dual edge
 * (a pair of leaves whose centre values straddle {@code iso}) by linear interpolation between the
 * centres, and is shared, by that pair of leaves, with every cell around the edge. Triangles that
 * degenerate to a repeated vertex (two dual edges of a collapsed cell joining the same pair of
 * leaves) are dropped, and vertices left unused by them are removed. Where the level set stays
 * inside the region between the leaf centres, the mesh is closed.
 *
 * <p>Each dual cell is produced once, by one of the leaves that have {@code P} as a corner: the leaf
 * whose lowest corner is {@code P}, or, at a hanging vertex (inside a face or an edge of a larger
 * leaf), the first of the leaves that have {@code P} as a corner in the sorted order. Leaves are
 * processed in Morton order of their lowest corner, so the output depends only on the set of
 * leaves and the field, never on the input order; the method is sequential apart from the
 * caller's field evaluation. Memory: {@code O(N)} for {@code N} leaves besides the mesh.
 */
public final class DualMarchingCubes {
    private DualMarchingCubes() {
    }

    /** Bits per axis of the base lattice: base coordinates lie in {@code [0, 2^21)}. */
    public static final int AXIS_BITS = 21;
    /** Exclusive bound of base-lattice coordinates. */
    public static final int AXIS_LIMIT = 1 << AXIS_BITS;
    /** Largest leaf level. */
    public static final int MAX_LEVEL = AXIS_BITS - 1;
    /** Leaves per call of {@link LeafField#evaluate}. */
    public static final int BATCH = 1 << 16;

    /** A field at the centres of leaves, evaluated in batches. */
    @FunctionalInterface
    public interface LeafField {
        /**
         * Values at the centres of {@code leaves (M, 4)} (rows {@code level, ix, iy, iz}) into
         * {@code out (M)} (overwritten; may be longer). Must not keep the arrays.
         */
        void evaluate(int[] leaves, float[] out);
    }

    /**
     * Extracts the level set {@code iso} of a field given at points in space (leaf centres at
     * {@code origin + h (2^k (ix, iy, iz) + 2^k / 2)}).
     *
     * @see #extract(int[], LeafField, double[], double, float)
     */
    public static TriangleMesh extract(int[] leaves, SparseMarchingCubes.Field field, double[] origin, double h, float iso) {
        Objects.requireNonNull(field, "field");
        checkFrame(origin, h);
        LeafField lf = (rows, out) -> {
            int m = rows.length / 4;
            float[] p = new float[3 * m];
            for (int i = 0; i < m; i++) {
                double half = 0.5 * (1 << rows[4 * i]);
                for (int a = 0; a < 3; a++) {
                    p[3 * i + a] = (float) (origin[a] + h * ((double) rows[4 * i + 1 + a] * (1 << rows[4 * i]) + half));
                }
            }
            float[] r = field.evaluate(p);
            if (r == null || r.length < m) {
                throw new IllegalArgumentException("field returned " + (r == null ? "null" : r.length + " values") + " for " + m + " points");
            }
            System.arraycopy(r, 0, out, 0, m);
        };
        return extract(leaves, lf, origin, h, iso);
    }

    /**
     * Extracts the level set {@code iso} over the octree leaves {@code leaves (N, 4)}, rows
     * {@code (level, ix, iy, iz)}: level in {@code 0..MAX_LEVEL}, {@code (ix + 1) 2^level <=
     * AXIS_LIMIT}, any order, exact duplicates allowed; not modified.
     *
     * @param field  values at leaf centres, called with batches of at most {@link #BATCH} leaves
     * @param origin position {@code (3)} of base-lattice point (0, 0, 0)
     * @param h      base cell size, {@code > 0}
     * @return a new mesh (no normals), vertices in space; empty when no dual cell straddles {@code iso}
     * @throws IllegalArgumentException for a malformed row, or leaves that overlap
     */
    public static TriangleMesh extract(int[] leaves, LeafField field, double[] origin, double h, float iso) {
        return extract(leaves, field, origin, h, iso, null);
    }

    /**
     * As {@link #extract(int[], LeafField, double[], double, float)}, with the dual cells processed
     * in parallel on {@code device} (null: sequentially). The output is the same for any device and
     * thread count.
     */
    public static TriangleMesh extract(int[] leaves, LeafField field, double[] origin, double h, float iso, CpuDevice device) {
        Objects.requireNonNull(field, "field");
        return extract(leaves, field, null, null, origin, h, iso, device);
    }

    /**
     * As {@link #extract(int[], LeafField, double[], double, float, CpuDevice)}, with the values at
     * the leaf centres given and leaves that need no dual cells marked.
     *
     * @param values (N) value at the centre of each leaf of {@code leaves}, in the same order; not modified
     * @param active (N) or null (all active); not modified. A leaf may be marked inactive only when every
     *               leaf that shares a boundary point with it lies on its side of {@code iso} (both values
     *               {@code < iso}, or neither): then no dual cell at one of its corners makes triangles,
     *               and skipping its cells leaves the mesh unchanged (the same mesh, vertex for vertex)
     */
    public static TriangleMesh extract(int[] leaves, float[] values, boolean[] active, double[] origin, double h, float iso,
            CpuDevice device) {
        Objects.requireNonNull(leaves, "leaves");
        Objects.requireNonNull(values, "values");
        if (values.length != leaves.length / 4) throw new IllegalArgumentException("values has length " + values.length + " for " + leaves.length / 4 + " leaves");
        if (active != null && active.length != values.length) throw new IllegalArgumentException("active has length " + active.length + " for " + values.length + " leaves");
        return extract(leaves, null, values, active, origin, h, iso, device);
    }

    private static TriangleMesh extract(int[] leaves, LeafField field, float[] values, boolean[] active, double[] origin, double h,
            float iso, CpuDevice device) {
        Objects.requireNonNull(leaves, "leaves");
        checkFrame(origin, h);
        if (leaves.length % 4 != 0) throw new IllegalArgumentException("leaves has length " + leaves.length + ", not a multiple of 4");
        int n0 = leaves.length / 4;
        if (n0 == 0) return new TriangleMesh(new float[0], new int[0]);
        // keys: Morton code of the lowest base corner; a leaf is the Morton range [key, key + 8^level)
        long[] keys = new long[n0];
        boolean sorted = true;
        for (int i = 0; i < n0; i++) {
            int l = leaves[4 * i], x = leaves[4 * i + 1], y = leaves[4 * i + 2], z = leaves[4 * i + 3];
            if (l < 0 || l > MAX_LEVEL) throw new IllegalArgumentException("leaf " + i + ": level " + l + " not in 0.." + MAX_LEVEL);
            long lim = AXIS_LIMIT >> l;
            if (x < 0 || y < 0 || z < 0 || x >= lim || y >= lim || z >= lim) {
                throw new IllegalArgumentException("leaf " + i + ": (" + x + ", " + y + ", " + z + ") at level " + l + " outside [0, " + lim + ")");
            }
            keys[i] = morton(x << l, y << l, z << l);
            if (i > 0 && keys[i] <= keys[i - 1]) sorted = false;
        }
        int n;
        int[] src; // input row of each sorted leaf
        if (sorted) {
            n = n0;
            src = null;
        } else {
            long maxKey = 0;
            for (int i = 0; i < n0; i++) maxKey = Math.max(maxKey, keys[i]);
            int kb = 64 - Long.numberOfLeadingZeros(maxKey), ib = 32 - Integer.numberOfLeadingZeros(n0 - 1);
            if (kb + ib <= 63) {
                // key and row in one long: one sort, rows of equal keys in input order
                long[] packed = new long[n0];
                for (int i = 0; i < n0; i++) packed[i] = keys[i] << ib | i;
                Arrays.parallelSort(packed);
                long rowMask = (1L << ib) - 1;
                src = new int[n0];
                int nk = 0;
                for (int q = 0; q < n0; q++) {
                    long k = packed[q] >>> ib;
                    int i = (int) (packed[q] & rowMask);
                    if (nk > 0 && keys[nk - 1] == k) {
                        int lp = leaves[4 * src[nk - 1]], l = leaves[4 * i];
                        if (lp != l) {
                            int a = Math.min(i, src[nk - 1]), b = Math.max(i, src[nk - 1]);
                            throw new IllegalArgumentException("leaf " + b + " (level " + leaves[4 * b] + ") overlaps a leaf of level " + leaves[4 * a] + " at the same corner");
                        }
                        continue;
                    }
                    keys[nk] = k;
                    src[nk++] = i;
                }
                n = nk;
                if (nk < n0) {
                    keys = Arrays.copyOf(keys, nk);
                    src = Arrays.copyOf(src, nk);
                }
            } else {
                LongIntHashMap rowOf = new LongIntHashMap(n0);
                int nk = 0;
                for (int i = 0; i < n0; i++) {
                    int l = leaves[4 * i];
                    int prev = rowOf.get(keys[i]);
                    if (prev >= 0) {
                        int lp = leaves[4 * prev];
                        if (lp != l) throw new IllegalArgumentException("leaf " + i + " (level " + l + ") overlaps a leaf of level " + lp + " at the same corner");
                        continue;
                    }
                    rowOf.put(keys[i], i);
                    keys[nk++] = keys[i];
                }
                keys = Arrays.copyOf(keys, nk);
                Arrays.sort(keys);
                n = nk;
                src = new int[n];
                for (int i = 0; i < n; i++) src[i] = rowOf.get(keys[i]);
            }
        }
        int[] level = new int[n];
        for (int i = 0; i < n; i++) level[i] = leaves[4 * (src == null ? i : src[i])];
        int[] cx = new int[n], cy = new int[n], cz = new int[n];
        for (int i = 0; i < n; i++) {
            cx[i] = Morton.x(keys[i]);
            cy[i] = Morton.y(keys[i]);
            cz[i] = Morton.z(keys[i]);
            // overlap: consecutive Morton ranges must not intersect
            if (i > 0 && keys[i - 1] + (1L << 3 * level[i - 1]) > keys[i]) {
                int j = i - 1;
                throw new IllegalArgumentException("leaves (" + level[j] + ", " + (cx[j] >> level[j]) + ", " + (cy[j] >> level[j]) + ", "
                        + (cz[j] >> level[j]) + ") and (" + level[i] + ", " + (cx[i] >> level[i]) + ", " + (cy[i] >> level[i]) + ", "
                        + (cz[i] >> level[i]) + ") overlap");
            }
        }
        Octree tree = new Octree(keys, level, cx, cy, cz);
        // values at the centres
        float[] val;
        if (values != null) {
            if (src == null) {
                val = values;
            } else {
                val = new float[n];
                for (int i = 0; i < n; i++) val[i] = values[src[i]];
            }
        } else {
            val = new float[n];
            int[] rows = new int[4 * Math.min(n, BATCH)];
            float[] out = new float[Math.min(n, BATCH)];
            for (int lo = 0; lo < n; lo += BATCH) {
                int m = Math.min(BATCH, n - lo);
                if (rows.length != 4 * m) rows = new int[4 * m];
                for (int q = 0; q < m; q++) {
                    int i = lo + q;
                    rows[4 * q] = level[i];
                    rows[4 * q + 1] = cx[i] >> level[i];
                    rows[4 * q + 2] = cy[i] >> level[i];
                    rows[4 * q + 3] = cz[i] >> level[i];
                }
                field.evaluate(rows, out);
                System.arraycopy(out, 0, val, lo, m);
            }
        }
        boolean[] act = null;
        if (active != null) {
            if (src == null) {
                act = active;
            } else {
                act = new boolean[n];
                for (int i = 0; i < n; i++) act[i] = active[src[i]];
            }
        }
        // dual cells, in fixed chunks of leaves; then the chunks' vertices are welded in chunk order
        int chunks = CpuDevice.chunkCount(n, GRAIN);
        Part[] parts = new Part[chunks];
        boolean[] actf = act;
        CpuDevice.ChunkBody body = (c, st, e) -> parts[c] = cells(tree, val, actf, iso, origin, h, st, e);
        if (device == null) {
            for (int c = 0; c < chunks; c++) body.run(c, c * GRAIN, Math.min(n, (c + 1) * GRAIN));
        } else {
            device.parallelFor(n, GRAIN, body);
        }
        return merge(parts, n);
    }

    /** Leaves per chunk of the dual-cell pass. */
    private static final int GRAIN = 1 << 14;

    /** One chunk's output: vertices with their dual-edge keys (-1 for a cell's centre vertex), triangles on local ids. */
    private record Part(float[] verts, long[] keys, int[] tris) {
    }

    private static Part cells(Octree tree, float[] val, boolean[] act, float iso, double[] origin, double h, int st, int e) {
        FloatList verts = new FloatList(1024);
        IntList tris = new IntList(2048);
        DualEdges edges = new DualEdges(tree, val, iso, verts, origin, h, new LongIntHashMap(Math.max(16, (e - st) / 2)));
        int[] cell = edges.cell;
        float[] v = edges.v;
        int[] scratch = new int[8];
        int[] lv = tree.level, cx = tree.cx, cy = tree.cy, cz = tree.cz;
        for (int i = st; i < e; i++) {
            if (act != null && !act[i]) continue;
            int s = 1 << lv[i];
            // which half of its parent cube the leaf is in, per axis: a corner c that stays inside the parent
            // (no axis with c's bit and the upper half) is the lowest corner of the leaf in P's +++ octant
            // (leaves inside the parent cube are no larger than this one), or has no cell: skip it
            int upper = (cx[i] >> lv[i] & 1) | (cy[i] >> lv[i] & 1) << 1 | (cz[i] >> lv[i] & 1) << 2;
            for (int c = 0; c < 8; c++) {
                if (c != 0 && (c & upper) == 0) continue;
                int px = cx[i] + (c & 1) * s, py = cy[i] + (c >> 1 & 1) * s, pz = cz[i] + (c >> 2 & 1) * s;
                int m = i; // the leaf in P's +++ octant
                if (c != 0) {
                    m = tree.locate(px, py, pz, i);
                    if (m < 0 || (cx[m] == px && cy[m] == py && cz[m] == pz)) continue; // no cell, or the leaf at P's +++ octant makes it
                }
                // octant 7 ^ c is leaf i itself, octant 7 is m: no search for them
                if (!tree.octants(px, py, pz, cell, i, 7 ^ c, m)) continue;
                if (c != 0 && tree.owner(px, py, pz, cell) != i) continue;
                for (int o = 0; o < 8; o++) v[o] = val[cell[o]];
                int t = McTables.lookup(v, iso);
                if (t < 0) continue;
                McCell.polygonize(t, edges, verts, tris, scratch);
                edges.padKeys(); // centre vertices (appended by McCell) carry no dual edge
            }
        }
        return new Part(verts.toArray(), edges.keys.toArray(), tris.toArray());
    }

    private static TriangleMesh merge(Part[] parts, int n) {
        int total = 0, tt = 0;
        for (Part p : parts) {
            total += p.keys().length;
            tt += p.tris().length;
        }
        LongIntHashMap global = new LongIntHashMap(Math.max(16, total));
        FloatList verts = new FloatList(Math.max(16, 3 * total));
        IntList tris = new IntList(Math.max(16, tt));
        for (Part p : parts) {
            long[] k = p.keys();
            int[] map = new int[k.length];
            for (int q = 0; q < k.length; q++) {
                int id = k[q] < 0 ? -1 : global.get(k[q]);
                if (id < 0) {
                    id = verts.size() / 3;
                    verts.add3(p.verts()[3 * q], p.verts()[3 * q + 1], p.verts()[3 * q + 2]);
                    if (k[q] >= 0) global.put(k[q], id);
                }
                map[q] = id;
            }
            int[] t = p.tris();
            for (int q = 0; q < t.length; q += 3) tris.add3(map[t[q]], map[t[q + 1]], map[t[q + 2]]);
        }
        return compact(verts, tris);
    }

    /** Drops triangles with a repeated vertex and vertices no triangle uses; keeps the order of the rest. */
    private static TriangleMesh compact(FloatList verts, IntList tris) {
        int[] t = tris.toArray();
        int m = 0;
        for (int q = 0; q < t.length; q += 3) {
            int a = t[q], b = t[q + 1], c = t[q + 2];
            if (a == b || b == c || a == c) continue;
            t[m++] = a;
            t[m++] = b;
            t[m++] = c;
        }
        t = Arrays.copyOf(t, m);
        int nv = verts.size() / 3;
        int[] remap = new int[nv];
        Arrays.fill(remap, -1);
        int k = 0;
        for (int q = 0; q < m; q++) {
            if (remap[t[q]] < 0) remap[t[q]] = -2;
        }
        float[] src = verts.toArray();
        for (int i = 0; i < nv; i++) if (remap[i] == -2) remap[i] = k++;
        float[] dst = k == nv ? src : new float[3 * k];
        if (k != nv) {
            for (int i = 0; i < nv; i++) if (remap[i] >= 0) System.arraycopy(src, 3 * i, dst, 3 * remap[i], 3);
            for (int q = 0; q < m; q++) t[q] = remap[t[q]];
        }
        return new TriangleMesh(dst, t);
    }

    private static void checkFrame(double[] origin, double h) {
        Objects.requireNonNull(origin, "origin");
        if (origin.length != 3) throw new IllegalArgumentException("origin must have 3 entries, got " + origin.length);
        if (!(h > 0) || !Double.isFinite(h)) throw new IllegalArgumentException("h must be > 0 and finite, got " + h);
    }

    /** Morton code of base coordinates (each in {@code [0, 2^21)}). */
    static long morton(int x, int y, int z) {
        return Morton.encode(x, y, z);
    }

    /** Leaf lookup by base cell: a search in the sorted Morton ranges of the leaves, from a nearby index. */
    private static final class Octree {
        final long[] keys;
        final int[] level, cx, cy, cz;

        Octree(long[] keys, int[] level, int[] cx, int[] cy, int[] cz) {
            this.keys = keys;
            this.level = level;
            this.cx = cx;
            this.cy = cy;
            this.cz = cz;
        }

        /** The leaf containing base cell (x, y, z), or -1 (also for a cell outside the lattice); {@code hint}: a leaf index nearby. */
        int locate(int x, int y, int z, int hint) {
            if (x < 0 || y < 0 || z < 0 || x >= AXIS_LIMIT || y >= AXIS_LIMIT || z >= AXIS_LIMIT) return -1;
            long m = morton(x, y, z);
            long[] k = keys;
            int n = k.length;
            // the last leaf with key <= m: gallop from the hint, then bisect
            int lo, hi; // k[lo] <= m < k[hi] (lo = -1, hi = n as sentinels)
            if (k[hint] <= m) {
                lo = hint;
                int step = 1;
                hi = hint + 1;
                while (hi < n && k[hi] <= m) {
                    lo = hi;
                    step <<= 1;
                    hi = hint + step;
                }
                if (hi > n) hi = n;
            } else {
                hi = hint;
                int step = 1;
                lo = hint - 1;
                while (lo >= 0 && k[lo] > m) {
                    hi = lo;
                    step <<= 1;
                    lo = hint - step;
                }
                if (lo < -1) lo = -1;
            }
            while (hi - lo > 1) {
                int mid = (lo + hi) >>> 1;
                if (k[mid] <= m) lo = mid;
                else hi = mid;
            }
            if (lo < 0) return -1;
            return m - k[lo] < 1L << 3 * level[lo] ? lo : -1;
        }

        /**
         * The leaves of the 8 octants around base point P into {@code cell (8)}; false when one is missing.
         * Octant {@code o7} holds leaf {@code hint} and octant 7 leaf {@code m7} (known, not searched).
         */
        boolean octants(int px, int py, int pz, int[] cell, int hint, int o7, int m7) {
            for (int o = 0; o < 8; o++) {
                if (o == o7) {
                    cell[o] = hint;
                    continue;
                }
                if (o == 7) {
                    cell[o] = m7;
                    continue;
                }
                int j = locate(px - 1 + (o & 1), py - 1 + (o >> 1 & 1), pz - 1 + (o >> 2 & 1), hint);
                if (j < 0) return false;
                cell[o] = j;
            }
            return true;
        }

        /** The first (lowest index) of the cell's leaves that have base point P as a corner. */
        int owner(int px, int py, int pz, int[] cell) {
            int best = Integer.MAX_VALUE;
            for (int o = 0; o < 8; o++) {
                int j = cell[o];
                if (j >= best) continue;
                int s = 1 << level[j];
                int dx = px - cx[j], dy = py - cy[j], dz = pz - cz[j];
                if ((dx == 0 || dx == s) && (dy == 0 || dy == s) && (dz == 0 || dz == s)) best = j;
            }
            return best;
        }
    }

    /** A growable long array. */
    private static final class LongList {
        long[] a = new long[256];
        int n;

        void add(long v) {
            if (n == a.length) a = Arrays.copyOf(a, 2 * n);
            a[n++] = v;
        }

        int size() {
            return n;
        }

        long[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }

    /** Vertex ids of dual edges, keyed by their pair of leaves. */
    private static final class DualEdges implements McCell.EdgeVertices {
        final Octree tree;
        final float[] val;
        final float iso;
        final FloatList verts;
        final double[] origin;
        final double h;
        final LongIntHashMap map;
        final long n;
        final int[] cell = new int[8];
        final float[] v = new float[8];
        final LongList keys = new LongList();

        DualEdges(Octree tree, float[] val, float iso, FloatList verts, double[] origin, double h, LongIntHashMap map) {
            this.tree = tree;
            this.val = val;
            this.iso = iso;
            this.verts = verts;
            this.origin = origin;
            this.h = h;
            this.map = map;
            this.n = val.length;
        }

        /** Gives every vertex created so far without a key (a cell's centre vertex) the key -1. */
        void padKeys() {
            while (keys.size() < verts.size() / 3) keys.add(-1L);
        }

        @Override
        public int vertex(int e) {
            int c0 = McTables.EDGE_C0[e];
            int a = cell[c0], b = cell[c0 | 1 << McTables.EDGE_AXIS[e]];
            if (a == b) throw new IllegalStateException("a dual edge inside one leaf cannot straddle the level");
            int lo = Math.min(a, b), hi = Math.max(a, b);
            long key = lo * n + hi;
            int id = map.get(key);
            if (id < 0) {
                id = verts.size() / 3;
                padKeys();
                double t = ((double) iso - val[lo]) / ((double) val[hi] - val[lo]);
                if (!(t >= 0)) t = 0;
                if (t > 1) t = 1;
                double hl = 0.5 * (1 << tree.level[lo]), hh = 0.5 * (1 << tree.level[hi]);
                double xl = tree.cx[lo] + hl, yl = tree.cy[lo] + hl, zl = tree.cz[lo] + hl;
                double xh = tree.cx[hi] + hh, yh = tree.cy[hi] + hh, zh = tree.cz[hi] + hh;
                verts.add3((float) (origin[0] + h * (xl + t * (xh - xl))), (float) (origin[1] + h * (yl + t * (yh - yl))),
                        (float) (origin[2] + h * (zl + t * (zh - zl))));
                map.put(key, id);
                keys.add(key);
            }
            return id;
        }
    }
}
