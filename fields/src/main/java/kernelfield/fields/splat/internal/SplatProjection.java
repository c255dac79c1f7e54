package kernelfield.fields.splat.internal;

/**
 * Per-splat projection of 3D Gaussians to screen-space conics and colours, and its backward pass.
 * All arithmetic in float64; the results are stored as float32 in {@link FrameBuffers}. One
 * instance per worker thread (it holds scratch arrays); allocates nothing per call.
 *
 * <p>{@code Math.exp}, {@code log} and {@code pow} (not {@code StrictMath}: several times slower):
 * HotSpot runs the same intrinsic code for them in the interpreter and in every compiled tier, so a
 * splat's values do not depend on which thread, or which tier, projected it.
 */
public final class SplatProjection {
    /** Near plane: splats with camera-space depth {@code z <= 0.2} are culled. */
    public static final double NEAR = 0.2;
    /** Low-pass dilation of the 2D covariance diagonal, px^2. */
    public static final double LOW_PASS = 0.3;
    /** Frustum guard factor on the tangent of the half field of view. */
    public static final double GUARD = 1.3;
    /** Below this 2D covariance determinant (px^4) the anti-aliasing compensation has no gradient. */
    public static final double DET_EPS = 1e-10;

    // scratch of one splat, filled by project()
    private double tx, ty, tz, u, v, uc, vc;
    private boolean clampX, clampY;
    private final double[] expS = new double[3];
    private final double[] s = new double[3];
    private double sMul, shapeSig;
    private double qw, qx, qy, qz, qn;
    private final double[] rq = new double[9];
    private final double[] sig = new double[6]; // xx xy xz yy yz zz
    private double j00, j02, j11, j12;
    private final double[] tm = new double[6]; // T = J W, (2, 3)
    private double a, b, c, a2, c2, det2, det, comp;
    private double cA, cB, cC, opSig, op;
    private double dirX, dirY, dirZ, vNorm;
    private double phiV;
    private final double[] shY = new double[16];
    private final double[] shG = new double[48];
    private final double[] col = new double[3];

