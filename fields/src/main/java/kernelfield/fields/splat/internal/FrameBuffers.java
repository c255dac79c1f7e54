package kernelfield.fields.splat.internal;

import java.util.Arrays;

/**
 * The working arrays of one rendered view: camera, per-splat projection, per-tile sorted lists,
 * outputs, and the backward pass's accumulators. Arrays grow (never shrink) so that a frame
 * reused for views of the same size allocates nothing. Public fields for the kernels of this
 * package; nothing outside the splat package uses this class.
 */
public final class FrameBuffers {
    /** Tile edge in pixels. */
    public static final int TILE = 16;
    /** Floats per entry (and per splat) of the raster gradient: mean2D x y, conic A B C, opacity, rgb, phi. */
    public static final int STRIDE = 10;
    /** Floats per splat record of {@link #rec}. */
    public static final int REC = 16;
    /** Offsets in a splat record: projected mean x, y (px); half the conic's A, its B, half its C (the
     *  footprint is {@code p = hA dx^2 + B dx dy + hC dy^2}); {@code qy}, the smallest p along a row
     *  at vertical offset dy is {@code qy dy^2}; pmax, the largest p at which alpha can reach 1/255
     *  (negative: never); opacity; colour r, g, b; GES phi; depth. */
    public static final int R_MX = 0, R_MY = 1, R_HA = 2, R_B = 3, R_HC = 4, R_QY = 5, R_PMAX = 6, R_OP = 7,
            R_CR = 8, R_CG = 9, R_CB = 10, R_PHI = 11, R_DZ = 12;
    /** Kernel codes. */
    public static final int GAUSSIAN = 0, GES = 1, GES_SCALED = 2;

    // view
    public int width, height, tilesX, tilesY;
    public double fx, fy, cx, cy;
    public final double[] rot = new double[9];
    public final double[] trans = new double[3];
    public final double[] campos = new double[3];
    public float bgR, bgG, bgB;
    public int kernel;
    public boolean antialiased, depthOn;
    public int shDegree;

    // per splat
    public int n;
    /** Per splat, what the tile raster reads, packed in one 64-byte record {@code (N, REC)}: see {@code R_*}. */
    public float[] rec = new float[0];
    /** Camera-space depth {@code (N)}, the sort key. */
    public float[] depth = rec;
    public float[] meanGradNorm = rec, splatGrad = rec;
    public int[] radius = new int[0], rect = radius;
    public byte[] clampBits = new byte[0];

    // tiles
    public int entries;
    public int[] tileStart = new int[1], cursor = new int[0], entrySplat = new int[0];
    /** Visible splats by (depth, index), and the radix sort's scratch. */
    public int[] order = new int[0], orderTmp = order, sortKey = order, sortKeyTmp = order;
    public long[] orderRect = new long[0], orderRectTmp = orderRect;
    public final int[] radixHist = new int[4 * 256];
    public float[] entryGrad = new float[0];

    // diagnostics
    /** Stage indices of {@link #stageNanos}. */
    public static final int ST_PROJECT = 0, ST_BIN = 1, ST_SORT = 2, ST_COMPOSITE = 3, ST_BACK_COMPOSITE = 4,
            ST_REDUCE = 5, ST_BACK_PROJECT = 6, STAGES = 7;
    /** Wall time of each stage of the last forward and backward, nanoseconds. */
    public final long[] stageNanos = new long[STAGES];
    /** Splat-pixel pairs whose footprint the last forward evaluated. */
    public long evaluations;

    // outputs
    public float[] image = new float[0], transmittance = image, depthImage = image, dPlanar = image;

    /** Resizes the per-splat arrays for {@code n} splats. */
    public void ensureSplats(int count) {
        n = count;
        if (depth.length >= count) return;
        int c = Math.max(count, depth.length + depth.length / 2);
        rec = new float[REC * c];
        depth = new float[c];
        meanGradNorm = new float[c];
        radius = new int[c];
        orderRect = new long[c];
        orderRectTmp = new long[c];
        order = new int[c];
        orderTmp = new int[c];
        sortKey = new int[c];
        sortKeyTmp = new int[c];
        rect = new int[4 * c];
        clampBits = new byte[c];
    }

    /** Resizes the image-sized arrays and the tile offsets for a {@code w x h} view. */
    public void ensureView(int w, int h) {
        width = w;
        height = h;
        tilesX = (w + TILE - 1) / TILE;
        tilesY = (h + TILE - 1) / TILE;
        int tiles = tilesX * tilesY;
        if (tileStart.length < tiles + 1) {
            tileStart = new int[tiles + 1];
            cursor = new int[tiles];
        }
        int px = w * h;
        if (image.length != 3 * px) image = new float[3 * px];
        if (transmittance.length != px) transmittance = new float[px];
        if (depthOn && depthImage.length != px) depthImage = new float[px];
    }

    /** Resizes the entry arrays for {@code e} tile entries. */
    public void ensureEntries(int e) {
        entries = e;
        if (entrySplat.length < e) {
            int c = Math.max(e, entrySplat.length + entrySplat.length / 2);
            entrySplat = new int[c];
        }
    }

    /** Resizes and zeroes the backward accumulators. */
    public void ensureBackward() {
        if (entryGrad.length < entries * STRIDE) entryGrad = new float[Math.max(entries * STRIDE, entryGrad.length * 3 / 2)];
        if (splatGrad.length < n * STRIDE) splatGrad = new float[Math.max(n * STRIDE, splatGrad.length * 3 / 2)];
        if (dPlanar.length != 3 * width * height) dPlanar = new float[3 * width * height];
        Arrays.fill(meanGradNorm, 0, n, 0f);
    }

    /** Number of tiles. */
    public int tiles() {
        return tilesX * tilesY;
    }
}
