package kernelfield.reconstruction.surface;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import kernelfield.engine.compute.CpuDevice;
import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.geometry.KdTree;
import kernelfield.fields.nks.NksField;
import kernelfield.fields.nks.VoxelHierarchy;
import kernelfield.reconstruction.surface.internal.SurfaceCells;

/**
 * Watertight tile seams: one field for the whole cloud, blended from the tiles' fields.
 *
 * <p>Tiles of {@code V} finest voxels per edge and lattices of {@code sd} cells per voxel: tile
 * {@code t} (per axis) spans lattice coordinates {@code [tC, (t+1)C]}, {@code C = V sd}. Its blend
 * weight along an axis is {@code s((g - tC + D) / 2D) s(((t+1)C + D - g) / 2D)} with
 * {@code s(x) = x^2 (3 - 2x)} clamped to {@code [0, 1]} and {@code D = b sd} ({@code b} the blend
 * width in voxels, at most half the halo); the 3D weight is the product over the axes. The weights
 * of all tiles sum to one ({@code s(x) + s(1 - x) = 1}); the global field is
 * {@code F = sum_T w_T f_T / sum_T w_T} over the tiles that were solved, summed in tile key
 * order. {@code F = f_T} exactly (same bits) where {@code w_T = 1}: in the tile's <em>interior</em>,
 * more than {@code D} from its faces. Every lattice point therefore has one value, whichever tile
 * evaluates it, and marching cubes over the cells of all tiles is the marching cubes of one field:
 * seams are closed whenever the field's zero set is, as in an untiled run.
 *
 * <p>Pass 1 (per tile, {@link SurfaceReconstruction}): solve, polygonize the owned cells of interior
 * voxels with the tile's own field, and keep a {@link TiledReconstruction.Seam}: the coefficients of
 * the voxels whose kernels reach the tile's shell (its cube grown by {@code D}, minus the open
 * interior box; a fraction of the field) and the candidate voxels of the blend zones near its
 * cube. Pass 2 (per tile, {@link #seamMesh}): polygonize the owned cells of the other voxels with
 * {@code F}, from the seams of the tile and its 26 neighbours. Both passes are pure functions of
 * their inputs.
 */
final class Seams {
    private Seams() {
    }

    /** Blend width in finest voxels for a grid. */
    static int blendVoxels(Tile.Grid g) {
        return Math.max(1, Math.min(4, Math.min(g.haloVoxels() / 2, g.voxelsPerTile() / 2)));
    }

    private static boolean interiorAxis(int v, int vpt, int b) {
        int r = Math.floorMod(v, vpt);
        return r >= b && r < vpt - b;
    }

    /** Whether the finest voxel (x, y, z) lies in the interior of its tile (outside every blend zone). */
    static boolean interiorVoxel(int x, int y, int z, int vpt, int b) {
        return interiorAxis(x, vpt, b) && interiorAxis(y, vpt, b) && interiorAxis(z, vpt, b);
    }

    /** The candidate voxels {@code (K, 3)} the framed tile owns that are interior. Allocates the result. */
    static int[] interior(SurfaceReconstruction.Frame f, int[] cand) {
        int vpt = f.voxelsPerTile(), b = f.blend();
        int[] lo = f.tileLo();
        int[] out = new int[cand.length];
        int m = 0;
        for (int i = 0; i < cand.length; i += 3) {
            int x = cand[i], y = cand[i + 1], z = cand[i + 2];
            if (x < lo[0] || x >= lo[0] + vpt || y < lo[1] || y >= lo[1] + vpt || z < lo[2] || z >= lo[2] + vpt) continue;
            if (!interiorVoxel(x, y, z, vpt, b)) continue;
            out[m++] = x;
            out[m++] = y;
            out[m++] = z;
        }
        return Arrays.copyOf(out, m);
    }

    /** Whether lattice range [(i-1)S, (i+2)S - 1] (the points voxel i of scale S touches) meets [a, b]. */
    private static boolean meets(long i, long s, long a, long b) {
        return (i + 2) * s - 1 >= a && (i - 1) * s <= b;
    }

    /** Whether that range lies inside the open interval (a, b). */
    private static boolean inside(long i, long s, long a, long b) {
        return (i - 1) * s > a && (i + 2) * s - 1 < b;
    }

