package kernelfield.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import kernelfield.engine.data.Camera;
import kernelfield.engine.data.FloatImage;
import kernelfield.engine.io.MeshIO;
import kernelfield.render.gl.GlContext;

/** Runs the snippet of render/README-example.md (the method below is the same code). */
class EmbeddingExampleTest {
    static BufferedImage renderMesh(Path meshFile, Path pngOut) throws Exception {
        try (OffscreenRenderer renderer = new OffscreenRenderer()) {       // headless OpenGL 4.5 context
            Scene scene = new Scene().setBackground(1, 1, 1);
            scene.addMesh(MeshIO.read(meshFile))                            // any .ply .obj .off mesh
                 .setShading(MeshDrawable.Shading.FLAT)
                 .setWireframe(true);
            Camera camera = Cameras.framing(scene.bounds(), 640, 480);     // or any kernelfield Camera
            FloatImage linear = renderer.render(scene, camera);            // (H, W, 3) floats
            BufferedImage image = renderer.renderToBufferedImage(scene, camera);
            ImageIO.write(image, "png", pngOut.toFile());
            return image;
        }
    }

    @Test
    void readmeSnippetRendersTheMesh(@TempDir Path dir) throws Exception {
        GlTestSupport.headlessOrSkip().close();
        Path repo = Path.of(System.getProperty("kf.repo", "..")).toAbsolutePath().normalize();
        String readme = Files.readString(repo.resolve("render/README-example.md"));
        assertTrue(readme.contains("Camera camera = Cameras.framing(scene.bounds(), 640, 480);"), "snippet and test drifted apart");
        Path out = dir.resolve("fandisk.png");
        BufferedImage img = renderMesh(repo.resolve("assets/fandisk.off"), out);
        assertEquals(640, img.getWidth());
        assertEquals(480, img.getHeight());
        assertTrue(Files.size(out) > 1000);
        // the model is in the middle of the frame, the background white at the corner
        assertEquals(0xFFFFFF, img.getRGB(2, 2) & 0xFFFFFF);
        int covered = 0;
        for (int y = 0; y < 480; y += 4) {
            for (int x = 0; x < 640; x += 4) if ((img.getRGB(x, y) & 0xFFFFFF) != 0xFFFFFF) covered++;
        }
        assertTrue(covered > 500, covered + " samples show the model");
    }

    @Test
    void unavailableContextSaysWhy() {
        // the exception type an embedding application catches: GlUnavailableException, with a reason
        try (GlContext c = GlTestSupport.headlessOrSkip()) {
            assertTrue(c.description().contains("OpenGL"));
        }
    }
}
