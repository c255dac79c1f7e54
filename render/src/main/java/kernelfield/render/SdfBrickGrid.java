package kernelfield.render;

import java.util.Arrays;
import java.util.Objects;

import kernelfield.engine.data.Bounds;
import kernelfield.fields.DistanceField;

/**
 * A distance field baked into a sparse grid of bricks, the form {@link SdfDrawable} sphere-traces
 * on the GPU. The domain is cut into cubic cells of edge {@link #voxelSize()} {@code h}; a brick
 * covers {@value #CELLS}^3 cells and stores the field at its {@value #BRICK}^3 corner nodes
 * (neighbouring bricks share their face nodes, so trilinear interpolation is continuous across
 * bricks). Only bricks the surface passes through keep samples: for a signed field, bricks whose
 * samples change sign; for an unsigned one, bricks with a sample below {@code h}. Every other
 * brick is empty and only records whether it lies outside or inside (signed fields).
 *
 * <p>Layout: brick {@code (i, j, k)} of the {@code (bz, by, bx)} brick grid covers
 * {@code origin + 7 h [i, i+1] x [j, j+1] x [k, k+1]}; {@link #index()} {@code (bz, by, bx)} holds its
 * slot in the atlas, or {@link #EMPTY_OUTSIDE} / {@link #EMPTY_INSIDE}. The atlas {@link #atlas()}
 * is a 3D array {@code (8 az, 8 ay, 8 ax)} (x fastest) of {@code ax * ay * az} slots of
 * {@code 8^3} samples, slot {@code s} at slot coordinates {@code (s mod ax, (s / ax) mod ay,
 * s / (ax ay))}; unused slots are zero. This is the 3D texture the renderer uploads.
 *
 * <p>Baking evaluates the field at every brick centre, then at the {@code 8^3} nodes of each brick
 * whose centre value is within {@code lipschitz} times the brick's half diagonal (plus {@code h})
 * of zero, in batches of {@value #BATCH} bricks. A field whose gradient norm exceeds
 * {@code lipschitz} may lose surface bricks. Immutable after baking; safe to share.
 */
public final class SdfBrickGrid {
    /** Samples per brick edge. */
    public static final int BRICK = 8;
    /** Cells per brick edge. */
    public static final int CELLS = BRICK - 1;
    /** Index value of an empty brick outside the surface (positive field). */
    public static final int EMPTY_OUTSIDE = -1;
    /** Index value of an empty brick inside the surface (negative field, signed fields only). */
    public static final int EMPTY_INSIDE = -2;
    /** Largest resolution {@link #bake} accepts. */
    public static final int MAX_RESOLUTION = 1024;
    private static final int BATCH = 256;
    private static final int SAMPLES = BRICK * BRICK * BRICK;
    private static final int MAX_SLOTS_PER_AXIS = 256; // 8 * 256 = 2048 texels, the GL 4.5 minimum 3D size

    private final double ox, oy, oz, h;
    private final int bx, by, bz;
    private final int[] index;
    private final float[] atlas;
    private final int slots, ax, ay, az;
    private final boolean signed;
    private final Bounds surfaceBounds;

    private SdfBrickGrid(double ox, double oy, double oz, double h, int bx, int by, int bz, int[] index, float[] atlas,
                         int slots, int ax, int ay, int az, boolean signed, Bounds surfaceBounds) {
        this.ox = ox;
        this.oy = oy;
        this.oz = oz;
        this.h = h;
        this.bx = bx;
        this.by = by;
        this.bz = bz;
        this.index = index;
        this.atlas = atlas;
        this.slots = slots;
        this.ax = ax;
        this.ay = ay;
        this.az = az;
        this.signed = signed;
        this.surfaceBounds = surfaceBounds;
    }

    /** {@link #bake(DistanceField, Bounds, int, double)} with {@code lipschitz = 2}. */
    public static SdfBrickGrid bake(DistanceField field, Bounds domain, int resolution) {
        return bake(field, domain, resolution, 2.0);
    }

