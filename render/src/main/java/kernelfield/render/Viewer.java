package kernelfield.render;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.lwjgl.glfw.GLFW;

import kernelfield.engine.data.Camera;
import kernelfield.engine.io.Images;
import kernelfield.render.gl.GlContext;
import kernelfield.render.gl.GlUnavailableException;

/**
 * The interactive viewer: a GLFW window showing a {@link Scene}.
 *
 * <ul>
 *   <li>left drag: orbit; scroll: zoom;</li>
 *   <li>W A S D: fly forward, left, back, right; Q E: down, up; shift: 5 times faster;</li>
 *   <li>R: reset the view; N / P: next / previous dataset camera;</li>
 *   <li>F12: screenshot ({@code kf-screenshot-N.png} in the working folder); Esc: close.</li>
 * </ul>
 * The window title shows the frame time. All calls on one thread.
 *
 * <p>Live mode: {@link #addLive(LiveUpdate)} registers a {@link LiveUpdate} (a training listener
 * running on another thread); before each frame the viewer installs its newest copy, so a training
 * run is shown as it trains.
 */
public final class Viewer {
    private final Scene scene;
    private final List<Camera> cameras;
    private final String title;
    private final ViewControls controls;
    private final List<LiveUpdate<?>> live = new ArrayList<>();
    private int cameraIndex = -1;
    private int shots;
    private double lastX, lastY;
    private boolean dragging;
    private double lastFx;
    private boolean overlay = true;
    private java.util.function.BooleanSupplier closeWhen = () -> false;

    /**
     * @param cameras dataset cameras for N / P (may be empty)
     */
    public Viewer(Scene scene, List<Camera> cameras, String title) {
        this.scene = scene;
        this.cameras = List.copyOf(cameras);
        this.title = title;
        this.controls = new ViewControls(scene.bounds());
    }

    /** Shows {@code update}'s copies as they come (installed before each frame). Returns this. */
    public Viewer addLive(LiveUpdate<?> update) {
        live.add(java.util.Objects.requireNonNull(update, "update"));
        return this;
    }

    /** Closes the window on its own once {@code condition} holds (checked every frame). Returns this. */
    public Viewer closeWhen(java.util.function.BooleanSupplier condition) {
        closeWhen = java.util.Objects.requireNonNull(condition, "condition");
        return this;
    }

    /** The camera controls (for a caller that sets the first view). */
    public ViewControls controls() {
        return controls;
    }

    /**
     * Opens a {@code width x height} window and runs until it is closed; or, when {@code screenshot}
     * is not null, renders {@code frames} frames, writes the last one there as PNG (atomically)
     * and returns.
     *
     * @throws GlUnavailableException when no window can be opened
     */
    public void run(int width, int height, Path screenshot, int frames) throws IOException {
        try (GlContext ctx = GlContext.window(title, width, height, true); Renderer renderer = new Renderer(ctx.gl())) {
            long win = ctx.windowHandle();
            installCallbacks(win, renderer);
            double lastTitle = GLFW.glfwGetTime(), lastFrame = lastTitle, frameMs = 0;
            int frame = 0;
            boolean idle = false;
            double[] lastView = null;
            int[] lastSize = {0, 0};
            while (!ctx.shouldClose() && !closeWhen.getAsBoolean()) {
                // Nothing moved and nothing arrived last time: wait for input instead of redrawing
                // the same frame (on a software rasterizer that would starve a training thread).
                if (idle) GLFW.glfwWaitEventsTimeout(0.05);
                else GLFW.glfwPollEvents();
                double now = GLFW.glfwGetTime(), dt = now - lastFrame;
                lastFrame = now;
                move(win, Math.min(dt, 0.1));
                boolean changed = false;
                for (LiveUpdate<?> u : live) changed |= u.apply();
                int[] fb = ctx.framebufferSize();
                Camera cam = fb[0] > 0 && fb[1] > 0 ? controls.camera(fb[0], fb[1]) : null;
                double[] view = cam == null ? null : cam.worldToCamera();
                boolean same = cam != null && java.util.Arrays.equals(view, lastView)
                        && fb[0] == lastSize[0] && fb[1] == lastSize[1] && cam.fx() == lastFx;
                idle = same && !changed && screenshot == null;
                if (cam != null && !idle) {
                    double t0 = GLFW.glfwGetTime();
                    renderer.render(scene, cam);
                    renderer.blitToWindow(fb[0], fb[1]);
                    if (overlay) renderer.drawFrameTimeOverlay(fb[0], fb[1], frameMs);
                    ctx.swapBuffers();
                    frameMs = frame == 0 ? 1000 * (GLFW.glfwGetTime() - t0) : 0.9 * frameMs + 100 * (GLFW.glfwGetTime() - t0);
                    frame++;
                    lastView = view;
                    lastSize = fb;
                    lastFx = cam.fx();
                }
                if (now - lastTitle > 0.5) {
                    GLFW.glfwSetWindowTitle(win, String.format(Locale.ROOT, "%s - %.1f ms (%.0f fps)%s", title, frameMs,
                            1000 / Math.max(frameMs, 1e-3), cameraIndex >= 0 && controls.isFixed()
                                    ? " - " + cameras.get(cameraIndex).name() : ""));
                    lastTitle = now;
                }
                if (screenshot != null && frame >= Math.max(1, frames)) {
                    Images.writePng(screenshot, renderer.readRgb());
                    return;
                }
            }
        }
    }

