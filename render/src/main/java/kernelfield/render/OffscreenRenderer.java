package kernelfield.render;

import java.awt.image.BufferedImage;

import kernelfield.engine.data.Camera;
import kernelfield.engine.data.FloatImage;
import kernelfield.engine.io.Images;
import kernelfield.render.gl.GlContext;
import kernelfield.render.gl.GlUnavailableException;

/**
 * The embedding entry point: a headless context ({@link GlContext#headless()}) and a
 * {@link Renderer} on it, rendering scenes into images. Use it from one thread (the one that
 * created it). {@link #close()} frees the renderer and the context.
 *
 * <pre>{@code
 * try (OffscreenRenderer r = new OffscreenRenderer()) {
 *     Scene scene = new Scene().setBackground(1, 1, 1);
 *     scene.addMesh(MeshIO.read(Path.of("bunny.ply")));
 *     Camera cam = Cameras.framing(scene.bounds(), 640, 480);
 *     BufferedImage img = r.renderToBufferedImage(scene, cam);
 * }
 * }</pre>
 */
public final class OffscreenRenderer implements AutoCloseable {
    private final GlContext context;
    private final Renderer renderer;

    /**
     * Creates a headless context and a renderer on it.
     *
     * @throws GlUnavailableException when no headless OpenGL 4.5 exists here
     */
    public OffscreenRenderer() {
        context = GlContext.headless();
        try {
            renderer = new Renderer(context.gl());
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    /** The renderer (for reading RGBA or reusing buffers). */
    public Renderer renderer() {
        return renderer;
    }

    /** The context. */
    public GlContext context() {
        return context;
    }

    /** Renders and reads back an RGB image {@code (H, W, 3)}, linear, not clamped. Allocates the image. */
    public FloatImage render(Scene scene, Camera camera) {
        renderer.render(scene, camera);
        return renderer.readRgb();
    }

    /** Renders into an 8-bit sRGB-tagged RGB {@link BufferedImage} (values clamped to 0..1). Allocates it. */
    public BufferedImage renderToBufferedImage(Scene scene, Camera camera) {
        return Images.toBufferedImage(render(scene, camera));
    }

    /** Frees the renderer and the context. Idempotent. */
    @Override
    public void close() {
        renderer.close();
        context.close();
    }
}