    /**
     * Bakes {@code field} over {@code domain}.
     *
     * @param resolution cells along the longest side of {@code domain}, 8..{@value #MAX_RESOLUTION}
     * @param lipschitz  bound on the field's gradient norm used to skip bricks far from the
     *                   surface ({@code >= 1}; 2 suits signed distances and NKS fields)
     * @return the grid; allocates the index {@code (bricks)}, the atlas and batch scratch
     *         ({@value #BATCH} bricks of points, values)
     * @throws IllegalArgumentException on an empty or non-finite domain or a resolution out of range
     */
    public static SdfBrickGrid bake(DistanceField field, Bounds domain, int resolution, double lipschitz) {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(domain, "domain");
        if (domain.isEmpty() || !Double.isFinite(domain.diagonal())) throw new IllegalArgumentException("domain is empty or not finite: " + domain);
        if (resolution < 8 || resolution > MAX_RESOLUTION) {
            throw new IllegalArgumentException("resolution " + resolution + " not in 8.." + MAX_RESOLUTION);
        }
        if (!(lipschitz >= 1) || !Double.isFinite(lipschitz)) throw new IllegalArgumentException("lipschitz " + lipschitz + " must be >= 1");
        double longest = Math.max(domain.sizeX(), Math.max(domain.sizeY(), domain.sizeZ()));
        if (!(longest > 0)) throw new IllegalArgumentException("domain has zero size: " + domain);
        double h = longest / resolution;
        int bx = bricks(domain.sizeX(), h), by = bricks(domain.sizeY(), h), bz = bricks(domain.sizeZ(), h);
        // centre the brick grid (it may be slightly larger than the domain)
        double ox = domain.centerX() - 0.5 * bx * CELLS * h, oy = domain.centerY() - 0.5 * by * CELLS * h,
                oz = domain.centerZ() - 0.5 * bz * CELLS * h;
        int nb = bx * by * bz;
        boolean signed = field.signed();
        double brickEdge = CELLS * h;

        // pass 1: brick centres
        float[] pts = new float[3 * nb];
        for (int k = 0, b = 0; k < bz; k++) {
            for (int j = 0; j < by; j++) {
                for (int i = 0; i < bx; i++, b++) {
                    pts[3 * b] = (float) (ox + (i + 0.5) * brickEdge);
                    pts[3 * b + 1] = (float) (oy + (j + 0.5) * brickEdge);
                    pts[3 * b + 2] = (float) (oz + (k + 0.5) * brickEdge);
                }
            }
        }
        float[] centre = new float[nb];
        field.evaluate(pts, centre, null);
        double reach = lipschitz * 0.5 * Math.sqrt(3) * brickEdge + h;
        int[] index = new int[nb];
        int candidates = 0;
        for (int b = 0; b < nb; b++) {
            float c = centre[b];
            if (Math.abs(c) <= reach || Float.isNaN(c)) {
                index[b] = Integer.MAX_VALUE; // to examine
                candidates++;
            } else {
                index[b] = signed && c < 0 ? EMPTY_INSIDE : EMPTY_OUTSIDE;
            }
        }

        // pass 2: the nodes of candidate bricks, in batches; kept bricks get consecutive slots
        float[] kept = new float[Math.max(1, Math.min(candidates, 1024)) * SAMPLES];
        int slots = 0;
        float[] bp = new float[3 * BATCH * SAMPLES], bv = new float[BATCH * SAMPLES];
        int[] batch = new int[BATCH];
        double sx0 = Double.POSITIVE_INFINITY, sy0 = sx0, sz0 = sx0, sx1 = Double.NEGATIVE_INFINITY, sy1 = sx1, sz1 = sx1;
        for (int b = 0; b < nb; ) {
            int nBatch = 0;
            for (; b < nb && nBatch < BATCH; b++) {
                if (index[b] == Integer.MAX_VALUE) batch[nBatch++] = b;
            }
            if (nBatch == 0) break;
            for (int q = 0; q < nBatch; q++) {
                int br = batch[q], i = br % bx, j = (br / bx) % by, k = br / (bx * by);
                int o = 3 * q * SAMPLES;
                for (int z = 0; z < BRICK; z++) {
                    for (int y = 0; y < BRICK; y++) {
                        for (int x = 0; x < BRICK; x++, o += 3) {
                            bp[o] = (float) (ox + (i * CELLS + x) * h);
                            bp[o + 1] = (float) (oy + (j * CELLS + y) * h);
                            bp[o + 2] = (float) (oz + (k * CELLS + z) * h);
                        }
                    }
                }
            }
            float[] vals = bv;
            if (nBatch == BATCH) {
                field.evaluate(bp, bv, null);
            } else { // the last, partial batch: arrays of its exact size (M points, M values)
                vals = new float[nBatch * SAMPLES];
                field.evaluate(Arrays.copyOf(bp, 3 * nBatch * SAMPLES), vals, null);
            }
            for (int q = 0; q < nBatch; q++) {
                int br = batch[q], o = q * SAMPLES;
                float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
                for (int s = 0; s < SAMPLES; s++) {
                    float v = vals[o + s];
                    if (Float.isNaN(v)) v = Float.POSITIVE_INFINITY; // undefined: treat as outside
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
                boolean keep = signed ? min <= 0 && max > 0 : min <= h;
                if (!keep) {
                    index[br] = signed && max <= 0 ? EMPTY_INSIDE : EMPTY_OUTSIDE;
                    continue;
                }
                if ((slots + 1) * SAMPLES > kept.length) kept = Arrays.copyOf(kept, 2 * kept.length);
                for (int s = 0; s < SAMPLES; s++) {
                    float v = vals[o + s];
                    kept[slots * SAMPLES + s] = Float.isNaN(v) ? (float) (2 * brickEdge) : v;
                }
                index[br] = slots++;
                int i = br % bx, j = (br / bx) % by, k = br / (bx * by);
                sx0 = Math.min(sx0, ox + i * brickEdge);
                sy0 = Math.min(sy0, oy + j * brickEdge);
                sz0 = Math.min(sz0, oz + k * brickEdge);
                sx1 = Math.max(sx1, ox + (i + 1) * brickEdge);
                sy1 = Math.max(sy1, oy + (j + 1) * brickEdge);
                sz1 = Math.max(sz1, oz + (k + 1) * brickEdge);
            }
        }

        // atlas layout
        int ax = Math.max(1, Math.min(MAX_SLOTS_PER_AXIS, (int) Math.ceil(Math.cbrt(slots))));
        int ay = ax;
        int az = Math.max(1, (int) Math.ceil((double) slots / ((long) ax * ay)));
        if (az > MAX_SLOTS_PER_AXIS) throw new IllegalArgumentException(slots + " surface bricks do not fit a 2048^3 atlas");
        int wx = BRICK * ax, wy = BRICK * ay;
        float[] atlas = new float[wx * wy * BRICK * az];
        for (int s = 0; s < slots; s++) {
            int sx = s % ax, sy = (s / ax) % ay, sz = s / (ax * ay);
            for (int z = 0; z < BRICK; z++) {
                for (int y = 0; y < BRICK; y++) {
                    int dst = ((sz * BRICK + z) * wy + sy * BRICK + y) * wx + sx * BRICK;
                    System.arraycopy(kept, s * SAMPLES + (z * BRICK + y) * BRICK, atlas, dst, BRICK);
                }
            }
        }
        Bounds sb = slots == 0 ? Bounds.EMPTY : new Bounds(sx0, sy0, sz0, sx1, sy1, sz1);
        return new SdfBrickGrid(ox, oy, oz, h, bx, by, bz, index, atlas, slots, ax, ay, az, signed, sb);
    }

    private static int bricks(double size, double h) {
        return Math.max(1, (int) Math.ceil(size / h / CELLS - 1e-9));
    }

    /** Corner of brick (0, 0, 0), {@code (3)}; a new array. */
    public double[] origin() {
        return new double[] {ox, oy, oz};
    }

    /** Cell edge {@code h}. */
    public double voxelSize() {
        return h;
    }

    /** Brick grid size {@code {bx, by, bz}}; a new array. */
    public int[] brickCounts() {
        return new int[] {bx, by, bz};
    }

    /** Brick slots or empty markers {@code (bz, by, bx)}; the array itself: do not modify. */
    public int[] index() {
        return index;
    }

    /** Number of surface bricks (atlas slots in use). */
    public int surfaceBricks() {
        return slots;
    }

    /** Atlas size in slots {@code {ax, ay, az}}; a new array. */
    public int[] atlasSlots() {
        return new int[] {ax, ay, az};
    }

    /** The atlas {@code (8 az, 8 ay, 8 ax)}, x fastest; the array itself: do not modify. */
    public float[] atlas() {
        return atlas;
    }

    /** Whether the baked field was signed. */
    public boolean signed() {
        return signed;
    }

    /** Union of the surface bricks' boxes ({@link Bounds#EMPTY} when there is none). */
    public Bounds surfaceBounds() {
        return surfaceBounds;
    }

    /** The whole brick grid's box. */
    public Bounds gridBounds() {
        double e = CELLS * h;
        return new Bounds(ox, oy, oz, ox + bx * e, oy + by * e, oz + bz * e);
    }

    /**
     * The baked field at {@code (x, y, z)}, interpolated trilinearly as the GPU does (in float64
     * here): in a surface brick its interpolated samples; in an empty brick, or outside the grid,
     * {@code NaN}. Allocates nothing.
     */
    public double sample(double x, double y, double z) {
        double e = CELLS * h;
        double gx = (x - ox) / e, gy = (y - oy) / e, gz = (z - oz) / e;
        int i = (int) Math.floor(gx), j = (int) Math.floor(gy), k = (int) Math.floor(gz);
        // a point on the far face of the grid belongs to the last brick
        if (i == bx && gx == bx) i--;
        if (j == by && gy == by) j--;
        if (k == bz && gz == bz) k--;
        if (i < 0 || j < 0 || k < 0 || i >= bx || j >= by || k >= bz) return Double.NaN;
        int s = index[(k * by + j) * bx + i];
        if (s < 0) return Double.NaN;
        double lx = Math.min(CELLS, Math.max(0, (gx - i) * CELLS)), ly = Math.min(CELLS, Math.max(0, (gy - j) * CELLS)),
                lz = Math.min(CELLS, Math.max(0, (gz - k) * CELLS));
        int cx = Math.min(CELLS - 1, (int) lx), cy = Math.min(CELLS - 1, (int) ly), cz = Math.min(CELLS - 1, (int) lz);
        double fx = lx - cx, fy = ly - cy, fz = lz - cz;
        int sx = s % ax, sy = (s / ax) % ay, sz = s / (ax * ay);
        int wx = BRICK * ax, wy = BRICK * ay;
        double v = 0;
        for (int dz = 0; dz < 2; dz++) {
            for (int dy = 0; dy < 2; dy++) {
                for (int dx = 0; dx < 2; dx++) {
                    double w = (dx == 0 ? 1 - fx : fx) * (dy == 0 ? 1 - fy : fy) * (dz == 0 ? 1 - fz : fz);
                    int a = ((sz * BRICK + cz + dz) * wy + sy * BRICK + cy + dy) * wx + sx * BRICK + cx + dx;
                    v += w * atlas[a];
                }
            }
        }
        return v;
    }

    @Override
    public String toString() {
        return "SdfBrickGrid[" + bx + "x" + by + "x" + bz + " bricks of " + CELLS + "^3 cells, h " + h + ", "
                + slots + " surface bricks]";
    }
}
