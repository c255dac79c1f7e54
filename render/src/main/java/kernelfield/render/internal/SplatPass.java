package kernelfield.render.internal;

import org.lwjgl.opengl.GL11;
import org.lwjgl.opengl.GL15;
import org.lwjgl.opengl.GL40;
import org.lwjgl.opengl.GL42;
import org.lwjgl.opengl.GL43;

import kernelfield.engine.data.Camera;
import kernelfield.fields.splat.GaussianSet;
import kernelfield.fields.splat.SplatKernel;
import kernelfield.render.SplatDrawable;
import kernelfield.render.SplatSnapshot;
import kernelfield.render.gl.Gl;

/**
 * Draws {@link SplatDrawable}s in three GPU passes per frame: projection ({@code
 * splat_project.comp}: one thread per splat, writes the screen-space record, a depth sort key and
 * the visible count into an indirect draw command), a bitonic sort of the keys ({@link GpuSort}),
 * and one instanced quad per visible splat in sorted order, far to near, blended premultiplied
 * ({@code splat.vert}, {@code splat.frag}). When neither the camera nor the set changed since the
 * last frame, the projection and sort are skipped.
 *
 * <p>GPU layout per set: {@code gaussians (N, 12)} float: mean xyz, opacity (after the sigmoid),
 * 3D covariance {@code xx xy xz yy yz zz} (computed in float64 at upload from the normalised
 * quaternion and {@code exp(log-scale)}), GES {@code phi}, valid flag (0 for a degenerate
 * quaternion); {@code sh (N, 3 (d+1)^2)} coefficient-major (dc first); {@code projected (N, 5)}
 * vec4; {@code keys (N2)} uvec2; a 16-byte indirect command.
 */
public final class SplatPass {
    /** Floats per splat in the Gaussian buffer. */
    public static final int STRIDE = 12;
    private static final int[] COMMAND_RESET = {4, 0, 0, 0};

    private static final class Gpu extends GpuCache.Entry {
        int degree, n, n2, shStride;
        int gauss, sh, proj, keys, cmd;
        boolean ges;
        final float[] lastView = new float[22];
        boolean viewValid;

        @Override
        void free(Gl gl) {
            gl.deleteBuffer(gauss);
            gl.deleteBuffer(sh);
            gl.deleteBuffer(proj);
            gl.deleteBuffer(keys);
            gl.deleteBuffer(cmd);
        }
    }

    private final Gl gl;
    private final GpuSort sort;
    private final int project, draw;
    private final int pN, pN2, pRot, pTrans, pCamPos, pIntr, pSize, pClip, pDegree, pShStride, pAa, pGes;
    private final int dSize, dGes;
    private final GpuCache<SplatDrawable, Gpu> cache;
    private final float[] rot = new float[9];
    private final float[] view = new float[22];
    private int uploads, projections;

    public SplatPass(Gl gl) {
        this.gl = gl;
        cache = new GpuCache<>(gl);
        sort = new GpuSort(gl);
        project = Shaders.compute(gl, "splat_project.comp");
        pN = gl.getUniformLocation(project, "uN");
        pN2 = gl.getUniformLocation(project, "uN2");
        pRot = gl.getUniformLocation(project, "uRot");
        pTrans = gl.getUniformLocation(project, "uTrans");
        pCamPos = gl.getUniformLocation(project, "uCamPos");
        pIntr = gl.getUniformLocation(project, "uIntr");
        pSize = gl.getUniformLocation(project, "uSize");
        pClip = gl.getUniformLocation(project, "uClip");
        pDegree = gl.getUniformLocation(project, "uDegree");
        pShStride = gl.getUniformLocation(project, "uShStride");
        pAa = gl.getUniformLocation(project, "uAntialiased");
        pGes = gl.getUniformLocation(project, "uGes");
        draw = Shaders.graphics(gl, "splat.vert", "splat.frag");
        dSize = gl.getUniformLocation(draw, "uSize");
        dGes = gl.getUniformLocation(draw, "uGes");
    }

