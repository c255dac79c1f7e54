package kernelfield.reconstruction.fit;

import java.util.Map;

import kernelfield.engine.compute.CpuDevice;
import kernelfield.engine.geometry.KdTree;
import kernelfield.engine.optim.Objective;
import kernelfield.engine.optim.SeededRandom;
import kernelfield.engine.optim.StepContext;
import kernelfield.engine.optim.StepResult;
import kernelfield.fields.rbf.RbfField;

/**
 * The loss of a signed distance field fitted to an oriented point cloud, with no ground-truth
 * distance: the field's point gradient enters the loss through a finite-difference stencil, so the
 * parameter gradient is an ordinary first-order backward through {@link RbfField}.
 *
 * <p><b>Stencil.</b> Each sample {@code x} is evaluated at {@value #STENCIL} points: {@code x}
 * itself and {@code x + h v_k}, {@code k = 0..3}, the vertices of a regular tetrahedron
 * ({@code |v_k| = 1}, {@code sum v_k = 0}, {@code sum v_k v_k^T = 4/3 I}) turned by a random
 * rotation per sample. The gradient estimate is
 * <pre>
 * g(x) = 3 / (4h) sum_k f(x + h v_k) v_k        (exact for linear f; error O(h^2))
 * </pre>
 * Four evaluations instead of central differences' six; the random rotation keeps the estimate's
 * error from lining up with the grid. {@code h} is tied to the finest grid cell (Neuralangelo's
 * numerical gradients: a step of about a cell smooths the trilinear grid's kinks).
 *
 * <p><b>Loss</b> of a batch of {@code Bs} surface samples (input points {@code p} with unit
 * normals {@code n}) and {@code Bo} off-surface samples (half jittered about input points by
 * {@code N(0, sigma^2)}, half uniform in the box), {@code D} the box's diagonal:
 * <pre>
 * L = 1/Bs sum_surface [ w_s |f(p)| / D + w_n |g(p) - n| + w_e (|g(p)| - 1)^2 ]
 *   + 1/Bo sum_off     [ w_e (|g(x)| - 1)^2 + (x uniform) ( w_o exp(-alpha |f(x)| / D) + w_d |f(x) - s(x) d(x)| / D ) ]
 * </pre>
 * SIREN's terms: on-surface value and normal, Eikonal, and the off-surface penalty that keeps
 * spurious zero sets out of empty space. The last term is a distance prior from the points
 * alone: {@code d(x)} is the distance to the nearest input point {@code p} (it overestimates the
 * distance to the surface by at most the sampling gap) and {@code s(x)} the side of {@code p}'s
 * tangent plane, {@code sign(n_p . (x - p))} (Hoppe et al. 1992), used only where it is clear,
 * {@code |n_p . (x - p)| >= } {@value #SIGN_COS}{@code  d(x)}: at a true nearest point of a smooth
 * surface {@code x - p} is along the normal. Elsewhere (near edges, in thin parts, with noisy
 * normals) the term is unsigned, {@code ||f(x)| - d(x)|}. A zero crossing far from the data then
 * costs in proportion to its distance, and the sign of the far field follows the normals, so
 * the initial sphere's zero set (see {@link SphereResidualField}) is removed quickly even where
 * the shape's topology differs from a sphere's.
 *
 * <p>A step draws the batch from the run's random generator (serially), evaluates it in chunks of
 * {@value #SAMPLES_PER_CHUNK} samples on {@value #SLOTS} slots with their own gradient buffers
 * and workspaces, and adds the slots' gradients in slot order: results do not depend on the
 * thread count. Allocates its buffers once; a step allocates only the result's metric map.
 */
final class CloudSdfObjective implements Objective {
    /** Field evaluations per sample. */
    static final int STENCIL = 5;
    static final int SLOTS = 2;
    static final int SAMPLES_PER_CHUNK = 32;
    /** The tangent-plane sign is used where {@code |n . (x - p)| >= SIGN_COS |x - p|}. */
    static final double SIGN_COS = 0.5;
    /** Sample kinds. */
    static final byte SURFACE = 0, NEAR = 1, UNIFORM = 2;

