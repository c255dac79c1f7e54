package kernelfield.render.gl;

import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.List;

import org.lwjgl.PointerBuffer;
import org.lwjgl.egl.EGL;
import org.lwjgl.egl.EGL10;
import org.lwjgl.egl.EGL12;
import org.lwjgl.egl.EGL14;
import org.lwjgl.egl.EGL15;
import org.lwjgl.egl.EGLCapabilities;
import org.lwjgl.egl.EXTDeviceEnumeration;
import org.lwjgl.egl.EXTDeviceQuery;
import org.lwjgl.glfw.GLFW;
import org.lwjgl.glfw.GLFWErrorCallback;
import org.lwjgl.opengl.GL;
import org.lwjgl.opengl.GL11;
import org.lwjgl.opengl.GLCapabilities;
import org.lwjgl.system.JNI;
import org.lwjgl.system.MemoryStack;

/**
 * An OpenGL 4.5 core context, current on the thread that created it, and the {@link Gl} that
 * calls into it.
 *
 * <ul>
 *   <li>{@link #headless()}: EGL without a window. Platforms are tried in order: a hardware EGL
 *       device ({@code EGL_EXT_platform_device}, how NVIDIA renders headless), Mesa's surfaceless
 *       platform ({@code EGL_PLATFORM_SURFACELESS_MESA}: llvmpipe on a machine without a GPU, how
 *       CI renders), then the default display. The system property {@code kf.egl.platform}
 *       ({@code device}, {@code surfaceless} or {@code default}) forces one. There is no default
 *       framebuffer: render into a framebuffer object.</li>
 *   <li>{@link #window}: a GLFW window (needs a display, e.g. {@code xvfb-run}).</li>
 * </ul>
 *
 * A context is bound to its thread; GL calls from another thread are undefined. Not thread-safe.
 * {@link #close()} destroys the context (and the window).
 */
public final class GlContext implements AutoCloseable {
    /** {@code EGL_PLATFORM_SURFACELESS_MESA}. */
    static final int EGL_PLATFORM_SURFACELESS_MESA = 0x31DD;
    /** {@code EGL_PLATFORM_DEVICE_EXT}. */
    static final int EGL_PLATFORM_DEVICE_EXT = 0x313F;
    /** {@code EGL_EXTENSIONS} of a device. */
    static final int EGL_EXTENSIONS = 0x3055;

    private final long eglDisplay, eglContext;
    private final long window;
    private final Gl gl;
    private final String description;
    private boolean closed;

    private GlContext(long eglDisplay, long eglContext, long window, String platform) {
        this.eglDisplay = eglDisplay;
        this.eglContext = eglContext;
        this.window = window;
        this.gl = new LwjglGl();
        this.description = platform + ": " + gl.getString(GL11.GL_RENDERER) + ", OpenGL " + gl.getString(GL11.GL_VERSION);
    }

    /**
     * A headless 4.5 core context through EGL, current on this thread.
     *
     * @throws GlUnavailableException when no EGL library, display or suitable context exists
     */
    public static GlContext headless() {
        List<String> tried = new ArrayList<>();
        EGLCapabilities client;
        try {
            // EGL's static initializer loads libEGL (unless explicit init is configured)
            if (EGL.getFunctionProvider() == null) EGL.create();
            client = EGL.getCapabilities();
        } catch (Throwable t) {
            throw new GlUnavailableException("no EGL library (install libegl1 libgl1-mesa-dri): " + t.getMessage(), t);
        }
        String ext = EGL10.eglQueryString(EGL10.EGL_NO_DISPLAY, EGL10.EGL_EXTENSIONS);
        String clientExtensions = ext == null ? "" : ext;
        String forced = System.getProperty("kf.egl.platform", "");
        String[] order = forced.isEmpty() ? new String[] {"device", "surfaceless", "default"} : new String[] {forced};
        for (String platform : order) {
            long display = switch (platform) {
                case "device" -> deviceDisplay(client, clientExtensions, tried);
                case "surfaceless" -> clientExtensions.contains("EGL_MESA_platform_surfaceless") && client.eglGetPlatformDisplayEXT != 0L
                        ? getPlatformDisplay(client, EGL_PLATFORM_SURFACELESS_MESA, EGL14.EGL_DEFAULT_DISPLAY)
                        : 0L;
                case "default" -> EGL10.eglGetDisplay(EGL14.EGL_DEFAULT_DISPLAY);
                default -> throw new IllegalArgumentException("kf.egl.platform: expected device, surfaceless or default, got " + platform);
            };
            if (display == 0L) {
                tried.add(platform + ": no display");
                continue;
            }
            try {
                long ctx = createEglContext(display);
                return new GlContext(display, ctx, 0L, "EGL " + platform);
            } catch (RuntimeException e) {
                tried.add(platform + ": " + e.getMessage());
            }
        }
        throw new GlUnavailableException("no headless OpenGL 4.5 context: " + String.join("; ", tried), null);
    }

