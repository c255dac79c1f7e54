package kernelfield.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import kernelfield.fields.splat.SplatFormats;
import kernelfield.engine.data.FloatImage;
import kernelfield.engine.image.Psnr;
import kernelfield.engine.io.Images;
import kernelfield.engine.io.PlyElement;
import kernelfield.engine.io.PlyEncoding;
import kernelfield.engine.io.PlyFile;
import kernelfield.engine.io.PlyProperty;
import kernelfield.fields.splat.GaussianSet;
import kernelfield.render.gl.GlContext;
import kernelfield.render.gl.GlUnavailableException;
import picocli.CommandLine;

class RenderCommandTest {
    static Path repo() {
        return Path.of(System.getProperty("kf.repo", "..")).toAbsolutePath().normalize();
    }

    static int run(Object command, String... args) {
        // errors go to a buffer (the bad-argument cases would print stack traces)
        return new CommandLine(command).setErr(new java.io.PrintWriter(new java.io.StringWriter())).execute(args);
    }

    static void requireGl() {
        try (GlContext c = GlContext.headless()) {
            // available
        } catch (GlUnavailableException e) {
            Assumptions.abort("no headless OpenGL here: " + e.getMessage());
        }
    }

    /** A 3DGS PLY of n random splats with SH degree 1 (f_rest channel-major, 9 properties). */
    static Path writeSplatPly(Path file, int n) throws Exception {
        SplittableRandom r = new SplittableRandom(4);
        PlyElement v = new PlyElement("vertex", n);
        String[] names = {"x", "y", "z", "f_dc_0", "f_dc_1", "f_dc_2"};
        for (String name : names) v.add(PlyProperty.ofFloats(name, floats(r, n, -1, 1)));
        for (int k = 0; k < 9; k++) v.add(PlyProperty.ofFloats("f_rest_" + k, floats(r, n, -0.2, 0.2)));
        v.add(PlyProperty.ofFloats("opacity", floats(r, n, -1, 3)));
        for (int k = 0; k < 3; k++) v.add(PlyProperty.ofFloats("scale_" + k, floats(r, n, -4, -2.5)));
        for (int k = 0; k < 4; k++) v.add(PlyProperty.ofFloats("rot_" + k, floats(r, n, -1, 1)));
        new PlyFile(PlyEncoding.BINARY_LITTLE_ENDIAN).add(v).write(file);
        return file;
    }

    static float[] floats(SplittableRandom r, int n, double lo, double hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextDouble(lo, hi);
        return a;
    }

    @Test
    void splatPlyIsRecognisedAndItsRestCoefficientsTransposed(@TempDir Path dir) throws Exception {
        Path ply = writeSplatPly(dir.resolve("s.ply"), 10);
        assertTrue(SplatFormats.isSplatPly(ply));
        GaussianSet g = SplatFormats.readPly(ply);
        assertEquals(1, g.activeShDegree());
        PlyElement v = PlyFile.read(ply).element("vertex");
        // file: f_rest_{c * 3 + k}; set: column k * 3 + c
        assertEquals(v.property("f_rest_4").floats()[7], g.shRest().value()[45 * 7 + 3 * 1 + 1]);
        assertEquals(v.property("f_rest_2").floats()[3], g.shRest().value()[45 * 3 + 3 * 2]);
        assertEquals(v.property("rot_3").floats()[5], g.quaternions().value()[4 * 5 + 3]);
        Path meshPly = dir.resolve("mesh.ply");
        kernelfield.engine.io.MeshIO.write(meshPly, kernelfield.engine.io.MeshIO.read(repo().resolve("assets/fandisk.off")));
        assertTrue(!SplatFormats.isSplatPly(meshPly));
        assertTrue(SceneFiles.load(meshPly).mesh() != null);
        assertTrue(SceneFiles.load(ply).splats() != null);
    }

