package kernelfield.fields.nks;

import java.util.Arrays;
import java.util.Objects;

import kernelfield.engine.compute.CpuDevice;
import kernelfield.engine.geometry.Morton;
import kernelfield.fields.nks.internal.LongIntMap;

/**
 * A sparse voxel hierarchy, Morton-keyed: {@code L} levels of cubic voxels sharing one origin,
 * level {@code l} with voxel size {@code h0 * 2^l} (level 0 is the finest). Voxel {@code (i, j, k)}
 * of level {@code l} spans {@code origin + [i, i+1) h_l} (and so on per axis); its kernel is centred
 * on {@code origin + (i + 1/2) h_l}. Voxel coordinates are non-negative and below {@code 2^21}; a
 * voxel's key is the Morton code (bit interleaving, x lowest) of its coordinates, and each level
 * keeps its active voxels sorted by key, so that neighbours in space are mostly neighbours in
 * memory.
 *
 * <p>Active voxels: on levels below the coarsest, the voxels that hold a sample dilated by
 * {@code dilation} voxels (Chebyshev distance), so that every kernel a sample touches exists; the
 * coarsest level is either built the same way or dense over the samples' bounding box plus a
 * margin ({@code denseCoarsest}), which gives the function a defined sign everywhere in the domain.
 *
 * <p>Each level also keeps, per voxel, the indices of its 27 neighbours ({@code -1} where a
 * neighbour is not active): {@code neighbours27 (V, 27)}, offset {@code (dx, dy, dz)} in
 * {@code -1..1} at {@code ((dz + 1) * 3 + dy + 1) * 3 + dx + 1}. Immutable after {@link #build};
 * safe to read from many threads.
 */
public final class VoxelHierarchy {
    /** Bits per axis of a Morton key. */
    public static final int AXIS_BITS = 21;
    /** Largest voxel coordinate plus one. */
    public static final int AXIS_LIMIT = 1 << AXIS_BITS;

    private final double originX, originY, originZ, finestSize;
    private final Level[] levels;

    /** One level: sorted Morton keys of the active voxels and their lookup structures. */
    public static final class Level {
        private final int index;
        private final double size;
        private final long[] keys;
        /** Blocks of 4 x 4 x 4 voxels (an aligned Morton range of 64 keys): key >>> 6 -> block ordinal. */
        private final LongIntMap blocks;
        /** Per block: which of its 64 voxels are active, and the index of its first active voxel. */
        private final long[] blockMask;
        private final int[] blockFirst;
        private final int[] neighbours27;

        Level(int index, double size, long[] keys, CpuDevice device) {
            this.index = index;
            this.size = size;
            this.keys = keys;
            int nb = 0;
            for (int v = 0; v < keys.length; v++) if (v == 0 || keys[v] >>> 6 != keys[v - 1] >>> 6) nb++;
            this.blocks = new LongIntMap(nb);
            this.blockMask = new long[nb];
            this.blockFirst = new int[nb];
            int b = -1;
            for (int v = 0; v < keys.length; v++) {
                if (v == 0 || keys[v] >>> 6 != keys[v - 1] >>> 6) {
                    b++;
                    blocks.put(keys[v] >>> 6, b);
                    blockFirst[b] = v;
                }
                blockMask[b] |= 1L << (keys[v] & 63);
            }
            this.neighbours27 = new int[27 * keys.length];
            device.parallelFor(keys.length, 4096, (c, s, e) -> {
                // the 27 neighbours touch at most 8 blocks: one hash lookup per block, not per voxel
                long[] seenKey = new long[8];
                int[] seenBlock = new int[8];
                for (int v = s; v < e; v++) {
                    long key = keys[v];
                    int x = mortonX(key), y = mortonY(key), z = mortonZ(key);
                    int o = 27 * v;
                    int seen = 0;
                    for (int dz = -1; dz <= 1; dz++) {
                        for (int dy = -1; dy <= 1; dy++) {
                            for (int dx = -1; dx <= 1; dx++) {
                                int nx = x + dx, ny = y + dy, nz = z + dz;
                                int idx = -1;
                                if (nx >= 0 && ny >= 0 && nz >= 0 && nx < AXIS_LIMIT && ny < AXIS_LIMIT && nz < AXIS_LIMIT) {
                                    long nk = morton(nx, ny, nz);
                                    long bk = nk >>> 6;
                                    int blk = -2;
                                    for (int q = 0; q < seen; q++) {
                                        if (seenKey[q] == bk) {
                                            blk = seenBlock[q];
                                            break;
                                        }
                                    }
                                    if (blk == -2) {
                                        blk = blocks.get(bk);
                                        seenKey[seen] = bk;
                                        seenBlock[seen++] = blk;
                                    }
                                    if (blk >= 0) {
                                        long m = blockMask[blk];
                                        int bit = (int) (nk & 63);
                                        if ((m >>> bit & 1L) != 0) idx = blockFirst[blk] + Long.bitCount(m & ((1L << bit) - 1));
                                    }
                                }
                                neighbours27[o++] = idx;
                            }
                        }
                    }
                }
            });
        }

