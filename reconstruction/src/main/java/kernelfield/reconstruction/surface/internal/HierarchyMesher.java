package kernelfield.reconstruction.surface.internal;

import java.util.Arrays;

import kernelfield.engine.compute.CpuDevice;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.geometry.DualMarchingCubes;
import kernelfield.fields.nks.NksField;
import kernelfield.fields.nks.VoxelHierarchy;

/**
 * Adaptive meshing of an {@link NksField}: an octree over the hierarchy's voxels, contoured by
 * {@link DualMarchingCubes}, with the vertices then moved onto the zero level set by Newton steps.
 *
 * <p>The octree's base cell is the marching-cubes cell {@code hm = h0 / sd} ({@code sd} in 1..4),
 * anchored at the hierarchy's origin; an octree cell of level {@code k} spans {@code 2^k} base
 * cells per axis from a multiple of {@code 2^k}. A voxel of hierarchy level {@code l} spans
 * {@code sd 2^l} base cells: for {@code sd} a power of two it is one octree cell (of level
 * {@code log2 sd + l}); otherwise (3 cells per voxel) it is tiled by the coarsest octree cells inside
 * it ({@link #tiles}: for a finest voxel, one cell of level 1 and 19 of level 0), which then take
 * its place. Every value is taken on the lattice of spacing {@code hm / 2}
 * ({@link NksField#evaluateLattice}, exact phases), so a point shared by several cells has one value.
 *
 * <p>The region: when trimming, the active finest voxels (the distance mask); otherwise the
 * coarsest level's voxels (dense), split coarse-to-fine into their 8 child voxels down to the finest
 * voxels, then into octree cells. A cell is split into its 8 children while
 * <ul>
 *   <li>the zero set may cross it: its 27 values (corners, edge and face mid-points, centre) change
 *       sign, or one is within {@code lipschitz} times a quarter of the cell's diagonal of zero (every
 *       point of the cell lies that close to one of them);</li>
 *   <li>it is above the finest size allowed there: {@code hm} where the finest level is active,
 *       otherwise (the watertight far field, where only coarser levels hold voxels) the
 *       marching-cubes cell {@code h_l / sd = hm 2^l} of the finest level {@code l} active there
 *       (a voxel is split into its child voxels only while its tiles stay at or above that size, except
 *       below an active voxel: with 3 cells per voxel the far field under an active voxel of level
 *       {@code l} stops at its child voxels, tiled by cells of levels {@code l - 1} and {@code l});</li>
 *   <li>and the field is not flat in it: one of the 19 non-corner values deviates from the trilinear
 *       interpolation of the 8 corner values by more than {@code flatness hm}. Voxels on the edge of
 *       the distance mask skip this test (where the mesh ends, it ends at the finest cells).</li>
 * </ul>
 * Cells that are not split are the leaves (no 2:1 balance: the dual contouring does not need it;
 * neither does it need the leaves to come from one root cell, only that they are aligned octree
 * cells that do not overlap).
 * Inside a finest voxel the tests read the voxel's {@code (sd + 1)^3} lattice, evaluated in one block
 * ({@link NksField#evaluateVoxelLattices}); above, each cell's 27 points are evaluated in batches.
 *
 * <p>When trimming, every leaf lies inside one active finest voxel, and the leaf-centre values are
 * evaluated here: a leaf whose neighbours (the leaves holding the base cells within one cell of it)
 * all lie on its side of zero makes no triangles, and its dual cells are skipped
 * ({@link DualMarchingCubes#extract(int[], float[], boolean[], double[], double, float, CpuDevice)}; the
 * same mesh, about 28% of the leaves active on the bunnies at 3 cells per voxel).
 *
 * <p>Vertex refinement: each vertex of the dual mesh takes {@code newtonSteps} steps
 * {@code x -= f grad f / |grad f|^2}, each clamped to {@code hm / 2} (a vertex whose gradient
 * vanishes stays). Deterministic for any thread count; allocates the mesh and {@code O(leaves)}
 * scratch.
 */