    /**
     * The seam of a framed tile: its field restricted to the voxels whose kernels reach its shell,
     * and its candidate voxels {@code cand (K, 3)} outside every tile's interior within {@code b}
     * voxels of its cube. Allocates the seam.
     */
    static TiledReconstruction.Seam capture(SurfaceReconstruction.Frame f, NksField field, int[] cand, int sd) {
        int vpt = f.voxelsPerTile(), b = f.blend();
        int[] lo = f.tileLo();
        int[] band = new int[cand.length];
        int m = 0;
        for (int i = 0; i < cand.length; i += 3) {
            int x = cand[i], y = cand[i + 1], z = cand[i + 2];
            if (interiorVoxel(x, y, z, vpt, b)) continue;
            if (x < lo[0] - b || x >= lo[0] + vpt + b || y < lo[1] - b || y >= lo[1] + vpt + b || z < lo[2] - b || z >= lo[2] + vpt + b) continue;
            band[m++] = x;
            band[m++] = y;
            band[m++] = z;
        }
        long c = (long) vpt * sd, d = (long) b * sd;
        long[] gLo = new long[3], gHi = new long[3], iLo = new long[3], iHi = new long[3];
        for (int a = 0; a < 3; a++) {
            long t0 = (long) lo[a] * sd;
            gLo[a] = t0 - d;
            gHi[a] = t0 + c + d;
            iLo[a] = t0 + d;
            iHi[a] = t0 + c - d;
        }
        VoxelHierarchy hier = field.hierarchy();
        int levels = hier.levelCount();
        long[][] keys = new long[levels][];
        double[][] coef = new double[levels][];
        for (int l = 0; l < levels; l++) {
            long s = (long) sd << l;
            long[] k = hier.level(l).keys();
            double[] a = field.coefficients(l);
            long[] kk = new long[k.length];
            double[] ca = new double[k.length];
            int n = 0;
            for (int v = 0; v < k.length; v++) {
                long x = VoxelHierarchy.mortonX(k[v]), y = VoxelHierarchy.mortonY(k[v]), z = VoxelHierarchy.mortonZ(k[v]);
                if (!meets(x, s, gLo[0], gHi[0]) || !meets(y, s, gLo[1], gHi[1]) || !meets(z, s, gLo[2], gHi[2])) continue;
                if (inside(x, s, iLo[0], iHi[0]) && inside(y, s, iLo[1], iHi[1]) && inside(z, s, iLo[2], iHi[2])) continue;
                kk[n] = k[v];
                ca[n++] = a[v];
            }
            keys[l] = Arrays.copyOf(kk, n);
            coef[l] = Arrays.copyOf(ca, n);
        }
        return new TiledReconstruction.Seam(lo[0] / vpt, lo[1] / vpt, lo[2] / vpt, keys, coef, Arrays.copyOf(band, m));
    }