    private void installCallbacks(long win, Renderer renderer) {
        GLFW.glfwSetKeyCallback(win, (w, key, scancode, action, mods) -> {
            if (action != GLFW.GLFW_PRESS) return;
            switch (key) {
                case GLFW.GLFW_KEY_ESCAPE -> GLFW.glfwSetWindowShouldClose(w, true);
                case GLFW.GLFW_KEY_F -> overlay = !overlay;
                case GLFW.GLFW_KEY_R -> {
                    controls.reset();
                    cameraIndex = -1;
                }
                case GLFW.GLFW_KEY_N, GLFW.GLFW_KEY_P -> {
                    if (cameras.isEmpty()) return;
                    int n = cameras.size();
                    cameraIndex = key == GLFW.GLFW_KEY_N ? (cameraIndex + 1) % n : (cameraIndex - 1 + 2 * n) % n;
                    controls.jumpTo(cameras.get(cameraIndex));
                }
                case GLFW.GLFW_KEY_F12 -> {
                    Path p = Path.of(String.format(Locale.ROOT, "kf-screenshot-%d.png", ++shots));
                    try {
                        Images.writePng(p, renderer.readRgb());
                        System.err.println("screenshot: " + p.toAbsolutePath());
                    } catch (IOException | RuntimeException e) {
                        System.err.println("screenshot failed: " + e.getMessage());
                    }
                }
                default -> { }
            }
        });
        GLFW.glfwSetMouseButtonCallback(win, (w, button, action, mods) -> {
            if (button == GLFW.GLFW_MOUSE_BUTTON_LEFT) dragging = action == GLFW.GLFW_PRESS;
        });
        GLFW.glfwSetCursorPosCallback(win, (w, x, y) -> {
            if (dragging) controls.orbit(-(x - lastX) * 0.005, (y - lastY) * 0.005);
            lastX = x;
            lastY = y;
        });
        GLFW.glfwSetScrollCallback(win, (w, dx, dy) -> controls.zoom(Math.pow(0.9, dy)));
    }

    /** Applies the held fly keys for {@code dt} seconds. */
    private void move(long win, double dt) {
        double f = key(win, GLFW.GLFW_KEY_W) - key(win, GLFW.GLFW_KEY_S);
        double r = key(win, GLFW.GLFW_KEY_D) - key(win, GLFW.GLFW_KEY_A);
        double u = key(win, GLFW.GLFW_KEY_E) - key(win, GLFW.GLFW_KEY_Q);
        if (f == 0 && r == 0 && u == 0) return;
        boolean fast = key(win, GLFW.GLFW_KEY_LEFT_SHIFT) + key(win, GLFW.GLFW_KEY_RIGHT_SHIFT) > 0;
        controls.fly(f, r, u, 0.25 * dt * (fast ? 5 : 1));
    }

    private static int key(long win, int key) {
        return GLFW.glfwGetKey(win, key) == GLFW.GLFW_PRESS ? 1 : 0;
    }
}
