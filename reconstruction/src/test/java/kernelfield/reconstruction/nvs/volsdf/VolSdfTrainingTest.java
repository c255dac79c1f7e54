package kernelfield.reconstruction.nvs.volsdf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import kernelfield.engine.data.CameraDataset;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.io.CameraDatasets;
import kernelfield.engine.io.MeshIO;
import kernelfield.reconstruction.nvs.SphereScene;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny analytic scene (a coloured sphere, 32x32, 8 views) trains to a good PSNR and a mesh near the sphere. */
class VolSdfTrainingTest {
    @TempDir
    Path dir;

    /** Small settings for 32x32 images. */
    static VolSdfOptions tiny(long steps) {
        return VolSdfOptions.defaults().withIterations(steps).withRays(768).withThreads(2)
                .withModel(256, 4, new int[] {8, 16, 32}, 2, new int[] {32}, 0).withLearning(1e-2, 0.05, 1e-2, 0.1, 0.1)
                .withSampling(32, 25, 16).withInit(0.4f, 60).withMeshResolution(40);
    }

    @Test
    void sphereSceneTrainsAndMeshesNearTheSphere() throws Exception {
        Path data = SphereScene.write(dir.resolve("sphere"), 32, 8, 2);
        CameraDataset ds = CameraDatasets.open(data);
        Path out = dir.resolve("out");
        VolSdfTraining.Result r = VolSdfTraining.run(ds, tiny(200), out, null);
        double psnr = r.test().meanPsnr();
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        System.out.printf("sphere: test PSNR %.2f dB, SSIM %.4f, beta %.4f, train %.1f s, setup %.1f s, total %.1f s%n", psnr,
                r.test().meanSsim(), r.beta(), r.trainSeconds(), m.get("setup_seconds").asDouble(), m.get("total_seconds").asDouble());
        assertEquals(200, r.steps());
        assertTrue(psnr > 24, "test PSNR " + psnr);
        assertTrue(Files.isRegularFile(out.resolve("test/r_0.png")) && Files.isRegularFile(out.resolve("test/r_1.png")));
        assertEquals(2, m.get("test").get("views").size());
        assertEquals(psnr, m.get("test").get("psnr").asDouble(), 1e-9);
        assertTrue(m.get("parameters").asLong() > 1000);
        assertTrue(Files.readAllLines(out.resolve("log.jsonl")).size() >= 3);

        TriangleMesh mesh = MeshIO.read(out.resolve("mesh.ply"));
        assertTrue(mesh.triangleCount() > 100, "mesh " + mesh);
        float[] v = mesh.vertices();
        double err = 0, errUp = 0, signedUp = 0;
        int up = 0;
        for (int i = 0; i < mesh.vertexCount(); i++) {
            double rr = Math.sqrt(v[3 * i] * v[3 * i] + v[3 * i + 1] * v[3 * i + 1] + v[3 * i + 2] * v[3 * i + 2]);
            err += Math.abs(rr - SphereScene.RADIUS);
            if (v[3 * i + 2] > 0) { // the cameras look from above: the lower half is only bounded by the hull
                errUp += Math.abs(rr - SphereScene.RADIUS);
                signedUp += rr - SphereScene.RADIUS;
                up++;
            }
        }
        err /= mesh.vertexCount();
        errUp /= Math.max(1, up);
        System.out.printf("sphere: mean |r - R| of the mesh %.4f, upper half %.4f (signed %.4f; R = %.1f)%n", err, errUp,
                signedUp / Math.max(1, up), SphereScene.RADIUS);
        // within a tenth of the radius. The level set sits inside the sphere by about beta ln(sqrt(2 pi R / beta) / 2 ln 2)
        // (0.045 at beta 0.02): grazing rays gather the Laplace density's tail, so the fitted silhouette shrinks it
        // (VolSDF's bias; it falls with beta). A 40-cell lattice has cells of 0.055.
        assertTrue(up > 50 && errUp < 0.06, "mean radial error of the upper half " + errUp);
        assertTrue(err < 0.08, "mean radial error " + err);
    }
}