public final class HierarchyMesher {
    private static final int BLOCK = 1 << 14;

    private HierarchyMesher() {
    }

    /**
     * Default flatness tolerance, in units of {@code hm}: 0, i.e. only an exactly trilinear field
     * counts as flat. Coarser leaves on flat stretches cost accuracy on the clean 1M-point bunny (a
     * tolerance of 0.01 hm: normal consistency 0.998397 against 0.998417, 0.02 hm: 0.998382 and
     * exact distance 1.80e-5 against 1.71e-5 of the diagonal) for few triangles saved (7% at 0.02).
     */
    public static final double FLATNESS = 0;
    /**
     * Default bound of {@code |grad f|} in the crossing test: 1 (the field is a local signed
     * distance); 1.5 splits 15% more cells on the clean 1M-point bunny for the same mesh.
     */
    public static final double LIPSCHITZ = 1.0;
    /** Default Newton steps per vertex. */
    public static final int NEWTON_STEPS = 1;

    /**
     * The power of two used for a requested marching-cubes subdivision {@code sd} (1..8): {@code sd}
     * rounded up.
     */
    public static int powerOfTwo(int sd) {
        if (sd < 1 || sd > 8) throw new IllegalArgumentException("subdivision must be in 1..8, got " + sd);
        return Integer.highestOneBit(sd) == sd ? sd : Integer.highestOneBit(sd) << 1;
    }

    /**
     * Meshes the zero set of {@code field}.
     *
     * @param trim       only the active finest voxels (the distance mask)
     * @param sd         marching-cubes cells per finest voxel, in 1..4
     * @param flatness   flatness tolerance in units of {@code hm = h0 / sd}
     * @param lipschitz  bound of {@code |grad f|} for the crossing test
     * @param newtonSteps vertex refinement steps, {@code >= 0}
     * @return a new mesh (no normals); empty when the zero set crosses no leaf
     */
    public static TriangleMesh mesh(NksField field, boolean trim, int sd, double flatness, double lipschitz, int newtonSteps,
            CpuDevice device) {
        if (sd < 1 || sd > 4) throw new IllegalArgumentException("sd must be in 1..4, got " + sd);
        VoxelHierarchy hier = field.hierarchy();
        double hm = hier.finestVoxelSize() / sd;
        double[] origin = {hier.originX(), hier.originY(), hier.originZ()};
        TriangleMesh mesh;
        if (trim) {
            // every leaf lies inside one active finest voxel: leaves far from a sign change skip their dual cells
            int[] counts = new int[hier.level(0).size()];
            int[] leaves = octree(field, true, sd, flatness, lipschitz, device, counts);
            float[] values = centreValues(field, leaves, sd, device);
            boolean[] active = activeLeaves(hier.level(0), sd, leaves, counts, values, device);
            mesh = DualMarchingCubes.extract(leaves, values, active, origin, hm, 0f, device);
        } else {
            int[] leaves = octree(field, false, sd, flatness, lipschitz, device, null);
            int sd2 = 2 * sd;
            DualMarchingCubes.LeafField lf = (rows, out) -> {
                int m = rows.length / 4;
                int[] g = new int[3 * m];
                for (int i = 0; i < m; i++) {
                    int l = rows[4 * i];
                    for (int a = 0; a < 3; a++) g[3 * i + a] = (rows[4 * i + 1 + a] << (l + 1)) + (1 << l);
                }
                field.evaluateLattice(0, sd2, g, out, device);
            };
            mesh = DualMarchingCubes.extract(leaves, lf, origin, hm, 0f, device);
        }
        if (newtonSteps > 0) refine(field, mesh.vertices(), newtonSteps, 0.5 * hm, device);
        return mesh;
    }

