package kernelfield.fields.splat.internal;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Front-to-back compositing of one 16x16 tile, forward and backward, on the Vector API: the lanes
 * of a vector are adjacent pixels of a tile row. One instance per worker thread (it holds the
 * tile's gathered splat data and the backward pass's per-pixel scratch); after warm-up it
 * allocates nothing.
 *
 * <p>The forward and the backward's forward sweep run the same float operations in the same order,
 * so both take identical decisions (skip, clamp, stop) and the backward recomputes each splat's
 * alpha and the transmittance in front of it exactly; the back-to-front sweep then never divides by
 * {@code 1 - alpha}.
 */
public final class TileRaster {
    private static VectorSpecies<Float> species(int lanes) {
        VectorSpecies<Float> pref = FloatVector.SPECIES_PREFERRED;
        VectorSpecies<Float> want = lanes >= 16 ? FloatVector.SPECIES_512 : lanes >= 8 ? FloatVector.SPECIES_256
                : FloatVector.SPECIES_128;
        return want.length() <= pref.length() ? want : pref.length() >= 4 ? pref : FloatVector.SPECIES_128;
    }

    private static final int REC = FrameBuffers.REC, R_MX = FrameBuffers.R_MX, R_MY = FrameBuffers.R_MY,
            R_HA = FrameBuffers.R_HA, R_B = FrameBuffers.R_B, R_HC = FrameBuffers.R_HC, R_QY = FrameBuffers.R_QY,
            R_PMAX = FrameBuffers.R_PMAX, R_OP = FrameBuffers.R_OP, R_CR = FrameBuffers.R_CR,
            R_CG = FrameBuffers.R_CG, R_CB = FrameBuffers.R_CB, R_PHI = FrameBuffers.R_PHI, R_DZ = FrameBuffers.R_DZ;
    /**
     * Lanes per run of pixels: 8 by default (256-bit vectors) where the CPU has them, else its
     * preferred width; system property {@code kernelfield.splat.lanes} (4, 8 or 16) overrides. On
     * the AVX-512 machine we measured (AMD Zen 4, which splits 512-bit operations in two), runs of
     * 8 pixels beat runs of 16: splats a few pixels wide leave fewer idle lanes, and the per-run
     * culling skips more. The image does not depend on the width; gradients differ in rounding
     * (another summation order), and stay bit-identical for any thread count.
     */
    static final VectorSpecies<Float> SP = species(Integer.getInteger("kernelfield.splat.lanes", 8));
    static final int L = SP.length();
    static final int SEGS = FrameBuffers.TILE / L;
    /** Contributions below this alpha are skipped (3DGS). */
    public static final float ALPHA_MIN = 1f / 255f;
    /** Alpha is clamped to this (3DGS). */
    public static final float ALPHA_MAX = 0.99f;
    /** A pixel stops when its transmittance would fall below this (3DGS). */
    public static final float T_MIN = 1e-4f;
    /** Lower bound of p in the derivative of the GES kernel {@code p^phi} (infinite at 0 for phi < 1). */
    static final float P_EPS = 1e-6f;

    /** Splat-pixel pairs whose footprint {@link #forward} evaluated (the caller resets it). */
    public long evaluations;
    private int cap;
    /** The tile's splat records {@code (count, REC)}, in depth order (see {@link FrameBuffers#rec}). */
    private float[] loc = new float[0];
    private float[] aBuf = new float[0], tBuf = aBuf, gBuf = aBuf, vacc = aBuf;
    private int[] act = new int[0];
    /** Per run of pixels ({@code row * SEGS + seg}): the indices of the tile's splats that may reach it,
     *  in depth order, at {@code runList[run * cap + k]}, {@code k < runCount[run]}. */
    private int[] runList = new int[0];
    private final int[] runCount = new int[RUNS];
    /** Per tile splat and segment {@code (count, SEGS)}: bit r set when row r's run lists it. */
    private int[] runBits = new int[0];
    /** Per tile splat: whether any run lists it. */
    private boolean[] used = new boolean[0];
    private final float[] laneOff = new float[L];
    private final float[] outR = new float[L], outG = new float[L], outB = new float[L], outT = new float[L],
            outD = new float[L];
    /** Pixel runs of a tile: rows times segments. */
    static final int RUNS = FrameBuffers.TILE * SEGS;
    /** Per-entry vector accumulators of the backward: sums of dL/dp dx, dL/dp dx^2, dL/dp dy,
     *  dL/dp dx dy, dL/dp dy^2, colour r g b, opacity, phi. */
    static final int NACC = 10;
    private static final VectorShuffle<Float> BF8 = VectorShuffle.fromOp(SP, i -> i ^ (L >= 16 ? 8 : 0));
    private static final VectorShuffle<Float> BF4 = VectorShuffle.fromOp(SP, i -> i ^ (L >= 8 ? 4 : 0));
    private static final VectorShuffle<Float> BF2 = VectorShuffle.fromOp(SP, i -> i ^ 2);
    private static final VectorShuffle<Float> BF1 = VectorShuffle.fromOp(SP, i -> i ^ 1);

