package kernelfield.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lwjgl.opengl.GL11;
import org.lwjgl.opengl.GL30;

import kernelfield.render.gl.Gl;
import kernelfield.render.gl.GlContext;

class GlContextTest {
    @Test
    void headlessContextClearsAFramebufferAndReadsItBack() {
        try (GlContext ctx = GlTestSupport.headlessOrSkip()) {
            System.err.println(ctx.description());
            Gl gl = ctx.gl();
            assertTrue(gl.getInteger(GL30.GL_MAJOR_VERSION) * 10 + gl.getInteger(GL30.GL_MINOR_VERSION) >= 45);
            int tex = gl.createTexture(GL11.GL_TEXTURE_2D);
            gl.textureStorage2D(tex, 1, GL30.GL_RGBA32F, 4, 3);
            int fb = gl.createFramebuffer();
            gl.namedFramebufferTexture(fb, GL30.GL_COLOR_ATTACHMENT0, tex, 0);
            assertEquals(GL30.GL_FRAMEBUFFER_COMPLETE, gl.checkNamedFramebufferStatus(fb, GL30.GL_FRAMEBUFFER));
            gl.bindFramebuffer(GL30.GL_FRAMEBUFFER, fb);
            gl.viewport(0, 0, 4, 3);
            gl.clearColor(0.25f, 0.5f, 0.75f, 1f);
            gl.clear(GL11.GL_COLOR_BUFFER_BIT);
            float[] px = new float[4 * 3 * 4];
            gl.readPixels(0, 0, 4, 3, GL11.GL_RGBA, GL11.GL_FLOAT, px);
            assertArrayEquals(new float[] {0.25f, 0.5f, 0.75f, 1f}, java.util.Arrays.copyOfRange(px, 44, 48));
            assertEquals(0, gl.getError());
        }
    }
}