    /**
     * Moves each vertex of {@code v (V, 3)} (modified in place) by {@code steps} Newton steps
     * towards the zero set, each clamped to {@code maxStep}. Allocates {@code 4 V} floats.
     */
    public static void refine(NksField field, float[] v, int steps, double maxStep, CpuDevice device) {
        int n = v.length / 3;
        float[] f = new float[n];
        float[] g = new float[3 * n];
        for (int s = 0; s < steps; s++) {
            field.evaluate(v, f, g, device);
            device.parallelFor(n, 4096, (c, st, e) -> {
                for (int i = st; i < e; i++) {
                    double gx = g[3 * i], gy = g[3 * i + 1], gz = g[3 * i + 2];
                    double g2 = gx * gx + gy * gy + gz * gz;
                    if (!(g2 > 0) || !Float.isFinite(f[i])) continue;
                    double k = f[i] / g2;
                    double dx = k * gx, dy = k * gy, dz = k * gz;
                    double len = Math.sqrt(dx * dx + dy * dy + dz * dz);
                    if (len > maxStep) {
                        double r = maxStep / len;
                        dx *= r;
                        dy *= r;
                        dz *= r;
                    }
                    v[3 * i] = (float) (v[3 * i] - dx);
                    v[3 * i + 1] = (float) (v[3 * i + 1] - dy);
                    v[3 * i + 2] = (float) (v[3 * i + 2] - dz);
                }
            });
        }
    }

    /**
     * The octree's leaves {@code (N, 4)}, rows {@code (level, ix, iy, iz)} (level 0 = {@code hm}).
     * Allocates the result and {@code O(N)} scratch.
     */
    public static int[] octree(NksField field, boolean trim, int sd, double flatness, double lipschitz, CpuDevice device) {
        return octree(field, trim, sd, flatness, lipschitz, device, null);
    }

    /** {@link #octree}; with {@code trim}, {@code counts} (V0) or null receives the number of leaves of each finest voxel (its leaves are consecutive). */
    private static int[] octree(NksField field, boolean trim, int sd, double flatness, double lipschitz, CpuDevice device, int[] counts) {
        if (sd < 1 || sd > 4) throw new IllegalArgumentException("sd must be in 1..4, got " + sd);
        VoxelHierarchy hier = field.hierarchy();
        double hm = hier.finestVoxelSize() / sd;
        double tol = flatness * hm;
        Ints out = new Ints(1 << 16);
        int[] vox;
        int[] floors;
        boolean[] edge;
        if (trim) {
            VoxelHierarchy.Level l0 = hier.level(0);
            long[] keys = l0.keys();
            vox = new int[3 * keys.length];
            for (int i = 0; i < keys.length; i++) {
                vox[3 * i] = VoxelHierarchy.mortonX(keys[i]);
                vox[3 * i + 1] = VoxelHierarchy.mortonY(keys[i]);
                vox[3 * i + 2] = VoxelHierarchy.mortonZ(keys[i]);
            }
            floors = new int[keys.length];
            edge = new boolean[keys.length];
            int[] vv = vox;
            device.parallelFor(keys.length, 4096, (c, st, e) -> {
                for (int i = st; i < e; i++) edge[i] = onMaskEdge(l0, vv[3 * i], vv[3 * i + 1], vv[3 * i + 2]);
            });
        } else {
            int[][] r = coarse(field, hier, sd, tol, lipschitz, out, device);
            vox = r[0];
            floors = r[1];
            edge = new boolean[floors.length];
        }
        voxels(field, vox, floors, edge, sd, tol, lipschitz, hm, out, trim ? counts : null, device);
        return out.toArray();
    }

    private static boolean onMaskEdge(VoxelHierarchy.Level l0, int x, int y, int z) {
        for (int dz = -1; dz <= 1; dz++) {
            for (int dy = -1; dy <= 1; dy++) {
                for (int dx = -1; dx <= 1; dx++) {
                    if ((dx | dy | dz) != 0 && l0.find(x + dx, y + dy, z + dz) < 0) return true;
                }
            }
        }
        return false;
    }