    private static final double S3 = 1 / Math.sqrt(3);
    /** Tetrahedron vertices {@code (4, 3)}, unit length. */
    static final double[] TETRA = {S3, S3, S3, S3, -S3, -S3, -S3, S3, -S3, -S3, -S3, S3};

    /**
     * Loss weights.
     *
     * @param surface    w_s, of {@code |f| / D} on the input points
     * @param normal     w_n, of {@code |g - n|} on the input points
     * @param eikonal    w_e, of {@code (|g| - 1)^2} on all samples
     * @param offSurface w_o, of {@code exp(-alpha |f| / D)} on uniform samples
     * @param alpha      decay of the off-surface term, per diagonal
     * @param distance   w_d, of {@code |f - s d| / D} (or {@code ||f| - d| / D}) on uniform samples
     */
    record Weights(double surface, double normal, double eikonal, double offSurface, double alpha, double distance) {
        static Weights defaults() {
            return new Weights(100, 1, 0.5, 1, 300, 30);
        }
    }

    private final RbfField field;
    private final SphereResidualField prior;
    private final CpuDevice device;
    private final float[] points;
    private final float[] normals;
    private final KdTree tree;
    private final int n;
    private final float[] lo;
    private final float[] hi;
    private final double diag;
    private final Weights w;
    private final int surfaceCount;
    private final int nearCount;
    private final int batch;
    private double h;
    private final double sigma;

    // the batch: kind, input point index (surface and near samples), position (B, 3), stencil directions (B, 12)
    final byte[] kind;
    final int[] index;
    final float[] pos;
    final float[] dirs;
    /**
     * Target of the distance term (uniform samples): the signed distance {@code s d} where
     * {@link #signedTarget}, else the unsigned {@code d}; NaN for other samples {@code (B)}.
     */
    final float[] dist;
    final boolean[] signedTarget;

    private final float[][] grads = new float[SLOTS][];
    private final RbfField.Workspace[] ws = new RbfField.Workspace[SLOTS];
    private final float[][] pts = new float[SLOTS][];
    private final float[][] dOut = new float[SLOTS][];
    private final float[][] priorValues = new float[SLOTS][];
    private final double[][] scratch = new double[SLOTS][];
    private final double[][] partial = new double[SLOTS][4];

    /**
     * @param field   the residual network
     * @param prior   the field {@code prior(x) + field(x)} being fitted; the loss sees the sum
     * @param points  (N, 3) input points; held
     * @param normals (N, 3) unit normals; held
     * @param lo      (3) box of the uniform samples
     * @param hi      (3)
     * @param batch   samples per step: half on the surface, a quarter near it, a quarter uniform
     * @param h       stencil step, length units
     * @param sigma   standard deviation of the jitter of near samples, length units
     */
    CloudSdfObjective(RbfField field, SphereResidualField prior, float[] points, float[] normals, float[] lo, float[] hi,
            Weights w, int batch, double h, double sigma, CpuDevice device) {
        if (batch < 4) throw new IllegalArgumentException("batch " + batch + " < 4");
        this.field = field;
        this.prior = prior;
        this.device = device;
        this.points = points;
        this.normals = normals;
        this.tree = KdTree.build(points);
        this.n = points.length / 3;
        this.lo = lo.clone();
        this.hi = hi.clone();
        double dx = hi[0] - lo[0], dy = hi[1] - lo[1], dz = hi[2] - lo[2];
        this.diag = Math.sqrt(dx * dx + dy * dy + dz * dz);
        this.w = w;
        this.batch = batch;
        this.surfaceCount = batch / 2;
        this.nearCount = batch / 4;
        this.h = h;
        this.sigma = sigma;
        kind = new byte[batch];
        index = new int[batch];
        pos = new float[3 * batch];
        dirs = new float[12 * batch];
        dist = new float[batch];
        signedTarget = new boolean[batch];
        for (int i = 0; i < SLOTS; i++) {
            grads[i] = new float[field.gradientLength()];
            ws[i] = field.workspace(SAMPLES_PER_CHUNK * STENCIL);
            pts[i] = new float[SAMPLES_PER_CHUNK * STENCIL * 3];
            dOut[i] = new float[SAMPLES_PER_CHUNK * STENCIL];
            priorValues[i] = new float[SAMPLES_PER_CHUNK * STENCIL];
            scratch[i] = new double[STENCIL * 2 + 12];
        }
    }

