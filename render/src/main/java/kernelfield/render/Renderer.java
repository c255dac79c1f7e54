package kernelfield.render;

import java.util.Objects;

import org.lwjgl.opengl.GL11;
import org.lwjgl.opengl.GL30;
import org.lwjgl.opengl.GL32;

import kernelfield.engine.data.Camera;
import kernelfield.engine.data.FloatImage;
import kernelfield.render.gl.Gl;
import kernelfield.render.internal.Framebuffer;
import kernelfield.render.internal.MeshPass;
import kernelfield.render.internal.PointsPass;
import kernelfield.render.internal.Projection;
import kernelfield.render.internal.SdfPass;
import kernelfield.render.internal.SplatPass;

/**
 * Renders a {@link Scene} from a {@link Camera} into its own float framebuffer of the camera's
 * size, then reads it back ({@link #readRgb()}, {@link #readRgba(float[])}) or copies it to a
 * window ({@link #blitToWindow(int, int)}).
 *
 * <p>Pixels: the camera's pixel {@code (i, j)} (centre {@code (i + 0.5, j + 0.5)}, y down) is
 * framebuffer pixel {@code (i, j)}; images read back are row-major from the top row, like
 * {@link FloatImage}. Colours are linear, not clamped (splat SH colours may exceed 1). Alpha is
 * coverage: 1 for opaque geometry, {@code 1 - T} over splats, 0 on the background.
 *
 * <p>A renderer works on the {@link Gl} of one context, on that context's thread, and keeps GPU
 * copies of the drawables it draws (uploaded once, again when a drawable's version changes;
 * those not drawn in a frame are freed after it). Once the drawables are uploaded a frame
 * allocates only a few small arrays (camera and colour copies, map iterators), never per element.
 * Not thread-safe. {@link #close()} frees the GPU objects (not the context).
 */
public final class Renderer implements AutoCloseable {
    private final Gl gl;
    private final Framebuffer target;
    private final MeshPass meshes;
    private final PointsPass points;
    private final SplatPass splats;
    private final SdfPass sdfs;
    private final int emptyVao;
    private final float[] viewProj = new float[16];
    private final double[] clip = new double[2];
    private boolean closed;

    /** A renderer on {@code gl} (compiles its shader programs now). */
    public Renderer(Gl gl) {
        this.gl = Objects.requireNonNull(gl, "gl");
        target = new Framebuffer(gl);
        meshes = new MeshPass(gl);
        points = new PointsPass(gl);
        splats = new SplatPass(gl);
        sdfs = new SdfPass(gl);
        emptyVao = gl.createVertexArray();
    }

    /** The GL this renderer calls. */
    public Gl gl() {
        return gl;
    }

    /**
     * Draws {@code scene} from {@code camera} into this renderer's framebuffer ({@code camera.width()
     * x camera.height()}, reallocated when the size changes): background, then meshes and points
     * and implicit surfaces with depth, then splat sets sorted back to front, blended over them.
     */
    public void render(Scene scene, Camera camera) {
        if (closed) throw new IllegalStateException("renderer closed");
        int w = camera.width(), h = camera.height();
        target.ensure(w, h);
        Projection.clipRange(camera, scene.bounds(), clip);
        Projection.viewProjection(camera, clip[0], clip[1], viewProj);
        double[] eye = camera.center();
        float[] bg = scene.background();

        gl.bindFramebuffer(GL30.GL_FRAMEBUFFER, target.id());
        gl.viewport(0, 0, w, h);
        gl.clearColor(bg[0], bg[1], bg[2], 0f);
        gl.clearDepth(1.0);
        gl.depthMask(true);
        gl.clear(GL11.GL_COLOR_BUFFER_BIT | GL11.GL_DEPTH_BUFFER_BIT);
        gl.bindVertexArray(emptyVao);

        gl.enable(GL11.GL_DEPTH_TEST);
        gl.depthFunc(GL11.GL_LESS);
        gl.disable(GL11.GL_BLEND);
        gl.disable(GL11.GL_CULL_FACE);
        gl.enable(GL32.GL_PROGRAM_POINT_SIZE);
        for (Drawable d : scene.drawables()) {
            if (!d.visible()) continue;
            if (d instanceof MeshDrawable m) {
                meshes.draw(m, viewProj, eye);
                gl.bindVertexArray(emptyVao);
            } else if (d instanceof PointsDrawable p) {
                points.draw(p, viewProj, eye);
            } else if (d instanceof SdfDrawable f) {
                sdfs.draw(f, camera, clip);
            }
        }
        boolean any = false;
        for (Drawable d : scene.drawables()) {
            if (!d.visible() || !(d instanceof SplatDrawable s)) continue;
            if (!any) {
                gl.depthFunc(GL11.GL_LEQUAL);
                gl.depthMask(false);
                gl.enable(GL11.GL_BLEND);
                gl.blendFunc(GL11.GL_ONE, GL11.GL_ONE_MINUS_SRC_ALPHA);
                any = true;
            }
            splats.draw(s, camera, viewProj, clip);
        }
        gl.depthMask(true);
        gl.disable(GL11.GL_BLEND);
        gl.bindVertexArray(0);
        gl.bindFramebuffer(GL30.GL_FRAMEBUFFER, 0);
        meshes.evictUnused();
        points.evictUnused();
        splats.evictUnused();
        sdfs.evictUnused();
    }