    /**
     * Coarse-to-fine above the finest voxels (no trimming): from the coarsest level's voxels down to
     * cells of voxel size; cells that stop above voxel size go to {@code out} as their tiles
     * ({@link #tiles}). Returns the cells of voxel size to split further, {@code (K, 3)} in
     * finest-voxel coordinates, and their floors {@code (K)}.
     */
    private static int[][] coarse(NksField field, VoxelHierarchy hier, int sd, double tol, double lip, Ints out, CpuDevice device) {
        int top = hier.levelCount() - 1;
        long[] keys = hier.level(top).keys();
        int n = keys.length;
        int[] cur = new int[3 * n];
        int[] fl = new int[n];
        for (int i = 0; i < n; i++) {
            cur[3 * i] = VoxelHierarchy.mortonX(keys[i]);
            cur[3 * i + 1] = VoxelHierarchy.mortonY(keys[i]);
            cur[3 * i + 2] = VoxelHierarchy.mortonZ(keys[i]);
            fl[i] = 0; // the coarsest level is active everywhere
        }
        int sd2 = 2 * sd;
        int tz = Integer.numberOfTrailingZeros(sd);
        double hm = hier.finestVoxelSize() / sd;
        for (int lv = top; lv > 0; lv--) {
            // a cell of this level spans sd 2^lv base cells; its tiles are octree cells of levels >= k (the
            // cell itself, of level k, when sd is a power of two)
            int k = tz + lv;
            int span = sd << lv; // the cell's size in base cells = its half size on the lattice of spacing hm / 2
            int nc = fl.length;
            int[] g = new int[3 * 27 * nc];
            for (int p = 0; p < nc; p++) {
                int o = 3 * 27 * p;
                for (int q = 0; q < 27; q++) {
                    g[o++] = cur[3 * p] * 2 * span + q % 3 * span;
                    g[o++] = cur[3 * p + 1] * 2 * span + q / 3 % 3 * span;
                    g[o++] = cur[3 * p + 2] * 2 * span + q / 9 * span;
                }
            }
            float[] val = new float[27 * nc];
            field.evaluateLattice(0, sd2, g, val, device);
            double reach = lip * hm * span * Math.sqrt(3) / 4;
            boolean[] split = new boolean[nc];
            int count = 0;
            float[] corners = new float[8];
            for (int p = 0; p < nc; p++) {
                // floor: 0 where the cell is active on its own level (finer levels decide), else the
                // marching-cubes cell (octree level l) of the finest active level l above it
                split[p] = k > fl[p] && crossedIn(val, 27 * p, 1, 3, reach) && !flatIn(val, 27 * p, 1, 3, tol, corners);
                if (split[p]) count++;
                else tiles(cur[3 * p] * span, cur[3 * p + 1] * span, cur[3 * p + 2] * span, span, out);
            }
            VoxelHierarchy.Level child = hier.level(lv - 1);
            int[] next = new int[3 * 8 * count];
            int[] nf = new int[8 * count];
            int m = 0;
            for (int p = 0; p < nc; p++) {
                if (!split[p]) continue;
                for (int c = 0; c < 8; c++) {
                    int x = 2 * cur[3 * p] + (c & 1), y = 2 * cur[3 * p + 1] + (c >> 1 & 1), z = 2 * cur[3 * p + 2] + (c >> 2 & 1);
                    next[3 * m] = x;
                    next[3 * m + 1] = y;
                    next[3 * m + 2] = z;
                    // active on its own level: the finest level decides below; otherwise the floor is inherited
                    nf[m] = child.find(x, y, z) >= 0 ? 0 : fl[p] == 0 ? lv : fl[p];
                    m++;
                }
            }
            cur = next;
            fl = nf;
        }
        return new int[][] {cur, fl};
    }

    /**
     * The coarsest octree cells that tile the cube of {@code size} base cells from base cell
     * {@code (x0, y0, z0)}: the aligned cells inside it not inside a larger aligned cell inside it.
     * One cell when {@code size} is a power of two and {@code x0, y0, z0} multiples of it; for a
     * cube of 3 base cells (one finest voxel at 3 cells per voxel), one cell of level 1 and 19 of
     * level 0.
     *
     * @param size the cube's side in base cells, {@code >= 1}
     * @return rows {@code (T, 4)}: {@code (level, ix, iy, iz)} (a new array)
     */
    public static int[] tiles(int x0, int y0, int z0, int size) {
        if (size < 1) throw new IllegalArgumentException("size must be >= 1, got " + size);
        Ints out = new Ints(16);
        tiles(x0, y0, z0, size, out);
        return out.toArray();
    }