    public TileRaster() {
        for (int i = 0; i < L; i++) laneOff[i] = i + 0.5f;
    }

    private void ensure(int count) {
        if (count <= cap) return;
        int c = Math.max(count, cap + cap / 2 + 16);
        loc = new float[c * REC];
        aBuf = new float[c * L];
        tBuf = new float[c * L];
        gBuf = new float[c * L];
        act = new int[c];
        vacc = new float[c * NACC * L];
        runList = new int[c * RUNS];
        used = new boolean[c];
        runBits = new int[c * SEGS];
        cap = c;
    }

    /**
     * Gathers the tile's sorted splats into the local packed arrays and lists, per run of pixels,
     * the splats that may reach alpha 1/255 on it (conservative: a listed splat may still be skipped
     * on every pixel). Returns the tile's splat count.
     */
    private int load(FrameBuffers f, int tile) {
        int start = f.tileStart[tile], count = f.tileStart[tile + 1] - start;
        ensure(count);
        float[] rc = f.rec, lc = loc;
        int[] es = f.entrySplat;
        for (int j = 0; j < count; j++) {
            int i = es[start + j];
            for (int k = 0; k < REC; k += L) FloatVector.fromArray(SP, rc, i * REC + k).intoArray(lc, j * REC + k);
        }
        int x0 = (tile % f.tilesX) * FrameBuffers.TILE, y0 = (tile / f.tilesX) * FrameBuffers.TILE;
        int rows = Math.min(FrameBuffers.TILE, f.height - y0);
        FloatVector rowOff = FloatVector.fromArray(SP, laneOff, 0);
        int[] list = runList;
        int[] cnt = runCount;
        int[] bits = runBits;
        int stride = cap;
        for (int j = 0; j < count; j++) {
            int o = j * REC;
            float pm = lc[o + R_PMAX];
            for (int seg = 0; seg < SEGS; seg++) bits[j * SEGS + seg] = 0;
            if (pm < 0f) continue;
            float m = lc[o + R_MX], a = lc[o + R_HA], bj = lc[o + R_B], c = lc[o + R_HC], q = lc[o + R_QY];
            float myj = lc[o + R_MY];
            float inv = 0.5f / a;
            for (int rb = 0; rb < FrameBuffers.TILE; rb += L) {
                if (rb >= rows) break;
                // lanes are rows rb .. rb + L - 1
                FloatVector dy = FloatVector.broadcast(SP, myj).sub(rowOff.add((float) (y0 + rb)));
                FloatVector dy2 = dy.mul(dy);
                VectorMask<Float> near = dy2.mul(q).compare(VectorOperators.LE, pm);
                if (!near.anyTrue()) continue;
                // solve p(dx) = pmax along each row: dx = m - px in [(-bdy - root) inv, (-bdy + root) inv]
                FloatVector bdy = dy.mul(bj);
                FloatVector disc = bdy.mul(bdy).sub(dy2.mul(c).sub(pm).mul(4f * a));
                VectorMask<Float> real = disc.compare(VectorOperators.GE, 0f);
                FloatVector root = disc.max(0f).sqrt();
                FloatVector pxLo = bdy.neg().add(root).mul(inv).neg().add(m - 0.01f);
                FloatVector pxHi = bdy.neg().sub(root).mul(inv).neg().add(m + 0.01f);
                for (int seg = 0; seg < SEGS; seg++) {
                    float xs = x0 + seg * L;
                    VectorMask<Float> out = pxHi.compare(VectorOperators.LT, xs + 0.5f)
                            .or(pxLo.compare(VectorOperators.GT, xs + L - 0.5f)).and(real);
                    bits[j * SEGS + seg] |= (int) near.andNot(out).toLong() << rb;
                }
            }
        }
        // per run, the listed splats in depth order (branch-free appends)
        for (int row = 0; row < rows; row++) {
            for (int seg = 0; seg < SEGS; seg++) {
                int run = row * SEGS + seg, base = run * stride, k = 0;
                for (int j = 0, b = seg; j < count; j++, b += SEGS) {
                    list[base + k] = j;
                    k += (bits[b] >>> row) & 1;
                }
                cnt[run] = k;
            }
        }
        for (int j = 0; j < count; j++) {
            int any = 0;
            for (int seg = 0; seg < SEGS; seg++) any |= bits[j * SEGS + seg];
            used[j] = any != 0;
        }
        return count;
    }

