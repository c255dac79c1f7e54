package kernelfield.fields.splat;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;

import kernelfield.engine.data.Camera;
import kernelfield.fields.splat.internal.FrameBuffers;
import kernelfield.fields.splat.internal.SplatProjection;
import kernelfield.fields.splat.internal.TileRaster;

/**
 * The differentiable Gaussian splat rasterizer on the CPU, forward and backward: the reference
 * kernel of the splat representation (other devices are tested against it).
 *
 * <h2>Forward</h2>
 * <ol>
 *   <li>Projection, per splat, in float64: camera-space mean {@code t = R x + t_cam}; culled when
 *       {@code t.z <= 0.2}. 3D covariance {@code Sigma = R_q S S^T R_q^T} from the normalised
 *       quaternion and {@code S = diag(exp(log-scale))}. EWA: {@code Sigma2D = J W Sigma W^T J^T}
 *       with {@code W} the camera rotation and {@code J} the Jacobian of the pinhole projection at
 *       {@code t}, whose {@code t.x / t.z} and {@code t.y / t.z} are first clamped to 1.3 times the
 *       half field of view (frustum guard). Low-pass: {@code 0.3 px^2} added to the diagonal; with
 *       anti-aliasing on (Mip-Splatting 2D filter) the opacity is also multiplied by
 *       {@code sqrt(det Sigma2D / det(Sigma2D + 0.3 I))}. Conic = inverse of the dilated
 *       covariance. Radius = {@code ceil(3 sqrt(lambda_max))} (see {@link SplatKernel} for GES).
 *       Colour = SH of the active degree in the direction from the camera centre to the mean,
 *       {@code + 0.5}, clamped at 0. Projected mean {@code (fx t.x / t.z + cx, fy t.y / t.z + cy)}
 *       in pixels, pixel centres at {@code +0.5}.</li>
 *   <li>Binning: 16x16 tiles; each splat goes to every tile its {@code mean +- radius} square
 *       touches; each tile's list sorted by (depth, splat index), so ties are deterministic (one
 *       stable radix sort of the visible splats by depth, then the lists are filled in that
 *       order).</li>
 *   <li>Compositing per pixel, front to back: {@code alpha = min(0.99, opacity * g(p))}, skipped
 *       when below 1/255; a pixel stops before the splat that would take its transmittance below
 *       {@code 1e-4}; colour {@code sum_i c_i alpha_i T_i + T_final * background}. On the Vector
 *       API: a tile is cut in runs of 8 adjacent pixels of a row (the vector lanes); per run, the
 *       tile's splats whose footprint can reach alpha 1/255 on it are listed first (a conservative
 *       test on the ellipse {@code p <= ln(255 opacity)}), so the inner loop is pure vector work
 *       and ends when every lane has stopped. {@code exp(-p)} is a degree-5 minimax polynomial
 *       (relative error under 2e-7, see {@code VecMath.expNeg}); {@code p} and the colour sums use
 *       fused multiply-adds. The float64 reference of the tests agrees to 5e-5 per pixel.</li>
 * </ol>
 *
 * <h2>Backward</h2>
 * Per tile, each pixel first re-runs its forward sweep (bit-identical operations), recording each
 * contributing splat's alpha, kernel value and the transmittance in front of it; then walks back to
 * front with the colour behind each splat, {@code R_{i-1} = alpha_i c_i + (1 - alpha_i) R_i},
 * {@code R = background} at the back, so {@code dC/dalpha_i = T_i (c_i - R_i)}: no division by
 * {@code 1 - alpha}. The raster gradient (2D mean, conic, opacity, colour, GES phi) of each
 * (tile, splat) pair is written to its own slot, then summed per splat in tile order, so the
 * result does not depend on the thread count. The projection backward then runs per splat in
 * float64.
 *
 * <h2>Deliberate differences from the reference 3DGS CUDA kernels</h2>
 * <ul>
 *   <li>Pixel centres are at {@code +0.5} (3DGS uses integer pixel coordinates as centres, i.e. a
 *       half-pixel shift) and the projected mean is the plain pinhole projection with the camera's
 *       own {@code cx, cy} (3DGS goes through an OpenGL projection matrix with a centred principal
 *       point).</li>
 *   <li>The frustum guard clamps about the image centre's direction {@code ((W/2 - cx)/fx,
 *       (H/2 - cy)/fy)}; identical to 3DGS for a centred principal point.</li>
 *   <li>When the guard clamps {@code t.x / t.z}, the gradient with respect to {@code t.z} is the
 *       true derivative of the clamped Jacobian ({@code fx u_c / z^2}); 3DGS uses
 *       {@code 2 fx u_c / z^2} there.</li>
 *   <li>The backward pass recomputes the transmittance front to back instead of dividing by
 *       {@code 1 - alpha}; gradients through clamped alpha ({@code opacity * g >= 0.99}) are zero for
 *       opacity and geometry, as in 3DGS, but the colour still gets its gradient.</li>
 *   <li>Projection and its backward run in float64 (3DGS: float32); a negative quadratic form from
 *       rounding is clamped to 0 (3DGS skips such a pixel); a tiny or negative dilated-covariance
 *       determinant ({@code <= 1e-12}) culls the splat (3DGS: exactly 0).</li>
 *   <li>Anti-aliased mode: the compensation has no gradient when the undilated determinant is
 *       below {@code 1e-10 px^4}, where its derivative is unbounded.</li>
 *   <li>Gradients are <em>added</em> to the blocks' {@code grad} arrays (views accumulate); the 3D
 *       covariance is not an input (no precomputed-covariance path), nor are precomputed colours.</li>
 *   <li>The densification statistic is returned as its norm per splat ({@link
 *       SplatFrame#meanGradNorm2D()}) in 3DGS's NDC units.</li>
 * </ul>
 *
 * <p>Threads: a rasterizer owns a fork-join pool of {@code threads - 1} workers (the calling thread
 * is the other); {@link #close()} ends it. One call at a time per rasterizer (not thread-safe).
 * Allocation: per call a few task objects; the frame's arrays only when they must grow.
 */