    /**
     * Pass 2 for tile {@code (tx, ty, tz)}: the mesh of its owned cells outside its interior, with
     * the blended field of {@code seams} (those of the tile and its solved neighbours; others are
     * ignored). Vertex normals are the normalised blend of the fields' gradients; colours, when
     * {@code points} has them, those of the nearest point. A pure function of its arguments.
     */
    static TriangleMesh seamMesh(Tile.Grid grid, int tx, int ty, int tz, List<TiledReconstruction.Seam> seams, PointCloud points,
            CpuDevice device) {
        int vpt = grid.voxelsPerTile(), b = blendVoxels(grid), sd = grid.subdivision();
        long c = (long) vpt * sd, d = (long) b * sd;
        double[] origin = {grid.originX(), grid.originY(), grid.originZ()};
        List<TiledReconstruction.Seam> near = new ArrayList<>();
        for (TiledReconstruction.Seam s : seams) {
            if (Math.abs(s.x() - tx) <= 1 && Math.abs(s.y() - ty) <= 1 && Math.abs(s.z() - tz) <= 1) near.add(s);
        }
        near.sort(Comparator.comparingLong(s -> VoxelHierarchy.morton(s.x(), s.y(), s.z())));
        // candidates: the seams' zone voxels this tile owns, unique, in key order
        int total = 0;
        for (TiledReconstruction.Seam s : near) total += s.bandVoxels().length / 3;
        long[] ck = new long[total];
        int m = 0;
        for (TiledReconstruction.Seam s : near) {
            int[] bv = s.bandVoxels();
            for (int i = 0; i < bv.length; i += 3) {
                if (Math.floorDiv(bv[i], vpt) == tx && Math.floorDiv(bv[i + 1], vpt) == ty && Math.floorDiv(bv[i + 2], vpt) == tz) {
                    ck[m++] = VoxelHierarchy.morton(bv[i], bv[i + 1], bv[i + 2]);
                }
            }
        }
        Arrays.sort(ck, 0, m);
        int u = 0;
        for (int i = 0; i < m; i++) if (i == 0 || ck[i] != ck[i - 1]) ck[u++] = ck[i];
        if (u == 0) return new TriangleMesh(new float[0], new int[0]);
        int[] cand = new int[3 * u];
        for (int i = 0; i < u; i++) {
            cand[3 * i] = VoxelHierarchy.mortonX(ck[i]);
            cand[3 * i + 1] = VoxelHierarchy.mortonY(ck[i]);
            cand[3 * i + 2] = VoxelHierarchy.mortonZ(ck[i]);
        }
        // the fields, each restricted to this tile's closed box where its weight can be non-zero
        long[] aLo = {tx * c, ty * c, tz * c};
        List<NksField> fields = new ArrayList<>();
        List<int[]> at = new ArrayList<>();
        for (TiledReconstruction.Seam s : near) {
            int[] t = {s.x(), s.y(), s.z()};
            long[] rLo = new long[3], rHi = new long[3];
            boolean empty = false;
            for (int a = 0; a < 3; a++) {
                rLo[a] = Math.max(aLo[a], t[a] * c - d);
                rHi[a] = Math.min(aLo[a] + c, (t[a] + 1) * c + d);
                empty |= rLo[a] > rHi[a];
            }
            if (empty) continue;
            int levels = s.keys().length;
            long[][] keys = new long[levels][];
            double[][] coef = new double[levels][];
            for (int l = 0; l < levels; l++) {
                long sc = (long) sd << l;
                long[] k = s.keys()[l];
                double[] a = s.coefficients()[l];
                long[] kk = new long[k.length];
                double[] ca = new double[k.length];
                int n = 0;
                for (int v = 0; v < k.length; v++) {
                    long x = VoxelHierarchy.mortonX(k[v]), y = VoxelHierarchy.mortonY(k[v]), z = VoxelHierarchy.mortonZ(k[v]);
                    if (meets(x, sc, rLo[0], rHi[0]) && meets(y, sc, rLo[1], rHi[1]) && meets(z, sc, rLo[2], rHi[2])) {
                        kk[n] = k[v];
                        ca[n++] = a[v];
                    }
                }
                keys[l] = Arrays.copyOf(kk, n);
                coef[l] = Arrays.copyOf(ca, n);
            }
            fields.add(new NksField(VoxelHierarchy.fromKeys(origin, grid.voxelSize(), keys, device), coef));
            at.add(t);
        }
        Blend blend = new Blend(fields.toArray(new NksField[0]), at.toArray(new int[0][]), c, d, sd);
        int[] cells = SurfaceCells.crossed(blend::voxelLattices, cand, sd, device);
        double hm = grid.voxelSize() / sd;
        TriangleMesh mesh = SurfaceReconstruction.polygonize(cells, blend::points, origin, hm, device);
        int nv = mesh.vertexCount();
        if (nv == 0) return mesh;
        mesh = mesh.withNormals(blend.normals(mesh.vertices(), origin, hm, device));
        if (points != null && points.hasColors() && points.size() > 0) {
            int[] nn = new int[nv];
            KdTree.build(points.positions()).nearestBatch(mesh.vertices(), nn, null);
            float[] src = points.colors(), col = new float[3 * nv];
            for (int i = 0; i < nv; i++) System.arraycopy(src, 3 * Math.max(0, nn[i]), col, 3 * i, 3);
            mesh = mesh.withColors(col);
        }
        return mesh;
    }

    /** The blended field of a few tile fields at lattice points. Immutable; thread-safe. */
    static final class Blend {
        private final NksField[] fields;
        private final int[][] tiles;
        private final long c, d;
        private final int sd;

        Blend(NksField[] fields, int[][] tiles, long c, long d, int sd) {
            this.fields = fields;
            this.tiles = tiles;
            this.c = c;
            this.d = d;
            this.sd = sd;
        }

        private static double smooth(double x) {
            if (x <= 0) return 0;
            if (x >= 1) return 1;
            return x * x * (3 - 2 * x);
        }

        /** Weight along one axis of tile index t at lattice coordinate g (any real). */
        private double axis(double g, int t) {
            double lo = t * c - d, hi = (t + 1) * c + d, w = 2.0 * d;
            return smooth((g - lo) / w) * smooth((hi - g) / w);
        }

        double weight(int k, double gx, double gy, double gz) {
            int[] t = tiles[k];
            return axis(gx, t[0]) * axis(gy, t[1]) * axis(gz, t[2]);
        }