    /** {@code p = (hA dx + bdy) dx + hCdy2}, clamped at 0 (rounding of a nearly singular conic). */
    private static FloatVector footprint(FloatVector dx, float hA, float bdy, float hCdy2) {
        return dx.fma(hA, bdy).fma(dx, FloatVector.broadcast(SP, hCdy2)).max(0f);
    }

    /** The GES kernel {@code exp(-p^phi)}; not inlined by hand (GES is the slower path). */
    private static FloatVector gesKernel(FloatVector p, float phi) {
        return VecMath.expNeg(pow(p, phi));
    }

    /** {@code p^phi} for {@code p >= 0}, {@code phi > 0}; 0 at {@code p = 0}. */
    private static FloatVector pow(FloatVector p, float phi) {
        FloatVector r = VecMath.exp(VecMath.logPositive(p.max(1e-30f)).mul(phi));
        return r.blend(0f, p.compare(VectorOperators.EQ, 0f));
    }

    /** Renders tile {@code tile} into {@code f.image}, {@code f.transmittance} (and {@code f.depthImage}). */
    public void forward(FrameBuffers f, int tile) {
        load(f, tile);
        int w = f.width, h = f.height;
        int x0 = (tile % f.tilesX) * FrameBuffers.TILE, y0 = (tile / f.tilesX) * FrameBuffers.TILE;
        int rows = Math.min(FrameBuffers.TILE, h - y0);
        boolean ges = f.kernel == FrameBuffers.GES;
        float[] img = f.image;
        for (int row = 0; row < rows; row++) {
            int y = y0 + row;
            for (int seg = 0; seg < SEGS; seg++) {
                int xs = x0 + seg * L;
                if (xs >= w) break;
                int nv = Math.min(L, w - xs);
                int run = row * SEGS + seg;
                composite(run * cap, runCount[run], xs, y + 0.5f, nv, ges, f.depthOn);
                int pix = y * w + xs;
                System.arraycopy(outT, 0, f.transmittance, pix, nv);
                if (f.depthOn) System.arraycopy(outD, 0, f.depthImage, pix, nv);
                float bgR = f.bgR, bgG = f.bgG, bgB = f.bgB;
                for (int l = 0, o = 3 * pix; l < nv; l++, o += 3) {
                    float t = outT[l];
                    img[o] = outR[l] + t * bgR;
                    img[o + 1] = outG[l] + t * bgG;
                    img[o + 2] = outB[l] + t * bgB;
                }
            }
        }
    }