    /**
     * Projects splat {@code i}; returns false when it is culled (behind the near plane, degenerate
     * quaternion or covariance). Fills the scratch fields.
     */
    private boolean project(FrameBuffers f, int i, float[] means, float[] logScales, float[] quats, float[] opLogits,
                            float[] shape) {
        double[] r = f.rot;
        double wx = means[3 * i], wy = means[3 * i + 1], wz = means[3 * i + 2];
        tx = r[0] * wx + r[1] * wy + r[2] * wz + f.trans[0];
        ty = r[3] * wx + r[4] * wy + r[5] * wz + f.trans[1];
        tz = r[6] * wx + r[7] * wy + r[8] * wz + f.trans[2];
        if (!(tz > NEAR)) return false;
        shapeSig = shape == null ? 0.5 : sigmoid(shape[i]);
        sMul = f.kernel == FrameBuffers.GES_SCALED ? 2 * shapeSig : 1.0;
        phiV = f.kernel == FrameBuffers.GES ? 2 * shapeSig : 1.0;
        for (int k = 0; k < 3; k++) {
            expS[k] = Math.exp(logScales[3 * i + k]);
            s[k] = expS[k] * sMul;
        }
        double w0 = quats[4 * i], x0 = quats[4 * i + 1], y0 = quats[4 * i + 2], z0 = quats[4 * i + 3];
        qn = Math.sqrt(w0 * w0 + x0 * x0 + y0 * y0 + z0 * z0);
        if (!(qn > 0) || !Double.isFinite(qn)) return false;
        qw = w0 / qn;
        qx = x0 / qn;
        qy = y0 / qn;
        qz = z0 / qn;
        rq[0] = 1 - 2 * (qy * qy + qz * qz);
        rq[1] = 2 * (qx * qy - qw * qz);
        rq[2] = 2 * (qx * qz + qw * qy);
        rq[3] = 2 * (qx * qy + qw * qz);
        rq[4] = 1 - 2 * (qx * qx + qz * qz);
        rq[5] = 2 * (qy * qz - qw * qx);
        rq[6] = 2 * (qx * qz - qw * qy);
        rq[7] = 2 * (qy * qz + qw * qx);
        rq[8] = 1 - 2 * (qx * qx + qy * qy);
        // Sigma = (Rq S)(Rq S)^T
        double m00 = rq[0] * s[0], m01 = rq[1] * s[1], m02 = rq[2] * s[2];
        double m10 = rq[3] * s[0], m11 = rq[4] * s[1], m12 = rq[5] * s[2];
        double m20 = rq[6] * s[0], m21 = rq[7] * s[1], m22 = rq[8] * s[2];
        sig[0] = m00 * m00 + m01 * m01 + m02 * m02;
        sig[1] = m00 * m10 + m01 * m11 + m02 * m12;
        sig[2] = m00 * m20 + m01 * m21 + m02 * m22;
        sig[3] = m10 * m10 + m11 * m11 + m12 * m12;
        sig[4] = m10 * m20 + m11 * m21 + m12 * m22;
        sig[5] = m20 * m20 + m21 * m21 + m22 * m22;
        // frustum guard on the tangents, about the image centre
        double tanX = f.width / (2 * f.fx), tanY = f.height / (2 * f.fy);
        double cenX = (0.5 * f.width - f.cx) / f.fx, cenY = (0.5 * f.height - f.cy) / f.fy;
        u = tx / tz;
        v = ty / tz;
        double loX = cenX - GUARD * tanX, hiX = cenX + GUARD * tanX;
        double loY = cenY - GUARD * tanY, hiY = cenY + GUARD * tanY;
        uc = Math.min(hiX, Math.max(loX, u));
        vc = Math.min(hiY, Math.max(loY, v));
        clampX = uc != u;
        clampY = vc != v;
        j00 = f.fx / tz;
        j02 = -f.fx * uc / tz;
        j11 = f.fy / tz;
        j12 = -f.fy * vc / tz;
        tm[0] = j00 * r[0] + j02 * r[6];
        tm[1] = j00 * r[1] + j02 * r[7];
        tm[2] = j00 * r[2] + j02 * r[8];
        tm[3] = j11 * r[3] + j12 * r[6];
        tm[4] = j11 * r[4] + j12 * r[7];
        tm[5] = j11 * r[5] + j12 * r[8];
        // (T Sigma) rows
        double p0 = tm[0] * sig[0] + tm[1] * sig[1] + tm[2] * sig[2];
        double p1 = tm[0] * sig[1] + tm[1] * sig[3] + tm[2] * sig[4];
        double p2 = tm[0] * sig[2] + tm[1] * sig[4] + tm[2] * sig[5];
        double q0 = tm[3] * sig[0] + tm[4] * sig[1] + tm[5] * sig[2];
        double q1 = tm[3] * sig[1] + tm[4] * sig[3] + tm[5] * sig[4];
        double q2 = tm[3] * sig[2] + tm[4] * sig[4] + tm[5] * sig[5];
        a = p0 * tm[0] + p1 * tm[1] + p2 * tm[2];
        b = p0 * tm[3] + p1 * tm[4] + p2 * tm[5];
        c = q0 * tm[3] + q1 * tm[4] + q2 * tm[5];
        a2 = a + LOW_PASS;
        c2 = c + LOW_PASS;
        det2 = a2 * c2 - b * b;
        if (!(det2 > 1e-12) || !Double.isFinite(det2)) return false;
        det = a * c - b * b;
        comp = 1;
        if (f.antialiased) comp = det > 0 ? Math.sqrt(det / det2) : 0;
        cA = c2 / det2;
        cB = -b / det2;
        cC = a2 / det2;
        opSig = sigmoid(opLogits[i]);
        op = opSig * comp;
        // view direction from the camera centre
        double vx = wx - f.campos[0], vy = wy - f.campos[1], vz = wz - f.campos[2];
        vNorm = Math.sqrt(vx * vx + vy * vy + vz * vz);
        dirX = vx / vNorm;
        dirY = vy / vNorm;
        dirZ = vz / vNorm;
        return true;
    }