        /** As {@link SurfaceCells.VoxelLattices}: the blend on each voxel's lattice. */
        void voxelLattices(int[] vox, int sdv, float[] out, CpuDevice device) {
            int k = vox.length / 3, side = sdv + 1, per = side * side * side;
            double[] acc = new double[k * per], ws = new double[k * per];
            for (int f = 0; f < fields.length; f++) {
                int[] t = tiles[f];
                int[] sel = new int[k];
                int ns = 0;
                for (int p = 0; p < k; p++) {
                    boolean hit = true;
                    for (int a = 0; a < 3; a++) {
                        long g0 = (long) vox[3 * p + a] * sdv, g1 = g0 + sdv;
                        hit &= g1 > t[a] * c - d && g0 < (t[a] + 1) * c + d;
                    }
                    if (hit) sel[ns++] = p;
                }
                if (ns == 0) continue;
                int[] sub = new int[3 * ns];
                for (int q = 0; q < ns; q++) System.arraycopy(vox, 3 * sel[q], sub, 3 * q, 3);
                float[] buf = new float[ns * per];
                fields[f].evaluateVoxelLattices(sub, sdv, buf, device);
                int fi = f, nsel = ns;
                device.parallelFor(nsel, 256, (ch, st, e) -> {
                    for (int q = st; q < e; q++) {
                        int p = sel[q];
                        long x0 = (long) vox[3 * p] * sdv, y0 = (long) vox[3 * p + 1] * sdv, z0 = (long) vox[3 * p + 2] * sdv;
                        for (int kk = 0; kk < side; kk++) {
                            for (int j = 0; j < side; j++) {
                                for (int i = 0; i < side; i++) {
                                    int o = (kk * side + j) * side + i;
                                    double w = weight(fi, x0 + i, y0 + j, z0 + kk);
                                    if (w > 0) {
                                        acc[p * per + o] += w * (double) buf[q * per + o];
                                        ws[p * per + o] += w;
                                    }
                                }
                            }
                        }
                    }
                });
            }
            for (int i = 0; i < k * per; i++) out[i] = ws[i] > 0 ? (float) (acc[i] / ws[i]) : 0f;
        }

        /** The blend at lattice points {@code g (M, 3)} into {@code out (M)}. */
        void points(int[] g, float[] out, CpuDevice device) {
            int m = g.length / 3;
            device.parallelFor(m, 2048, (ch, st, e) -> {
                NksField.LatticeCache[] caches = new NksField.LatticeCache[fields.length];
                for (int f = 0; f < fields.length; f++) caches[f] = fields[f].newLatticeCache();
                for (int i = st; i < e; i++) {
                    double acc = 0, ws = 0;
                    for (int f = 0; f < fields.length; f++) {
                        double w = weight(f, g[3 * i], g[3 * i + 1], g[3 * i + 2]);
                        if (w > 0) {
                            float v = (float) fields[f].latticeValue(0, sd, g[3 * i], g[3 * i + 1], g[3 * i + 2], caches[f]);
                            acc += w * (double) v;
                            ws += w;
                        }
                    }
                    out[i] = ws > 0 ? (float) (acc / ws) : 0f;
                }
            });
        }

        /** Unit blended gradients {@code (M, 3)} at {@code v (M, 3)} (space coordinates); a new array. */
        float[] normals(float[] v, double[] origin, double hm, CpuDevice device) {
            int m = v.length / 3;
            double[] acc = new double[3 * m];
            float[] val = new float[m], grad = new float[3 * m];
            for (int f = 0; f < fields.length; f++) {
                fields[f].evaluate(v, val, grad, device);
                for (int i = 0; i < m; i++) {
                    double w = weight(f, (v[3 * i] - origin[0]) / hm, (v[3 * i + 1] - origin[1]) / hm, (v[3 * i + 2] - origin[2]) / hm);
                    if (w > 0) for (int a = 0; a < 3; a++) acc[3 * i + a] += w * grad[3 * i + a];
                }
            }
            float[] n = new float[3 * m];
            for (int i = 0; i < m; i++) {
                double len = Math.sqrt(acc[3 * i] * acc[3 * i] + acc[3 * i + 1] * acc[3 * i + 1] + acc[3 * i + 2] * acc[3 * i + 2]);
                if (len > 0) for (int a = 0; a < 3; a++) n[3 * i + a] = (float) (acc[3 * i + a] / len);
            }
            return n;
        }
    }
}