    /**
     * Composites the {@code n} splats listed from {@code runList[list]} over the {@code nv} pixels
     * from column {@code xs} of the row at centre height {@code pyc}; writes the sums to outR/G/B/D
     * and transmittance to outT.
     *
     * <p>A lane's transmittance {@code t} is kept negated once the lane has stopped, so that no mask
     * is carried from one iteration to the next (the JIT keeps loop-carried masks boxed).
     */
    private void composite(int list, int n, int xs, float pyc, int nv, boolean ges, boolean depthOn) {
        FloatVector zero = FloatVector.zero(SP);
        FloatVector px = FloatVector.fromArray(SP, laneOff, 0).add((float) xs);
        FloatVector t = FloatVector.broadcast(SP, 1f).blend(-1f, SP.indexInRange(0, nv).not());
        FloatVector sr = zero, sg = zero, sb = zero, sd = zero;
        int[] lst = runList;
        float[] lc = loc;
        long ev = 0;
        for (int k = 0; k < n; k++) {
            int o = lst[list + k] * REC;
            ev += nv;
            float dy = lc[o + R_MY] - pyc;
            FloatVector dx = FloatVector.broadcast(SP, lc[o + R_MX]).sub(px);
            FloatVector p = footprint(dx, lc[o + R_HA], lc[o + R_B] * dy, lc[o + R_HC] * dy * dy);
            FloatVector g = ges ? gesKernel(p, lc[o + R_PHI]) : VecMath.expNeg(p);
            FloatVector a = g.mul(lc[o + R_OP]).min(ALPHA_MAX);
            VectorMask<Float> m0 = a.compare(VectorOperators.GE, ALPHA_MIN).and(t.compare(VectorOperators.GT, 0f));
            if (!m0.anyTrue()) continue;
            FloatVector tt = t.mul(a.neg().add(1f));
            VectorMask<Float> keep = tt.compare(VectorOperators.GE, T_MIN);
            VectorMask<Float> m = m0.and(keep);
            FloatVector wgt = zero.blend(a.mul(t), m);
            sr = wgt.fma(FloatVector.broadcast(SP, lc[o + R_CR]), sr);
            sg = wgt.fma(FloatVector.broadcast(SP, lc[o + R_CG]), sg);
            sb = wgt.fma(FloatVector.broadcast(SP, lc[o + R_CB]), sb);
            if (depthOn) sd = wgt.fma(FloatVector.broadcast(SP, lc[o + R_DZ]), sd);
            VectorMask<Float> stop = m0.andNot(keep);
            t = t.blend(tt, m).blend(t.neg(), stop);
            if (stop.anyTrue() && !t.compare(VectorOperators.GT, 0f).anyTrue()) break;
        }
        evaluations += ev;
        t.abs().intoArray(outT, 0);
        sr.intoArray(outR, 0);
        sg.intoArray(outG, 0);
        sb.intoArray(outB, 0);
        if (depthOn) sd.intoArray(outD, 0);
    }

    /**
     * Backward of tile {@code tile}: reads the image gradient {@code f.dPlanar (3, H, W)} and writes
     * the raster gradient of each of the tile's entries, {@code f.entryGrad (entries, STRIDE)}.
     */
    public void backward(FrameBuffers f, int tile) {
        int count = load(f, tile);
        int start = f.tileStart[tile];
        if (count == 0) return;
        float[] acc = vacc;
        for (int j = 0; j < count; j++) {
            if (used[j]) java.util.Arrays.fill(acc, j * NACC * L, (j + 1) * NACC * L, 0f);
        }
        int w = f.width, h = f.height, plane = w * h;
        int x0 = (tile % f.tilesX) * FrameBuffers.TILE, y0 = (tile / f.tilesX) * FrameBuffers.TILE;
        int rows = Math.min(FrameBuffers.TILE, h - y0);
        boolean ges = f.kernel == FrameBuffers.GES;
        float[] dp = f.dPlanar;
        for (int row = 0; row < rows; row++) {
            int y = y0 + row;
            for (int seg = 0; seg < SEGS; seg++) {
                int xs = x0 + seg * L;
                if (xs >= w) break;
                int nv = Math.min(L, w - xs);
                int pix = y * w + xs;
                boolean any = false;
                for (int l = 0; l < nv; l++) {
                    if (dp[pix + l] != 0 || dp[plane + pix + l] != 0 || dp[2 * plane + pix + l] != 0) {
                        any = true;
                        break;
                    }
                }
                if (!any) continue;
                int run = row * SEGS + seg;
                int n = sweepForward(run * cap, runCount[run], xs, y + 0.5f, nv, ges);
                sweepBackward(n, xs, y + 0.5f, nv, ges, dp, pix, plane, f.bgR, f.bgG, f.bgB);
            }
        }
        reduce(count, f.entryGrad, start);
    }

