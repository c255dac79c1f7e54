package kernelfield.reconstruction.surface;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import kernelfield.engine.compute.CpuDevice;
import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.geometry.KdTree;
import kernelfield.fields.nks.VoxelHierarchy;

/**
 * Tiled reconstruction (DESIGN.md, "Tiles"): the cloud is cut into the cubes of a regular grid of
 * {@link Tile}s sharing one lattice ({@link Tile.Grid}); each tile is reconstructed from the points
 * inside its halo box alone ({@link #reconstructTile}, a pure function: tiles can run anywhere, in
 * any order) and polygonizes the lattice cells of its interior; a second pass per tile
 * ({@link #seamMesh}, again a pure function, of the tile's and its neighbours' {@link Seam}s)
 * polygonizes the cells near its faces with one field blended from the tiles' fields (see
 * {@code Seams}: every lattice point gets one value whichever tile evaluates it); the pieces are
 * then fused ({@link #fuse}): vertices on the planes where pieces meet are welded by their lattice
 * edge. The result is therefore closed across seams wherever the blended field's zero set is:
 * with {@code watertight}, a closed shape gives a closed, manifold mesh, as untiled.
 *
 * <p>Normals, when the cloud has none, are estimated and oriented per tile (halo included);
 * orientation is therefore only consistent across tiles when the surface is (give normals for
 * large scans where possible). Memory: the cloud, an index per point, one tile's working set at a
 * time, and the seams (each tile's coefficients near its faces and its candidate voxels there).
 */
public final class TiledReconstruction {
    /** Points above which {@link #reconstructAuto} tiles. */
    public static final int AUTO_TILE_POINTS = 4_000_000;
    /** Aimed-at points per tile when the tile size is chosen automatically. */
    public static final int POINTS_PER_TILE = 1_500_000;

    private TiledReconstruction() {
    }

    /**
     * Untiled below {@link #AUTO_TILE_POINTS} points, tiled (automatic tile size) above, or tiled
     * with {@code tileSize} when it is positive.
     */
    public static SurfaceReconstruction.Result reconstructAuto(PointCloud cloud, SurfaceReconstruction.Options options, double tileSize,
            SurfaceReconstruction.Progress progress) {
        if (tileSize > 0 || cloud.size() > AUTO_TILE_POINTS) return reconstruct(cloud, options, tileSize, progress);
        return SurfaceReconstruction.reconstruct(cloud, options, progress);
    }