        /** Level number, 0 the finest. */
        public int index() {
            return index;
        }

        /** Voxel edge length. */
        public double voxelSize() {
            return size;
        }

        /** Number of active voxels V. */
        public int size() {
            return keys.length;
        }

        /** Sorted Morton keys {@code (V)}, the array itself: do not modify. */
        public long[] keys() {
            return keys;
        }

        /** Neighbour table {@code (V, 27)}, the array itself: do not modify. */
        public int[] neighbours27() {
            return neighbours27;
        }

        /** Index of voxel {@code (x, y, z)}, or -1 when it is not active (or out of range). Allocates nothing. */
        public int find(int x, int y, int z) {
            if (x < 0 || y < 0 || z < 0 || x >= AXIS_LIMIT || y >= AXIS_LIMIT || z >= AXIS_LIMIT) return -1;
            long key = morton(x, y, z);
            int b = blocks.get(key >>> 6);
            if (b < 0) return -1;
            long m = blockMask[b];
            int bit = (int) (key & 63);
            if ((m >>> bit & 1L) == 0) return -1;
            return blockFirst[b] + Long.bitCount(m & ((1L << bit) - 1));
        }
    }

    private VoxelHierarchy(double ox, double oy, double oz, double h0, Level[] levels) {
        this.originX = ox;
        this.originY = oy;
        this.originZ = oz;
        this.finestSize = h0;
        this.levels = levels;
    }

    /**
     * Builds the hierarchy over {@code samples (S, 3)}.
     *
     * @param origin        {@code (3)} the common corner of voxel (0, 0, 0) on every level; every
     *                      sample must lie at least {@code (dilation + 1) h_{L-1}} above it on
     *                      each axis
     * @param h0            finest voxel size, {@code > 0}
     * @param levelCount    {@code L >= 1}
     * @param dilation      voxels added around occupied ones on each level, {@code >= 1}
     * @param denseCoarsest whether the coarsest level is dense over the samples' bounds plus
     *                      {@code dilation} voxels
     * @throws IllegalArgumentException when a sample is not finite, below the margin, or too far
     *                                  from the origin for 21-bit coordinates
     */
    public static VoxelHierarchy build(float[] samples, double[] origin, double h0, int levelCount, int dilation,
            boolean denseCoarsest, CpuDevice device) {
        Objects.requireNonNull(samples, "samples");
        if (samples.length % 3 != 0) throw new IllegalArgumentException("samples length " + samples.length + " is not a multiple of 3");
        if (!(h0 > 0) || !Double.isFinite(h0)) throw new IllegalArgumentException("voxel size must be positive and finite, got " + h0);
        if (levelCount < 1 || levelCount > 20) throw new IllegalArgumentException("level count must be in 1..20, got " + levelCount);
        if (dilation < 1 || dilation > 8) throw new IllegalArgumentException("dilation must be in 1..8, got " + dilation);
        int n = samples.length / 3;
        Level[] lv = new Level[levelCount];
        for (int l = 0; l < levelCount; l++) {
            double h = h0 * Math.pow(2, l);
            long[] occ = new long[n];
            int minX = Integer.MAX_VALUE, minY = Integer.MAX_VALUE, minZ = Integer.MAX_VALUE;
            int maxX = -1, maxY = -1, maxZ = -1;
            for (int s = 0; s < n; s++) {
                int x = coord(samples[3 * s], origin[0], h, s);
                int y = coord(samples[3 * s + 1], origin[1], h, s);
                int z = coord(samples[3 * s + 2], origin[2], h, s);
                if (x < dilation || y < dilation || z < dilation || x + dilation >= AXIS_LIMIT || y + dilation >= AXIS_LIMIT
                        || z + dilation >= AXIS_LIMIT) {
                    throw new IllegalArgumentException("sample " + s + " is outside the 21-bit voxel range of level " + l
                            + " (voxel " + x + ", " + y + ", " + z + ", dilation " + dilation + ")");
                }
                occ[s] = morton(x, y, z);
                minX = Math.min(minX, x);
                minY = Math.min(minY, y);
                minZ = Math.min(minZ, z);
                maxX = Math.max(maxX, x);
                maxY = Math.max(maxY, y);
                maxZ = Math.max(maxZ, z);
            }
            long[] keys;
            if (l == levelCount - 1 && denseCoarsest && n > 0) {
                int ax = maxX - minX + 1 + 2 * dilation, ay = maxY - minY + 1 + 2 * dilation, az = maxZ - minZ + 1 + 2 * dilation;
                long total = (long) ax * ay * az;
                if (total > 50_000_000L) throw new IllegalArgumentException("dense coarsest level too large: " + total + " voxels");
                keys = new long[(int) total];
                int o = 0;
                for (int z = 0; z < az; z++) {
                    for (int y = 0; y < ay; y++) {
                        for (int x = 0; x < ax; x++) keys[o++] = morton(minX - dilation + x, minY - dilation + y, minZ - dilation + z);
                    }
                }
                Arrays.parallelSort(keys);
            } else {
                keys = dilate(uniqueSorted(occ, n), dilation);
            }
            lv[l] = new Level(l, h, keys, device);
        }
        return new VoxelHierarchy(origin[0], origin[1], origin[2], h0, lv);
    }