    /**
     * The Gaussian buffer content {@code (N, 12)} of a set (see the class comment). Allocates the
     * result.
     */
    public static float[] packGaussians(GaussianSet g, SplatKernel kernel) {
        float[] out = new float[g.size() * STRIDE];
        packGaussians(g, kernel, out);
        return out;
    }

    /**
     * Writes the Gaussian buffer content {@code (N, 12)} of a set into {@code out} (at least
     * {@code 12 N} floats; the rest untouched). Allocates nothing.
     */
    public static void packGaussians(GaussianSet g, SplatKernel kernel, float[] out) {
        int n = g.size();
        if (kernel != SplatKernel.GAUSSIAN && !g.hasShape()) {
            throw new IllegalArgumentException("kernel " + kernel + " needs a GaussianSet with a shape block");
        }
        if (out.length < n * STRIDE) throw new IllegalArgumentException("out: " + out.length + " floats for (" + n + ", 12)");
        float[] m = g.means().value(), ls = g.logScales().value(), q = g.quaternions().value(),
                ol = g.opacityLogits().value();
        float[] shape = g.hasShape() ? g.shape().value() : null;
        for (int i = 0; i < n; i++) {
            int o = i * STRIDE;
            out[o] = m[3 * i];
            out[o + 1] = m[3 * i + 1];
            out[o + 2] = m[3 * i + 2];
            out[o + 3] = (float) sigmoid(ol[i]);
            double sig = shape == null ? 0.5 : sigmoid(shape[i]);
            double sMul = kernel == SplatKernel.GES_SCALED ? 2 * sig : 1;
            double s0 = StrictMath.exp(ls[3 * i]) * sMul, s1 = StrictMath.exp(ls[3 * i + 1]) * sMul,
                    s2 = StrictMath.exp(ls[3 * i + 2]) * sMul;
            double w = q[4 * i], x = q[4 * i + 1], y = q[4 * i + 2], z = q[4 * i + 3];
            double qn = Math.sqrt(w * w + x * x + y * y + z * z);
            if (!(qn > 0) || !Double.isFinite(qn)) { // invalid: zero record
                java.util.Arrays.fill(out, o + 4, o + STRIDE, 0f);
                continue;
            }
            w /= qn;
            x /= qn;
            y /= qn;
            z /= qn;
            double m00 = (1 - 2 * (y * y + z * z)) * s0, m01 = 2 * (x * y - w * z) * s1, m02 = 2 * (x * z + w * y) * s2;
            double m10 = 2 * (x * y + w * z) * s0, m11 = (1 - 2 * (x * x + z * z)) * s1, m12 = 2 * (y * z - w * x) * s2;
            double m20 = 2 * (x * z - w * y) * s0, m21 = 2 * (y * z + w * x) * s1, m22 = (1 - 2 * (x * x + y * y)) * s2;
            out[o + 4] = (float) (m00 * m00 + m01 * m01 + m02 * m02);
            out[o + 5] = (float) (m00 * m10 + m01 * m11 + m02 * m12);
            out[o + 6] = (float) (m00 * m20 + m01 * m21 + m02 * m22);
            out[o + 7] = (float) (m10 * m10 + m11 * m11 + m12 * m12);
            out[o + 8] = (float) (m10 * m20 + m11 * m21 + m12 * m22);
            out[o + 9] = (float) (m20 * m20 + m21 * m21 + m22 * m22);
            out[o + 10] = (float) (kernel == SplatKernel.GES ? 2 * sig : 1.0);
            out[o + 11] = 1f;
        }
    }

    /** SH coefficients {@code (N, 3 (d+1)^2)} of the active degree d, dc first. Allocates the result. */
    public static float[] packSh(GaussianSet g) {
        int n = g.size(), nb = (g.activeShDegree() + 1) * (g.activeShDegree() + 1);
        float[] out = new float[Math.max(1, n * 3 * nb)];
        packSh(g, out);
        return out;
    }

