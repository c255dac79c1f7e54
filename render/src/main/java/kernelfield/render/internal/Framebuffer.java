package kernelfield.render.internal;

import org.lwjgl.opengl.GL11;
import org.lwjgl.opengl.GL30;

import kernelfield.render.gl.Gl;

/**
 * The renderer's target: an RGBA32F colour texture (float, so that thousands of blended splats do
 * not band) and a 24-bit depth renderbuffer. Rows are image rows (y down, see {@link Projection}).
 */
public final class Framebuffer {
    private final Gl gl;
    private int fbo, color, depth;
    private int width, height;

    public Framebuffer(Gl gl) {
        this.gl = gl;
    }

    /** (Re)allocates the attachments when the size changes; no-op otherwise. */
    public void ensure(int w, int h) {
        if (w == width && h == height && fbo != 0) return;
        release();
        color = gl.createTexture(GL11.GL_TEXTURE_2D);
        gl.textureStorage2D(color, 1, GL30.GL_RGBA32F, w, h);
        depth = gl.createRenderbuffer();
        gl.namedRenderbufferStorage(depth, GL30.GL_DEPTH_COMPONENT24, w, h);
        fbo = gl.createFramebuffer();
        gl.namedFramebufferTexture(fbo, GL30.GL_COLOR_ATTACHMENT0, color, 0);
        gl.namedFramebufferRenderbuffer(fbo, GL30.GL_DEPTH_ATTACHMENT, depth);
        int status = gl.checkNamedFramebufferStatus(fbo, GL30.GL_FRAMEBUFFER);
        if (status != GL30.GL_FRAMEBUFFER_COMPLETE) {
            throw new IllegalStateException("framebuffer " + w + "x" + h + " incomplete: 0x" + Integer.toHexString(status));
        }
        width = w;
        height = h;
    }

    public int id() {
        return fbo;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Frees the GL objects. */
    public void release() {
        if (fbo != 0) {
            gl.deleteFramebuffer(fbo);
            gl.deleteTexture(color);
            gl.deleteRenderbuffer(depth);
        }
        fbo = color = depth = 0;
        width = height = 0;
    }
}