    /**
     * The common frame of a tiled run: voxel size from the points of the most populated tile (or
     * {@code options.voxelSize()}), origin below the cloud, tile edge {@code tileSize} rounded to
     * whole voxels (or chosen for about {@link #POINTS_PER_TILE} points per tile when
     * {@code tileSize <= 0}), halo an eighth of a tile, at least 6 voxels. Allocates {@code O(N)}.
     */
    public static Tile.Grid plan(PointCloud cloud, SurfaceReconstruction.Options options, double tileSize) {
        float[] p = cloud.positions();
        int n = cloud.size();
        double[] lo = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        double[] hi = {-Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
        int finite = 0;
        for (int i = 0; i < n; i++) {
            if (!finite(p, i)) continue;
            finite++;
            for (int a = 0; a < 3; a++) {
                lo[a] = Math.min(lo[a], p[3 * i + a]);
                hi[a] = Math.max(hi[a], p[3 * i + a]);
            }
        }
        if (finite == 0) throw new IllegalArgumentException(n == 0 ? "no points to reconstruct" : "no finite points among " + n);
        double extent = Math.max(hi[0] - lo[0], Math.max(hi[1] - lo[1], hi[2] - lo[2]));
        if (!(extent > 0)) throw new IllegalArgumentException("all " + n + " points coincide: nothing to reconstruct");
        // analysis on the points of the densest cell of a coarse 8^3 grid (spacing is local)
        double cs = extent / 8 * (1 + 1e-9);
        int[] count = new int[512];
        for (int i = 0; i < n; i++) if (finite(p, i)) count[cell8(p, i, lo, cs)]++;
        int best = 0;
        for (int c = 1; c < 512; c++) if (count[c] > count[best]) best = c;
        int m = Math.min(count[best], 2_000_000);
        float[] sub = new float[3 * m];
        int o = 0;
        for (int i = 0; i < n && o < m; i++) {
            if (finite(p, i) && cell8(p, i, lo, cs) == best) {
                System.arraycopy(p, 3 * i, sub, 3 * o, 3);
                o++;
            }
        }
        double[] stats = SurfaceReconstruction.spacingAndNoise(sub, KdTree.build(sub));
        double diag = Math.sqrt((hi[0] - lo[0]) * (hi[0] - lo[0]) + (hi[1] - lo[1]) * (hi[1] - lo[1]) + (hi[2] - lo[2]) * (hi[2] - lo[2]));
        // the dense rule even for few points: the sparse one (finer voxels, larger value weight) is for untiled runs
        double h0 = options.voxelSize() > 0 ? options.voxelSize()
                : SurfaceReconstruction.chooseTiledVoxelSize(stats[0], stats[1], diag, options.detail());
        int vpt;
        if (tileSize > 0) {
            vpt = (int) Math.max(8, Math.round(tileSize / h0));
        } else {
            // halve the tile until the busiest occupied tile (estimated on a subsample) is small enough
            vpt = Math.max(8, (int) Math.ceil(extent / h0));
            while (vpt > 64 && busiest(p, n, lo, vpt * h0) > POINTS_PER_TILE) vpt = (vpt + 1) / 2;
        }
        int halo = Math.max(6, vpt / 8);
        // origin: far enough below the cloud for any tile's hierarchy (levels up to the whole extent)
        int levels = 1;
        while (levels < 12 && (vpt + 2.0 * halo) / Math.pow(2, levels - 1) > 24) levels++;
        double margin = (1 + 3) * h0 * Math.pow(2, levels - 1) + halo * h0;
        if (extent / h0 > VoxelHierarchy.AXIS_LIMIT / 4.0) throw new IllegalArgumentException("voxel size " + h0 + " too small for the extent " + extent);
        int sd = options.meshSubdivision() > 0 ? options.meshSubdivision() : SurfaceReconstruction.chooseTiledSubdivision(h0, diag);
        return new Tile.Grid(lo[0] - margin, lo[1] - margin, lo[2] - margin, h0, stats[1], sd, vpt, halo);
    }

    private static boolean finite(float[] p, int i) {
        return Float.isFinite(p[3 * i]) && Float.isFinite(p[3 * i + 1]) && Float.isFinite(p[3 * i + 2]);
    }

    private static int cell8(float[] p, int i, double[] lo, double cs) {
        int x = Math.min(7, (int) ((p[3 * i] - lo[0]) / cs)), y = Math.min(7, (int) ((p[3 * i + 1] - lo[1]) / cs));
        int z = Math.min(7, (int) ((p[3 * i + 2] - lo[2]) / cs));
        return (z * 8 + y) * 8 + x;
    }

    /** Largest point count of a tile of edge {@code t}, estimated from every 16th point. */
    private static long busiest(float[] p, int n, double[] lo, double t) {
        long[] keys = new long[(n + 15) / 16];
        int m = 0;
        for (int i = 0; i < n; i += 16) {
            if (!finite(p, i)) continue;
            keys[m++] = ((long) (int) ((p[3 * i] - lo[0]) / t) << 42) | ((long) (int) ((p[3 * i + 1] - lo[1]) / t) << 21)
                    | (int) ((p[3 * i + 2] - lo[2]) / t);
        }
        Arrays.sort(keys, 0, m);
        int best = 0;
        for (int i = 0, run = 0; i < m; i++) {
            run = i > 0 && keys[i] == keys[i - 1] ? run + 1 : 1;
            best = Math.max(best, run);
        }
        return 16L * best;
    }

    /** The tiles that hold at least one point of {@code cloud}, in octree key order. Allocates {@code O(N)}. */
    public static List<Tile> tiles(PointCloud cloud, Tile.Grid grid) {
        float[] p = cloud.positions();
        int n = cloud.size();
        long[] keys = new long[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (!finite(p, i)) continue;
            keys[m++] = VoxelHierarchy.morton(grid.tileOf(p[3 * i], grid.originX()),
                    grid.tileOf(p[3 * i + 1], grid.originY()), grid.tileOf(p[3 * i + 2], grid.originZ()));
        }
        keys = Arrays.copyOf(keys, m);
        Arrays.parallelSort(keys);
        List<Tile> out = new ArrayList<>();
        for (int i = 0; i < m; i++) {
            if (i > 0 && keys[i] == keys[i - 1]) continue;
            long k = keys[i];
            out.add(new Tile(VoxelHierarchy.mortonX(k), VoxelHierarchy.mortonY(k),
                    VoxelHierarchy.mortonZ(k), grid));
        }
        return out;
    }

    /** The points of {@code cloud} inside the tile's halo box (with their normals and colours): a new cloud. */
    public static PointCloud pointsOf(Tile tile, PointCloud cloud) {
        double[] b = tile.haloBox();
        float[] p = cloud.positions();
        int n = cloud.size();
        int m = 0;
        for (int i = 0; i < n; i++) if (inside(p, i, b)) m++;
        int[] idx = new int[m];
        m = 0;
        for (int i = 0; i < n; i++) if (inside(p, i, b)) idx[m++] = i;
        return subset(cloud, idx);
    }

    private static boolean inside(float[] p, int i, double[] b) {
        return p[3 * i] >= b[0] && p[3 * i] < b[3] && p[3 * i + 1] >= b[1] && p[3 * i + 1] < b[4] && p[3 * i + 2] >= b[2]
                && p[3 * i + 2] < b[5];
    }

    private static PointCloud subset(PointCloud cloud, int[] idx) {
        float[] p = cloud.positions(), nn = cloud.normals(), c = cloud.colors();
        int m = idx.length;
        float[] sp = new float[3 * m];
        float[] sn = nn == null ? null : new float[3 * m];
        float[] sc = c == null ? null : new float[3 * m];
        for (int q = 0; q < m; q++) {
            int i = idx[q];
            System.arraycopy(p, 3 * i, sp, 3 * q, 3);
            if (sn != null) System.arraycopy(nn, 3 * i, sn, 3 * q, 3);
            if (sc != null) System.arraycopy(c, 3 * i, sc, 3 * q, 3);
        }
        PointCloud out = new PointCloud(sp, sn);
        return sc == null ? out : out.withColors(sc);
    }

    /**
     * What pass 1 keeps of a tile for the seams: its field's coefficients on the voxels whose
     * kernels reach within the blend width of its cube's faces ({@code keys (L)} Morton keys per
     * level, increasing; {@code coefficients (L)} matching), and its candidate finest voxels
     * {@code bandVoxels (K, 3)} near its faces outside every tile's interior. Serializable, to ship
     * between workers.
     *
     * @param x tile coordinate along x
     * @param y tile coordinate along y
     * @param z tile coordinate along z
     */
    public record Seam(int x, int y, int z, long[][] keys, double[][] coefficients, int[] bandVoxels) implements Serializable {
        private static final long serialVersionUID = 1L;

        public Seam {
            Objects.requireNonNull(keys, "keys");
            Objects.requireNonNull(coefficients, "coefficients");
            Objects.requireNonNull(bandVoxels, "bandVoxels");
            if (keys.length != coefficients.length) throw new IllegalArgumentException(keys.length + " key levels, " + coefficients.length + " coefficient levels");
            for (int l = 0; l < keys.length; l++) {
                if (keys[l].length != coefficients[l].length) throw new IllegalArgumentException("level " + l + ": keys and coefficients differ in length");
            }
            if (bandVoxels.length % 3 != 0) throw new IllegalArgumentException("band voxels length " + bandVoxels.length + " not a multiple of 3");
        }

        /** Coefficients held, all levels. */
        public long size() {
            long n = 0;
            for (long[] k : keys) n += k.length;
            return n;
        }
    }

    /**
     * Pass 1 of a tile.
     *
     * @param result its reconstruction; the mesh holds the tile's interior cells only (those more
     *               than the blend width from its faces)
     * @param seam   what pass 2 of it and its neighbours needs
     */
    public record TileResult(SurfaceReconstruction.Result result, Seam seam) {
        /** The interior mesh. */
        public TriangleMesh mesh() {
            return result.mesh();
        }
    }

    /**
     * Pass 1: reconstructs one tile from {@code points} (those inside its halo box; pass exactly
     * those): a pure function of its arguments. The mesh holds the triangles of the interior cells
     * the tile owns; it may be empty.
     *
     * @throws IllegalArgumentException when the tile's points span no surface (degenerate)
     */
    public static TileResult reconstructTile(Tile tile, PointCloud points, SurfaceReconstruction.Options options) {
        Objects.requireNonNull(tile, "tile");
        Tile.Grid g = tile.grid();
        int vpt = g.voxelsPerTile();
        SurfaceReconstruction.Frame frame = new SurfaceReconstruction.Frame(g.voxelSize(), new double[] {g.originX(), g.originY(), g.originZ()},
                new int[] {tile.x() * vpt, tile.y() * vpt, tile.z() * vpt}, vpt, Seams.blendVoxels(g), g.noise());
        SurfaceReconstruction.Framed r = SurfaceReconstruction.run(points,
                options.withMeshSubdivision(g.subdivision()).withVoxelSize(g.voxelSize()), null, frame);
        return new TileResult(r.result(), r.seam());
    }

    /**
     * Pass 2: the mesh of the cells {@code tile} owns outside its interior, polygonized with the
     * field blended from {@code seams} (the seams of the tile and of its neighbours that were
     * solved; others are ignored; tiles whose pass 1 failed are simply absent). {@code points}, the
     * tile's points, are used for vertex colours only and may be null. A pure function of its
     * arguments; allocates the mesh.
     */
    public static TriangleMesh seamMesh(Tile tile, List<Seam> seams, PointCloud points, SurfaceReconstruction.Options options) {
        Objects.requireNonNull(tile, "tile");
        Objects.requireNonNull(seams, "seams");
        try (CpuDevice device = CpuDevice.withThreads(options.threads())) {
            return Seams.seamMesh(tile.grid(), tile.x(), tile.y(), tile.z(), seams, points, device);
        }
    }

    /**
     * Fuses tile meshes of one grid: concatenates them in the given order and welds the vertices
     * that lie on the same lattice edge of a plane where pieces meet (tile faces and the planes
     * at the blend width inside them; the first one kept, with its normal and colour). Allocates
     * the result.
     */
    public static TriangleMesh fuse(List<TriangleMesh> pieces, Tile.Grid grid) {
        int nv = 0, nt = 0;
        boolean normals = true, colors = true;
        for (TriangleMesh m : pieces) {
            nv += m.vertexCount();
            nt += m.triangleCount();
            normals &= m.normals() != null || m.vertexCount() == 0;
            colors &= m.colors() != null || m.vertexCount() == 0;
        }
        float[] v = new float[3 * nv];
        float[] vn = normals ? new float[3 * nv] : null;
        float[] vc = colors ? new float[3 * nv] : null;
        int[] t = new int[3 * nt];
        int[] remap = new int[nv];
        Map<EdgeKey, Integer> seam = new HashMap<>();
        double hm = grid.voxelSize() / grid.subdivision();
        int cpt = grid.voxelsPerTile() * grid.subdivision();
        int bl = Seams.blendVoxels(grid) * grid.subdivision();
        double[] org = {grid.originX(), grid.originY(), grid.originZ()};
        int vo = 0, kept = 0, to = 0;
        long[] lat = new long[3];
        boolean[] integral = new boolean[3];
        for (TriangleMesh m : pieces) {
            float[] mv = m.vertices();
            int base = vo;
            for (int i = 0; i < m.vertexCount(); i++, vo++) {
                boolean onFace = false;
                for (int a = 0; a < 3; a++) {
                    double u = (mv[3 * i + a] - org[a]) / hm;
                    long r = Math.round(u);
                    integral[a] = Math.abs(u - r) < 1e-3;
                    lat[a] = integral[a] ? r : (long) Math.floor(u);
                    long q = Math.floorMod(r, (long) cpt);
                    if (integral[a] && (q == 0 || q == bl || q == cpt - bl)) onFace = true;
                }
                int target = -1;
                if (onFace) {
                    EdgeKey key = new EdgeKey(lat[0], lat[1], lat[2], (integral[0] ? 1 : 0) | (integral[1] ? 2 : 0) | (integral[2] ? 4 : 0));
                    Integer prev = seam.putIfAbsent(key, kept);
                    if (prev != null) target = prev;
                }
                if (target >= 0) {
                    remap[vo] = target;
                } else {
                    remap[vo] = kept;
                    System.arraycopy(mv, 3 * i, v, 3 * kept, 3);
                    if (vn != null) System.arraycopy(m.normals(), 3 * i, vn, 3 * kept, 3);
                    if (vc != null) System.arraycopy(m.colors(), 3 * i, vc, 3 * kept, 3);
                    kept++;
                }
            }
            int[] mt = m.triangles();
            for (int i = 0; i < mt.length; i += 3) {
                int a = remap[base + mt[i]], b = remap[base + mt[i + 1]], c = remap[base + mt[i + 2]];
                if (a == b || b == c || a == c) continue;
                t[to++] = a;
                t[to++] = b;
                t[to++] = c;
            }
        }
        return new TriangleMesh(Arrays.copyOf(v, 3 * kept), Arrays.copyOf(t, to), vn == null ? null : Arrays.copyOf(vn, 3 * kept),
                vc == null ? null : Arrays.copyOf(vc, 3 * kept));
    }

    private record EdgeKey(long x, long y, long z, int integralAxes) {
    }

    /**
     * Tiled reconstruction of the whole cloud: {@link #plan}, then pass 1 ({@link #reconstructTile})
     * of every occupied tile in octree key order, keeping their {@link Seam}s, then pass 2
     * ({@link #seamMesh}) of every solved tile, then {@link #fuse} (interior pieces first, in tile
     * order, then the seam pieces). The result's field is null and its CG iterations empty; its
     * samples and stage seconds are summed over the tiles ("seams": pass 2).
     */
    public static SurfaceReconstruction.Result reconstruct(PointCloud cloud, SurfaceReconstruction.Options options, double tileSize,
            SurfaceReconstruction.Progress progress) {
        Objects.requireNonNull(cloud, "cloud");
        SurfaceReconstruction.Progress pr = progress == null ? SurfaceReconstruction.Progress.none() : progress;
        long t0 = System.nanoTime();
        Tile.Grid grid = plan(cloud, options, tileSize);
        List<Tile> tiles = tiles(cloud, grid);
        Map<String, Double> secs = new LinkedHashMap<>();
        secs.put("plan", (System.nanoTime() - t0) * 1e-9);
        // bucket the points by tile once; each tile gathers from its 27 neighbours
        float[] p = cloud.positions();
        int n = cloud.size();
        Map<Long, Integer> slot = new HashMap<>();
        for (int i = 0; i < tiles.size(); i++) slot.put(tiles.get(i).key(), i);
        int[] tileOfPoint = new int[n];
        int[] start = new int[tiles.size() + 1];
        for (int i = 0; i < n; i++) {
            if (!finite(p, i)) {
                tileOfPoint[i] = -1;
                continue;
            }
            long k = VoxelHierarchy.morton(grid.tileOf(p[3 * i], grid.originX()), grid.tileOf(p[3 * i + 1], grid.originY()),
                    grid.tileOf(p[3 * i + 2], grid.originZ()));
            tileOfPoint[i] = slot.get(k);
            start[tileOfPoint[i] + 1]++;
        }
        for (int i = 0; i < tiles.size(); i++) start[i + 1] += start[i];
        int[] order = new int[start[tiles.size()]];
        int[] fill = Arrays.copyOf(start, tiles.size());
        for (int i = 0; i < n; i++) if (tileOfPoint[i] >= 0) order[fill[tileOfPoint[i]]++] = i;
        tileOfPoint = null;
        List<TriangleMesh> pieces = new ArrayList<>();
        int dropped = n - order.length, samples = 0;
        boolean estimated = false;
        double noise = grid.noise();
        Seam[] seams = new Seam[tiles.size()];
        for (int ti = 0; ti < tiles.size(); ti++) {
            Tile tile = tiles.get(ti);
            pr.report("tile " + (ti + 1) + "/" + tiles.size(), 0.8 * ti / tiles.size());
            PointCloud sub = gather(cloud, tile, slot, start, order);
            try {
                TileResult r = reconstructTile(tile, sub, options);
                pieces.add(r.mesh());
                seams[ti] = r.seam();
                samples += r.result().samples();
                estimated |= r.result().normalsEstimated();
                for (Map.Entry<String, Double> e : r.result().seconds().entrySet()) secs.merge(e.getKey(), e.getValue(), Double::sum);
            } catch (IllegalArgumentException degenerate) {
                // a tile whose points span no surface (a few stray points in the halo) contributes nothing
            }
        }
        long ts = System.nanoTime();
        for (int ti = 0; ti < tiles.size(); ti++) {
            if (seams[ti] == null) continue;
            Tile tile = tiles.get(ti);
            pr.report("seams " + (ti + 1) + "/" + tiles.size(), 0.8 + 0.2 * ti / tiles.size());
            List<Seam> near = new ArrayList<>();
            for (int dz = -1; dz <= 1; dz++) {
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int x = tile.x() + dx, y = tile.y() + dy, z = tile.z() + dz;
                        if (x < 0 || y < 0 || z < 0) continue;
                        Integer s = slot.get(VoxelHierarchy.morton(x, y, z));
                        if (s != null && seams[s] != null) near.add(seams[s]);
                    }
                }
            }
            PointCloud sub = cloud.hasColors() ? gather(cloud, tile, slot, start, order) : null;
            pieces.add(seamMesh(tile, near, sub, options));
        }
        secs.put("seams", (System.nanoTime() - ts) * 1e-9);
        long tf = System.nanoTime();
        TriangleMesh mesh = fuse(pieces, grid);
        secs.put("fuse", (System.nanoTime() - tf) * 1e-9);
        pr.report("done", 1.0);
        return new SurfaceReconstruction.Result(mesh, null, grid.voxelSize(), noise, dropped, estimated, samples, new int[0], secs);
    }

    /** The points of the tile's halo box, in input order, from the per-tile buckets: a new cloud. */
    private static PointCloud gather(PointCloud cloud, Tile tile, Map<Long, Integer> slot, int[] start, int[] order) {
        float[] p = cloud.positions();
        double[] b = tile.haloBox();
        int m = 0;
        int[] idx = new int[64];
        for (int dz = -1; dz <= 1; dz++) {
            for (int dy = -1; dy <= 1; dy++) {
                for (int dx = -1; dx <= 1; dx++) {
                    int x = tile.x() + dx, y = tile.y() + dy, z = tile.z() + dz;
                    if (x < 0 || y < 0 || z < 0) continue;
                    Integer s = slot.get(VoxelHierarchy.morton(x, y, z));
                    if (s == null) continue;
                    for (int q = start[s]; q < start[s + 1]; q++) {
                        int i = order[q];
                        if (!inside(p, i, b)) continue;
                        if (m == idx.length) idx = Arrays.copyOf(idx, 2 * m);
                        idx[m++] = i;
                    }
                }
            }
        }
        Arrays.sort(idx, 0, m); // input order: the tile's result does not depend on the bucketing
        return subset(cloud, Arrays.copyOf(idx, m));
    }
}
