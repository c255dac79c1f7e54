package kernelfield.render.internal;

import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;

import org.lwjgl.opengl.GL11;
import org.lwjgl.opengl.GL15;
import org.lwjgl.opengl.GL43;

import kernelfield.engine.data.PointCloud;
import kernelfield.render.PointsDrawable;
import kernelfield.render.gl.Gl;

/** Draws {@link PointsDrawable}s as round points, vertex pulling from storage buffers. */
public final class PointsPass {
    private static final class Gpu {
        int version, pos, nrm, col, count;
        boolean colors, normals, used;
    }

    private final Gl gl;
    private final int program;
    private final int uViewProj, uHasColors, uHasNormals, uColor, uEye, uPointSize;
    private final Map<PointsDrawable, Gpu> cache = new IdentityHashMap<>();

    public PointsPass(Gl gl) {
        this.gl = gl;
        program = Shaders.graphics(gl, "points.vert", "points.frag");
        uViewProj = gl.getUniformLocation(program, "uViewProj");
        uHasColors = gl.getUniformLocation(program, "uHasColors");
        uHasNormals = gl.getUniformLocation(program, "uHasNormals");
        uColor = gl.getUniformLocation(program, "uColor");
        uEye = gl.getUniformLocation(program, "uEye");
        uPointSize = gl.getUniformLocation(program, "uPointSize");
    }

    private Gpu upload(PointsDrawable d) {
        Gpu g = cache.get(d);
        if (g != null && g.version == d.version()) return g;
        if (g != null) free(g);
        g = new Gpu();
        PointCloud pc = d.cloud();
        g.version = d.version();
        g.count = pc.size();
        g.pos = gl.createBuffer();
        gl.namedBufferData(g.pos, pc.size() == 0 ? new float[3] : pc.positions(), GL15.GL_STATIC_DRAW);
        g.normals = pc.hasNormals();
        g.nrm = gl.createBuffer();
        gl.namedBufferData(g.nrm, g.normals ? pc.normals() : new float[3], GL15.GL_STATIC_DRAW);
        g.colors = pc.hasColors();
        g.col = gl.createBuffer();
        gl.namedBufferData(g.col, g.colors ? pc.colors() : new float[3], GL15.GL_STATIC_DRAW);
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
        gl.uniform3f(uEye, (float) eye[0], (float) eye[1], (float) eye[2]);
        gl.uniform1i(uHasColors, g.colors ? 1 : 0);
        gl.uniform1i(uHasNormals, g.normals ? 1 : 0);
        float[] c = d.color();
        gl.uniform3f(uColor, c[0], c[1], c[2]);
        gl.uniform1f(uPointSize, d.pointSize());
        gl.bindBufferBase(GL43.GL_SHADER_STORAGE_BUFFER, 0, g.pos);
        gl.bindBufferBase(GL43.GL_SHADER_STORAGE_BUFFER, 1, g.nrm);
        gl.bindBufferBase(GL43.GL_SHADER_STORAGE_BUFFER, 2, g.col);
        gl.drawArrays(GL11.GL_POINTS, 0, g.count);
    }

    /** Frees the GPU data of clouds not drawn since the last call. */
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
        gl.deleteBuffer(g.pos);
        gl.deleteBuffer(g.nrm);
        gl.deleteBuffer(g.col);
    }

    /** Frees everything. */
    public void release() {
        for (Gpu g : cache.values()) free(g);
        cache.clear();
        gl.deleteProgram(program);
    }
}