    /**
     * Forward projection of splats {@code [from, to)} into {@code f}'s per-splat arrays: mean2D,
     * conic, opacity, colour, depth, radius (0 when culled), tile rectangle, GES phi.
     */
    public void forward(FrameBuffers f, int from, int to, float[] means, float[] logScales, float[] quats,
                        float[] opLogits, float[] dc, float[] rest, float[] shape) {
        int deg = f.shDegree;
        int nb = SphericalHarmonics.count(deg);
        for (int i = from; i < to; i++) {
            if (!project(f, i, means, logScales, quats, opLogits, shape)) {
                f.radius[i] = 0;
                continue;
            }
            double mid = 0.5 * (a2 + c2);
            double lambda = mid + Math.sqrt(Math.max(0.1, mid * mid - det2));
            double mult = 3.0;
            if (f.kernel == FrameBuffers.GES) {
                mult = Math.min(6.0, Math.max(3.0, Math.sqrt(2 * Math.pow(Math.log(255.0), 1.0 / phiV))));
            }
            int rad = (int) Math.ceil(mult * Math.sqrt(lambda));
            double px = f.fx * u + f.cx, py = f.fy * v + f.cy;
            int x0 = clampTile(Math.floor((px - rad) / FrameBuffers.TILE), f.tilesX);
            int x1 = clampTile(Math.floor((px + rad) / FrameBuffers.TILE) + 1, f.tilesX);
            int y0 = clampTile(Math.floor((py - rad) / FrameBuffers.TILE), f.tilesY);
            int y1 = clampTile(Math.floor((py + rad) / FrameBuffers.TILE) + 1, f.tilesY);
            if (rad <= 0 || x0 >= x1 || y0 >= y1) {
                f.radius[i] = 0;
                continue;
            }
            f.radius[i] = rad;
            f.rect[4 * i] = x0;
            f.rect[4 * i + 1] = y0;
            f.rect[4 * i + 2] = x1;
            f.rect[4 * i + 3] = y1;
            float fa = (float) cA, fb = (float) cB, fc = (float) cC, fo = (float) op, fphi = (float) phiV;
            float[] rc = f.rec;
            int ro = FrameBuffers.REC * i;
            rc[ro + FrameBuffers.R_MX] = (float) px;
            rc[ro + FrameBuffers.R_MY] = (float) py;
            rc[ro + FrameBuffers.R_HA] = 0.5f * fa;
            rc[ro + FrameBuffers.R_B] = fb;
            rc[ro + FrameBuffers.R_HC] = 0.5f * fc;
            rc[ro + FrameBuffers.R_QY] = Math.max(0f, 0.5f * fc - fb * fb / (2f * fa));
            rc[ro + FrameBuffers.R_PMAX] = maxP(fo, fphi, f.kernel == FrameBuffers.GES);
            rc[ro + FrameBuffers.R_OP] = fo;
            rc[ro + FrameBuffers.R_PHI] = fphi;
            rc[ro + FrameBuffers.R_DZ] = (float) tz;
            f.depth[i] = (float) tz;
            SphericalHarmonics.basis(deg, dirX, dirY, dirZ, shY);
            int bits = 0;
            // three independent sums (one dependency chain per channel)
            double s0 = shY[0] * dc[3 * i], s1 = shY[0] * dc[3 * i + 1], s2 = shY[0] * dc[3 * i + 2];
            for (int k = 1, ro2 = 45 * i; k < nb; k++, ro2 += 3) {
                double y = shY[k];
                s0 += y * rest[ro2];
                s1 += y * rest[ro2 + 1];
                s2 += y * rest[ro2 + 2];
            }
            col[0] = s0;
            col[1] = s1;
            col[2] = s2;
            for (int ch = 0; ch < 3; ch++) {
                double sum = col[ch] + 0.5;
                if (sum < 0) {
                    sum = 0;
                    bits |= 1 << ch;
                }
                col[ch] = sum;
            }
            rc[ro + FrameBuffers.R_CR] = (float) col[0];
            rc[ro + FrameBuffers.R_CG] = (float) col[1];
            rc[ro + FrameBuffers.R_CB] = (float) col[2];
            f.clampBits[i] = (byte) bits;
        }
    }

