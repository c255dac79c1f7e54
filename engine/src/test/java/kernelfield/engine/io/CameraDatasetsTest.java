package kernelfield.engine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.ejml.simple.SimpleMatrix;
import org.ejml.simple.SimpleSVD;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import kernelfield.engine.data.Camera;
import kernelfield.engine.data.CameraDataset;
import kernelfield.engine.data.FloatImage;
import kernelfield.engine.testing.SharedData;

/** Opening dataset folders, and the real car scene as a check of every camera convention. */
class CameraDatasetsTest {
    @TempDir
    Path dir;

    /** The car's bounding box (README), corners. */
    static final double[] BOX_MIN = {-0.344, -1, -0.298}, BOX_MAX = {0.344, 1, 0.298};

    @Test
    void nerfSyntheticCar() throws IOException {
        Path car = SharedData.require("nvs/car/transforms_train.json").getParent();
        assertEquals(CameraDatasets.Layout.NERF_SYNTHETIC, CameraDatasets.detect(car));
        CameraDataset d = CameraDatasets.open(car);
        assertEquals(100, d.split("train").size());
        assertEquals(25, d.split("test").size());
        assertEquals(0, d.split("val").size());
        assertNull(d.points());
        double[] p = new double[3];
        for (CameraDataset.View v : d.splits().values().stream().flatMap(List::stream).toList()) {
            Camera c = v.camera();
            assertTrue(Files.isRegularFile(v.image()) && v.image().toString().endsWith(".png"), v.image().toString());
            assertEquals(256, c.width());
            assertEquals(355.5555, c.fx(), 1e-3);
            assertEquals(c.fx(), c.fy());
            assertEquals(128, c.cx());
            double[] ctr = c.center();
            assertEquals(4, Math.sqrt(ctr[0] * ctr[0] + ctr[1] * ctr[1] + ctr[2] * ctr[2]), 1e-4);
            assertTrue(ctr[2] >= 0, "upper hemisphere");
            // Looks at the origin.
            assertTrue(c.project(0, 0, 0, p));
            assertEquals(128, p[0], 1e-3);
            assertEquals(128, p[1], 1e-3);
            assertEquals(4, p[2], 1e-4);
            // Up is up: world +z projects above the centre.
            assertTrue(c.project(0, 0, 0.5, p));
            assertTrue(p[1] < 128, "world up goes up in the image");
            // The whole object is in view.
            for (int k = 0; k < 8; k++) {
                double x = (k & 1) == 0 ? BOX_MIN[0] : BOX_MAX[0];
                double y = (k & 2) == 0 ? BOX_MIN[1] : BOX_MAX[1];
                double z = (k & 4) == 0 ? BOX_MIN[2] : BOX_MAX[2];
                assertTrue(c.project(x, y, z, p));
                assertTrue(p[0] > 0 && p[0] < 256 && p[1] > 0 && p[1] < 256, "box corner in view: " + c.name());
            }
        }
    }

    /** Vertices {@code (N, 3)} of a binary little-endian PLY with only float x y z per vertex. */
    static float[] plyVertices(Path ply) throws IOException {
        byte[] b = Files.readAllBytes(ply);
        String head = new String(b, 0, Math.min(b.length, 2000), StandardCharsets.ISO_8859_1);
        int end = head.indexOf("end_header\n") + "end_header\n".length();
        assertTrue(head.contains("binary_little_endian") && head.contains("property float z\nelement face"), head);
        int n = Integer.parseInt(head.replaceAll("(?s).*element vertex (\\d+).*", "$1"));
        ByteBuffer bb = ByteBuffer.wrap(b, end, 12 * n).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[3 * n];
        for (int i = 0; i < 3 * n; i++) v[i] = bb.getFloat();
        return v;
    }

