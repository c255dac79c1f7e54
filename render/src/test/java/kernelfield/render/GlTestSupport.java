package kernelfield.render;

import org.junit.jupiter.api.Assumptions;

import kernelfield.render.gl.GlContext;
import kernelfield.render.gl.GlUnavailableException;

/** Headless contexts for GL tests: a test skips, saying why, only where no EGL context can be made. */
public final class GlTestSupport {
    private GlTestSupport() {
    }

    /** A headless context, or the test is skipped with the reason. */
    public static GlContext headlessOrSkip() {
        try {
            return GlContext.headless();
        } catch (GlUnavailableException e) {
            System.err.println("SKIPPED (no EGL): " + e.getMessage());
            Assumptions.abort("no headless OpenGL 4.5 (EGL) here: " + e.getMessage());
            throw e;
        }
    }
}