    /**
     * The largest {@code p} (half squared Mahalanobis distance) at which a splat of opacity {@code o}
     * still reaches alpha {@code 1/255}, with a small margin for float32 rounding; -1 when it never
     * does. The rasterizer skips the rows and runs of pixels beyond it.
     */
    static float maxP(float o, float phi, boolean ges) {
        double lv = Math.log(255.0 * o);
        double pm = ges ? (lv > 0 ? Math.pow(lv, 1.0 / phi) : -1) : lv;
        return pm > 0 ? (float) (pm * 1.001 + 1e-3) : -1f;
    }

    private static int clampTile(double t, int n) {
        return (int) Math.max(0, Math.min(n, t));
    }

    /**
     * Backward of the projection for splats {@code [from, to)}: reads the raster gradient
     * {@code f.splatGrad (N, STRIDE)} and <b>adds</b> the parameter gradients into the given arrays
     * (each splat's rows only). Writes {@code f.meanGradNorm}.
     */
    public void backward(FrameBuffers f, int from, int to, float[] means, float[] logScales, float[] quats,
                         float[] opLogits, float[] dc, float[] rest, float[] shape,
                         float[] gMeans, float[] gLogScales, float[] gQuats, float[] gOpLogits, float[] gDc,
                         float[] gRest, float[] gShape) {
        int deg = f.shDegree;
        int nb = SphericalHarmonics.count(deg);
        double[] r = f.rot;
        float[] sg = f.splatGrad;
        for (int i = from; i < to; i++) {
            if (f.radius[i] == 0) continue;
            int o = i * FrameBuffers.STRIDE;
            double gmx = sg[o], gmy = sg[o + 1], gA = sg[o + 2], gB = sg[o + 3], gC = sg[o + 4], gOp = sg[o + 5];
            double gPhi = sg[o + 9];
            if (gmx == 0 && gmy == 0 && gA == 0 && gB == 0 && gC == 0 && gOp == 0 && sg[o + 6] == 0
                    && sg[o + 7] == 0 && sg[o + 8] == 0 && gPhi == 0) {
                continue;
            }
            if (!project(f, i, means, logScales, quats, opLogits, shape)) continue; // cannot happen: same inputs
            f.meanGradNorm[i] = (float) Math.sqrt(sq(gmx * 0.5 * f.width) + sq(gmy * 0.5 * f.height));
            double dmx = 0, dmy = 0, dmz = 0;
            // colour and SH
            int bits = f.clampBits[i];
            double dr = (bits & 1) != 0 ? 0 : sg[o + 6];
            double dg = (bits & 2) != 0 ? 0 : sg[o + 7];
            double db = (bits & 4) != 0 ? 0 : sg[o + 8];
            if (dr != 0 || dg != 0 || db != 0) {
                SphericalHarmonics.basis(deg, dirX, dirY, dirZ, shY);
                gDc[3 * i] += (float) (dr * shY[0]);
                gDc[3 * i + 1] += (float) (dg * shY[0]);
                gDc[3 * i + 2] += (float) (db * shY[0]);
                if (deg > 0) {
                    SphericalHarmonics.basisGradient(deg, dirX, dirY, dirZ, shG);
                    double ddx = 0, ddy = 0, ddz = 0;
                    for (int k = 1; k < nb; k++) {
                        int ro = 45 * i + 3 * (k - 1);
                        gRest[ro] += (float) (dr * shY[k]);
                        gRest[ro + 1] += (float) (dg * shY[k]);
                        gRest[ro + 2] += (float) (db * shY[k]);
                        double w = dr * rest[ro] + dg * rest[ro + 1] + db * rest[ro + 2];
                        ddx += w * shG[3 * k];
                        ddy += w * shG[3 * k + 1];
                        ddz += w * shG[3 * k + 2];
                    }
                    double dot = ddx * dirX + ddy * dirY + ddz * dirZ;
                    dmx += (ddx - dot * dirX) / vNorm;
                    dmy += (ddy - dot * dirY) / vNorm;
                    dmz += (ddz - dot * dirZ) / vNorm;
                }
            }
            // opacity
            gOpLogits[i] += (float) (gOp * comp * opSig * (1 - opSig));
            double dComp = gOp * opSig;
            // conic -> dilated covariance (a2, b, c2): dSigma' = -M G M with M the conic
            double hb = 0.5 * gB;
            double p00 = gA * cA + hb * cB, p01 = gA * cB + hb * cC;
            double p10 = hb * cA + gC * cB, p11 = hb * cB + gC * cC;
            double da = -(cA * p00 + cB * p10);
            double d01 = -(cA * p01 + cB * p11);
            double dc2 = -(cB * p01 + cC * p11);
            double dbv = 2 * d01; // b as one variable
            if (f.antialiased && det > DET_EPS && dComp != 0) {
                double h = 0.5 * comp;
                da += dComp * h * (c / det - c2 / det2);
                dc2 += dComp * h * (a / det - a2 / det2);
                dbv += dComp * h * (-2 * b / det + 2 * b / det2);
            }
            // 2D covariance = T Sigma T^T; G full symmetric
            double g00 = da, g01 = 0.5 * dbv, g11 = dc2;
            // dSigma3 = T^T G T (symmetric, full-matrix convention)
            double[] t = tm;
            double e0 = g00 * t[0] + g01 * t[3], e1 = g00 * t[1] + g01 * t[4], e2 = g00 * t[2] + g01 * t[5];
            double f0 = g01 * t[0] + g11 * t[3], f1 = g01 * t[1] + g11 * t[4], f2 = g01 * t[2] + g11 * t[5];
            // (G T) rows e (row 0) and f (row 1); dSigma_kl = T_0k e_l + T_1k f_l
            double s00 = t[0] * e0 + t[3] * f0, s01 = t[0] * e1 + t[3] * f1, s02 = t[0] * e2 + t[3] * f2;
            double s11 = t[1] * e1 + t[4] * f1, s12 = t[1] * e2 + t[4] * f2, s22 = t[2] * e2 + t[5] * f2;
            // dT = 2 (G T) Sigma
            double[] sm = sig;
            double dt0 = 2 * (e0 * sm[0] + e1 * sm[1] + e2 * sm[2]);
            double dt1 = 2 * (e0 * sm[1] + e1 * sm[3] + e2 * sm[4]);
            double dt2 = 2 * (e0 * sm[2] + e1 * sm[4] + e2 * sm[5]);
            double dt3 = 2 * (f0 * sm[0] + f1 * sm[1] + f2 * sm[2]);
            double dt4 = 2 * (f0 * sm[1] + f1 * sm[3] + f2 * sm[4]);
            double dt5 = 2 * (f0 * sm[2] + f1 * sm[4] + f2 * sm[5]);
            // T = J W: dJ_rm = dT_r . W_m
            double dj00 = dt0 * r[0] + dt1 * r[1] + dt2 * r[2];
            double dj02 = dt0 * r[6] + dt1 * r[7] + dt2 * r[8];
            double dj11 = dt3 * r[3] + dt4 * r[4] + dt5 * r[5];
            double dj12 = dt3 * r[6] + dt4 * r[7] + dt5 * r[8];
            double fx = f.fx, fy = f.fy;
            double iz = 1 / tz, iz2 = iz * iz;
            double dtx = 0, dty = 0, dtz = 0;
            dtz += -dj00 * fx * iz2 - dj11 * fy * iz2;
            if (clampX) {
                dtz += dj02 * fx * uc * iz2;
            } else {
                dtx += -dj02 * fx * iz2;
                dtz += dj02 * 2 * fx * tx * iz2 * iz;
            }
            if (clampY) {
                dtz += dj12 * fy * vc * iz2;
            } else {
                dty += -dj12 * fy * iz2;
                dtz += dj12 * 2 * fy * ty * iz2 * iz;
            }
            // projected mean
            dtx += gmx * fx * iz;
            dty += gmy * fy * iz;
            dtz += -(gmx * fx * tx + gmy * fy * ty) * iz2;
            dmx += r[0] * dtx + r[3] * dty + r[6] * dtz;
            dmy += r[1] * dtx + r[4] * dty + r[7] * dtz;
            dmz += r[2] * dtx + r[5] * dty + r[8] * dtz;
            gMeans[3 * i] += (float) dmx;
            gMeans[3 * i + 1] += (float) dmy;
            gMeans[3 * i + 2] += (float) dmz;
            // Sigma3 = M M^T, M = Rq diag(s): dM = 2 dSigma M
            double ds0 = 0, ds1 = 0, ds2 = 0;
            double[] dR = shG; // reuse scratch for dRq (9)
            for (int row = 0; row < 3; row++) {
                double d0, d1, d2;
                if (row == 0) {
                    d0 = s00; d1 = s01; d2 = s02;
                } else if (row == 1) {
                    d0 = s01; d1 = s11; d2 = s12;
                } else {
                    d0 = s02; d1 = s12; d2 = s22;
                }
                // dM_row,k = 2 sum_j dSigma_row,j M_j,k, M_j,k = rq[3j+k] s_k
                for (int k = 0; k < 3; k++) {
                    double dmk = 2 * (d0 * rq[k] + d1 * rq[3 + k] + d2 * rq[6 + k]) * s[k];
                    dR[3 * row + k] = dmk * s[k];
                    double dsk = dmk * rq[3 * row + k];
                    if (k == 0) ds0 += dsk;
                    else if (k == 1) ds1 += dsk;
                    else ds2 += dsk;
                }
            }
            gLogScales[3 * i] += (float) (ds0 * s[0]);
            gLogScales[3 * i + 1] += (float) (ds1 * s[1]);
            gLogScales[3 * i + 2] += (float) (ds2 * s[2]);
            double dShape = 0;
            if (f.kernel == FrameBuffers.GES_SCALED) {
                double dMul = 2 * shapeSig * (1 - shapeSig);
                dShape += (ds0 * expS[0] + ds1 * expS[1] + ds2 * expS[2]) * dMul;
            } else if (f.kernel == FrameBuffers.GES) {
                dShape += gPhi * 2 * shapeSig * (1 - shapeSig);
            }
            if (gShape != null) gShape[i] += (float) dShape;
            // rotation matrix -> unit quaternion
            double w = qw, x = qx, y = qy, z = qz;
            double gw = 2 * (-z * dR[1] + y * dR[2] + z * dR[3] - x * dR[5] - y * dR[6] + x * dR[7]);
            double gx = 2 * (y * dR[1] + z * dR[2] + y * dR[3] - 2 * x * dR[4] - w * dR[5] + z * dR[6] + w * dR[7]
                    - 2 * x * dR[8]);
            double gy = 2 * (-2 * y * dR[0] + x * dR[1] + w * dR[2] + x * dR[3] + z * dR[5] - w * dR[6] + z * dR[7]
                    - 2 * y * dR[8]);
            double gz = 2 * (-2 * z * dR[0] - w * dR[1] + x * dR[2] + w * dR[3] - 2 * z * dR[4] + y * dR[5] + x * dR[6]
                    + y * dR[7]);
            double dot = gw * w + gx * x + gy * y + gz * z;
            gQuats[4 * i] += (float) ((gw - dot * w) / qn);
            gQuats[4 * i + 1] += (float) ((gx - dot * x) / qn);
            gQuats[4 * i + 2] += (float) ((gy - dot * y) / qn);
            gQuats[4 * i + 3] += (float) ((gz - dot * z) / qn);
        }
    }

    private static double sq(double x) {
        return x * x;
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}
