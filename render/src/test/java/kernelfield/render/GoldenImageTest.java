package kernelfield.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import kernelfield.engine.data.Camera;
import kernelfield.engine.data.FloatImage;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.io.Images;
import kernelfield.engine.io.MeshIO;

/**
 * Golden images of each drawable, rendered on Mesa; the tolerances are data
 * ({@code golden/tolerances.json}). {@code -Dkf.golden.update=true} rewrites the PNGs in the
 * source tree instead of comparing.
 */
class GoldenImageTest extends GlRendererTest {
    static JsonNode tolerances;

    @BeforeAll
    static void loadTolerances() throws IOException {
        try (InputStream in = GoldenImageTest.class.getResourceAsStream("/golden/tolerances.json")) {
            tolerances = new ObjectMapper().readTree(in);
        }
    }

    static Path repo() {
        return Path.of(System.getProperty("kf.repo", "..")).toAbsolutePath().normalize();
    }

    static TriangleMesh fandisk() throws IOException {
        return MeshIO.read(repo().resolve("assets/fandisk.off"));
    }

    private void check(String name, Scene scene, Camera cam) throws IOException {
        renderer.render(scene, cam);
        FloatImage img = renderer.readRgb();
        if (Boolean.getBoolean("kf.golden.update")) {
            Images.writePng(repo().resolve("render/src/test/resources/golden/" + name + ".png"), img);
            System.err.println("golden image written: " + name);
            return;
        }
        JsonNode tol = tolerances.get(name);
        if (tol == null) fail("no tolerances for " + name + " in golden/tolerances.json");
        FloatImage ref;
        try (InputStream in = getClass().getResourceAsStream("/golden/" + name + ".png")) {
            if (in == null) fail("no golden image golden/" + name + ".png (create it with -Dkf.golden.update=true)");
            Path tmp = Files.createTempFile("golden", ".png");
            try {
                Files.write(tmp, in.readAllBytes());
                ref = Images.read(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        assertEquals(ref.width(), img.width());
        assertEquals(ref.height(), img.height());
        double sum = 0;
        int bad = 0, px = img.width() * img.height();
        double thr = tol.get("pixelThreshold").asDouble();
        for (int p = 0; p < px; p++) {
            double worst = 0;
            for (int c = 0; c < 3; c++) {
                float v = Math.min(1f, Math.max(0f, img.data()[3 * p + c]));
                double d = Math.abs(v - ref.data()[3 * p + c]);
                sum += d;
                worst = Math.max(worst, d);
            }
            if (worst > thr) bad++;
        }
        double meanAbs = sum / (3.0 * px), badFraction = (double) bad / px;
        System.err.printf("golden %s: mean abs %.5f, %.4f of pixels over %.2f%n", name, meanAbs, badFraction, thr);
        assertTrue(meanAbs <= tol.get("meanAbs").asDouble(), name + ": mean abs difference " + meanAbs);
        assertTrue(badFraction <= tol.get("maxBadFraction").asDouble(), name + ": " + badFraction + " of pixels differ by more than " + thr);
    }

    @Test
    void meshSmoothWithVertexColours() throws IOException {
        Scene s = new Scene().setBackground(1, 1, 1);
        s.addMesh(TestScenes.sphere(1, 24, 48, true));
        check("mesh_smooth", s, TestScenes.camera(160, 120));
    }

    @Test
    void meshFlat() throws IOException {
        Scene s = new Scene().setBackground(0.2f, 0.2f, 0.25f);
        s.addMesh(fandisk()).setShading(MeshDrawable.Shading.FLAT).setColor(0.9f, 0.7f, 0.4f);
        check("mesh_flat", s, Cameras.framing(s.bounds(), 200, 150));
    }

    @Test
    void meshWireframe() throws IOException {
        Scene s = new Scene().setBackground(1, 1, 1);
        s.addMesh(TestScenes.sphere(1, 8, 12, false)).setWireframe(true).setColor(0.6f, 0.8f, 1f);
        check("mesh_wireframe", s, TestScenes.camera(160, 120));
    }

    @Test
    void pointCloud() throws IOException {
        Scene s = new Scene();
        s.addPoints(TestScenes.points(4000)).setPointSize(3);
        check("points", s, TestScenes.camera(160, 120));
    }

    @Test
    void gaussianSplats() throws IOException {
        Scene s = new Scene().setBackground(0.1f, 0.1f, 0.1f);
        s.addSplats(TestScenes.splats(3000, 3, 21));
        check("splats", s, TestScenes.camera(160, 120));
    }

    @Test
    void meshOccludesSplatsBehindIt() throws IOException {
        Scene s = new Scene().setBackground(1, 1, 1);
        s.addSplats(TestScenes.splats(400, 0, 22));
        s.addMesh(TestScenes.sphere(0.6, 16, 32, false)).setColor(0.3f, 0.5f, 0.9f);
        check("mixed", s, TestScenes.camera(160, 120));
    }

    /** A torus of radii R (ring) and r (tube) around the y axis, exact signed distance. */
    record TorusSdf(double bigR, double r) implements kernelfield.fields.DistanceField {
        @Override
        public boolean signed() {
            return true;
        }

        @Override
        public void evaluate(float[] p, float[] v, float[] g) {
            for (int i = 0; i < p.length / 3; i++) {
                double x = p[3 * i], y = p[3 * i + 1], z = p[3 * i + 2];
                double q = Math.sqrt(x * x + z * z) - bigR;
                v[i] = (float) (Math.sqrt(q * q + y * y) - r);
            }
        }
    }

    @Test
    void implicitSurfaceWithAMeshThroughIt() throws IOException {
        Scene s = new Scene().setBackground(1, 1, 1);
        s.addSdf(SdfBrickGrid.bake(new TorusSdf(0.8, 0.3), new kernelfield.engine.data.Bounds(-1.2, -0.4, -1.2, 1.2, 0.4, 1.2), 96))
                .setColor(0.4f, 0.75f, 0.5f);
        s.addMesh(TestScenes.sphere(0.45, 16, 32, false)).setColor(0.9f, 0.5f, 0.3f);
        check("sdf_torus", s, TestScenes.camera(160, 120));
    }
}
