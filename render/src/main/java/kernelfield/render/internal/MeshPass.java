package kernelfield.render.internal;

import org.lwjgl.opengl.GL11;
import org.lwjgl.opengl.GL43;

import kernelfield.engine.data.TriangleMesh;
import kernelfield.render.MeshDrawable;
import kernelfield.render.gl.Gl;

/** Draws {@link MeshDrawable}s: vertex pulling from storage buffers, indexed triangles. */
public final class MeshPass {
    private static final class Gpu extends GpuCache.Entry {
        int pos, nrm, col, idx, vao, indices;
        boolean colors;

        @Override
        void free(Gl gl) {
            gl.deleteVertexArray(vao);
            gl.deleteBuffer(pos);
            gl.deleteBuffer(nrm);
            gl.deleteBuffer(col);
            gl.deleteBuffer(idx);
        }
    }

    private final Gl gl;
    private final int program;
    private final int uViewProj, uHasColors, uColor, uMode, uEye, uLineColor;
    private final GpuCache<MeshDrawable, Gpu> cache;

    public MeshPass(Gl gl) {
        this.gl = gl;
        cache = new GpuCache<>(gl);
        program = Shaders.graphics(gl, "mesh.vert", "mesh.frag");
        uViewProj = gl.getUniformLocation(program, "uViewProj");
        uHasColors = gl.getUniformLocation(program, "uHasColors");
        uColor = gl.getUniformLocation(program, "uColor");
        uMode = gl.getUniformLocation(program, "uMode");
        uEye = gl.getUniformLocation(program, "uEye");
        uLineColor = gl.getUniformLocation(program, "uLineColor");
    }

    private Gpu upload(MeshDrawable d) {
        Gpu g = cache.current(d, d.version());
        if (g != null) return g;
        g = new Gpu();
        TriangleMesh m = d.mesh();
        g.version = d.version();
        g.pos = PassSupport.staticBuffer(gl, m.vertices());
        g.nrm = PassSupport.staticBuffer(gl, m.normals() != null ? m.normals() : m.computeVertexNormals());
        g.colors = m.colors() != null;
        g.col = PassSupport.staticBuffer(gl, g.colors ? m.colors() : new float[3]);
        g.idx = PassSupport.staticBuffer(gl, m.triangles().length == 0 ? new int[3] : m.triangles());
        g.indices = m.triangles().length;
        g.vao = gl.createVertexArray();
        gl.vertexArrayElementBuffer(g.vao, g.idx);
        cache.put(d, g);
        return g;
    }

    /**
     * Draws one mesh into the bound framebuffer (depth test and write on, set by the caller).
     *
     * @param viewProj column-major world-to-clip {@code (16)}
     * @param eye      camera centre {@code (3)}
     */
    public void draw(MeshDrawable d, float[] viewProj, double[] eye) {
        Gpu g = upload(d);
        g.used = true;
        if (g.indices == 0) return;
        gl.useProgram(program);
        gl.uniformMatrix4fv(uViewProj, viewProj);
        PassSupport.uniform3(gl, uEye, eye);
        gl.uniform1i(uHasColors, g.colors ? 1 : 0);
        PassSupport.uniform3(gl, uColor, d.color());
        PassSupport.uniform3(gl, uLineColor, d.lineColor());
        gl.bindBufferBase(GL43.GL_SHADER_STORAGE_BUFFER, 0, g.pos);
        gl.bindBufferBase(GL43.GL_SHADER_STORAGE_BUFFER, 1, g.nrm);
        gl.bindBufferBase(GL43.GL_SHADER_STORAGE_BUFFER, 2, g.col);
        gl.bindVertexArray(g.vao);
        if (d.filled()) {
            gl.uniform1i(uMode, d.shading() == MeshDrawable.Shading.FLAT ? 1 : 0);
            if (d.wireframe()) {
                gl.enable(GL11.GL_POLYGON_OFFSET_FILL);
                gl.polygonOffset(1f, 1f);
            }
            gl.drawElements(GL11.GL_TRIANGLES, g.indices, GL11.GL_UNSIGNED_INT, 0L);
            if (d.wireframe()) gl.disable(GL11.GL_POLYGON_OFFSET_FILL);
        }
        if (d.wireframe()) {
            gl.uniform1i(uMode, 2);
            gl.polygonMode(GL11.GL_FRONT_AND_BACK, GL11.GL_LINE);
            gl.drawElements(GL11.GL_TRIANGLES, g.indices, GL11.GL_UNSIGNED_INT, 0L);
            gl.polygonMode(GL11.GL_FRONT_AND_BACK, GL11.GL_FILL);
        }
    }

    /** Frees the GPU data of meshes not drawn since the last call. */
    public void evictUnused() {
        cache.evictUnused();
    }

    /** Frees everything. */
    public void release() {
        cache.release();
        gl.deleteProgram(program);
    }
}