    /** Sets the stencil step (length units). */
    void setStep(double step) {
        this.h = step;
    }

    double step() {
        return h;
    }

    int batch() {
        return batch;
    }

    /** The box diagonal D that scales value terms. */
    double diagonal() {
        return diag;
    }

    @Override
    public StepResult evaluate(StepContext ctx) {
        sample(ctx.random());
        double loss = accumulate();
        double[] t = new double[4];
        for (double[] p : partial) for (int i = 0; i < 4; i++) t[i] += p[i];
        // the terms are batch means already (the Eikonal term: surface mean plus off-surface mean)
        return new StepResult(loss, Map.of("surface", t[0], "normal", t[1], "eikonal", t[2], "offsurface", t[3]), null);
    }

    /**
     * Draws a batch: kinds, positions and rotated stencils (the distance targets of uniform samples
     * are found in {@link #accumulate}, in parallel). Allocates nothing.
     */
    void sample(SeededRandom r) {
        for (int i = 0; i < batch; i++) {
            byte k = i < surfaceCount ? SURFACE : i < surfaceCount + nearCount ? NEAR : UNIFORM;
            kind[i] = k;
            if (k == UNIFORM) {
                index[i] = -1;
                for (int d = 0; d < 3; d++) pos[3 * i + d] = lo[d] + (hi[d] - lo[d]) * r.nextFloat();
            } else {
                int p = r.nextInt(n);
                index[i] = p;
                dist[i] = Float.NaN;
                signedTarget[i] = false;
                for (int d = 0; d < 3; d++) {
                    float v = points[3 * p + d];
                    if (k == NEAR) v += (float) (sigma * r.nextGaussian());
                    pos[3 * i + d] = v;
                }
            }
            randomStencil(r, dirs, 12 * i);
        }
    }

    /** The distance target of uniform sample {@code i} ({@link #dist}, {@link #signedTarget}). Thread-safe. */
    private void distanceTarget(int i) {
        float x = pos[3 * i], y = pos[3 * i + 1], z = pos[3 * i + 2];
        int q = tree.nearest(x, y, z);
        float dx = x - points[3 * q], dy = y - points[3 * q + 1], dz = z - points[3 * q + 2];
        double dd = Math.sqrt(dx * dx + dy * dy + dz * dz);
        double side = dx * normals[3 * q] + dy * normals[3 * q + 1] + dz * normals[3 * q + 2];
        signedTarget[i] = dd > 0 && Math.abs(side) >= SIGN_COS * dd;
        dist[i] = (float) (signedTarget[i] ? Math.copySign(dd, side) : dd);
    }

    /** Tetrahedron directions turned by a uniformly random rotation, into {@code out[o..o+12)}. */
    static void randomStencil(SeededRandom r, float[] out, int o) {
        double a = r.nextGaussian(), b = r.nextGaussian(), c = r.nextGaussian(), d = r.nextGaussian();
        double s = Math.sqrt(a * a + b * b + c * c + d * d);
        if (!(s > 1e-12)) {
            a = 1;
            b = c = d = 0;
            s = 1;
        }
        a /= s;
        b /= s;
        c /= s;
        d /= s;
        double r00 = 1 - 2 * (c * c + d * d), r01 = 2 * (b * c - a * d), r02 = 2 * (b * d + a * c);
        double r10 = 2 * (b * c + a * d), r11 = 1 - 2 * (b * b + d * d), r12 = 2 * (c * d - a * b);
        double r20 = 2 * (b * d - a * c), r21 = 2 * (c * d + a * b), r22 = 1 - 2 * (b * b + c * c);
        for (int k = 0; k < 4; k++) {
            double x = TETRA[3 * k], y = TETRA[3 * k + 1], z = TETRA[3 * k + 2];
            out[o + 3 * k] = (float) (r00 * x + r01 * y + r02 * z);
            out[o + 3 * k + 1] = (float) (r10 * x + r11 * y + r12 * z);
            out[o + 3 * k + 2] = (float) (r20 * x + r21 * y + r22 * z);
        }
    }

