package kernelfield.render.internal;

import org.lwjgl.opengl.GL11;
import org.lwjgl.opengl.GL43;

import kernelfield.engine.data.PointCloud;
import kernelfield.render.PointsDrawable;
import kernelfield.render.gl.Gl;

/** Draws {@link PointsDrawable}s as round points, vertex pulling from storage buffers. */
public final class PointsPass {
    private static final class Gpu extends GpuCache.Entry {
        int pos, nrm, col, count;
        boolean colors, normals;

        @Override
        void free(Gl gl) {
            gl.deleteBuffer(pos);
            gl.deleteBuffer(nrm);
            gl.deleteBuffer(col);
        }
    }

    private final Gl gl;
    private final int program;
    private final int uViewProj, uHasColors, uHasNormals, uColor, uEye, uPointSize;
    private final GpuCache<PointsDrawable, Gpu> cache;

    public PointsPass(Gl gl) {
        this.gl = gl;
        cache = new GpuCache<>(gl);
        program = Shaders.graphics(gl, "points.vert", "points.frag");
        uViewProj = gl.getUniformLocation(program, "uViewProj");
        uHasColors = gl.getUniformLocation(program, "uHasColors");
        uHasNormals = gl.getUniformLocation(program, "uHasNormals");
        uColor = gl.getUniformLocation(program, "uColor");
        uEye = gl.getUniformLocation(program, "uEye");
        uPointSize = gl.getUniformLocation(program, "uPointSize");
    }

    private Gpu upload(PointsDrawable d) {
        Gpu g = cache.current(d, d.version());
        if (g != null) return g;
        g = new Gpu();
        PointCloud pc = d.cloud();
        g.version = d.version();
        g.count = pc.size();
        g.pos = PassSupport.staticBuffer(gl, pc.size() == 0 ? new float[3] : pc.positions());
        g.normals = pc.hasNormals();
        g.nrm = PassSupport.staticBuffer(gl, g.normals ? pc.normals() : new float[3]);
        g.colors = pc.hasColors();
        g.col = PassSupport.staticBuffer(gl, g.colors ? pc.colors() : new float[3]);
        cache.put(d, g);
        return g;
    }

    /**
     * Draws one cloud into the bound framebuffer (an empty vertex array bound by the caller).
     *
     * @param viewProj column-major world-to-clip {@code (16)}
     * @param eye      camera centre {@code (3)}
     */
    public void draw(PointsDrawable d, float[] viewProj, double[] eye) {
        Gpu g = upload(d);
        g.used = true;
        if (g.count == 0) return;
        gl.useProgram(program);
        gl.uniformMatrix4fv(uViewProj, viewProj);
        PassSupport.uniform3(gl, uEye, eye);
        gl.uniform1i(uHasColors, g.colors ? 1 : 0);
        gl.uniform1i(uHasNormals, g.normals ? 1 : 0);
        PassSupport.uniform3(gl, uColor, d.color());
        gl.uniform1f(uPointSize, d.pointSize());
        gl.bindBufferBase(GL43.GL_SHADER_STORAGE_BUFFER, 0, g.pos);
        gl.bindBufferBase(GL43.GL_SHADER_STORAGE_BUFFER, 1, g.nrm);
        gl.bindBufferBase(GL43.GL_SHADER_STORAGE_BUFFER, 2, g.col);
        gl.drawArrays(GL11.GL_POINTS, 0, g.count);
    }

    /** Frees the GPU data of clouds not drawn since the last call. */
    public void evictUnused() {
        cache.evictUnused();
    }

    /** Frees everything. */
    public void release() {
        cache.release();
        gl.deleteProgram(program);
    }
}
