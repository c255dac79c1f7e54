package kernelfield.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import kernelfield.engine.data.Camera;
import kernelfield.engine.data.CameraDataset;
import kernelfield.engine.testing.SharedData;

class ColmapModelTest {
    @TempDir
    Path dir;

    @Test
    void quaternionsRoundTrip() {
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 1000; i++) {
            double[] q = {r.nextDouble() - 0.5, r.nextDouble() - 0.5, r.nextDouble() - 0.5, r.nextDouble() - 0.5};
            if (i % 4 == 0) q[r.nextInt(4)] = 0; // near the branches of Shepperd's method
            double n = Math.sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
            double s = q[0] < 0 ? -1 / n : 1 / n;
            for (int k = 0; k < 4; k++) q[k] *= s;
            double[] rot = ColmapModel.quaternionToRotation(q);
            double[] back = ColmapModel.rotationToQuaternion(rot);
            if (q[0] == 0 && back[1] * q[1] + back[2] * q[2] + back[3] * q[3] < 0) {
                for (int k = 0; k < 4; k++) back[k] = -back[k]; // w = 0: both signs are canonical
            }
            assertArrayEquals(q, back, 1e-12);
            // orthonormal, det +1
            double det = rot[0] * (rot[4] * rot[8] - rot[5] * rot[7]) - rot[1] * (rot[3] * rot[8] - rot[5] * rot[6])
                    + rot[2] * (rot[3] * rot[7] - rot[4] * rot[6]);
            assertEquals(1, det, 1e-12);
        }
        // A known one: 90 degrees about z maps x to y.
        double[] rz = ColmapModel.quaternionToRotation(new double[] {Math.sqrt(0.5), 0, 0, Math.sqrt(0.5)});
        assertArrayEquals(new double[] {0, -1, 0, 1, 0, 0, 0, 0, 1}, rz, 1e-15);
    }

    @Test
    void syntheticModelRoundTripsTextAndBinary() throws IOException {
        ColmapModel m = ColmapFixtures.model(17, 40, 1);
        m.writeBinary(dir.resolve("bin"));
        ColmapModel b = ColmapModel.readBinary(dir.resolve("bin"));
        assertEquals(m, b);
        b.writeText(dir.resolve("txt"));
        ColmapModel t = ColmapModel.readText(dir.resolve("txt"));
        assertEquals(m, t);
        t.writeBinary(dir.resolve("bin2"));
        for (String f : new String[] {"cameras.bin", "images.bin", "points3D.bin"}) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("bin").resolve(f)), Files.readAllBytes(dir.resolve("bin2").resolve(f)), f);
        }
        assertEquals(ColmapModel.CameraModel.values().length, t.cameras().size());
        // Every camera model converts, with its distortion kept.
        for (ColmapModel.Image im : t.images()) {
            Camera c = t.toCamera(im);
            ColmapModel.Camera cc = t.camera(im.cameraId());
            assertEquals(cc.params()[0], c.fx());
            assertEquals(160.5, c.cx());
            assertEquals(120.25, c.cy());
            int extra = cc.model().paramCount() - cc.model().intrinsicCount();
            assertEquals(extra, c.distortion().length);
            assertEquals(extra == 0 ? "PINHOLE" : cc.model().name(), c.distortionModel());
            // Looks at the origin.
            double[] p = new double[3];
            assertTrue(c.project(0, 0, 0, p));
            assertEquals(160.5, p[0], 1e-9);
            assertEquals(120.25, p[1], 1e-9);
        }
        assertEquals(40, t.pointCloud().size());
        assertEquals(t.points3D().get(3).r() / 255f, t.pointCloud().colors()[9]);
    }

    @Test
    void emptyModelRoundTrips() throws IOException {
        ColmapModel m = new ColmapModel(List.of(), List.of(), List.of(), null);
        m.writeText(dir);
        assertEquals(m, ColmapModel.readText(dir));
        m.writeBinary(dir);
        assertEquals(m, ColmapModel.read(dir));
    }

    @Test
    void realModelTextAndBinaryAgree() throws IOException {
        Path bin = SharedData.require("nvs/car/colmap/sparse/0");
        Path txt = SharedData.require("nvs/car/colmap/sparse_txt");
        ColmapModel b = ColmapModel.readBinary(bin);
        ColmapModel t = ColmapModel.readText(txt);
        assertEquals(1, b.cameras().size());
        assertEquals(60, b.images().size());
        assertEquals(989, b.points3D().size());
        ColmapModel.Camera c = b.cameras().getFirst();
        assertEquals(ColmapModel.CameraModel.SIMPLE_PINHOLE, c.model());
        assertEquals(256, c.width());
        assertEquals(351.04160832874334, c.params()[0], 1e-12);
        int obs = 0;
        for (ColmapModel.Image im : b.images()) for (long id : im.point3DIds()) if (id != -1) obs++;
        assertEquals(6184, obs);
        // COLMAP normalizes the quaternions it reads, so the text file (written by its
        // model_converter) can differ from the binary one in the last bit of a qvec.
        ColmapModel bs = b.sortedById(), ts = t.sortedById();
        assertEquals(bs.cameras(), ts.cameras());
        assertEquals(bs.points3D(), ts.points3D());
        for (int i = 0; i < 60; i++) {
            ColmapModel.Image x = bs.images().get(i), y = ts.images().get(i);
            assertArrayEquals(x.qvec(), y.qvec(), 1e-15);
            assertEquals(x, new ColmapModel.Image(y.id(), x.qvec(), y.tvec(), y.cameraId(), y.name(), y.points2D(),
                    y.point3DIds()));
        }
        // Written back, the binary files are byte for byte COLMAP's.
        b.writeBinary(dir);
        for (String f : new String[] {"cameras.bin", "images.bin", "points3D.bin"}) {
            assertArrayEquals(Files.readAllBytes(bin.resolve(f)), Files.readAllBytes(dir.resolve(f)), f);
        }
        t.writeText(dir.resolve("t"));
        assertEquals(t, ColmapModel.readText(dir.resolve("t")));
    }

    @Test
    void realModelReprojectsItsObservations() throws IOException {
        ColmapModel m = ColmapModel.read(SharedData.require("nvs/car/colmap/sparse/0"));
        double sum = 0;
        int n = 0;
        double[] p = new double[3];
        for (ColmapModel.Point3D pt : m.points3D()) {
            for (int k = 0; k < pt.trackImageIds().length; k++) {
                ColmapModel.Image im = m.image(pt.trackImageIds()[k]);
                Camera c = m.toCamera(im);
                assertTrue(c.project(pt.x(), pt.y(), pt.z(), p), "point in front of the camera");
                assertTrue(p[0] >= 0 && p[0] <= 256 && p[1] >= 0 && p[1] <= 256, "inside the image");
                int idx = pt.trackPoint2DIndices()[k];
                double du = p[0] - im.points2D()[2 * idx], dv = p[1] - im.points2D()[2 * idx + 1];
                sum += Math.sqrt(du * du + dv * dv);
                n++;
            }
        }
        assertEquals(6184, n);
        // The mean over all observations is 0.58 px (COLMAP's per-point mean is 0.479 px);
        // projections shifted by half a pixel would give 0.94 px.
        double mean = sum / n;
        assertTrue(mean < 0.7, "mean reprojection error " + mean);
    }

    // ---- bad input ----

    private Path writeModel() throws IOException {
        ColmapFixtures.model(5, 12, 2).writeBinary(dir);
        ColmapFixtures.model(5, 12, 2).writeText(dir);
        return dir;
    }

    private static void putU64(Path f, long offset, long v) throws IOException {
        byte[] b = Files.readAllBytes(f);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong((int) offset, v);
        Files.write(f, b);
    }

    private static KfFormatException fails(Path file, Executable e) {
        KfFormatException ex = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(KfFormatException.class, e::run));
        assertTrue(ex.getMessage().contains(file.getFileName().toString()), ex.getMessage());
        return ex;
    }

    interface Executable {
        void run() throws Throwable;
    }

    @Test
    void absurdCountsAreCheckedAgainstTheFileSize() throws IOException {
        writeModel();
        Path cams = dir.resolve("cameras.bin");
        putU64(cams, 0, 1_000_000_000_000L);
        KfFormatException e = fails(cams, () -> ColmapModel.readBinary(dir));
        assertTrue(e.getMessage().contains("1000000000000"), e.getMessage());
        putU64(cams, 0, -1L); // 2^64 - 1
        fails(cams, () -> ColmapModel.readBinary(dir));
    }

    @Test
    void countsThatDisagreeAreErrors() throws IOException {
        writeModel();
        Path ims = dir.resolve("images.bin");
        byte[] orig = Files.readAllBytes(ims);
        putU64(ims, 0, 4); // one image fewer: bytes left over
        KfFormatException e = fails(ims, () -> ColmapModel.readBinary(dir));
        assertTrue(e.getMessage().contains("disagrees"), e.getMessage());
        putU64(ims, 0, 6); // one more: truncated
        e = fails(ims, () -> ColmapModel.readBinary(dir));
        assertTrue(e.getMessage().contains("image"), e.getMessage());
        Files.write(ims, orig);
        // text: the count comment disagrees
        Path txt = dir.resolve("images.txt");
        String s = Files.readString(txt);
        Files.writeString(txt, s.replace("Number of images: 5", "Number of images: 6"));
        e = fails(txt, () -> ColmapModel.readText(dir));
        assertTrue(e.getMessage().contains("line 4"), e.getMessage());
    }

    @Test
    void truncatedBinaryFilesNameTheElement() throws IOException {
        writeModel();
        for (String f : new String[] {"cameras.bin", "images.bin", "points3D.bin"}) {
            Path p = dir.resolve(f);
            byte[] orig = Files.readAllBytes(p);
            for (int cut : new int[] {0, 3, 8, 9, orig.length / 3, orig.length - 1}) {
                Files.write(p, Arrays.copyOf(orig, cut));
                KfFormatException e = fails(p, () -> ColmapModel.readBinary(dir));
                assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("does not fit"), e.getMessage());
            }
            Files.write(p, orig);
        }
    }

    @Test
    void badTextLinesNameTheLine() throws IOException {
        writeModel();
        Path cams = dir.resolve("cameras.txt");
        String orig = Files.readString(cams);
        Files.writeString(cams, orig + "99 PINHOLE 10 10 1 2 3\n");
        KfFormatException e = fails(cams, () -> ColmapModel.readText(dir));
        assertTrue(e.getMessage().contains("line 16") && e.getMessage().contains("4 params"), e.getMessage());
        Files.writeString(cams, orig.replace("Number of cameras: 12\n", "Number of cameras: 13\n") + "99 FISHEYE_X 10 10 1 2 3\n");
        e = fails(cams, () -> ColmapModel.readText(dir));
        assertTrue(e.getMessage().contains("unknown model"), e.getMessage());
        Files.writeString(cams, orig.replace(" 320 240 ", " 320 abc "));
        e = fails(cams, () -> ColmapModel.readText(dir));
        assertTrue(e.getMessage().contains("HEIGHT") && e.getMessage().contains("abc"), e.getMessage());
        Files.writeString(cams, orig);
        Path pts = dir.resolve("points3D.txt");
        String p = Files.readString(pts);
        Files.writeString(pts, p.replaceFirst("\n1000 ", "\n1000 0.5 "));
        fails(pts, () -> ColmapModel.readText(dir));
    }

    @Test
    void brokenReferencesAreErrors() throws IOException {
        ColmapModel m = ColmapFixtures.model(4, 10, 3);
        ColmapModel.Image im = m.images().getFirst();
        ColmapModel.Image bad = new ColmapModel.Image(im.id(), im.qvec(), im.tvec(), 12345, im.name(), im.points2D(),
                im.point3DIds());
        List<ColmapModel.Image> ims = new java.util.ArrayList<>(m.images());
        ims.set(0, bad);
        new ColmapModel(m.cameras(), ims, m.points3D(), null).writeBinary(dir);
        KfFormatException e = fails(dir.resolve("images.bin"), () -> ColmapModel.readBinary(dir));
        assertTrue(e.getMessage().contains("camera 12345"), e.getMessage());
        // A track naming an image that does not exist.
        ColmapModel.Point3D p = m.points3D().stream().filter(q -> q.trackImageIds().length > 0).findFirst().orElseThrow();
        int[] ti = p.trackImageIds().clone();
        ti[0] = 777;
        List<ColmapModel.Point3D> pts = new java.util.ArrayList<>(m.points3D());
        pts.set(pts.indexOf(p), new ColmapModel.Point3D(p.id(), p.x(), p.y(), p.z(), p.r(), p.g(), p.b(), p.error(), ti,
                p.trackPoint2DIndices()));
        new ColmapModel(m.cameras(), m.images(), pts, null).writeText(dir);
        e = fails(dir.resolve("points3D.txt"), () -> ColmapModel.readText(dir));
        assertTrue(e.getMessage().contains("image 777"), e.getMessage());
    }

    @Test
    void nanPosesAreErrorsOnConversion() throws IOException {
        ColmapModel m = ColmapFixtures.model(3, 5, 4);
        ColmapModel.Image im = m.images().get(1);
        double[] t = im.tvec().clone();
        t[1] = Double.NaN;
        List<ColmapModel.Image> ims = new java.util.ArrayList<>(m.images());
        ims.set(1, new ColmapModel.Image(im.id(), im.qvec(), t, im.cameraId(), im.name(), im.points2D(), im.point3DIds()));
        new ColmapModel(m.cameras(), ims, m.points3D(), null).writeBinary(dir);
        ColmapModel back = ColmapModel.readBinary(dir);
        KfFormatException e = assertThrows(KfFormatException.class, () -> back.toCameraDataset(dir, dir, false));
        assertTrue(e.getMessage().contains("image " + im.id()) && e.getMessage().contains("NaN"), e.getMessage());
        double[] q = {0, 0, 0, 0};
        ColmapModel.Image zero = new ColmapModel.Image(im.id(), q, im.tvec(), im.cameraId(), im.name(), im.points2D(),
                im.point3DIds());
        assertThrows(KfFormatException.class, () -> back.toCamera(zero));
    }

    @Test
    void datasetSplitsEveryEighthImageByName() throws IOException {
        ColmapModel m = ColmapFixtures.model(20, 30, 6);
        CameraDataset d = m.toCameraDataset(dir, dir.resolve("images"), false);
        assertEquals(3, d.split("test").size());
        assertEquals(17, d.split("train").size());
        assertEquals("img_000.png", d.split("test").get(0).camera().name());
        assertEquals("img_008.png", d.split("test").get(1).camera().name());
        assertEquals(dir.resolve("images").resolve("img_016.png"), d.split("test").get(2).image());
        assertNotEquals(null, d.points());
        KfFormatException e = assertThrows(KfFormatException.class, () -> m.toCameraDataset(dir, dir.resolve("images"), true));
        assertTrue(e.getMessage().contains("img_000.png"), e.getMessage());
    }
}
