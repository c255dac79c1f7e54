package kernelfield.render.gl;

/** No OpenGL 4.5 context can be made here (no EGL, no display, no driver): the message says why. */
public final class GlUnavailableException extends RuntimeException {
    public GlUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