    /** {@link #tiles(int, int, int, int)}, appended to {@code out}. */
    private static void tiles(int x0, int y0, int z0, int size, Ints out) {
        int k = 31 - Integer.numberOfLeadingZeros(size);
        int ax = x0 >> k, ay = y0 >> k, az = z0 >> k;
        int bx = (x0 + size - 1) >> k, by = (y0 + size - 1) >> k, bz = (z0 + size - 1) >> k;
        for (int z = az; z <= bz; z++) {
            for (int y = ay; y <= by; y++) {
                for (int x = ax; x <= bx; x++) cover(k, x, y, z, x0, y0, z0, size, out);
            }
        }
    }

    /** Emits cell (k, x, y, z) if it lies inside the cube, else its children that overlap it, recursively. */
    private static void cover(int k, int x, int y, int z, int x0, int y0, int z0, int size, Ints out) {
        int lx = x << k, ly = y << k, lz = z << k, w = 1 << k, e = size;
        if (lx >= x0 + e || ly >= y0 + e || lz >= z0 + e || lx + w <= x0 || ly + w <= y0 || lz + w <= z0) return;
        if (k == 0 || lx >= x0 && ly >= y0 && lz >= z0 && lx + w <= x0 + e && ly + w <= y0 + e && lz + w <= z0 + e) {
            out.add4(k, x, y, z);
            return;
        }
        for (int c = 0; c < 8; c++) cover(k - 1, 2 * x + (c & 1), 2 * y + (c >> 1 & 1), 2 * z + (c >> 2 & 1), x0, y0, z0, size, out);
    }