    /**
     * A hierarchy over given active voxels: {@code keys[l]} the Morton keys of level {@code l},
     * strictly increasing (held, not copied; any level may be empty). Used to rebuild a field from
     * its compact form (keys and coefficients), e.g. a restriction of a solved field to a region.
     * Allocates the lookup maps and neighbour tables.
     *
     * @param origin {@code (3)} the common corner of voxel (0, 0, 0) on every level
     * @param h0     finest voxel size, {@code > 0}
     * @throws IllegalArgumentException when a level's keys are not strictly increasing or there
     *                                  are no levels
     */
    public static VoxelHierarchy fromKeys(double[] origin, double h0, long[][] keys, CpuDevice device) {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(keys, "keys");
        if (!(h0 > 0) || !Double.isFinite(h0)) throw new IllegalArgumentException("voxel size must be positive and finite, got " + h0);
        if (keys.length < 1 || keys.length > 20) throw new IllegalArgumentException("level count must be in 1..20, got " + keys.length);
        Level[] lv = new Level[keys.length];
        for (int l = 0; l < keys.length; l++) {
            long[] k = keys[l];
            for (int i = 0; i < k.length; i++) {
                if (k[i] < 0 || (i > 0 && k[i] <= k[i - 1])) {
                    throw new IllegalArgumentException("level " + l + ": keys not strictly increasing at index " + i);
                }
            }
            lv[l] = new Level(l, h0 * Math.pow(2, l), k, device);
        }
        return new VoxelHierarchy(origin[0], origin[1], origin[2], h0, lv);
    }

    private static int coord(float v, double o, double h, int s) {
        if (!Float.isFinite(v)) throw new IllegalArgumentException("sample " + s + " has a non-finite coordinate " + v);
        double c = Math.floor((v - o) / h);
        if (c < 0 || c >= AXIS_LIMIT) return -1;
        return (int) c;
    }

    private static long[] uniqueSorted(long[] a, int n) {
        long[] b = Arrays.copyOf(a, n);
        Arrays.parallelSort(b);
        int u = 0;
        for (int i = 0; i < n; i++) if (i == 0 || b[i] != b[i - 1]) b[u++] = b[i];
        return Arrays.copyOf(b, u);
    }

    /** The keys within Chebyshev distance r of {@code occ}, sorted, unique: separable, one axis at a time. */
    private static long[] dilate(long[] occ, int r) {
        int w = 2 * r + 1;
        long[] cur = occ;
        for (int axis = 0; axis < 3; axis++) {
            long count = (long) cur.length * w;
            if (count > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("too many voxels to dilate: " + cur.length);
            long[] all = new long[(int) count];
            int o = 0;
            for (long key : cur) {
                int x = mortonX(key), y = mortonY(key), z = mortonZ(key);
                for (int d = -r; d <= r; d++) {
                    all[o++] = axis == 0 ? morton(x + d, y, z) : axis == 1 ? morton(x, y + d, z) : morton(x, y, z + d);
                }
            }
            cur = uniqueSorted(all, o);
        }
        return cur;
    }

    /** Number of levels L. */
    public int levelCount() {
        return levels.length;
    }

    /** Level {@code l}, 0 the finest. */
    public Level level(int l) {
        return levels[l];
    }

    /** Total active voxels over all levels (the number of coefficients). */
    public long totalVoxels() {
        long t = 0;
        for (Level l : levels) t += l.size();
        return t;
    }

    public double originX() {
        return originX;
    }

    public double originY() {
        return originY;
    }

    public double originZ() {
        return originZ;
    }

    /** Finest voxel size h0. */
    public double finestVoxelSize() {
        return finestSize;
    }

    /** Morton key of voxel {@code (x, y, z)}, each in {@code [0, 2^21)}. */
    public static long morton(int x, int y, int z) {
        return Morton.encode(x, y, z);
    }

    /** x coordinate of a Morton key. */
    public static int mortonX(long key) {
        return Morton.x(key);
    }

    /** y coordinate of a Morton key. */
    public static int mortonY(long key) {
        return Morton.y(key);
    }

    /** z coordinate of a Morton key. */
    public static int mortonZ(long key) {
        return Morton.z(key);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("VoxelHierarchy[h0=").append(finestSize).append(", voxels per level");
        for (Level l : levels) b.append(' ').append(l.size());
        return b.append(']').toString();
    }
}