    /**
     * The loss of the current batch; adds its gradient to the blocks' gradients. Allocates
     * nothing but the loop tasks.
     */
    double accumulate() {
        float hf = (float) h;
        device.parallelForSlots(batch, SAMPLES_PER_CHUNK, SLOTS, (slot, start, end) -> {
            float[] g = grads[slot]; // zero: cleared by the previous merge
            RbfField.Workspace wk = ws[slot];
            float[] p = pts[slot];
            float[] d = dOut[slot];
            float[] pv = priorValues[slot];
            double[] sc = scratch[slot];
            double[] part = partial[slot];
            java.util.Arrays.fill(part, 0);
            for (int i = start; i < end; i += SAMPLES_PER_CHUNK) {
                int m = Math.min(SAMPLES_PER_CHUNK, end - i);
                for (int t = 0; t < m; t++) {
                    int s = i + t;
                    if (kind[s] == UNIFORM) distanceTarget(s);
                    int o = 3 * STENCIL * t;
                    float x = pos[3 * s], y = pos[3 * s + 1], z = pos[3 * s + 2];
                    p[o] = x;
                    p[o + 1] = y;
                    p[o + 2] = z;
                    for (int k = 0; k < 4; k++) {
                        int q = o + 3 + 3 * k;
                        int v = 12 * s + 3 * k;
                        p[q] = x + hf * dirs[v];
                        p[q + 1] = y + hf * dirs[v + 1];
                        p[q + 2] = z + hf * dirs[v + 2];
                    }
                }
                for (int e = 0; e < m * STENCIL; e++) pv[e] = prior.prior(p, 3 * e, null, 0);
                field.forward(wk, p, 0, m * STENCIL);
                float[] out = wk.output();
                for (int t = 0; t < m; t++) {
                    int s = i + t;
                    sampleGradient(s, out, pv, STENCIL * t, d, STENCIL * t, sc, part);
                }
                field.backward(wk, p, 0, m * STENCIL, d, g, null, 0);
            }
        });
        field.addGradients(grads, device, true);
        double loss = 0;
        for (double[] part : partial) for (double v : part) loss += v;
        return loss;
    }

    /**
     * The loss of sample {@code s} from its stencil values {@code y[yo..yo+5) + pv[yo..yo+5)}, scaled by the
     * batch share of its kind; writes the loss gradient to {@code d[dOff..dOff+5)} and adds the
     * four terms to {@code part (4)}.
     */
    private void sampleGradient(int s, float[] y, float[] pv, int yo, float[] d, int dOff, double[] sc, double[] part) {
        double[] yy = sc; // [0, 5) values, [5, 10) gradients, [10, 22) directions
        for (int k = 0; k < STENCIL; k++) yy[k] = (double) y[yo + k] + pv[yo + k];
        for (int k = 0; k < 12; k++) yy[10 + k] = dirs[12 * s + k];
        byte k0 = kind[s];
        double nx = Double.NaN, ny = 0, nz = 0;
        if (k0 == SURFACE) {
            int pi = index[s];
            nx = normals[3 * pi];
            ny = normals[3 * pi + 1];
            nz = normals[3 * pi + 2];
        }
        double scale = k0 == SURFACE ? 1.0 / surfaceCount : 1.0 / (batch - surfaceCount);
        sampleLoss(yy, 0, yy, 10, h, nx, ny, nz, k0 == UNIFORM ? dist[s] : Double.NaN, signedTarget[s], w, 1 / diag, scale, yy, 5, part);
        for (int k = 0; k < STENCIL; k++) d[dOff + k] = (float) yy[5 + k];
    }