    /**
     * Splits the cells of finest-voxel size {@code vox (K, 3)} with floors {@code floors (K)} inside
     * their {@code (sd + 1)^3} lattices, starting from their tiles ({@link #tiles}); leaves to {@code out}.
     */
    private static void voxels(NksField field, int[] vox, int[] floors, boolean[] edge, int sd, double tol, double lip, double hm,
            Ints out, int[] counts, CpuDevice device) {
        int nv = floors.length;
        if (nv == 0) return;
        if (sd == 1) {
            for (int p = 0; p < nv; p++) out.add4(0, vox[3 * p], vox[3 * p + 1], vox[3 * p + 2]);
            if (counts != null) Arrays.fill(counts, 0, nv, 1);
            return;
        }
        // the tiles of a voxel depend on its lowest base cell modulo 2^kt (kt: the largest tile level), per axis;
        // rows (level, ox, oy, oz), offsets in base cells from the voxel's lowest base cell
        int kt = 31 - Integer.numberOfLeadingZeros(sd);
        int mod = 1 << kt;
        int[][] tileRows = new int[mod * mod * mod][];
        int maxTiles = 0;
        for (int r = 0; r < tileRows.length; r++) {
            int rx = r % mod, ry = r / mod % mod, rz = r / (mod * mod);
            Ints t = new Ints(16);
            tiles(mod + rx, mod + ry, mod + rz, sd, t);
            int[] rows = t.toArray();
            for (int i = 0; i < rows.length; i += 4) {
                rows[i + 1] = (rows[i + 1] << rows[i]) - mod - rx;
                rows[i + 2] = (rows[i + 2] << rows[i]) - mod - ry;
                rows[i + 3] = (rows[i + 3] << rows[i]) - mod - rz;
            }
            tileRows[r] = rows;
            maxTiles = Math.max(maxTiles, rows.length / 4);
        }
        int stackSize = 4 * (maxTiles + 8 * (kt + 1));
        int side = sd + 1, per = side * side * side;
        float[] val = new float[per * Math.min(nv, BLOCK)];
        for (int b0 = 0; b0 < nv; b0 += BLOCK) {
            int nb = Math.min(BLOCK, nv - b0);
            int base = b0;
            field.evaluateVoxelLattices(Arrays.copyOfRange(vox, 3 * b0, 3 * (b0 + nb)), sd, val, device);
            int chunks = CpuDevice.chunkCount(nb, 256);
            Ints[] parts = new Ints[chunks];
            device.parallelFor(nb, 256, (chunk, st, e) -> {
                Ints part = new Ints(64 * (e - st));
                float[] corners = new float[8];
                int[] stack = new int[stackSize];
                for (int p = st; p < e; p++) {
                    int q = base + p;
                    int vx = vox[3 * q] * sd, vy = vox[3 * q + 1] * sd, vz = vox[3 * q + 2] * sd;
                    int floor = floors[q];
                    boolean forced = edge[q];
                    int[] t = tileRows[((vz & (mod - 1)) * mod + (vy & (mod - 1))) * mod + (vx & (mod - 1))];
                    int before = part.n;
                    int sp = 0;
                    for (int i = t.length - 4; i >= 0; i -= 4) {
                        stack[sp++] = t[i];
                        stack[sp++] = t[i + 1];
                        stack[sp++] = t[i + 2];
                        stack[sp++] = t[i + 3];
                    }
                    while (sp > 0) {
                        int cz = stack[--sp], cy = stack[--sp], cx = stack[--sp], k = stack[--sp];
                        boolean split = false;
                        if (k > 0 && k > floor) {
                            int o = per * p + (cz * side + cy) * side + cx;
                            int step = 1 << (k - 1);
                            double reach = lip * hm * (1 << k) * Math.sqrt(3) / 4;
                            split = crossedIn(val, o, step, side, reach) && (forced || !flatIn(val, o, step, side, tol, corners));
                        }
                        if (split) {
                            int hs = 1 << (k - 1);
                            for (int c = 7; c >= 0; c--) {
                                stack[sp++] = k - 1;
                                stack[sp++] = cx + (c & 1) * hs;
                                stack[sp++] = cy + (c >> 1 & 1) * hs;
                                stack[sp++] = cz + (c >> 2 & 1) * hs;
                            }
                        } else {
                            part.add4(k, (vx + cx) >> k, (vy + cy) >> k, (vz + cz) >> k);
                        }
                    }
                    if (counts != null) counts[q] = (part.n - before) / 4;
                }
                parts[chunk] = part;
            });
            for (Ints part : parts) out.addAll(part);
        }
    }

    /** Values at the centres of {@code leaves (N, 4)} (on the lattice of spacing {@code hm / 2}); a new array {@code (N)}. */
    private static float[] centreValues(NksField field, int[] leaves, int sd, CpuDevice device) {
        int n = leaves.length / 4;
        int[] g = new int[3 * n];
        device.parallelFor(n, 1 << 14, (c, st, e) -> {
            for (int i = st; i < e; i++) {
                int l = leaves[4 * i];
                for (int a = 0; a < 3; a++) g[3 * i + a] = (leaves[4 * i + 1 + a] << (l + 1)) + (1 << l);
            }
        });
        float[] out = new float[n];
        field.evaluateLattice(0, 2 * sd, g, out, device);
        return out;
    }

