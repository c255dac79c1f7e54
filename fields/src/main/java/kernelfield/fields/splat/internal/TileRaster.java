package kernelfield.fields.splat.internal;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
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
    static final VectorSpecies<Float> SP = FloatVector.SPECIES_PREFERRED.length() >= FrameBuffers.TILE
            ? FloatVector.SPECIES_512 : FloatVector.SPECIES_PREFERRED;
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

    private int cap;
    private float[] mx = new float[0], my = mx, hA = mx, bb = mx, hC = mx, qy = mx, pmax = mx, op = mx, cr = mx,
            cg = mx, cb = mx, ph = mx, dz = mx;
    private float[] aBuf = new float[0], tBuf = aBuf, gBuf = aBuf;
    private int[] act = new int[0];
    private final float[] laneOff = new float[L];
    private final float[] outR = new float[L], outG = new float[L], outB = new float[L];

    public TileRaster() {
        for (int i = 0; i < L; i++) laneOff[i] = i + 0.5f;
    }

    private void ensure(int count) {
        if (count <= cap) return;
        int c = Math.max(count, cap + cap / 2 + 16);
        mx = new float[c];
        my = new float[c];
        hA = new float[c];
        bb = new float[c];
        hC = new float[c];
        qy = new float[c];
        pmax = new float[c];
        op = new float[c];
        cr = new float[c];
        cg = new float[c];
        cb = new float[c];
        ph = new float[c];
        dz = new float[c];
        aBuf = new float[c * L];
        tBuf = new float[c * L];
        gBuf = new float[c * L];
        act = new int[c];
        cap = c;
    }

    /** Gathers the tile's sorted splats into the local packed arrays. */
    private int load(FrameBuffers f, int tile) {
        int start = f.tileStart[tile], count = f.tileStart[tile + 1] - start;
        ensure(count);
        boolean ges = f.kernel == FrameBuffers.GES;
        for (int j = 0; j < count; j++) {
            int i = f.entrySplat[start + j];
            float a = f.conA[i], b = f.conB[i], c = f.conC[i], o = f.opac[i];
            mx[j] = f.mx[i];
            my[j] = f.my[i];
            hA[j] = 0.5f * a;
            bb[j] = b;
            hC[j] = 0.5f * c;
            // smallest p along a row at vertical offset dy is dy^2 * qy
            qy[j] = Math.max(0f, 0.5f * c - b * b / (2f * a));
            op[j] = o;
            cr[j] = f.colR[i];
            cg[j] = f.colG[i];
            cb[j] = f.colB[i];
            ph[j] = f.phi[i];
            dz[j] = f.depth[i];
            double lv = StrictMath.log(255.0 * o);
            double pm = ges ? (lv > 0 ? StrictMath.pow(lv, 1.0 / f.phi[i]) : -1) : lv;
            pmax[j] = pm > 0 ? (float) (pm * 1.001 + 1e-3) : -1f;
        }
        return count;
    }

    private static FloatVector kernel(FloatVector p, boolean ges, float phi) {
        return VecMath.exp((ges ? pow(p, phi) : p).neg());
    }

    /** {@code p^phi} for {@code p >= 0}, {@code phi > 0}; 0 at {@code p = 0}. */
    private static FloatVector pow(FloatVector p, float phi) {
        FloatVector r = VecMath.exp(VecMath.logPositive(p.max(1e-30f)).mul(phi));
        return r.blend(0f, p.compare(VectorOperators.EQ, 0f));
    }

    /** Renders tile {@code tile} into {@code f.image}, {@code f.transmittance} (and {@code f.depthImage}). */
    public void forward(FrameBuffers f, int tile) {
        int count = load(f, tile);
        int w = f.width, h = f.height;
        int x0 = (tile % f.tilesX) * FrameBuffers.TILE, y0 = (tile / f.tilesX) * FrameBuffers.TILE;
        int rows = Math.min(FrameBuffers.TILE, h - y0);
        boolean ges = f.kernel == FrameBuffers.GES;
        boolean depthOn = f.depthOn;
        FloatVector one = FloatVector.broadcast(SP, 1f);
        FloatVector zero = FloatVector.zero(SP);
        FloatVector lanes = FloatVector.fromArray(SP, laneOff, 0);
        for (int row = 0; row < rows; row++) {
            int y = y0 + row;
            float pyc = y + 0.5f;
            for (int seg = 0; seg < SEGS; seg++) {
                int xs = x0 + seg * L;
                if (xs >= w) break;
                VectorMask<Float> valid = SP.indexInRange(xs, w);
                FloatVector px = lanes.add((float) xs);
                FloatVector t = one, sr = zero, sg = zero, sb = zero, sd = zero;
                VectorMask<Float> live = valid;
                for (int j = 0; j < count; j++) {
                    float dy = my[j] - pyc;
                    if (dy * dy * qy[j] > pmax[j]) continue;
                    FloatVector dx = FloatVector.broadcast(SP, mx[j]).sub(px);
                    FloatVector p = dx.mul(hA[j]).add(bb[j] * dy).mul(dx).add(hC[j] * dy * dy).max(0f);
                    FloatVector g = kernel(p, ges, ph[j]);
                    FloatVector a = g.mul(op[j]).min(ALPHA_MAX);
                    VectorMask<Float> m = a.compare(VectorOperators.GE, ALPHA_MIN).and(live);
                    if (!m.anyTrue()) continue;
                    FloatVector tt = t.mul(one.sub(a));
                    VectorMask<Float> stop = tt.compare(VectorOperators.LT, T_MIN).and(m);
                    if (stop.anyTrue()) {
                        live = live.andNot(stop);
                        m = m.andNot(stop);
                    }
                    FloatVector wgt = a.mul(t);
                    sr = sr.add(wgt.mul(cr[j]), m);
                    sg = sg.add(wgt.mul(cg[j]), m);
                    sb = sb.add(wgt.mul(cb[j]), m);
                    if (depthOn) sd = sd.add(wgt.mul(dz[j]), m);
                    t = t.blend(tt, m);
                    if (!live.anyTrue()) break;
                }
                int pix = y * w + xs;
                t.intoArray(f.transmittance, pix, valid);
                if (depthOn) sd.intoArray(f.depthImage, pix, valid);
                sr.add(t.mul(f.bgR)).intoArray(outR, 0);
                sg.add(t.mul(f.bgG)).intoArray(outG, 0);
                sb.add(t.mul(f.bgB)).intoArray(outB, 0);
                int nv = Math.min(L, w - xs);
                float[] img = f.image;
                for (int l = 0, o = 3 * pix; l < nv; l++, o += 3) {
                    img[o] = outR[l];
                    img[o + 1] = outG[l];
                    img[o + 2] = outB[l];
                }
            }
        }
    }

    /**
     * Backward of tile {@code tile}: reads the image gradient {@code f.dPlanar (3, H, W)} and writes
     * the raster gradient of each of the tile's entries, {@code f.entryGrad (entries, STRIDE)}.
     */
    public void backward(FrameBuffers f, int tile) {
        int count = load(f, tile);
        int start = f.tileStart[tile];
        float[] eg = f.entryGrad;
        java.util.Arrays.fill(eg, start * FrameBuffers.STRIDE, (start + count) * FrameBuffers.STRIDE, 0f);
        if (count == 0) return;
        int w = f.width, h = f.height, plane = w * h;
        int x0 = (tile % f.tilesX) * FrameBuffers.TILE, y0 = (tile / f.tilesX) * FrameBuffers.TILE;
        int rows = Math.min(FrameBuffers.TILE, h - y0);
        boolean ges = f.kernel == FrameBuffers.GES;
        FloatVector one = FloatVector.broadcast(SP, 1f);
        FloatVector zero = FloatVector.zero(SP);
        FloatVector lanes = FloatVector.fromArray(SP, laneOff, 0);
        float[] dp = f.dPlanar;
        for (int row = 0; row < rows; row++) {
            int y = y0 + row;
            float pyc = y + 0.5f;
            for (int seg = 0; seg < SEGS; seg++) {
                int xs = x0 + seg * L;
                if (xs >= w) break;
                VectorMask<Float> valid = SP.indexInRange(xs, w);
                FloatVector px = lanes.add((float) xs);
                int pix = y * w + xs;
                FloatVector dR = FloatVector.fromArray(SP, dp, pix, valid);
                FloatVector dG = FloatVector.fromArray(SP, dp, plane + pix, valid);
                FloatVector dB = FloatVector.fromArray(SP, dp, 2 * plane + pix, valid);
                if (!dR.compare(VectorOperators.NE, 0f).or(dG.compare(VectorOperators.NE, 0f))
                        .or(dB.compare(VectorOperators.NE, 0f)).anyTrue()) {
                    continue;
                }
                // forward sweep: record alpha, transmittance in front, kernel value
                FloatVector t = one;
                VectorMask<Float> live = valid;
                int n = 0;
                for (int j = 0; j < count; j++) {
                    float dy = my[j] - pyc;
                    if (dy * dy * qy[j] > pmax[j]) continue;
                    FloatVector dx = FloatVector.broadcast(SP, mx[j]).sub(px);
                    FloatVector p = dx.mul(hA[j]).add(bb[j] * dy).mul(dx).add(hC[j] * dy * dy).max(0f);
                    FloatVector g = kernel(p, ges, ph[j]);
                    FloatVector a = g.mul(op[j]).min(ALPHA_MAX);
                    VectorMask<Float> m = a.compare(VectorOperators.GE, ALPHA_MIN).and(live);
                    if (!m.anyTrue()) continue;
                    FloatVector tt = t.mul(one.sub(a));
                    VectorMask<Float> stop = tt.compare(VectorOperators.LT, T_MIN).and(m);
                    if (stop.anyTrue()) {
                        live = live.andNot(stop);
                        m = m.andNot(stop);
                        if (!m.anyTrue()) {
                            if (!live.anyTrue()) break;
                            continue;
                        }
                    }
                    int o = n * L;
                    zero.blend(a, m).intoArray(aBuf, o);
                    t.intoArray(tBuf, o);
                    g.intoArray(gBuf, o);
                    act[n++] = j;
                    t = t.blend(tt, m);
                    if (!live.anyTrue()) break;
                }
                // back-to-front sweep; R = colour seen just behind the current splat
                FloatVector rr = FloatVector.broadcast(SP, f.bgR);
                FloatVector rg = FloatVector.broadcast(SP, f.bgG);
                FloatVector rb = FloatVector.broadcast(SP, f.bgB);
                for (int k = n - 1; k >= 0; k--) {
                    int j = act[k];
                    int o = k * L;
                    FloatVector a = FloatVector.fromArray(SP, aBuf, o);
                    FloatVector tv = FloatVector.fromArray(SP, tBuf, o);
                    FloatVector g = FloatVector.fromArray(SP, gBuf, o);
                    float cRj = cr[j], cGj = cg[j], cBj = cb[j];
                    FloatVector wgt = a.mul(tv);
                    FloatVector dAlpha = dR.mul(rr.neg().add(cRj)).add(dG.mul(rg.neg().add(cGj)))
                            .add(dB.mul(rb.neg().add(cBj))).mul(tv);
                    FloatVector oneMinusA = one.sub(a);
                    rr = a.mul(cRj).add(oneMinusA.mul(rr));
                    rg = a.mul(cGj).add(oneMinusA.mul(rg));
                    rb = a.mul(cBj).add(oneMinusA.mul(rb));
                    int e = (start + j) * FrameBuffers.STRIDE;
                    eg[e + 6] += VecMath.sum(wgt.mul(dR));
                    eg[e + 7] += VecMath.sum(wgt.mul(dG));
                    eg[e + 8] += VecMath.sum(wgt.mul(dB));
                    float oj = op[j];
                    VectorMask<Float> free = g.mul(oj).compare(VectorOperators.LT, ALPHA_MAX)
                            .and(a.compare(VectorOperators.GT, 0f));
                    if (!free.anyTrue()) continue;
                    FloatVector dAlphaFree = zero.blend(dAlpha, free);
                    eg[e + 5] += VecMath.sum(dAlphaFree.mul(g));
                    FloatVector dg = dAlphaFree.mul(oj);
                    float dy = my[j] - pyc;
                    FloatVector dx = FloatVector.broadcast(SP, mx[j]).sub(px);
                    FloatVector dpw;
                    if (ges) {
                        FloatVector p = dx.mul(hA[j]).add(bb[j] * dy).mul(dx).add(hC[j] * dy * dy).max(0f);
                        float phj = ph[j];
                        FloatVector pp = pow(p, phj);
                        FloatVector gdg = g.mul(dg).neg();
                        dpw = gdg.mul(pp).mul(phj).div(p.max(P_EPS));
                        FloatVector lnp = VecMath.logPositive(p.max(1e-30f));
                        eg[e + 9] += VecMath.sum(gdg.mul(pp).mul(lnp));
                    } else {
                        dpw = g.mul(dg).neg();
                    }
                    float s0 = VecMath.sum(dpw);
                    FloatVector dpx = dpw.mul(dx);
                    float s1 = VecMath.sum(dpx);
                    float s2 = VecMath.sum(dpx.mul(dx));
                    float a2 = 2f * hA[j], b2 = bb[j], c2 = 2f * hC[j];
                    eg[e] += a2 * s1 + b2 * dy * s0;
                    eg[e + 1] += b2 * s1 + c2 * dy * s0;
                    eg[e + 2] += 0.5f * s2;
                    eg[e + 3] += dy * s1;
                    eg[e + 4] += 0.5f * dy * dy * s0;
                }
            }
        }
    }
}