public final class SplatRasterCpu implements AutoCloseable {
    private static final int SPLAT_CHUNK = 1024;

    private final SplatRasterSettings settings;
    private final int threads;
    private final ForkJoinPool pool;
    private final TileRaster[] rasters;
    private final SplatProjection[] projections;

    /** A rasterizer with the given settings; starts its worker pool. */
    public SplatRasterCpu(SplatRasterSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.threads = settings.threads();
        this.pool = threads > 1 ? new ForkJoinPool(threads - 1) : null;
        this.rasters = new TileRaster[threads];
        this.projections = new SplatProjection[threads];
        for (int i = 0; i < threads; i++) {
            rasters[i] = new TileRaster();
            projections[i] = new SplatProjection();
        }
    }

    /** The settings. */
    public SplatRasterSettings settings() {
        return settings;
    }

    /**
     * Renders {@code gaussians} from {@code camera} into a new frame. Allocates the frame.
     *
     * @param background (3) RGB background colour
     */
    public SplatFrame forward(GaussianSet gaussians, Camera camera, float[] background) {
        SplatFrame f = new SplatFrame();
        forward(gaussians, camera, background, f);
        return f;
    }

    /**
     * Renders {@code gaussians} from {@code camera} into {@code frame} (whose previous content is
     * replaced). Reads the parameter values; modifies only the frame.
     *
     * @param background (3) RGB background colour
     */
    public void forward(GaussianSet gaussians, Camera camera, float[] background, SplatFrame frame) {
        Objects.requireNonNull(camera, "camera");
        if (background.length != 3) throw new IllegalArgumentException("background: expected 3 values, got " + background.length);
        gaussians.checkConsistent();
        boolean needShape = settings.kernel() != SplatKernel.GAUSSIAN;
        if (needShape && !gaussians.hasShape()) {
            throw new IllegalArgumentException("kernel " + settings.kernel() + " needs a GaussianSet with a shape block");
        }
        FrameBuffers f = frame.buf;
        frame.rendered = gaussians;
        frame.backwardDone = false;
        f.kernel = switch (settings.kernel()) {
            case GAUSSIAN -> FrameBuffers.GAUSSIAN;
            case GES -> FrameBuffers.GES;
            case GES_SCALED -> FrameBuffers.GES_SCALED;
        };
        f.antialiased = settings.antialiased();
        f.depthOn = settings.depth();
        f.shDegree = gaussians.activeShDegree();
        f.bgR = background[0];
        f.bgG = background[1];
        f.bgB = background[2];
        f.fx = camera.fx();
        f.fy = camera.fy();
        f.cx = camera.cx();
        f.cy = camera.cy();
        System.arraycopy(camera.rotation(), 0, f.rot, 0, 9);
        System.arraycopy(camera.translation(), 0, f.trans, 0, 3);
        System.arraycopy(camera.center(), 0, f.campos, 0, 3);
        f.ensureView(camera.width(), camera.height());
        int n = gaussians.size();
        f.ensureSplats(n);

        float[] means = gaussians.means().value(), ls = gaussians.logScales().value(),
                q = gaussians.quaternions().value(), ol = gaussians.opacityLogits().value(),
                dc = gaussians.shDc().value(), rest = gaussians.shRest().value();
        float[] shape = gaussians.hasShape() && needShape ? gaussians.shape().value() : null;
        long t0 = System.nanoTime();
        AtomicInteger next = new AtomicInteger();
        int chunks = (n + SPLAT_CHUNK - 1) / SPLAT_CHUNK;
        runAll(w -> {
            SplatProjection p = projections[w];
            for (int c; (c = next.getAndIncrement()) < chunks; ) {
                int from = c * SPLAT_CHUNK;
                p.forward(f, from, Math.min(n, from + SPLAT_CHUNK), means, ls, q, ol, dc, rest, shape);
            }
        });
        long t1 = System.nanoTime();
        f.stageNanos[FrameBuffers.ST_PROJECT] = t1 - t0;
        bin(f);
        long t2 = System.nanoTime();
        int tiles = f.tiles();
        AtomicInteger nextTile = new AtomicInteger();
        for (TileRaster r : rasters) r.evaluations = 0;
        runAll(w -> {
            TileRaster r = rasters[w];
            for (int t; (t = nextTile.getAndIncrement()) < tiles; ) r.forward(f, t);
        });
        f.stageNanos[FrameBuffers.ST_COMPOSITE] = System.nanoTime() - t2;
        long ev = 0;
        for (TileRaster r : rasters) ev += r.evaluations;
        f.evaluations = ev;
    }