    /**
     * The forward sweep of one pixel run, recording alpha, transmittance in front and kernel value
     * of each splat that contributes to a lane: the same operations as {@link #composite}, so the
     * same decisions.
     */
    private int sweepForward(int list, int count, int xs, float pyc, int nv, boolean ges) {
        FloatVector zero = FloatVector.zero(SP);
        FloatVector px = FloatVector.fromArray(SP, laneOff, 0).add((float) xs);
        FloatVector t = FloatVector.broadcast(SP, 1f).blend(-1f, SP.indexInRange(0, nv).not());
        int[] lst = runList;
        float[] lc = loc;
        int n = 0;
        for (int k = 0; k < count; k++) {
            int j = lst[list + k];
            int ro = j * REC;
            float dy = lc[ro + R_MY] - pyc;
            FloatVector dx = FloatVector.broadcast(SP, lc[ro + R_MX]).sub(px);
            FloatVector p = footprint(dx, lc[ro + R_HA], lc[ro + R_B] * dy, lc[ro + R_HC] * dy * dy);
            FloatVector g = ges ? gesKernel(p, lc[ro + R_PHI]) : VecMath.expNeg(p);
            FloatVector a = g.mul(lc[ro + R_OP]).min(ALPHA_MAX);
            VectorMask<Float> m0 = a.compare(VectorOperators.GE, ALPHA_MIN).and(t.compare(VectorOperators.GT, 0f));
            if (!m0.anyTrue()) continue;
            FloatVector tt = t.mul(a.neg().add(1f));
            VectorMask<Float> keep = tt.compare(VectorOperators.GE, T_MIN);
            VectorMask<Float> m = m0.and(keep);
            VectorMask<Float> stop = m0.andNot(keep);
            if (m.anyTrue()) {
                int o = n * L;
                zero.blend(a, m).intoArray(aBuf, o);
                t.intoArray(tBuf, o);
                g.intoArray(gBuf, o);
                act[n++] = j;
            }
            t = t.blend(tt, m).blend(t.neg(), stop);
            if (stop.anyTrue() && !t.compare(VectorOperators.GT, 0f).anyTrue()) break;
        }
        return n;
    }

    /** The back-to-front sweep of one pixel run; adds into the per-entry vector accumulators. */
    private void sweepBackward(int n, int xs, float pyc, int nv, boolean ges, float[] dp, int pix, int plane,
                               float bgR, float bgG, float bgB) {
        VectorMask<Float> valid = SP.indexInRange(0, nv);
        FloatVector zero = FloatVector.zero(SP);
        FloatVector px = FloatVector.fromArray(SP, laneOff, 0).add((float) xs);
        FloatVector dR = FloatVector.fromArray(SP, dp, pix, valid);
        FloatVector dG = FloatVector.fromArray(SP, dp, plane + pix, valid);
        FloatVector dB = FloatVector.fromArray(SP, dp, 2 * plane + pix, valid);
        FloatVector rr = FloatVector.broadcast(SP, bgR);
        FloatVector rg = FloatVector.broadcast(SP, bgG);
        FloatVector rb = FloatVector.broadcast(SP, bgB);
        float[] acc = vacc;
        float[] lc = loc;
        for (int k = n - 1; k >= 0; k--) {
            int j = act[k];
            int o = k * L;
            int ro = j * REC;
            FloatVector a = FloatVector.fromArray(SP, aBuf, o);
            FloatVector tv = FloatVector.fromArray(SP, tBuf, o);
            FloatVector g = FloatVector.fromArray(SP, gBuf, o);
            float cRj = lc[ro + R_CR], cGj = lc[ro + R_CG], cBj = lc[ro + R_CB];
            FloatVector wgt = a.mul(tv);
            FloatVector dAlpha = dR.mul(rr.neg().add(cRj)).add(dG.mul(rg.neg().add(cGj)))
                    .add(dB.mul(rb.neg().add(cBj))).mul(tv);
            FloatVector oneMinusA = a.neg().add(1f);
            rr = a.mul(cRj).add(oneMinusA.mul(rr));
            rg = a.mul(cGj).add(oneMinusA.mul(rg));
            rb = a.mul(cBj).add(oneMinusA.mul(rb));
            int e = j * NACC * L;
            FloatVector.fromArray(SP, acc, e + 5 * L).add(wgt.mul(dR)).intoArray(acc, e + 5 * L);
            FloatVector.fromArray(SP, acc, e + 6 * L).add(wgt.mul(dG)).intoArray(acc, e + 6 * L);
            FloatVector.fromArray(SP, acc, e + 7 * L).add(wgt.mul(dB)).intoArray(acc, e + 7 * L);
            float oj = lc[ro + R_OP];
            VectorMask<Float> free = g.mul(oj).compare(VectorOperators.LT, ALPHA_MAX)
                    .and(a.compare(VectorOperators.GT, 0f));
            if (!free.anyTrue()) continue;
            FloatVector dAlphaFree = zero.blend(dAlpha, free);
            FloatVector.fromArray(SP, acc, e + 8 * L).add(dAlphaFree.mul(g)).intoArray(acc, e + 8 * L);
            FloatVector dg = dAlphaFree.mul(oj);
            float dy = lc[ro + R_MY] - pyc;
            FloatVector dx = FloatVector.broadcast(SP, lc[ro + R_MX]).sub(px);
            FloatVector dpw;
            if (ges) {
                FloatVector p = footprint(dx, lc[ro + R_HA], lc[ro + R_B] * dy, lc[ro + R_HC] * dy * dy);
                float phj = lc[ro + R_PHI];
                FloatVector pp = pow(p, phj);
                FloatVector gdg = g.mul(dg).neg();
                dpw = gdg.mul(pp).mul(phj).div(p.max(P_EPS));
                FloatVector lnp = VecMath.logPositive(p.max(1e-30f));
                FloatVector.fromArray(SP, acc, e + 9 * L).add(gdg.mul(pp).mul(lnp)).intoArray(acc, e + 9 * L);
            } else {
                dpw = g.mul(dg).neg();
            }
            FloatVector dpx = dpw.mul(dx);
            FloatVector dpy = dpw.mul(dy);
            FloatVector.fromArray(SP, acc, e).add(dpx).intoArray(acc, e);
            FloatVector.fromArray(SP, acc, e + L).add(dpx.mul(dx)).intoArray(acc, e + L);
            FloatVector.fromArray(SP, acc, e + 2 * L).add(dpy).intoArray(acc, e + 2 * L);
            FloatVector.fromArray(SP, acc, e + 3 * L).add(dpx.mul(dy)).intoArray(acc, e + 3 * L);
            FloatVector.fromArray(SP, acc, e + 4 * L).add(dpy.mul(dy)).intoArray(acc, e + 4 * L);
        }
    }