    /**
     * Which leaves need their dual cells: those with a leaf of the other sign ({@code < 0} or not)
     * among the leaves that share a boundary point with them. Leaves {@code (N, 4)} lie inside the
     * finest voxels of {@code l0}, {@code counts (V0)} consecutive ones per voxel, and tile each voxel,
     * so a leaf's neighbours are the leaves holding the base cells within one cell of it: each voxel's
     * base cells carry the sign of their leaf (one bit each, {@code sd^3 <= 64}), read across the 26
     * neighbour voxels. Allocates the result {@code (N)} and {@code O(V0)} scratch.
     */
    static boolean[] activeLeaves(VoxelHierarchy.Level l0, int sd, int[] leaves, int[] counts, float[] val, CpuDevice device) {
        int nv = counts.length;
        int n = leaves.length / 4;
        int[] off = new int[nv + 1];
        for (int v = 0; v < nv; v++) off[v + 1] = off[v] + counts[v];
        if (off[nv] != n) throw new IllegalStateException(off[nv] + " leaves counted, " + n + " made");
        long[] keys = l0.keys();
        int cells = sd * sd * sd;
        long full = cells == 64 ? -1L : (1L << cells) - 1;
        long[] neg = new long[nv];
        device.parallelFor(nv, 4096, (c, st, e) -> {
            for (int v = st; v < e; v++) {
                int bx = VoxelHierarchy.mortonX(keys[v]) * sd, by = VoxelHierarchy.mortonY(keys[v]) * sd, bz = VoxelHierarchy.mortonZ(keys[v]) * sd;
                long m = 0;
                for (int j = off[v]; j < off[v + 1]; j++) {
                    if (!(val[j] < 0f)) continue;
                    int k = leaves[4 * j], w = 1 << k;
                    int lx = (leaves[4 * j + 1] << k) - bx, ly = (leaves[4 * j + 2] << k) - by, lz = (leaves[4 * j + 3] << k) - bz;
                    for (int z = lz; z < lz + w; z++) {
                        for (int y = ly; y < ly + w; y++) {
                            for (int x = lx; x < lx + w; x++) m |= 1L << ((z * sd + y) * sd + x);
                        }
                    }
                }
                neg[v] = m;
            }
        });
        int[] nb = l0.neighbours27();
        boolean[] act = new boolean[n];
        int side2 = sd + 2, rowBits = (1 << sd) - 1;
        device.parallelFor(nv, 4096, (c, st, e) -> {
            int[] dn = new int[side2 * side2], dp = new int[side2 * side2];
            int[] nearNeg = new int[sd * sd], nearPos = new int[sd * sd];
            for (int v = st; v < e; v++) {
                long mv = neg[v];
                if (mv == 0 || mv == full) {
                    boolean same = true;
                    for (int q = 0; q < 27 && same; q++) {
                        int u = nb[27 * v + q];
                        if (u >= 0 && neg[u] != mv) same = false;
                    }
                    if (same) continue; // one sign all around: no leaf of v needs its cells
                }
                // rows along x of the voxel's neighbourhood, base cells -1..sd per axis (bit x + 1): negative and
                // positive cells, dilated by one cell along x; then, per row of the voxel, the cells within one
                // cell (any axis) of a negative / positive cell
                for (int z = -1; z <= sd; z++) {
                    int oz = z < 0 ? -1 : z >= sd ? 1 : 0, iz = z - oz * sd;
                    for (int y = -1; y <= sd; y++) {
                        int oy = y < 0 ? -1 : y >= sd ? 1 : 0, iy = y - oy * sd;
                        int o = 27 * v + ((oz + 1) * 3 + oy + 1) * 3;
                        int sh = (iz * sd + iy) * sd;
                        int rn = 0, rp = 0;
                        for (int ox = -1; ox <= 1; ox++) {
                            int u = nb[o + ox + 1];
                            if (u < 0) continue;
                            int row = (int) (neg[u] >>> sh) & rowBits, pos = ~row & rowBits;
                            if (ox < 0) {
                                rn |= row >>> (sd - 1) & 1;
                                rp |= pos >>> (sd - 1) & 1;
                            } else if (ox == 0) {
                                rn |= row << 1;
                                rp |= pos << 1;
                            } else {
                                rn |= (row & 1) << (sd + 1);
                                rp |= (pos & 1) << (sd + 1);
                            }
                        }
                        int r = (z + 1) * side2 + y + 1;
                        dn[r] = rn | rn << 1 | rn >>> 1;
                        dp[r] = rp | rp << 1 | rp >>> 1;
                    }
                }
                for (int z = 0; z < sd; z++) {
                    for (int y = 0; y < sd; y++) {
                        int an = 0, ap = 0;
                        for (int dz = 0; dz <= 2; dz++) {
                            for (int dy = 0; dy <= 2; dy++) {
                                an |= dn[(z + dz) * side2 + y + dy];
                                ap |= dp[(z + dz) * side2 + y + dy];
                            }
                        }
                        nearNeg[z * sd + y] = an >>> 1;
                        nearPos[z * sd + y] = ap >>> 1;
                    }
                }
                int bx = VoxelHierarchy.mortonX(keys[v]) * sd, by = VoxelHierarchy.mortonY(keys[v]) * sd, bz = VoxelHierarchy.mortonZ(keys[v]) * sd;
                for (int j = off[v]; j < off[v + 1]; j++) {
                    int[] other = val[j] < 0f ? nearPos : nearNeg;
                    int k = leaves[4 * j], w = 1 << k;
                    int lx = (leaves[4 * j + 1] << k) - bx, ly = (leaves[4 * j + 2] << k) - by, lz = (leaves[4 * j + 3] << k) - bz;
                    int xs = ((1 << w) - 1) << lx;
                    boolean a = false;
                    for (int z = lz; z < lz + w && !a; z++) {
                        for (int y = ly; y < ly + w; y++) {
                            if ((other[z * sd + y] & xs) != 0) {
                                a = true;
                                break;
                            }
                        }
                    }
                    act[j] = a;
                }
            }
        });
        return act;
    }