    /**
     * Sorts the visible splats by (depth, index) and fills the per-tile lists in that order, so each
     * tile's list comes out sorted; records, per splat, where its entries are (for the backward's
     * per-splat sums).
     */
    private void bin(FrameBuffers f) {
        long tBin = System.nanoTime();
        int n = f.n, tiles = f.tiles();
        int[] start = f.tileStart;
        Arrays.fill(start, 0, tiles + 1, 0);
        int tilesX = f.tilesX;
        int[] rect = f.rect, radius = f.radius;
        long total = 0;
        for (int i = 0; i < n; i++) {
            if (radius[i] == 0) continue;
            int x0 = rect[4 * i], y0 = rect[4 * i + 1], x1 = rect[4 * i + 2], y1 = rect[4 * i + 3];
            for (int ty = y0; ty < y1; ty++) {
                for (int tx = x0; tx < x1; tx++) start[ty * tilesX + tx + 1]++;
            }
            total += (long) (x1 - x0) * (y1 - y0);
        }
        if (total > Integer.MAX_VALUE / FrameBuffers.STRIDE) {
            throw new IllegalStateException(total + " tile entries exceed the rasterizer's capacity");
        }
        for (int t = 0; t < tiles; t++) start[t + 1] += start[t];
        f.ensureEntries((int) total);
        long tSort = System.nanoTime();
        int m = sortByDepth(f);
        long tFill = System.nanoTime();
        int[] cur = f.cursor;
        System.arraycopy(start, 0, cur, 0, tiles);
        int[] es = f.entrySplat, order = f.order;
        long[] rects = f.orderRect;
        for (int k = 0; k < m; k++) {
            int i = order[k];
            long r = rects[k];
            int x0 = (int) (r & 0xffff), y0 = (int) ((r >>> 16) & 0xffff), x1 = (int) ((r >>> 32) & 0xffff),
                    y1 = (int) (r >>> 48);
            for (int ty = y0; ty < y1; ty++) {
                for (int tx = x0; tx < x1; tx++) es[cur[ty * tilesX + tx]++] = i;
            }
        }
        long tEnd = System.nanoTime();
        f.stageNanos[FrameBuffers.ST_SORT] = tFill - tSort;
        f.stageNanos[FrameBuffers.ST_BIN] = (tSort - tBin) + (tEnd - tFill);
    }