    /** Sums the lanes of the tile's accumulators (fixed order) into its entries' raster gradients. */
    private void reduce(int count, float[] eg, int start) {
        float[] acc = vacc;
        for (int j = 0; j < count; j++) {
            int o = (start + j) * FrameBuffers.STRIDE;
            if (!used[j]) {
                java.util.Arrays.fill(eg, o, o + FrameBuffers.STRIDE, 0f);
                continue;
            }
            int e = j * NACC * L;
            float s1 = hsum(acc, e), s2 = hsum(acc, e + L), s3 = hsum(acc, e + 2 * L);
            float s4 = hsum(acc, e + 3 * L), s5 = hsum(acc, e + 4 * L);
            float a2 = 2f * loc[j * REC + R_HA], b2 = loc[j * REC + R_B], c2 = 2f * loc[j * REC + R_HC];
            eg[o] = a2 * s1 + b2 * s3;
            eg[o + 1] = b2 * s1 + c2 * s3;
            eg[o + 2] = 0.5f * s2;
            eg[o + 3] = s4;
            eg[o + 4] = 0.5f * s5;
            eg[o + 5] = hsum(acc, e + 8 * L);
            eg[o + 6] = hsum(acc, e + 5 * L);
            eg[o + 7] = hsum(acc, e + 6 * L);
            eg[o + 8] = hsum(acc, e + 7 * L);
            eg[o + 9] = hsum(acc, e + 9 * L);
        }
    }

    /** Sum of {@code L} floats from {@code a[o]}, butterfly order (the same in every compilation tier). */
    private static float hsum(float[] a, int o) {
        FloatVector v = FloatVector.fromArray(SP, a, o);
        if (L >= 16) v = v.add(v.rearrange(BF8));
        if (L >= 8) v = v.add(v.rearrange(BF4));
        v = v.add(v.rearrange(BF2));
        v = v.add(v.rearrange(BF1));
        return v.lane(0);
    }
}
