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
    public float[] mx = new float[0], my = mx, conA = mx, conB = mx, conC = mx, opac = mx, colR = mx, colG = mx,
            colB = mx, depth = mx, phi = mx, pmax = mx, meanGradNorm = mx, splatGrad = mx;
    public int[] radius = new int[0], rect = radius;
    public byte[] clampBits = new byte[0];

    // tiles
    public int entries;
    public int[] tileStart = new int[1], cursor = new int[0], entrySplat = new int[0];
    public long[] keys = new long[0];
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
        if (mx.length >= count) return;
        int c = Math.max(count, mx.length + mx.length / 2);
        mx = new float[c];
        my = new float[c];
        conA = new float[c];
        conB = new float[c];
        conC = new float[c];
        opac = new float[c];
        colR = new float[c];
        colG = new float[c];
        colB = new float[c];
        depth = new float[c];
        phi = new float[c];
        pmax = new float[c];
        meanGradNorm = new float[c];
        radius = new int[c];
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
        if (keys.length < e) {
            int c = Math.max(e, keys.length + keys.length / 2);
            keys = new long[c];
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