    @Test
    void rendersAMeshAndAPointCloudHeadless(@TempDir Path dir) throws Exception {
        requireGl();
        Path mesh = dir.resolve("mesh.png"), pts = dir.resolve("points.png");
        assertEquals(0, run(new RenderCommand(), repo().resolve("assets/fandisk.off").toString(), "-o", mesh.toString(),
                "--size", "160x120", "--flat", "--wireframe"));
        assertEquals(0, run(new RenderCommand(), repo().resolve("assets/kitten.xyz").toString(), "-o", pts.toString(),
                "--size", "96x96", "--camera", "eye=0,0,300,target=0,0,0,fov=40"));
        FloatImage m = Images.read(mesh);
        assertEquals(160, m.width());
        assertNotEquals(1f, m.get(80, 60, 0), "the model covers the centre");
        assertEquals(1f, m.get(1, 1, 0), "white background");
        FloatImage p = Images.read(pts);
        assertEquals(96, p.height());
    }

    @Test
    void glAndCpuRenderersAgreeOnASplatFile(@TempDir Path dir) throws Exception {
        requireGl();
        Path ply = writeSplatPly(dir.resolve("s.ply"), 800);
        Path gl = dir.resolve("gl.png"), cpu = dir.resolve("cpu.png");
        String cam = "eye=0.5,0.4,3.2,target=0,0,0,fov=50";
        assertEquals(0, run(new RenderCommand(), ply.toString(), "-o", gl.toString(), "--size", "120x90", "--camera", cam));
        assertEquals(0, run(new RenderCommand(), ply.toString(), "-o", cpu.toString(), "--size", "120x90", "--camera", cam,
                "--renderer", "cpu"));
        double psnr = Psnr.psnr(Images.read(gl), Images.read(cpu));
        assertTrue(psnr >= 40, "PSNR " + psnr);
    }

    @Test
    void oneImagePerDatasetViewNamedLikeTheViewsImage(@TempDir Path dir) throws Exception {
        requireGl();
        Path ply = writeSplatPly(dir.resolve("s.ply"), 300);
        Path ds = Files.createDirectories(dir.resolve("ds"));
        Files.createDirectories(ds.resolve("images"));
        StringBuilder frames = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            Images.writePng(ds.resolve("images/frame_" + i + ".jpg.png"), new FloatImage(8, 6, 3));
            double a = i * 0.5;
            // OpenGL camera-to-world looking at the origin from radius 3
            double cx = 3 * Math.sin(a), cz = 3 * Math.cos(a);
            frames.append(i > 0 ? "," : "").append(String.format(java.util.Locale.ROOT,
                    "{\"file_path\":\"images/frame_%d.jpg.png\",\"transform_matrix\":[[%f,0,%f,%f],[0,1,0,0],[%f,0,%f,%f],[0,0,0,1]]}",
                    i, Math.cos(a), Math.sin(a), cx, -Math.sin(a), Math.cos(a), cz));
        }
        Files.writeString(ds.resolve("transforms.json"), "{\"w\":8,\"h\":6,\"fl_x\":8,\"fl_y\":8,\"cx\":4,\"cy\":3,"
                + "\"test_filenames\":[\"images/frame_1.jpg.png\",\"images/frame_2.jpg.png\"],"
                + "\"train_filenames\":[\"images/frame_0.jpg.png\"],\"frames\":[" + frames + "]}");
        Path out = dir.resolve("out");
        assertEquals(0, run(new RenderCommand(), ply.toString(), "-o", out.toString(), "--dataset", ds.toString(),
                "--split", "test", "--size", "64x48"));
        assertTrue(Files.exists(out.resolve("frame_1.jpg.png")));
        assertTrue(Files.exists(out.resolve("frame_2.jpg.png")));
        assertEquals(64, Images.read(out.resolve("frame_2.jpg.png")).width());
        try (var list = Files.list(out)) {
            assertEquals(2, list.count());
        }
    }

    @Test
    void badArgumentsFailWithoutOutput(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("x.png");
        String mesh = repo().resolve("assets/fandisk.off").toString();
        assertNotEquals(0, run(new RenderCommand(), mesh, "-o", out.toString(), "--size", "12by7"));
        assertNotEquals(0, run(new RenderCommand(), mesh, "-o", out.toString(), "--renderer", "cpu"));
        assertNotEquals(0, run(new RenderCommand(), mesh, "-o", out.toString(), "--camera", "eye=1,2"));
        assertNotEquals(0, run(new RenderCommand(), mesh, "-o", out.toString(), "--renderer", "vulkan"));
        assertTrue(!Files.exists(out));
    }
}