    /** The first hardware EGL device's display, or 0. */
    private static long deviceDisplay(EGLCapabilities client, String clientExtensions, List<String> tried) {
        // the capability flags of client extensions are not filled in by LWJGL 3.3: check the string and pointers
        if (!clientExtensions.contains("EGL_EXT_platform_device") || client.eglQueryDevicesEXT == 0L
                || client.eglGetPlatformDisplayEXT == 0L) {
            return 0L;
        }
        try (MemoryStack stack = MemoryStack.stackPush()) {
            IntBuffer count = stack.mallocInt(1);
            if (!EXTDeviceEnumeration.eglQueryDevicesEXT(null, count) || count.get(0) == 0) return 0L;
            PointerBuffer devices = stack.mallocPointer(count.get(0));
            if (!EXTDeviceEnumeration.eglQueryDevicesEXT(devices, count)) return 0L;
            for (int i = 0; i < count.get(0); i++) {
                long dev = devices.get(i);
                String ext = client.eglQueryDeviceStringEXT != 0L ? EXTDeviceQuery.eglQueryDeviceStringEXT(dev, EGL_EXTENSIONS) : null;
                if (ext != null && ext.contains("EGL_MESA_device_software")) continue;
                long d = getPlatformDisplay(client, EGL_PLATFORM_DEVICE_EXT, dev);
                if (d != 0L) return d;
            }
        } catch (RuntimeException e) {
            tried.add("device: " + e.getMessage());
        }
        return 0L;
    }

    /**
     * {@code eglGetPlatformDisplayEXT(platform, nativeDisplay, NULL)} called directly: LWJGL's
     * wrappers reject the null native display that the surfaceless platform takes.
     */
    private static long getPlatformDisplay(EGLCapabilities client, int platform, long nativeDisplay) {
        return JNI.callPPP(platform, nativeDisplay, 0L, client.eglGetPlatformDisplayEXT);
    }

    private static long createEglContext(long display) {
        try (MemoryStack stack = MemoryStack.stackPush()) {
            IntBuffer major = stack.mallocInt(1), minor = stack.mallocInt(1);
            if (!EGL10.eglInitialize(display, major, minor)) {
                throw new IllegalStateException("eglInitialize failed (0x" + Integer.toHexString(EGL10.eglGetError()) + ")");
            }
            EGLCapabilities dc = EGL.createDisplayCapabilities(display, major.get(0), minor.get(0));
            if (!dc.EGL_KHR_surfaceless_context && !dc.EGL_KHR_create_context) {
                throw new IllegalStateException("EGL " + major.get(0) + "." + minor.get(0) + " without surfaceless contexts");
            }
            IntBuffer attribs = stack.ints(
                    EGL10.EGL_SURFACE_TYPE, EGL10.EGL_PBUFFER_BIT,
                    EGL12.EGL_RENDERABLE_TYPE, EGL14.EGL_OPENGL_BIT,
                    EGL10.EGL_RED_SIZE, 8, EGL10.EGL_GREEN_SIZE, 8, EGL10.EGL_BLUE_SIZE, 8,
                    EGL10.EGL_NONE);
            PointerBuffer configs = stack.mallocPointer(1);
            IntBuffer n = stack.mallocInt(1);
            if (!EGL10.eglChooseConfig(display, attribs, configs, n) || n.get(0) == 0) {
                // surfaceless platforms may expose configs without a pbuffer bit
                attribs = stack.ints(EGL12.EGL_RENDERABLE_TYPE, EGL14.EGL_OPENGL_BIT, EGL10.EGL_NONE);
                if (!EGL10.eglChooseConfig(display, attribs, configs, n) || n.get(0) == 0) {
                    throw new IllegalStateException("no EGL config with EGL_OPENGL_BIT");
                }
            }
            if (!EGL12.eglBindAPI(EGL14.EGL_OPENGL_API)) throw new IllegalStateException("eglBindAPI(EGL_OPENGL_API) failed");
            IntBuffer ctxAttribs = stack.ints(
                    EGL15.EGL_CONTEXT_MAJOR_VERSION, 4, EGL15.EGL_CONTEXT_MINOR_VERSION, 5,
                    EGL15.EGL_CONTEXT_OPENGL_PROFILE_MASK, EGL15.EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT,
                    EGL10.EGL_NONE);
            long ctx = EGL10.eglCreateContext(display, configs.get(0), EGL10.EGL_NO_CONTEXT, ctxAttribs);
            if (ctx == EGL10.EGL_NO_CONTEXT) {
                throw new IllegalStateException("eglCreateContext(4.5 core) failed (0x" + Integer.toHexString(EGL10.eglGetError()) + ")");
            }
            if (!EGL10.eglMakeCurrent(display, EGL10.EGL_NO_SURFACE, EGL10.EGL_NO_SURFACE, ctx)) {
                EGL10.eglDestroyContext(display, ctx);
                throw new IllegalStateException("eglMakeCurrent without a surface failed");
            }
            try {
                GL.create(EGL.getFunctionProvider());
            } catch (IllegalStateException alreadyCreated) {
                // GL was created by an earlier context: the function provider is process-wide
            }
            GLCapabilities caps = GL.createCapabilities();
            if (!caps.OpenGL45) {
                EGL10.eglMakeCurrent(display, EGL10.EGL_NO_SURFACE, EGL10.EGL_NO_SURFACE, EGL10.EGL_NO_CONTEXT);
                EGL10.eglDestroyContext(display, ctx);
                throw new IllegalStateException("the context is not OpenGL 4.5");
            }
            return ctx;
        }
    }

