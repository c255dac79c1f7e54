package kernelfield.render.internal;

import org.lwjgl.opengl.GL11;
import org.lwjgl.opengl.GL12;
import org.lwjgl.opengl.GL30;
import org.lwjgl.opengl.GL43;

import kernelfield.engine.data.Camera;
import kernelfield.render.SdfBrickGrid;
import kernelfield.render.SdfDrawable;
import kernelfield.render.gl.Gl;

/**
 * Draws {@link SdfDrawable}s: one viewport-covering triangle per drawable whose fragment shader
 * ({@code sdf.frag}) sphere-traces the brick grid. GPU data per drawable: the brick index
 * {@code (bz, by, bx)} int storage buffer and the atlas as an {@code R32F} 3D texture with linear
 * filtering, uploaded once per version.
 */
public final class SdfPass {
    /** Step budget per pixel. */
    public static final int MAX_STEPS = 1024;

    private static final class Gpu extends GpuCache.Entry {
        int index, atlas;
        boolean empty;

        @Override
        void free(Gl gl) {
            gl.deleteBuffer(index);
            gl.deleteTexture(atlas);
        }
    }

    private final Gl gl;
    private final int program;
    private final int uBricks, uAtlasSlots, uOrigin, uVoxel, uCamPos, uCamToWorld, uForward, uIntr, uClip, uColor,
            uSigned, uMaxSteps;
    private final GpuCache<SdfDrawable, Gpu> cache;
    private final float[] camToWorld = new float[9];

    public SdfPass(Gl gl) {
        this.gl = gl;
        cache = new GpuCache<>(gl);
        program = Shaders.graphics(gl, "sdf.vert", "sdf.frag");
        uBricks = gl.getUniformLocation(program, "uBricks");
        uAtlasSlots = gl.getUniformLocation(program, "uAtlasSlots");
        uOrigin = gl.getUniformLocation(program, "uOrigin");
        uVoxel = gl.getUniformLocation(program, "uVoxel");
        uCamPos = gl.getUniformLocation(program, "uCamPos");
        uCamToWorld = gl.getUniformLocation(program, "uCamToWorld");
        uForward = gl.getUniformLocation(program, "uForward");
        uIntr = gl.getUniformLocation(program, "uIntr");
        uClip = gl.getUniformLocation(program, "uClip");
        uColor = gl.getUniformLocation(program, "uColor");
        uSigned = gl.getUniformLocation(program, "uSigned");
        uMaxSteps = gl.getUniformLocation(program, "uMaxSteps");
    }

    private Gpu upload(SdfDrawable d) {
        Gpu g = cache.current(d, d.version());
        if (g != null) return g;
        SdfBrickGrid grid = d.grid();
        g = new Gpu();
        g.version = d.version();
        g.empty = grid.surfaceBricks() == 0;
        g.index = PassSupport.staticBuffer(gl, grid.index());
        int[] s = grid.atlasSlots();
        int w = SdfBrickGrid.BRICK * s[0], h = SdfBrickGrid.BRICK * s[1], depth = SdfBrickGrid.BRICK * s[2];
        g.atlas = gl.createTexture(GL12.GL_TEXTURE_3D);
        gl.textureStorage3D(g.atlas, 1, GL30.GL_R32F, w, h, depth);
        gl.textureSubImage3D(g.atlas, 0, 0, 0, 0, w, h, depth, GL11.GL_RED, GL11.GL_FLOAT, grid.atlas());
        gl.textureParameteri(g.atlas, GL11.GL_TEXTURE_MIN_FILTER, GL11.GL_LINEAR);
        gl.textureParameteri(g.atlas, GL11.GL_TEXTURE_MAG_FILTER, GL11.GL_LINEAR);
        gl.textureParameteri(g.atlas, GL11.GL_TEXTURE_WRAP_S, GL12.GL_CLAMP_TO_EDGE);
        gl.textureParameteri(g.atlas, GL11.GL_TEXTURE_WRAP_T, GL12.GL_CLAMP_TO_EDGE);
        gl.textureParameteri(g.atlas, GL12.GL_TEXTURE_WRAP_R, GL12.GL_CLAMP_TO_EDGE);
        cache.put(d, g);
        return g;
    }

    /**
     * Draws one implicit surface into the bound framebuffer (depth test and writes on, an empty
     * vertex array bound, set by the caller).
     *
     * @param clip near and far {@code (2)} of the depth mapping
     */
    public void draw(SdfDrawable d, Camera cam, double[] clip) {
        Gpu g = upload(d);
        g.used = true;
        if (g.empty) return;
        SdfBrickGrid grid = d.grid();
        double[] o = grid.origin(), eye = cam.center(), r = cam.rotation();
        int[] b = grid.brickCounts(), s = grid.atlasSlots();
        // column-major R^T: column k of R^T is row k of R
        for (int k = 0; k < 9; k++) camToWorld[k] = (float) r[k];
        gl.useProgram(program);
        gl.uniform3i(uBricks, b[0], b[1], b[2]);
        gl.uniform3i(uAtlasSlots, s[0], s[1], s[2]);
        PassSupport.uniform3(gl, uOrigin, o);
        gl.uniform1f(uVoxel, (float) grid.voxelSize());
        PassSupport.uniform3(gl, uCamPos, eye);
        gl.uniformMatrix3fv(uCamToWorld, camToWorld);
        gl.uniform3f(uForward, (float) r[6], (float) r[7], (float) r[8]);
        PassSupport.intrinsics(gl, uIntr, cam);
        gl.uniform2f(uClip, (float) clip[0], (float) clip[1]);
        PassSupport.uniform3(gl, uColor, d.color());
        gl.uniform1i(uSigned, grid.signed() ? 1 : 0);
        gl.uniform1i(uMaxSteps, MAX_STEPS);
        gl.bindBufferBase(GL43.GL_SHADER_STORAGE_BUFFER, 0, g.index);
        gl.bindTextureUnit(0, g.atlas);
        gl.drawArrays(GL11.GL_TRIANGLES, 0, 3);
        gl.bindTextureUnit(0, 0);
    }

    /** Frees the GPU data of drawables not drawn since the last call. */
    public void evictUnused() {
        cache.evictUnused();
    }

    /** Frees everything. */
    public void release() {
        cache.release();
        gl.deleteProgram(program);
    }
}