    /**
     * Writes the visible splats (radius > 0) to {@code f.order} and their tile rectangles (four 16-bit
     * fields) to {@code f.orderRect}, sorted by depth and then by index
     * (a stable LSD radix sort of the depth's float bits: depth > 0.2 is positive, so its bits order
     * like the floats); returns their count.
     */
    private static int sortByDepth(FrameBuffers f) {
        int n = f.n;
        int[] ord = f.order, tmp = f.orderTmp, kb = f.sortKey, kt = f.sortKeyTmp, hist = f.radixHist;
        long[] rp = f.orderRect, rt = f.orderRectTmp;
        int[] radius = f.radius, rect = f.rect;
        float[] depth = f.depth;
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (radius[i] == 0) continue;
            ord[m] = i;
            rp[m] = (rect[4 * i] & 0xffffL) | (rect[4 * i + 1] & 0xffffL) << 16 | (rect[4 * i + 2] & 0xffffL) << 32
                    | (rect[4 * i + 3] & 0xffffL) << 48;
            kb[m++] = Float.floatToRawIntBits(depth[i]);
        }
        Arrays.fill(hist, 0);
        for (int k = 0; k < m; k++) {
            int v = kb[k];
            hist[v & 0xff]++;
            hist[256 + ((v >>> 8) & 0xff)]++;
            hist[512 + ((v >>> 16) & 0xff)]++;
            hist[768 + (v >>> 24)]++;
        }
        for (int pass = 0; pass < 4; pass++) {
            int shift = 8 * pass, h = 256 * pass;
            if (m == 0 || hist[h + ((kb[0] >>> shift) & 0xff)] == m) continue; // one bucket: order unchanged
            for (int b = 0, sum = 0; b < 256; b++) {
                int c = hist[h + b];
                hist[h + b] = sum;
                sum += c;
            }
            for (int k = 0; k < m; k++) {
                int v = kb[k];
                int p = hist[h + ((v >>> shift) & 0xff)]++;
                tmp[p] = ord[k];
                kt[p] = v;
                rt[p] = rp[k];
            }
            int[] x = ord;
            ord = tmp;
            tmp = x;
            x = kb;
            kb = kt;
            kt = x;
            long[] y = rp;
            rp = rt;
            rt = y;
        }
        if (ord != f.order) {
            System.arraycopy(ord, 0, f.order, 0, m);
            System.arraycopy(rp, 0, f.orderRect, 0, m);
        }
        return m;
    }

    /**
     * Back-propagates an image gradient through the last {@link #forward} into {@code frame}: adds
     * the gradient of every parameter to the {@code grad} arrays of the rendered {@link
     * GaussianSet}'s blocks (means, log-scales, quaternions, opacity logits, SH dc and rest up to the
     * active degree, and GES shape), and fills {@link SplatFrame#meanGradNorm2D()}. The parameter
     * values must be those of the forward. Modifies the gradients and the frame.
     *
     * @param dLdImage (H, W, 3) gradient of the loss with respect to the RGB image
     */
    public void backward(SplatFrame frame, float[] dLdImage) {
        FrameBuffers f = frame.buf;
        GaussianSet g = frame.rendered;
        if (g == null) throw new IllegalStateException("backward before forward");
        if (g.size() != f.n) throw new IllegalStateException("the set has " + g.size() + " splats, the frame " + f.n);
        int px = f.width * f.height;
        if (dLdImage.length != 3 * px) {
            throw new IllegalArgumentException("dLdImage: " + dLdImage.length + " values, expected (H, W, 3) = " + 3 * px);
        }
        long t0 = System.nanoTime();
        f.ensureBackward();
        float[] dp = f.dPlanar;
        for (int p = 0, o = 0; p < px; p++, o += 3) {
            dp[p] = dLdImage[o];
            dp[px + p] = dLdImage[o + 1];
            dp[2 * px + p] = dLdImage[o + 2];
        }
        int tiles = f.tiles();
        AtomicInteger nextTile = new AtomicInteger();
        runAll(w -> {
            TileRaster r = rasters[w];
            for (int t; (t = nextTile.getAndIncrement()) < tiles; ) r.backward(f, t);
        });
        long t1 = System.nanoTime();
        f.stageNanos[FrameBuffers.ST_BACK_COMPOSITE] = t1 - t0;

        // per-splat sums in entry (= tile) order; each worker owns a range of splats
        int n = f.n, entries = f.entries;
        int[] es = f.entrySplat;
        float[] eg = f.entryGrad, sg = f.splatGrad;
        final int st = FrameBuffers.STRIDE;
        runAll(w -> {
            int lo = (int) ((long) n * w / threads), hi = (int) ((long) n * (w + 1) / threads);
            Arrays.fill(sg, lo * st, hi * st, 0f);
            for (int e = 0; e < entries; e++) {
                int i = es[e];
                if (i < lo || i >= hi) continue;
                int a = i * st, b = e * st;
                for (int k = 0; k < st; k++) sg[a + k] += eg[b + k];
            }
        });
        long t2 = System.nanoTime();
        f.stageNanos[FrameBuffers.ST_REDUCE] = t2 - t1;
        float[] means = g.means().value(), ls = g.logScales().value(), q = g.quaternions().value(),
                ol = g.opacityLogits().value(), dc = g.shDc().value(), rest = g.shRest().value();
        boolean needShape = settings.kernel() != SplatKernel.GAUSSIAN;
        float[] shape = needShape ? g.shape().value() : null;
        float[] gShape = needShape ? g.shape().grad() : null;
        float[] gm = g.means().grad(), gls = g.logScales().grad(), gq = g.quaternions().grad(),
                gol = g.opacityLogits().grad(), gdc = g.shDc().grad(), grest = g.shRest().grad();
        AtomicInteger next = new AtomicInteger();
        int chunks = (n + SPLAT_CHUNK - 1) / SPLAT_CHUNK;
        runAll(w -> {
            SplatProjection p = projections[w];
            for (int c; (c = next.getAndIncrement()) < chunks; ) {
                int from = c * SPLAT_CHUNK;
                p.backward(f, from, Math.min(n, from + SPLAT_CHUNK), means, ls, q, ol, dc, rest, shape,
                        gm, gls, gq, gol, gdc, grest, gShape);
            }
        });
        f.stageNanos[FrameBuffers.ST_BACK_PROJECT] = System.nanoTime() - t2;
        frame.backwardDone = true;
    }

    private interface WorkerTask {
        void run(int worker);
    }

    /** Runs {@code task} on every worker (worker 0 on the calling thread) and waits for all. */
    private void runAll(WorkerTask task) {
        if (threads == 1) {
            task.run(0);
            return;
        }
        ForkJoinTask<?>[] fs = new ForkJoinTask<?>[threads];
        for (int w = 1; w < threads; w++) {
            int id = w;
            fs[w] = pool.submit(() -> task.run(id));
        }
        Throwable err = null;
        try {
            task.run(0);
        } catch (RuntimeException | Error e) {
            err = e;
        }
        for (int w = 1; w < threads; w++) {
            try {
                fs[w].join();
            } catch (RuntimeException | Error e) {
                if (err == null) err = e;
            }
        }
        if (err instanceof RuntimeException re) throw re;
        if (err instanceof Error er) throw er;
    }

    /** Ends the worker pool. */
    @Override
    public void close() {
        if (pool != null) pool.shutdownNow();
    }
}