    /** Value (i, j, k) in 0..2 of a cell's 27 at {@code val[o + ((k side + j) side + i) step]}. */
    private static float at(float[] val, int o, int step, int side, int i, int j, int k) {
        return val[o + ((k * side + j) * side + i) * step];
    }

    /** Whether the 27 values change sign or one is within {@code reach} of zero. */
    private static boolean crossedIn(float[] val, int o, int step, int side, double reach) {
        int neg = 0;
        float amin = Float.POSITIVE_INFINITY;
        for (int k = 0; k < 3; k++) {
            for (int j = 0; j < 3; j++) {
                for (int i = 0; i < 3; i++) {
                    float f = val[o + ((k * side + j) * side + i) * step];
                    if (f < 0) neg++;
                    amin = Math.min(amin, Math.abs(f));
                }
            }
        }
        return (neg != 0 && neg != 27) || amin <= reach;
    }

    /** Whether the 19 non-corner values are within {@code tol} of the trilinear interpolation of the corners; {@code c (8)} scratch. */
    private static boolean flatIn(float[] val, int o, int step, int side, double tol, float[] c) {
        for (int q = 0; q < 8; q++) c[q] = at(val, o, step, side, (q & 1) * 2, (q >> 1 & 1) * 2, (q >> 2 & 1) * 2);
        for (int k = 0; k < 3; k++) {
            for (int j = 0; j < 3; j++) {
                for (int i = 0; i < 3; i++) {
                    if (((i | j | k) & 1) == 0) continue;
                    double t = trilinear(c, i * 0.5, j * 0.5, k * 0.5);
                    if (Math.abs(at(val, o, step, side, i, j, k) - t) > tol) return false;
                }
            }
        }
        return true;
    }

    private static double trilinear(float[] c, double x, double y, double z) {
        double c00 = c[0] + x * (c[1] - c[0]), c10 = c[2] + x * (c[3] - c[2]);
        double c01 = c[4] + x * (c[5] - c[4]), c11 = c[6] + x * (c[7] - c[6]);
        double c0 = c00 + y * (c10 - c00), c1 = c01 + y * (c11 - c01);
        return c0 + z * (c1 - c0);
    }

    /** A growable int array. */
    private static final class Ints {
        int[] a;
        int n;

        Ints(int cap) {
            a = new int[Math.max(16, cap)];
        }

        void add4(int p, int q, int r, int s) {
            if (n + 4 > a.length) a = Arrays.copyOf(a, Math.max(2 * a.length, n + 4));
            a[n] = p;
            a[n + 1] = q;
            a[n + 2] = r;
            a[n + 3] = s;
            n += 4;
        }

        void addAll(Ints o) {
            if (n + o.n > a.length) a = Arrays.copyOf(a, Math.max(2 * a.length, n + o.n));
            System.arraycopy(o.a, 0, a, n, o.n);
            n += o.n;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