    /** Width of the last frame. */
    public int width() {
        return target.width();
    }

    /** Height of the last frame. */
    public int height() {
        return target.height();
    }

    /**
     * Reads the last frame into {@code out (H, W, 4)} RGBA, top row first (waits for the GPU).
     * Modifies only {@code out}.
     */
    public void readRgba(float[] out) {
        int w = target.width(), h = target.height();
        if (w == 0) throw new IllegalStateException("nothing rendered yet");
        if (out.length != 4 * w * h) throw new IllegalArgumentException("out: " + out.length + " floats, expected (H, W, 4) = " + 4 * w * h);
        gl.bindFramebuffer(GL30.GL_READ_FRAMEBUFFER, target.id());
        gl.readPixels(0, 0, w, h, GL11.GL_RGBA, GL11.GL_FLOAT, out);
        gl.bindFramebuffer(GL30.GL_READ_FRAMEBUFFER, 0);
    }

    /** The last frame as a new RGB image {@code (H, W, 3)}. Allocates the image and a scratch array. */
    public FloatImage readRgb() {
        int w = target.width(), h = target.height();
        float[] rgba = new float[4 * w * h];
        readRgba(rgba);
        float[] rgb = new float[3 * w * h];
        for (int p = 0; p < w * h; p++) {
            rgb[3 * p] = rgba[4 * p];
            rgb[3 * p + 1] = rgba[4 * p + 1];
            rgb[3 * p + 2] = rgba[4 * p + 2];
        }
        return new FloatImage(w, h, 3, rgb);
    }

    /**
     * Copies the last frame to the default framebuffer (a window) of size {@code windowWidth x
     * windowHeight}, scaled and flipped so that the image's top row is at the top of the window.
     */
    public void blitToWindow(int windowWidth, int windowHeight) {
        int w = target.width(), h = target.height();
        gl.bindFramebuffer(GL30.GL_FRAMEBUFFER, 0);
        gl.viewport(0, 0, windowWidth, windowHeight);
        gl.clearColor(0f, 0f, 0f, 1f);
        gl.clear(GL11.GL_COLOR_BUFFER_BIT);
        gl.blitNamedFramebuffer(target.id(), 0, 0, 0, w, h, 0, windowHeight, windowWidth, 0,
                GL11.GL_COLOR_BUFFER_BIT, w == windowWidth && h == windowHeight ? GL11.GL_NEAREST : GL11.GL_LINEAR);
    }

    /**
     * Draws a frame-time bar over the window's top-left corner (after {@link #blitToWindow}): its
     * length is {@code frameMs} at 3 pixels per millisecond (capped at 100 ms), green up to 60 fps,
     * yellow up to 30 fps, red beyond; white ticks mark 16.7 and 33.3 ms.
     */
    public void drawFrameTimeOverlay(int windowWidth, int windowHeight, double frameMs) {
        final int pxPerMs = 3, height = 6, top = windowHeight - 4 - height;
        int len = (int) Math.round(Math.min(frameMs, 100) * pxPerMs);
        gl.bindFramebuffer(GL30.GL_FRAMEBUFFER, 0);
        gl.enable(GL11.GL_SCISSOR_TEST);
        float[] c = frameMs <= 1000 / 60.0 ? new float[] {0.1f, 0.8f, 0.2f} : frameMs <= 1000 / 30.0
                ? new float[] {0.95f, 0.8f, 0.1f} : new float[] {0.9f, 0.15f, 0.1f};
        bar(4, top, Math.max(1, len), height, 0.15f, 0.15f, 0.15f);
        bar(4, top, Math.max(1, len), height, c[0], c[1], c[2]);
        bar(4 + (int) Math.round(pxPerMs * 1000 / 60.0), top - 2, 1, height + 4, 1, 1, 1);
        bar(4 + (int) Math.round(pxPerMs * 1000 / 30.0), top - 2, 1, height + 4, 1, 1, 1);
        gl.disable(GL11.GL_SCISSOR_TEST);
    }

    private void bar(int x, int y, int w, int h, float r, float g, float b) {
        gl.scissor(x, y, w, h);
        gl.clearColor(r, g, b, 1f);
        gl.clear(GL11.GL_COLOR_BUFFER_BIT);
    }

    /** Visible splats of {@code d} in its last frame (reads back from the GPU: a sync; for tests and tools). */
    public int visibleSplats(SplatDrawable d) {
        return splats.visibleCount(d);
    }

    /** Internal counters for tests: {@code {splat uploads, splat projections}}. Allocates. */
    int[] splatCounters() {
        return new int[] {splats.uploads(), splats.projections()};
    }

    /** Frees the GPU objects; the context stays. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        meshes.release();
        points.release();
        splats.release();
        sdfs.release();
        target.release();
        gl.deleteVertexArray(emptyVao);
    }
}