    /**
     * A GLFW window with a 4.5 core context, current on this thread (GLFW wants the main thread on
     * some systems; on Linux any one thread that does all window work is fine).
     *
     * @param visible false for a hidden window (still needs a display)
     * @throws GlUnavailableException when GLFW cannot start (no display) or the context fails
     */
    public static GlContext window(String title, int width, int height, boolean visible) {
        GLFWErrorCallback.createPrint(System.err).set();
        if (!GLFW.glfwInit()) throw new GlUnavailableException("GLFW could not start (no DISPLAY? try xvfb-run)", null);
        GLFW.glfwDefaultWindowHints();
        GLFW.glfwWindowHint(GLFW.GLFW_VISIBLE, visible ? GLFW.GLFW_TRUE : GLFW.GLFW_FALSE);
        GLFW.glfwWindowHint(GLFW.GLFW_CONTEXT_VERSION_MAJOR, 4);
        GLFW.glfwWindowHint(GLFW.GLFW_CONTEXT_VERSION_MINOR, 5);
        GLFW.glfwWindowHint(GLFW.GLFW_OPENGL_PROFILE, GLFW.GLFW_OPENGL_CORE_PROFILE);
        GLFW.glfwWindowHint(GLFW.GLFW_OPENGL_FORWARD_COMPAT, GLFW.GLFW_TRUE);
        long w = GLFW.glfwCreateWindow(width, height, title, 0L, 0L);
        if (w == 0L) {
            GLFW.glfwTerminate();
            throw new GlUnavailableException("GLFW could not open a 4.5 core window", null);
        }
        GLFW.glfwMakeContextCurrent(w);
        GLFW.glfwSwapInterval(0);
        GL.createCapabilities();
        return new GlContext(0L, 0L, w, "GLFW");
    }

    /** The GL calls of this context. */
    public Gl gl() {
        return gl;
    }

    /** The platform, renderer and version, e.g. {@code "EGL surfaceless: llvmpipe (...), OpenGL 4.5 (Core Profile) Mesa 24"}. */
    public String description() {
        return description;
    }

    /** Whether this context has a window (else it is headless). */
    public boolean hasWindow() {
        return window != 0L;
    }

    /** The GLFW window handle, 0 when headless. */
    public long windowHandle() {
        return window;
    }

    /** Window framebuffer size {@code (2)} in pixels; {@code {0, 0}} when headless. Allocates the array. */
    public int[] framebufferSize() {
        if (window == 0L) return new int[2];
        int[] w = new int[1], h = new int[1];
        GLFW.glfwGetFramebufferSize(window, w, h);
        return new int[] {w[0], h[0]};
    }

    /** Presents the window's back buffer; no-op when headless. */
    public void swapBuffers() {
        if (window != 0L) GLFW.glfwSwapBuffers(window);
    }

    /** Whether the user asked the window to close; false when headless. */
    public boolean shouldClose() {
        return window != 0L && GLFW.glfwWindowShouldClose(window);
    }

    /** Destroys the context (and window). Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (window != 0L) {
            GL.setCapabilities(null);
            GLFW.glfwDestroyWindow(window);
            GLFW.glfwTerminate();
            GLFWErrorCallback cb = GLFW.glfwSetErrorCallback(null);
            if (cb != null) cb.free();
        } else {
            EGL10.eglMakeCurrent(eglDisplay, EGL10.EGL_NO_SURFACE, EGL10.EGL_NO_SURFACE, EGL10.EGL_NO_CONTEXT);
            EGL10.eglDestroyContext(eglDisplay, eglContext);
            GL.setCapabilities(null);
        }
    }
}
