package kernelfield.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;

/** Open3D as a peer: it reads what we write, and we read what it writes. Skipped without Open3D. */
class Open3dPeerTest {
    static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path dir;

    static boolean available;

    @BeforeAll
    static void probe() {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import open3d").redirectErrorStream(true).start();
            available = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            available = false;
        }
    }

    static String python(Path dir, String script) throws IOException, InterruptedException {
        assumeTrue(available, "Open3D not available: '" + PYTHON + " -c \"import open3d\"' failed (peer test skipped)");
        Process p = new ProcessBuilder(PYTHON, "-c", script).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("python timed out");
        }
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    static java.util.List<String> sortedRows(float[] xyz) {
        java.util.List<String> r = new java.util.ArrayList<>();
        for (int i = 0; i < xyz.length; i += 3) r.add(xyz[i] + " " + xyz[i + 1] + " " + xyz[i + 2]);
        java.util.Collections.sort(r);
        return r;
    }

    static float[] rawFloats(Path f) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        float[] r = new float[b.remaining() / 4];
        b.asFloatBuffer().get(r);
        return r;
    }

    @Test
    void open3dReadsOurFiles() throws Exception {
        PointCloud pc = FormatRoundTripTest.cloud(1234, true, true, false);
        PlyIO.write(dir.resolve("ours.ply"), pc, PlyEncoding.BINARY_LITTLE_ENDIAN);
        PlyIO.write(dir.resolve("ours_ascii.ply"), pc, PlyEncoding.ASCII);
        PcdIO.write(dir.resolve("ours_bin.pcd"), pc, PcdIO.Encoding.BINARY);
        PcdIO.write(dir.resolve("ours_lzf.pcd"), pc, PcdIO.Encoding.BINARY_COMPRESSED);
        PcdIO.write(dir.resolve("ours_ascii.pcd"), pc, PcdIO.Encoding.ASCII);
        TriangleMesh m = FormatRoundTripTest.mesh(true, false);
        MeshIO.write(dir.resolve("mesh.ply"), m);
        MeshIO.write(dir.resolve("mesh.obj"), m);
        MeshIO.write(dir.resolve("mesh.off"), m);
        String out = python(dir, """
                import numpy as np, open3d as o3d
                for n in ['ours.ply', 'ours_ascii.ply', 'ours_bin.pcd', 'ours_lzf.pcd', 'ours_ascii.pcd']:
                    p = o3d.io.read_point_cloud(n)
                    pts = np.asarray(p.points, dtype=np.float32); nrm = np.asarray(p.normals, dtype=np.float32); col = np.asarray(p.colors, dtype=np.float32)
                    print(n, len(pts), len(nrm), len(col))
                    np.concatenate([pts.ravel(), nrm.ravel(), col.ravel()]).astype('<f4').tofile(n + '.bin')
                for n in ['mesh.ply', 'mesh.obj', 'mesh.off']:
                    t = o3d.io.read_triangle_mesh(n)
                    print(n, len(t.vertices), len(t.triangles))
                    np.asarray(t.vertices, dtype=np.float32).astype('<f4').tofile(n + '.bin')
                """);
        for (String n : new String[] {"ours.ply", "ours_ascii.ply", "ours_bin.pcd", "ours_lzf.pcd", "ours_ascii.pcd"}) {
            assertEquals(true, out.contains(n + " 1234 1234 1234"), out);
            float[] r = rawFloats(dir.resolve(n + ".bin"));
            int k = 3 * 1234;
            assertArrayEquals(pc.positions(), java.util.Arrays.copyOfRange(r, 0, k), n);
            assertArrayEquals(pc.normals(), java.util.Arrays.copyOfRange(r, k, 2 * k), n);
            assertArrayEquals(pc.colors(), java.util.Arrays.copyOfRange(r, 2 * k, 3 * k), 1e-6f, n);
        }
        for (String n : new String[] {"mesh.ply", "mesh.obj", "mesh.off"}) {
            assertEquals(true, out.contains(n + " 6 8"), out);
            // Open3D's OBJ reader orders vertices by first use in the faces: compare as sets
            assertEquals(sortedRows(m.vertices()), sortedRows(rawFloats(dir.resolve(n + ".bin"))), n);
        }
    }

    @Test
    void weReadOpen3dFiles() throws Exception {
        python(dir, """
                import numpy as np, open3d as o3d
                rng = np.random.default_rng(4)
                pts = rng.normal(size=(777, 3)).astype(np.float32)
                nrm = rng.normal(size=(777, 3)).astype(np.float32)
                col = rng.integers(0, 256, size=(777, 3)).astype(np.float64) / 255
                p = o3d.geometry.PointCloud(o3d.utility.Vector3dVector(pts.astype(np.float64)))
                p.normals = o3d.utility.Vector3dVector(nrm.astype(np.float64)); p.colors = o3d.utility.Vector3dVector(col)
                o3d.io.write_point_cloud('o3d.ply', p)
                o3d.io.write_point_cloud('o3d_ascii.ply', p, write_ascii=True)
                o3d.io.write_point_cloud('o3d.pcd', p)
                o3d.io.write_point_cloud('o3d_lzf.pcd', p, compressed=True)
                o3d.io.write_point_cloud('o3d_ascii.pcd', p, write_ascii=True)
                np.concatenate([pts.ravel(), nrm.ravel(), col.astype(np.float32).ravel()]).astype('<f4').tofile('truth.bin')
                t = o3d.geometry.TriangleMesh.create_sphere(radius=1.0, resolution=8)
                o3d.io.write_triangle_mesh('sphere.ply', t)
                o3d.io.write_triangle_mesh('sphere.obj', t)
                o3d.io.write_triangle_mesh('sphere.off', t)
                np.asarray(t.vertices, dtype=np.float32).astype('<f4').tofile('sphere.bin')
                np.asarray(t.triangles, dtype=np.int32).astype('<i4').tofile('sphere_tris.bin')
                """);
        float[] truth = rawFloats(dir.resolve("truth.bin"));
        int k = 3 * 777;
        for (String n : new String[] {"o3d.ply", "o3d_ascii.ply", "o3d.pcd", "o3d_lzf.pcd", "o3d_ascii.pcd"}) {
            PointCloud pc = PointCloudIO.read(dir.resolve(n));
            assertEquals(777, pc.size(), n);
            // Open3D writes float64 coordinates (PLY) or float32 (PCD); ascii holds about 6 to 9 digits
            float tol = n.contains("ascii") ? 1e-5f : 0f;
            assertArrayEquals(java.util.Arrays.copyOfRange(truth, 0, k), pc.positions(), tol, n);
            assertArrayEquals(java.util.Arrays.copyOfRange(truth, k, 2 * k), pc.normals(), tol, n);
            assertArrayEquals(java.util.Arrays.copyOfRange(truth, 2 * k, 3 * k), pc.colors(), 1e-6f, n);
        }
        float[] sv = rawFloats(dir.resolve("sphere.bin"));
        ByteBuffer tb = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("sphere_tris.bin"))).order(ByteOrder.LITTLE_ENDIAN);
        int[] st = new int[tb.remaining() / 4];
        tb.asIntBuffer().get(st);
        for (String n : new String[] {"sphere.ply", "sphere.obj", "sphere.off"}) {
            TriangleMesh t = MeshIO.read(dir.resolve(n));
            assertArrayEquals(sv, t.vertices(), 1e-5f, n);
            assertArrayEquals(st, t.triangles(), n);
        }
    }
}