    /** Writes the SH coefficients {@code (N, 3 (d+1)^2)} into {@code out} (at least that long). Allocates nothing. */
    public static void packSh(GaussianSet g, float[] out) {
        int n = g.size(), nb = (g.activeShDegree() + 1) * (g.activeShDegree() + 1), st = 3 * nb;
        if (out.length < n * st) throw new IllegalArgumentException("out: " + out.length + " floats for (" + n + ", " + st + ")");
        float[] dc = g.shDc().value(), rest = g.shRest().value();
        for (int i = 0; i < n; i++) {
            int o = i * st;
            out[o] = dc[3 * i];
            out[o + 1] = dc[3 * i + 1];
            out[o + 2] = dc[3 * i + 2];
            System.arraycopy(rest, GaussianSet.REST_COLS * i, out, o + 3, st - 3);
        }
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private Gpu upload(SplatDrawable d) {
        SplatSnapshot snap = d.snapshot();
        GaussianSet set = snap == null ? d.gaussians() : null;
        int degree = snap != null ? snap.shDegree() : set.activeShDegree(), n = snap != null ? snap.size() : set.size();
        Gpu g = cache.current(d, d.version());
        if (g != null && g.degree == degree && g.n == n) return g;
        cache.drop(d);
        g = new Gpu();
        g.version = d.version();
        g.degree = degree;
        g.n = n;
        g.n2 = GpuSort.paddedSize(g.n);
        g.shStride = 3 * (g.degree + 1) * (g.degree + 1);
        g.ges = (snap != null ? snap.kernel() : d.kernel()) == SplatKernel.GES;
        g.gauss = gl.createBuffer();
        float[] packed = snap != null ? snap.gaussians() : packGaussians(set, d.kernel());
        if (n == 0) {
            gl.namedBufferData(g.gauss, new float[STRIDE], GL15.GL_STATIC_DRAW);
        } else if (packed.length == n * STRIDE) {
            gl.namedBufferData(g.gauss, packed, GL15.GL_STATIC_DRAW);
        } else { // a snapshot's array may be longer than its set: upload the used part
            gl.namedBufferData(g.gauss, 4L * n * STRIDE, GL15.GL_STATIC_DRAW);
            gl.namedBufferSubData(g.gauss, 0L, java.util.Arrays.copyOf(packed, n * STRIDE));
        }
        g.sh = PassSupport.staticBuffer(gl, snap != null ? snap.sh() : packSh(set));
        g.proj = gl.createBuffer();
        gl.namedBufferData(g.proj, 80L * Math.max(1, g.n), GL15.GL_DYNAMIC_COPY);
        g.keys = gl.createBuffer();
        gl.namedBufferData(g.keys, 8L * g.n2, GL15.GL_DYNAMIC_COPY);
        g.cmd = gl.createBuffer();
        gl.namedBufferData(g.cmd, COMMAND_RESET, GL15.GL_DYNAMIC_COPY);
        cache.put(d, g);
        uploads++;
        return g;
    }

    /**
     * Draws one set into the bound framebuffer; the caller has set depth test on, depth writes off,
     * blending {@code (ONE, ONE_MINUS_SRC_ALPHA)} and bound an empty vertex array.
     *
     * @param clip near and far {@code (2)} of the depth mapping
     */
    public void draw(SplatDrawable d, Camera cam, float[] viewProj, double[] clip) {
        Gpu g = upload(d);
        g.used = true;
        if (g.n == 0) return;
        System.arraycopy(viewProj, 0, view, 0, 16);
        view[16] = cam.width();
        view[17] = cam.height();
        view[18] = d.antialiased() ? 1 : 0;
        view[19] = (float) cam.cx();
        view[20] = (float) cam.cy();
        view[21] = (float) cam.fx();
        boolean same = g.viewValid;
        for (int k = 0; k < view.length && same; k++) same = view[k] == g.lastView[k];
        if (!same) {
            projectAndSort(g, d, cam, clip);
            System.arraycopy(view, 0, g.lastView, 0, view.length);
            g.viewValid = true;
        }
        gl.useProgram(draw);
        gl.uniform2f(dSize, cam.width(), cam.height());
        gl.uniform1i(dGes, g.ges ? 1 : 0);
        gl.bindBufferBase(GL43.GL_SHADER_STORAGE_BUFFER, 2, g.proj);
        gl.bindBufferBase(GL43.GL_SHADER_STORAGE_BUFFER, 3, g.keys);
        gl.bindBuffer(GL40.GL_DRAW_INDIRECT_BUFFER, g.cmd);
        gl.drawArraysIndirect(GL11.GL_TRIANGLE_STRIP, 0L);
        gl.bindBuffer(GL40.GL_DRAW_INDIRECT_BUFFER, 0);
    }

    private void projectAndSort(Gpu g, SplatDrawable d, Camera cam, double[] clip) {
        projections++;
        gl.namedBufferSubData(g.cmd, 0L, COMMAND_RESET);
        gl.useProgram(project);
        gl.uniform1ui(pN, g.n);
        gl.uniform1ui(pN2, g.n2);
        Projection.rotation(cam, rot);
        gl.uniformMatrix3fv(pRot, rot);
        double[] t = cam.translation(), c = cam.center();
        PassSupport.uniform3(gl, pTrans, t);
        PassSupport.uniform3(gl, pCamPos, c);
        PassSupport.intrinsics(gl, pIntr, cam);
        gl.uniform2f(pSize, cam.width(), cam.height());
        gl.uniform2f(pClip, (float) clip[0], (float) clip[1]);
        gl.uniform1i(pDegree, g.degree);
        gl.uniform1i(pShStride, g.shStride);
        gl.uniform1i(pAa, d.antialiased() ? 1 : 0);
        gl.uniform1i(pGes, g.ges ? 1 : 0);
        gl.bindBufferBase(GL43.GL_SHADER_STORAGE_BUFFER, 0, g.gauss);
        gl.bindBufferBase(GL43.GL_SHADER_STORAGE_BUFFER, 1, g.sh);
        gl.bindBufferBase(GL43.GL_SHADER_STORAGE_BUFFER, 2, g.proj);
        gl.bindBufferBase(GL43.GL_SHADER_STORAGE_BUFFER, 3, g.keys);
        gl.bindBufferBase(GL43.GL_SHADER_STORAGE_BUFFER, 4, g.cmd);
        gl.dispatchCompute(g.n2 / 256, 1, 1);
        gl.memoryBarrier(GL43.GL_SHADER_STORAGE_BARRIER_BIT);
        sort.sort(g.keys, g.n2);
        gl.memoryBarrier(GL43.GL_SHADER_STORAGE_BARRIER_BIT | GL42.GL_COMMAND_BARRIER_BIT);
    }

    /** Visible splats of the set's last projection (reads the indirect command back: a GPU sync). */
    public int visibleCount(SplatDrawable d) {
        Gpu g = cache.get(d);
        if (g == null) return 0;
        int[] cmd = new int[4];
        gl.getNamedBufferSubData(g.cmd, 0L, cmd);
        return cmd[1];
    }

    /** Uploads so far (for tests: a set is uploaded once until it changes). */
    public int uploads() {
        return uploads;
    }

    /** Projection-and-sort runs so far (for tests: skipped when nothing moved). */
    public int projections() {
        return projections;
    }

    /** Frees the GPU data of sets not drawn since the last call. */
    public void evictUnused() {
        cache.evictUnused();
    }

    /** Frees everything. */
    public void release() {
        cache.release();
        sort.release();
        gl.deleteProgram(project);
        gl.deleteProgram(draw);
    }
}
