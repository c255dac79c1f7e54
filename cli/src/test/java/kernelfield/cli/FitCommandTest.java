package kernelfield.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.geometry.SurfaceSampler;
import kernelfield.engine.io.MeshIO;
import kernelfield.engine.io.PointCloudIO;

/** {@code kf fit sdf} on point clouds, in process: outputs, messages and errors. */
class FitCommandTest {
    @TempDir
    Path dir;

    /** An octahedron of half-diagonal {@code s}: a closed mesh. */
    static TriangleMesh octahedron(float s) {
        return CliTest.octahedron(s);
    }

    @Test
    void fitsAnOrientedCloudAndScoresItAgainstAReference() throws Exception {
        TriangleMesh octa = octahedron(1);
        Path ref = dir.resolve("octa.off");
        MeshIO.write(ref, octa);
        Path cloud = dir.resolve("octa.xyzn");
        PointCloudIO.write(cloud, SurfaceSampler.sample(octa, 2000, 1));
        Path out = dir.resolve("fit.ply");
        CliTest.Run r = CliTest.kf("fit", "sdf", cloud.toString(), "-o", out.toString(), "--reference", ref.toString(), "--steps", "30",
                "--kernels", "200", "--batch", "256", "--resolution", "24", "--threads", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("2,000 points with normals"), r.out());
        assertTrue(r.out().contains("(against " + ref + ")"), r.out());
        assertTrue(r.out().contains("IoU"), r.out());
        assertFalse(r.out().contains("estimating"), r.out());
        TriangleMesh m = MeshIO.read(out);
        assertTrue(m.triangleCount() > 100, "triangles " + m.triangleCount());
    }

    @Test
    void estimatesNormalsAndScoresAgainstThePoints() throws Exception {
        PointCloud pc = SurfaceSampler.sample(octahedron(1), 2000, 2);
        Path cloud = dir.resolve("octa.xyz");
        PointCloudIO.write(cloud, new PointCloud(pc.positions(), null));
        Path out = dir.resolve("fit.off");
        CliTest.Run r = CliTest.kf("fit", "sdf", cloud.toString(), "-o", out.toString(), "--steps", "20", "--kernels", "200",
                "--batch", "256", "--resolution", "16");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("no normals in " + cloud + ": estimating them"), r.out());
        assertTrue(r.out().contains("(against the input points)"), r.out());
        assertFalse(r.out().contains("IoU"), r.out());
        assertTrue(Files.exists(out));
    }

    @Test
    void badCloudsAreOneLineErrors() throws Exception {
        Path few = dir.resolve("few.xyz");
        Files.writeString(few, "0 0 0\n1 0 0\n0 1 0\n0 0 1\n");
        CliTest.Run r = CliTest.kf("fit", "sdf", few.toString(), "-o", dir.resolve("a.ply").toString(), "--steps", "5");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("4 points without normals: at least 32 are needed"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());

        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 40; i++) sb.append(i % 7).append(' ').append(i % 5).append(' ').append(i == 9 ? "nan" : "" + (i % 3)).append(" 0 0 1\n");
        Path nan = dir.resolve("nan.xyzn");
        Files.writeString(nan, sb.toString());
        r = CliTest.kf("fit", "sdf", nan.toString(), "-o", dir.resolve("b.ply").toString(), "--steps", "5");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("point 9: coordinates") || r.err().contains(nan.toString()), r.err());

        Path empty = dir.resolve("empty.xyz");
        Files.writeString(empty, "");
        r = CliTest.kf("fit", "sdf", empty.toString(), "-o", dir.resolve("c.ply").toString(), "--steps", "5");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("the point cloud is empty"), r.err());

        Path mesh = dir.resolve("octa.off");
        MeshIO.write(mesh, octahedron(1));
        r = CliTest.kf("fit", "sdf", mesh.toString(), "-o", dir.resolve("d.ply").toString(), "--steps", "5", "--reference", mesh.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--reference is for point-cloud input"), r.err());
        for (String p : new String[] {"a.ply", "b.ply", "c.ply", "d.ply"}) assertFalse(Files.exists(dir.resolve(p)), p);
    }

    @Test
    void fitsAnImageWritesTheFitAndItsErrorMapAndRejectsBadInput() throws Exception {
        kernelfield.engine.data.FloatImage img = new kernelfield.engine.data.FloatImage(32, 24, 3);
        for (int y = 0; y < 24; y++) {
            for (int x = 0; x < 32; x++) {
                img.set(x, y, 0, x / 32f);
                img.set(x, y, 1, (x / 4 + y / 4) % 2 == 0 ? 0.8f : 0.2f);
                img.set(x, y, 2, y / 24f);
            }
        }
        Path photo = dir.resolve("photo.png");
        kernelfield.engine.io.Images.writePng(photo, img);
        String[][] variants = {{"--steps", "40", "--curve"}, {"--steps", "40", "--kernel", "gaussian", "--train-kernels"},
            {"--steps", "40", "--kernel", "wendland"}, {"--steps", "150", "--decoder", "gnf", "--neurons", "16", "--lr", "0.02"}};
        for (String[] variant : variants) {
            Path out = dir.resolve("fit" + String.join("", variant).hashCode() + ".png");
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("fit", "image", photo.toString(), "-o",
                    out.toString(), "--batch", "256", "--params", "20000", "--threads", "2"));
            args.addAll(java.util.List.of(variant));
            CliTest.Run r = CliTest.kf(args.toArray(String[]::new));
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("PSNR") && r.out().contains("evaluating"), r.out());
            double psnr = Double.parseDouble(r.out().replaceAll("(?s).*PSNR ([0-9.]+) dB.*", "$1"));
            assertTrue(psnr > 18, "PSNR " + psnr + " with " + String.join(" ", variant));
            assertEquals(32, kernelfield.engine.io.Images.read(out).width());
            String stem = out.getFileName().toString().replace(".png", "");
            assertTrue(Files.exists(out.resolveSibling(stem + "-error.png")));
            if (List.of(variant).contains("--curve")) {
                assertEquals(720, javax.imageio.ImageIO.read(out.resolveSibling(stem + "-curve.png").toFile()).getWidth());
            }
        }
        CliTest.Run bad = CliTest.kf("fit", "image", photo.toString(), "-o", dir.resolve("x.png").toString(), "--kernel", "cubic");
        assertTrue(bad.code() != 0, bad.out());
        assertTrue(bad.err().contains("unknown RBF kernel 'cubic'"), bad.err());
        Path corrupt = dir.resolve("corrupt.png");
        Files.write(corrupt, new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        CliTest.Run c = CliTest.kf("fit", "image", corrupt.toString(), "-o", dir.resolve("y.png").toString(), "--steps", "5");
        assertTrue(c.code() != 0, c.out());
        assertTrue(c.err().contains("corrupt.png"), c.err());
        assertFalse(Files.exists(dir.resolve("y.png")));
    }
}
