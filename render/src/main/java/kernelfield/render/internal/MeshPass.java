package kernelfield.render.internal;

import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;

import org.lwjgl.opengl.GL11;
import org.lwjgl.opengl.GL15;
import org.lwjgl.opengl.GL43;

import kernelfield.engine.data.TriangleMesh;
import kernelfield.render.MeshDrawable;
import kernelfield.render.gl.Gl;

/** Draws {@link MeshDrawable}s: vertex pulling from storage buffers, indexed triangles. */
public final class MeshPass {
    private static final class Gpu {
        int version, pos, nrm, col, idx, vao, indices;
        boolean colors, used;
    }

    private final Gl gl;
    private final int program;
    private final int uViewProj, uHasColors, uColor, uMode, uEye, uLineColor;
    private final Map<MeshDrawable, Gpu> cache = new IdentityHashMap<>();

    public MeshPass(Gl gl) {
        this.gl = gl;
        program = Shaders.graphics(gl, "mesh.vert", "mesh.frag");
        uViewProj = gl.getUniformLocation(program, "uViewProj");
        uHasColors = gl.getUniformLocation(program, "uHasColors");
        uColor = gl.getUniformLocation(program, "uColor");
        uMode = gl.getUniformLocation(program, "uMode");
        uEye = gl.getUniformLocation(program, "uEye");
        uLineColor = gl.getUniformLocation(program, "uLineColor");
    }

    private Gpu upload(MeshDrawable d) {
        Gpu g = cache.get(d);
        if (g != null && g.version == d.version()) return g;
        if (g != null) free(g);
        g = new Gpu();
        TriangleMesh m = d.mesh();
        g.version = d.version();
        g.pos = gl.createBuffer();
        gl.namedBufferData(g.pos, m.vertices(), GL15.GL_STATIC_DRAW);
        g.nrm = gl.createBuffer();
        gl.namedBufferData(g.nrm, m.normals() != null ? m.normals() : m.computeVertexNormals(), GL15.GL_STATIC_DRAW);
        g.colors = m.colors() != null;
        g.col = gl.createBuffer();
        gl.namedBufferData(g.col, g.colors ? m.colors() : new float[3], GL15.GL_STATIC_DRAW);
        g.idx = gl.createBuffer();
        gl.namedBufferData(g.idx, m.triangles().length == 0 ? new int[3] : m.triangles(), GL15.GL_STATIC_DRAW);
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
        gl.uniform3f(uEye, (float) eye[0], (float) eye[1], (float) eye[2]);
        gl.uniform1i(uHasColors, g.colors ? 1 : 0);
        float[] c = d.color(), lc = d.lineColor();
        gl.uniform3f(uColor, c[0], c[1], c[2]);
        gl.uniform3f(uLineColor, lc[0], lc[1], lc[2]);
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
        for (Iterator<Gpu> it = cache.values().iterator(); it.hasNext(); ) {
            Gpu g = it.next();
            if (!g.used) {
                free(g);
                it.remove();
            } else {
                g.used = false;
            }
        }
    }

    private void free(Gpu g) {
        gl.deleteVertexArray(g.vao);
        gl.deleteBuffer(g.pos);
        gl.deleteBuffer(g.nrm);
        gl.deleteBuffer(g.col);
        gl.deleteBuffer(g.idx);
    }

    /** Number of meshes with GPU data. */
    public int cached() {
        return cache.size();
    }

    /** Frees everything. */
    public void release() {
        for (Gpu g : cache.values()) free(g);
        cache.clear();
        gl.deleteProgram(program);
    }
}