    private static float maxAlpha(FloatImage img, int x, int y) {
        float m = 0;
        for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
                int xx = Math.clamp(x + dx, 0, img.width() - 1), yy = Math.clamp(y + dy, 0, img.height() - 1);
                m = Math.max(m, img.get(xx, yy, 3));
            }
        }
        return m;
    }

    @Test
    void meshVerticesLandOnTheRenderedObject() throws IOException {
        Path car = SharedData.require("nvs/car/mesh.ply").getParent();
        float[] v = plyVertices(car.resolve("mesh.ply"));
        assertEquals(3 * 605, v.length);
        List<CameraDataset.View> views = TransformsJson.read(car.resolve("transforms_test.json"));
        double[] p = new double[3];
        for (CameraDataset.View view : views.subList(0, 6)) {
            FloatImage img = Images.read(view.image());
            assertEquals(4, img.channels());
            int on = 0, onMirrored = 0;
            for (int i = 0; i < v.length / 3; i++) {
                assertTrue(view.camera().project(v[3 * i], v[3 * i + 1], v[3 * i + 2], p));
                int x = (int) Math.floor(p[0]), y = (int) Math.floor(p[1]);
                assertTrue(x >= 0 && x < 256 && y >= 0 && y < 256);
                // Vertices on the silhouette fall on half-covered pixels: look one pixel around.
                if (maxAlpha(img, x, y) > 0.5f) on++;
                if (maxAlpha(img, x, 255 - y) > 0.5f) onMirrored++;
            }
            int n = v.length / 3;
            assertTrue(on >= 0.99 * n, view.camera().name() + ": " + on + " of " + n + " vertices on the object");
            // The check can tell: the image upside down puts many vertices off the object.
            assertTrue(onMirrored < 0.9 * n, "mirrored " + onMirrored + " vs " + on);
        }
    }

    @Test
    void colmapCarFolder() throws IOException {
        Path dirColmap = SharedData.require("nvs/car/colmap/sparse/0").getParent().getParent();
        assertEquals(CameraDatasets.Layout.COLMAP, CameraDatasets.detect(dirColmap));
        CameraDataset d = CameraDatasets.open(dirColmap);
        assertEquals(52, d.split("train").size());
        assertEquals(8, d.split("test").size());
        assertEquals("ring_000.png", d.split("test").getFirst().image().getFileName().toString());
        assertEquals("ring_008.png", d.split("test").get(1).image().getFileName().toString());
        assertEquals(989, d.points().size());
        assertTrue(d.points().hasColors());
        assertTrue(d.points().attributes().containsKey("error"));
        for (CameraDataset.View view : d.split("train")) {
            assertTrue(Files.isRegularFile(view.image()));
            assertEquals(351.0416, view.camera().fx(), 1e-3);
            assertEquals("PINHOLE", view.camera().distortionModel());
        }
    }

    /** s, R (3, 3) row-major, t with {@code dst ~ s R src + t} (Umeyama 1991), least squares. */
    static double[][] umeyama(double[][] src, double[][] dst) {
        int n = src.length;
        double[] ms = new double[3], md = new double[3];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 3; k++) {
                ms[k] += src[i][k] / n;
                md[k] += dst[i][k] / n;
            }
        }
        SimpleMatrix cov = new SimpleMatrix(3, 3);
        double varS = 0;
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < 3; a++) {
                varS += (src[i][a] - ms[a]) * (src[i][a] - ms[a]) / n;
                for (int b = 0; b < 3; b++) {
                    cov.set(a, b, cov.get(a, b) + (dst[i][a] - md[a]) * (src[i][b] - ms[b]) / n);
                }
            }
        }
        SimpleSVD<SimpleMatrix> svd = cov.svd();
        SimpleMatrix u = svd.getU(), w = svd.getW(), vt = svd.getV().transpose();
        SimpleMatrix sgn = SimpleMatrix.identity(3);
        if (u.determinant() * vt.determinant() < 0) sgn.set(2, 2, -1);
        SimpleMatrix r = u.mult(sgn).mult(vt);
        double s = w.mult(sgn).trace() / varS;
        double[] rot = new double[9];
        for (int a = 0; a < 3; a++) for (int b = 0; b < 3; b++) rot[3 * a + b] = r.get(a, b);
        double[] t = new double[3];
        for (int a = 0; a < 3; a++) {
            t[a] = md[a] - s * (rot[3 * a] * ms[0] + rot[3 * a + 1] * ms[1] + rot[3 * a + 2] * ms[2]);
        }
        return new double[][] {{s}, rot, t};
    }

    static double[] apply(double[][] sim, double[] x) {
        double s = sim[0][0];
        double[] r = sim[1], t = sim[2];
        return new double[] {
            s * (r[0] * x[0] + r[1] * x[1] + r[2] * x[2]) + t[0],
            s * (r[3] * x[0] + r[4] * x[1] + r[5] * x[2]) + t[1],
            s * (r[6] * x[0] + r[7] * x[1] + r[8] * x[2]) + t[2]};
    }

    static double[] mul(double[] a, double[] b) {
        double[] c = new double[9];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 3; k++) c[3 * i + j] += a[3 * i + k] * b[3 * k + j];
        return c;
    }

    static double[] transpose(double[] m) {
        return new double[] {m[0], m[3], m[6], m[1], m[4], m[7], m[2], m[5], m[8]};
    }

    @Test
    void colmapPosesMatchTheTruthUpToASimilarity() throws IOException {
        Path colmap = SharedData.require("nvs/car/colmap/transforms_gt.json").getParent();
        List<CameraDataset.View> truth = TransformsJson.read(colmap.resolve("transforms_gt.json"));
        assertEquals(60, truth.size());
        ColmapModel model = ColmapModel.read(colmap.resolve("sparse/0"));
        Map<String, Camera> est = new HashMap<>();
        for (ColmapModel.Image im : model.images()) est.put(im.name(), model.toCamera(im));
        double[][] src = new double[60][], dst = new double[60][];
        Camera[] gt = new Camera[60], co = new Camera[60];
        for (int i = 0; i < 60; i++) {
            gt[i] = truth.get(i).camera();
            co[i] = est.get(truth.get(i).image().getFileName().toString());
            src[i] = co[i].center();
            dst[i] = gt[i].center();
        }
        double[][] sim = umeyama(src, dst);
        double sum = 0, max = 0, angSum = 0, angMax = 0;
        double[] p = new double[3];
        double[] origin = new double[3];
        // The world origin in COLMAP's frame, by the inverse similarity.
        double[][] inv = umeyama(dst, src);
        double[] originColmap = apply(inv, origin);
        for (int i = 0; i < 60; i++) {
            double[] c = apply(sim, src[i]);
            double e = Math.sqrt(Math.pow(c[0] - dst[i][0], 2) + Math.pow(c[1] - dst[i][1], 2) + Math.pow(c[2] - dst[i][2], 2));
            sum += e;
            max = Math.max(max, e);
            // camera-to-world rotations: truth vs COLMAP's carried into the true frame
            double[] rel = mul(gt[i].rotation(), mul(sim[1], transpose(co[i].rotation())));
            double ang = Math.toDegrees(Math.acos(Math.min(1, (rel[0] + rel[4] + rel[8] - 1) / 2)));
            angSum += ang;
            angMax = Math.max(angMax, ang);
            // Both cameras see the object's centre near the image centre, in front.
            assertTrue(gt[i].project(0, 0, 0, p));
            assertEquals(128, p[0], 1e-3);
            assertTrue(co[i].project(originColmap[0], originColmap[1], originColmap[2], p));
            assertEquals(128, p[0], 12, "COLMAP camera " + co[i].name());
            assertEquals(128, p[1], 12, "COLMAP camera " + co[i].name());
        }
        // Measured 0.0717 mean, 0.2085 max (cameras at distance 4); 1.131 degrees mean, 3.285 max,
        // as the README reports. A wrong axis flip gives errors of tens of degrees.
        assertTrue(sum / 60 < 0.1, "mean centre residual " + sum / 60);
        assertTrue(max < 0.3, "max centre residual " + max);
        assertTrue(angSum / 60 < 1.6, "mean rotation error " + angSum / 60);
        assertTrue(angMax < 4.5, "max rotation error " + angMax);

        // COLMAP's points, carried into the true frame, lie on the object and project into the true images.
        int near = 0;
        for (ColmapModel.Point3D pt : model.points3D()) {
            double[] x = apply(sim, new double[] {pt.x(), pt.y(), pt.z()});
            boolean in = true;
            for (int k = 0; k < 3; k++) in &= x[k] > BOX_MIN[k] - 0.15 && x[k] < BOX_MAX[k] + 0.15;
            if (in) near++;
            for (int j = 0; j < pt.trackImageIds().length; j++) {
                Camera g = est.get(model.image(pt.trackImageIds()[j]).name());
                assertTrue(g.project(pt.x(), pt.y(), pt.z(), p));
            }
        }
        assertTrue(near > 0.95 * model.points3D().size(), near + " of " + model.points3D().size() + " points near the object");
    }

    // ---- nerfstudio layout ----

    private void writeImages(int n) throws IOException {
        for (int i = 0; i < n; i++) Images.writePng(dir.resolve("images/f" + i + ".png"), new FloatImage(8, 6, 3));
    }

    private static String frame(String path, double z) {
        return "{\"file_path\": \"" + path + "\", \"transform_matrix\": [[1,0,0,0],[0,1,0,0],[0,0,1," + z + "],[0,0,0,1]]}";
    }

    @Test
    void nerfstudioSplitsEveryEighthOrAsListed() throws IOException {
        writeImages(10);
        StringBuilder sb = new StringBuilder("{\"fl_x\": 10, \"w\": 8, \"h\": 6, \"frames\": [");
        for (int i = 9; i >= 0; i--) sb.append(frame("images/f" + i + ".png", i + 1)).append(i > 0 ? "," : "]}");
        Files.writeString(dir.resolve("transforms.json"), sb);
        assertEquals(CameraDatasets.Layout.NERFSTUDIO, CameraDatasets.detect(dir));
        CameraDataset d = CameraDatasets.open(dir);
        assertEquals(List.of(dir.resolve("images/f0.png"), dir.resolve("images/f8.png")),
                d.split("test").stream().map(CameraDataset.View::image).toList());
        assertEquals(8, d.split("train").size());
        String listed = sb.substring(0, sb.length() - 1)
                + ", \"train_filenames\": [\"images/f1.png\", \"images/f2.png\"], \"test_filenames\": [\"images/f3.png\"]}";
        Files.writeString(dir.resolve("transforms.json"), listed);
        d = CameraDatasets.open(dir.resolve("transforms.json"));
        assertEquals(2, d.split("train").size());
        assertEquals(dir.resolve("images/f3.png"), d.split("test").getFirst().image());
        assertEquals(4, d.split("test").getFirst().camera().center()[2], 1e-12);
        Files.writeString(dir.resolve("transforms.json"), listed.replace("f3.png\"]", "f33.png\"]"));
        KfFormatException e = assertThrows(KfFormatException.class, () -> CameraDatasets.open(dir));
        assertTrue(e.getMessage().contains("f33.png"), e.getMessage());
    }

    @Test
    void unknownFoldersAndMissingImagesAreErrors() throws IOException {
        KfFormatException e = assertThrows(KfFormatException.class, () -> CameraDatasets.open(dir));
        assertTrue(e.getMessage().contains("not a camera dataset"), e.getMessage());
        ColmapFixtures.model(4, 6, 1).writeText(dir.resolve("sparse/0"));
        e = assertThrows(KfFormatException.class, () -> CameraDatasets.open(dir));
        assertTrue(e.getMessage().contains("img_000.png") && e.getMessage().contains("no image file"), e.getMessage());
        writeImages(1);
        Files.writeString(dir.resolve("transforms_train.json"), "{\"camera_angle_x\": 0.7, \"frames\": ["
                + frame("images/f0", 4) + "," + frame("images/f1", 4) + "]}");
        e = assertThrows(KfFormatException.class, () -> CameraDatasets.open(dir));
        assertTrue(e.getMessage().contains("frame 1 (images/f1)") && e.getMessage().contains("not found"), e.getMessage());
    }
}
