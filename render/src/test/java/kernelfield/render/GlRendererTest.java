package kernelfield.render;

import kernelfield.render.gl.GlContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Base of the tests that draw with one headless GL context and {@link Renderer} per class (skipped without GL). */
abstract class GlRendererTest {
    static GlContext ctx;
    static Renderer renderer;

    @BeforeAll
    static void openGl() {
        ctx = GlTestSupport.headlessOrSkip();
        renderer = new Renderer(ctx.gl());
    }

    @AfterAll
    static void closeGl() {
        if (renderer != null) renderer.close();
        if (ctx != null) ctx.close();
        renderer = null;
        ctx = null;
    }
}
