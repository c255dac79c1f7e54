package kernelfield.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import kernelfield.engine.data.Camera;
import kernelfield.engine.data.CameraDataset;
import kernelfield.engine.data.FloatImage;

class TransformsJsonTest {
    @TempDir
    Path dir;

    static double[] randomRotation(SplittableRandom r) {
        double[] q = {r.nextDouble() - 0.5, r.nextDouble() - 0.5, r.nextDouble() - 0.5, r.nextDouble() - 0.5};
        return ColmapModel.quaternionToRotation(q);
    }

    private List<CameraDataset.View> views(boolean shared, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        List<CameraDataset.View> out = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Path img = dir.resolve("imgs/v" + i + ".png");
            Images.writePng(img, new FloatImage(40, 30, 3));
            double[] t = {r.nextDouble() * 4 - 2, r.nextDouble() * 4 - 2, r.nextDouble() * 4 - 2};
            double f = shared ? 50 : 40 + i;
            String model = i % 2 == 0 || shared ? "OPENCV" : "PINHOLE";
            double[] dist = model.equals("OPENCV") ? new double[] {0.01, -0.02, 0.001, 0.002} : null;
            Camera c = new Camera("v" + i, 40, 30, f, f * 1.01, 20.5, 14.75, randomRotation(r), t, model, dist);
            out.add(new CameraDataset.View(c, img));
        }
        return out;
    }

    @Test
    void roundTripsSharedAndPerFrameIntrinsics() throws IOException {
        for (boolean shared : new boolean[] {true, false}) {
            List<CameraDataset.View> views = views(shared, shared ? 1 : 2);
            Path json = dir.resolve("transforms.json");
            TransformsJson.write(json, views);
            String text = Files.readString(json);
            assertEquals(shared, text.indexOf("\"fl_x\"") < text.indexOf("\"frames\""), text);
            List<CameraDataset.View> back = TransformsJson.read(json);
            assertEquals(views.size(), back.size());
            for (int i = 0; i < views.size(); i++) {
                Camera a = views.get(i).camera(), b = back.get(i).camera();
                assertEquals(views.get(i).image().toAbsolutePath(), back.get(i).image());
                assertEquals("imgs/v" + i + ".png", b.name());
                assertEquals(a.width(), b.width());
                assertEquals(a.height(), b.height());
                assertEquals(a.fx(), b.fx(), 1e-12);
                assertEquals(a.fy(), b.fy(), 1e-12);
                assertEquals(a.cx(), b.cx(), 1e-12);
                assertEquals(a.cy(), b.cy(), 1e-12);
                assertArrayEquals(a.rotation(), b.rotation(), 1e-12);
                assertArrayEquals(a.translation(), b.translation(), 1e-12);
                assertEquals(a.distortionModel(), b.distortionModel());
                assertArrayEquals(a.distortion(), b.distortion(), 0);
            }
        }
    }

    @Test
    void openGlMatrixIsConverted() throws IOException {
        Images.writePng(dir.resolve("a.png"), new FloatImage(64, 48, 4));
        // A camera at (0, -4, 0) looking at the origin along +y, Blender style: its -z axis is
        // world +y, its +y axis (image up) is world +z.
        Files.writeString(dir.resolve("t.json"), """
                {"camera_angle_x": 0.8, "frames": [{"file_path": "./a", "transform_matrix":
                  [[1, 0, 0, 0], [0, 0, -1, -4], [0, 1, 0, 0], [0, 0, 0, 1]]}]}
                """);
        Camera c = TransformsJson.read(dir.resolve("t.json")).getFirst().camera();
        assertEquals(64, c.width());
        assertEquals(48, c.height());
        assertEquals(32 / Math.tan(0.4), c.fx(), 1e-12);
        assertEquals(c.fx(), c.fy());
        assertEquals(32, c.cx());
        assertEquals(24, c.cy());
        assertArrayEquals(new double[] {0, -4, 0}, c.center(), 1e-12);
        double[] p = new double[3];
        assertTrue(c.project(0, 0, 0, p));
        assertArrayEquals(new double[] {32, 24, 4}, p, 1e-12);
        assertTrue(c.project(0, 0, 1, p));
        assertTrue(p[1] < 24, "world up is image up");
        assertTrue(c.project(1, 0, 0, p));
        assertTrue(p[0] > 32, "world +x is image right");
    }

    @Test
    void imagePathsWithAndWithoutExtensions() throws IOException {
        Images.writePng(dir.resolve("a.png"), new FloatImage(4, 4, 3));
        Files.write(dir.resolve("b.jpg"), Files.readAllBytes(dir.resolve("a.png"))); // content does not matter here
        Images.writePng(dir.resolve("c.data"), new FloatImage(4, 4, 3));
        String m = "\"transform_matrix\": [[1,0,0,0],[0,1,0,0],[0,0,1,3],[0,0,0,1]]";
        Files.writeString(dir.resolve("t.json"), "{\"fl_x\": 5, \"w\": 4, \"h\": 4, \"frames\": [{\"file_path\": \"a\", " + m
                + "}, {\"file_path\": \"./a.png\", " + m + "}, {\"file_path\": \"b\", " + m + "}, {\"file_path\": \"c.data\", "
                + m + "}]}");
        List<CameraDataset.View> v = TransformsJson.read(dir.resolve("t.json"));
        assertEquals(dir.resolve("a.png"), v.get(0).image());
        assertEquals(dir.resolve("a.png"), v.get(1).image());
        assertEquals(dir.resolve("b.jpg"), v.get(2).image());
        assertEquals(dir.resolve("c.data"), v.get(3).image());
        Files.writeString(dir.resolve("t.json"), "{\"fl_x\": 5, \"w\": 4, \"h\": 4, \"frames\": [{\"file_path\": \"zz\", " + m + "}]}");
        assertEquals(dir.resolve("zz.png"), TransformsJson.read(dir.resolve("t.json"), false).getFirst().image());
    }

    @Test
    void distortionIsKept() throws IOException {
        Images.writePng(dir.resolve("a.png"), new FloatImage(4, 4, 3));
        String m = "\"transform_matrix\": [[1,0,0,0],[0,1,0,0],[0,0,1,3],[0,0,0,1]]";
        Files.writeString(dir.resolve("t.json"), "{\"fl_x\": 5, \"fl_y\": 6, \"cx\": 2.5, \"cy\": 1.5, \"w\": 4, \"h\": 4, "
                + "\"k1\": 0.1, \"k2\": 0.2, \"p1\": 0.3, \"p2\": 0.4, \"frames\": [{\"file_path\": \"a\", " + m
                + "}, {\"file_path\": \"a\", \"k3\": 0.5, " + m + "}, {\"file_path\": \"a\", \"camera_model\": \"OPENCV_FISHEYE\", "
                + "\"k3\": 0.5, \"k4\": 0.6, " + m + "}]}");
        List<CameraDataset.View> v = TransformsJson.read(dir.resolve("t.json"));
        Camera c = v.get(0).camera();
        assertEquals(6, c.fy());
        assertEquals(1.5, c.cy());
        assertEquals("OPENCV", c.distortionModel());
        assertArrayEquals(new double[] {0.1, 0.2, 0.3, 0.4}, c.distortion());
        assertEquals("FULL_OPENCV", v.get(1).camera().distortionModel());
        assertArrayEquals(new double[] {0.1, 0.2, 0.3, 0.4, 0.5, 0, 0, 0}, v.get(1).camera().distortion());
        assertEquals("OPENCV_FISHEYE", v.get(2).camera().distortionModel());
        assertArrayEquals(new double[] {0.1, 0.2, 0.5, 0.6}, v.get(2).camera().distortion());
        // and they write back
        TransformsJson.write(dir.resolve("w.json"), v);
        List<CameraDataset.View> back = TransformsJson.read(dir.resolve("w.json"));
        for (int i = 0; i < 3; i++) {
            assertEquals(v.get(i).camera().distortionModel(), back.get(i).camera().distortionModel());
            assertArrayEquals(v.get(i).camera().distortion(), back.get(i).camera().distortion());
        }
    }

    private KfFormatException bad(String json, String... expected) throws IOException {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, json);
        KfFormatException e = assertThrows(KfFormatException.class, () -> TransformsJson.read(f, false));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        for (String s : expected) assertTrue(e.getMessage().contains(s), e.getMessage());
        return e;
    }

    @Test
    void badFilesNameTheFrameAndField() throws IOException {
        String m = "\"transform_matrix\": [[1,0,0,0],[0,1,0,0],[0,0,1,3],[0,0,0,1]]";
        String head = "{\"fl_x\": 5, \"w\": 4, \"h\": 4, \"frames\": [{\"file_path\": \"a\", " + m + "}, ";
        bad("", "empty");
        bad("{\"fl_x\": 5, \"frames\": [{\"file_path\": \"a\",\n \"transform", "malformed JSON", "line 2");
        bad("[1, 2]", "top level");
        bad("{\"fl_x\": 5}", "frames");
        bad(head + "{\"file_path\": \"b\", \"transform_matrix\": [[1,0,0,0],[0,1,0,NaN],[0,0,1,3],[0,0,0,1]]}]}",
                "frame 1 (b)", "transform_matrix[1][3]", "NaN");
        bad(head + "{\"file_path\": \"b\", \"transform_matrix\": [[2,0,0,0],[0,2,0,0],[0,0,2,3],[0,0,0,1]]}]}",
                "frame 1", "not a rotation");
        bad(head + "{\"file_path\": \"b\", \"transform_matrix\": [[-1,0,0,0],[0,1,0,0],[0,0,1,3],[0,0,0,1]]}]}",
                "frame 1", "determinant");
        bad(head + "{\"file_path\": \"b\", \"transform_matrix\": [[1,0,0],[0,1,0,0],[0,0,1,3],[0,0,0,1]]}]}",
                "frame 1", "row 0");
        bad(head + "{\"file_path\": 7, " + m + "}]}", "frame 1", "file_path");
        bad(head + "{\"file_path\": \"b\", \"fl_x\": \"big\", " + m + "}]}", "frame 1 (b)", "fl_x", "STRING");
        bad(head + "{\"file_path\": \"b\", \"w\": -4, " + m + "}]}", "frame 1 (b)", "\"w\"");
        bad(head + "{\"file_path\": \"b\", \"fl_x\": 0, " + m + "}]}", "frame 1 (b)", "focal");
        bad("{\"camera_angle_x\": 0.5, \"frames\": [{\"file_path\": \"nothere\", " + m + "}]}", "frame 0 (nothere)",
                "size");
        Path f = dir.resolve("bad.json");
        Files.writeString(f, head.replace(", \"w\": 4", "") + "{\"file_path\": \"b\", " + m + "}]}");
        KfFormatException e = assertThrows(KfFormatException.class, () -> TransformsJson.read(f));
        assertTrue(e.getMessage().contains("frame 0 (a)") && e.getMessage().contains("not found"), e.getMessage());
        assertThrows(KfFormatException.class, () -> TransformsJson.read(dir.resolve("absent.json")));
    }
}