    /**
     * The loss of one sample, times {@code scale}, and its gradient with respect to the stencil
     * values. Pure arithmetic in double precision; allocates nothing.
     *
     * @param y        (5) at {@code yo}: {@code f(x), f(x + h v_0), ..., f(x + h v_3)}
     * @param v        (4, 3) at {@code vo}: the unit stencil directions
     * @param nx       the normal when the sample is on the surface; NaN otherwise (no value and normal terms)
     * @param dist     target of the distance term when the off-surface terms apply (uniform samples); NaN otherwise
     * @param signed   whether {@code dist} is a signed target for {@code f} (else an unsigned one for {@code |f|})
     * @param invDiag  {@code 1 / D}
     * @param dy       (5) at {@code dyo}: receives {@code scale * dL/dy}
     * @param part     (4) or null: adds the scaled surface, normal, Eikonal and off-surface terms
     * @return the scaled loss
     */
    static double sampleLoss(double[] y, int yo, double[] v, int vo, double h, double nx, double ny, double nz, double dist, boolean signed,
            Weights w, double invDiag, double scale, double[] dy, int dyo, double[] part) {
        double c = 3 / (4 * h);
        double gx = 0, gy = 0, gz = 0;
        for (int k = 0; k < 4; k++) {
            double f = y[yo + 1 + k];
            gx += f * v[vo + 3 * k];
            gy += f * v[vo + 3 * k + 1];
            gz += f * v[vo + 3 * k + 2];
        }
        gx *= c;
        gy *= c;
        gz *= c;
        double f0 = y[yo];
        double d0 = 0, dgx = 0, dgy = 0, dgz = 0;
        double ls = 0, ln = 0, lo = 0;
        if (!Double.isNaN(nx)) {
            ls = w.surface() * Math.abs(f0) * invDiag;
            d0 += w.surface() * Math.signum(f0) * invDiag;
            double ex = gx - nx, ey = gy - ny, ez = gz - nz;
            double e = Math.sqrt(ex * ex + ey * ey + ez * ez);
            ln = w.normal() * e;
            if (e > 0) {
                double s = w.normal() / e;
                dgx += s * ex;
                dgy += s * ey;
                dgz += s * ez;
            }
        }
        double gn = Math.sqrt(gx * gx + gy * gy + gz * gz);
        double le = w.eikonal() * (gn - 1) * (gn - 1);
        if (gn > 0) {
            double s = 2 * w.eikonal() * (gn - 1) / gn;
            dgx += s * gx;
            dgy += s * gy;
            dgz += s * gz;
        }
        if (!Double.isNaN(dist)) {
            double ex = Math.exp(-w.alpha() * Math.abs(f0) * invDiag);
            double e = signed ? f0 - dist : Math.abs(f0) - dist;
            lo = w.offSurface() * ex + w.distance() * Math.abs(e) * invDiag;
            d0 -= Math.signum(f0) * w.offSurface() * w.alpha() * invDiag * ex;
            d0 += w.distance() * Math.signum(e) * invDiag * (signed ? 1 : Math.signum(f0));
        }
        dy[dyo] = scale * d0;
        for (int k = 0; k < 4; k++) {
            dy[dyo + 1 + k] = scale * c * (dgx * v[vo + 3 * k] + dgy * v[vo + 3 * k + 1] + dgz * v[vo + 3 * k + 2]);
        }
        if (part != null) {
            part[0] += scale * ls;
            part[1] += scale * ln;
            part[2] += scale * le;
            part[3] += scale * lo;
        }
        return scale * (ls + ln + le + lo);
    }
}
