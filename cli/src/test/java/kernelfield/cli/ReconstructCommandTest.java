package kernelfield.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.geometry.MeshTopology;
import kernelfield.engine.geometry.SurfaceSampler;
import kernelfield.engine.io.MeshIO;
import kernelfield.engine.io.PointCloudIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code kf reconstruct} in process (registered here by hand, as Main registers it). */
class ReconstructCommandTest {
    @TempDir
    Path dir;

    private static int run(String... args) {
        return Main.commandLine().execute(args);
    }

    @Test
    void reconstructsAPointCloudFileToAWatertightMesh() throws Exception {
        PointCloud pc = SurfaceSampler.sample(CliTest.octahedron(1f), 8000, 3, 0).withNormals(null);
        Path in = dir.resolve("octa.ply");
        PointCloudIO.write(in, pc);
        Path out = dir.resolve("octa_mesh.off");
        assertEquals(0, run("reconstruct", in.toString(), "-o", out.toString(), "--watertight", "--threads", "2", "--quiet"));
        TriangleMesh m = MeshIO.read(out);
        assertTrue(m.triangleCount() > 500);
        assertTrue(MeshTopology.isWatertight(m));
        // octahedron |x|+|y|+|z| = 1 has volume 4/3
        assertEquals(4.0 / 3, MeshTopology.signedVolume(m), 0.08);
        Path out2 = dir.resolve("octa_vs.ply");
        assertEquals(0, run("reconstruct", in.toString(), "-o", out2.toString(), "--voxel-size", "2%", "--quiet"));
        assertTrue(Files.size(out2) > 0);
        // learned features forced on change the surface of this clean cloud (auto leaves them off here)
        Path on = dir.resolve("octa_on.ply");
        Path auto = dir.resolve("octa_auto.ply");
        assertEquals(0, run("reconstruct", in.toString(), "-o", on.toString(), "--features", "on", "--quiet"));
        assertEquals(0, run("reconstruct", in.toString(), "-o", auto.toString(), "--features", "auto", "--quiet"));
        assertFalse(java.util.Arrays.equals(MeshIO.read(on).vertices(), MeshIO.read(auto).vertices()));
    }

    @Test
    void badArgumentsFailWithoutOutput() throws Exception {
        Path in = dir.resolve("p.xyz");
        Files.writeString(in, "0 0 0\n1 1 1\n2 2 2\n3 3 3\n");
        Path out = dir.resolve("o.ply");
        assertEquals(1, run("reconstruct", in.toString(), "-o", out.toString(), "--quiet"));
        assertEquals(1, run("reconstruct", in.toString(), "-o", out.toString(), "--detail", "0.5", "--voxel-size", "1"));
        assertEquals(1, run("reconstruct", dir.resolve("missing.ply").toString(), "-o", out.toString()));
        assertEquals(1, run("reconstruct", in.toString(), "-o", out.toString(), "--features", "maybe"));
        assertFalse(Files.exists(out));
    }
}
