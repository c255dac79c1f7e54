package kernelfield.engine.geometry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeshMetricsTest {

    /** Unit square in the z = 0 plane, two triangles facing +z. */
    private static TriangleMesh square() {
        return new TriangleMesh(new float[] {0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0}, new int[] {0, 1, 2, 0, 2, 3});
    }

    @Test
    void identicalMeshesScorePerfect() {
        MeshMetrics.Result r = MeshMetrics.compare(TestMeshes.cube(), TestMeshes.cube(), MeshMetrics.Options.defaults().withSamples(20_000));
        assertEquals(0.0, r.chamferL1(), 0.0);
        assertEquals(0.0, r.chamferL2(), 0.0);
        assertEquals(1.0, r.fscore(0.005), 0.0);
        assertEquals(1.0, r.fscore(0.01), 0.0);
        assertEquals(1.0, r.normalConsistency(), 1e-9);
        assertEquals(Math.sqrt(3), r.diag(), 1e-9);
        assertEquals(20_000, r.predSamples());
    }

    @Test
    void shiftedPlaneGivesShiftOverDiagonal() {
        TriangleMesh gt = square();
        float d = 0.01f;
        TriangleMesh pred = TestMeshes.translated(gt, 0, 0, d);
        MeshMetrics.Result r = MeshMetrics.compare(pred, gt, MeshMetrics.Options.defaults().withSamples(20_000));
        double rel = d / Math.sqrt(2);
        assertEquals(Math.sqrt(2), r.diag(), 1e-9);
        assertEquals(rel, r.accuracy(), 1e-6 * rel + 1e-9);
        assertEquals(rel, r.completeness(), 1e-6 * rel + 1e-9);
        assertEquals(rel, r.chamferL1(), 1e-6 * rel + 1e-9);
        assertEquals(rel * rel, r.chamferL2(), 1e-5 * rel * rel);
        assertEquals(0.0, r.fscore(0.005), 0.0); // 0.00707 > 0.005
        assertEquals(1.0, r.fscore(0.01), 0.0);
        assertEquals(1.0, r.normalConsistency(), 1e-9);
        // Same with independent samples of the prediction (points variant): close to the shift.
        PointCloud pts = kernelfield.engine.geometry.SurfaceSampler.sample(pred, 50_000, 12345L);
        MeshMetrics.Result rp = MeshMetrics.compare(pts, gt, MeshMetrics.Options.defaults().withSamples(50_000));
        // (independent samples add the in-plane spacing: sqrt(d^2 + h^2), a few percent here)
        assertEquals(rel, rp.accuracy(), 0.05 * rel);
        assertTrue(rp.accuracy() >= rel * (1 - 1e-6));
        assertEquals(1.0, rp.normalConsistency(), 1e-6);
        assertEquals(1.0, rp.fscore(0.01), 0.01);
    }

    @Test
    void jsonKeysAndPointsWithoutNormals() {
        MeshMetrics.Options o = MeshMetrics.Options.defaults().withSamples(5_000).withTaus(0.005, 0.01, 0.0001);
        PointCloud pts = new PointCloud(SurfaceSampler.sample(TestMeshes.cube(), 5_000, 3L).positions(), null);
        MeshMetrics.Result r = MeshMetrics.compare(pts, TestMeshes.cube(), o);
        Map<String, Object> j = r.toJson();
        assertEquals(List.of("chamfer_l1", "chamfer_l2", "fscore@0.005", "fscore@0.01", "fscore@0.0001",
                "normal_consistency", "diag", "accuracy", "completeness", "precision@0.005", "recall@0.005",
                "precision@0.01", "recall@0.01", "precision@0.0001", "recall@0.0001", "pred_samples", "gt_samples"),
                List.copyOf(j.keySet()));
        assertNull(j.get("normal_consistency"));
        assertTrue(Double.isNaN(r.normalConsistency()));
        assertEquals(Math.sqrt(3), (Double) j.get("diag"), 1e-9);
        assertTrue(r.chamferL1() > 0 && r.chamferL1() < 0.02, "sampling floor only: " + r.chamferL1());
        assertEquals(MeshMetrics.Options.defaults().samples(), 100_000);
        assertEquals("0.005", MeshMetrics.tauKey(0.005));
    }

    @Test
    void rejectsDegenerateInput() {
        TriangleMesh point = new TriangleMesh(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1}, new int[] {0, 1, 2});
        assertThrows(IllegalArgumentException.class, () -> MeshMetrics.compare(TestMeshes.cube(), point));
        assertThrows(IllegalArgumentException.class, () -> MeshMetrics.compare(new PointCloud(new float[0], null), TestMeshes.cube()));
        assertThrows(IllegalArgumentException.class, () -> MeshMetrics.Options.defaults().withTaus(0));
    }

    private static final String PEER = """
            import json, sys
            try:
                import numpy as np
                import open3d as o3d
                from scipy.spatial import cKDTree
            except Exception as e:
                print(json.dumps({"skip": "%s: %s" % (type(e).__name__, e)}))
                sys.exit(0)

            pred_path, gt_path, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
            taus = [0.005, 0.01]

            def load(path):
                m = o3d.io.read_triangle_mesh(path)
                m.compute_triangle_normals()
                return m

            def sample(m, seed):
                o3d.utility.random.seed(seed)
                pc = m.sample_points_uniformly(number_of_points=n, use_triangle_normal=True)
                return np.asarray(pc.points), np.asarray(pc.normals)

            pred, gt = load(pred_path), load(gt_path)
            v = np.asarray(gt.vertices)
            diag = float(np.linalg.norm(v.max(axis=0) - v.min(axis=0)))
            pp, pn = sample(pred, 1)
            gp, gn = sample(gt, 2)
            d_pg, i_pg = cKDTree(gp).query(pp)
            d_gp, i_gp = cKDTree(pp).query(gp)
            d_pg, d_gp = d_pg / diag, d_gp / diag
            acc, comp = float(d_pg.mean()), float(d_gp.mean())
            out = {"chamfer_l1": (acc + comp) / 2,
                   "chamfer_l2": float(((d_pg ** 2).mean() + (d_gp ** 2).mean()) / 2),
                   "accuracy": acc, "completeness": comp, "diag": diag}
            for t in taus:
                p = float((d_pg <= t).mean()); r = float((d_gp <= t).mean())
                out["fscore@%g" % t] = 2 * p * r / (p + r) if p + r > 0 else 0.0
            nc1 = np.abs((pn * gn[i_pg]).sum(axis=1)).mean()
            nc2 = np.abs((gn * pn[i_gp]).sum(axis=1)).mean()
            out["normal_consistency"] = float((nc1 + nc2) / 2)
            print(json.dumps(out))
            """;

    @Test
    void agreesWithOpen3dAndScipy(@TempDir Path dir) throws Exception {
        Path bunnyFile = SharedData.require("scans/bunny00.off");
        Path python = Path.of("/usr/bin/python3");
        assumeTrue(Files.isExecutable(python), "no /usr/bin/python3: comparison with the Open3D + scipy peer skipped");
        TriangleMesh gt = TestMeshes.readOff(bunnyFile);
        double diag = gt.bounds().diagonal();
        float[] v = gt.vertices().clone();
        SplittableRandom rnd = new SplittableRandom(42);
        float sigma = (float) (0.004 * diag);
        for (int i = 0; i < v.length; i++) v[i] += (float) (sigma * rnd.nextGaussian());
        TriangleMesh pred = new TriangleMesh(v, gt.triangles());
        Path gtPath = dir.resolve("gt.off"), predPath = dir.resolve("pred.off"), script = dir.resolve("peer.py");
        TestMeshes.writeOff(gt, gtPath);
        TestMeshes.writeOff(pred, predPath);
        Files.writeString(script, PEER);

        Process p = new ProcessBuilder(python.toString(), script.toString(), predPath.toString(), gtPath.toString(), "100000")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python peer finished");
        assertEquals(0, p.exitValue(), "python peer exit status; output: " + out);
        JsonNode peer = new ObjectMapper().readTree(out);
        assumeTrue(!peer.has("skip"), "/usr/bin/python3 lacks open3d or scipy (" + peer.path("skip").asText()
                + "): comparison with the Open3D + scipy peer skipped");

        MeshMetrics.Result ours = MeshMetrics.compare(pred, gt);
        Map<String, Object> j = ours.toJson();
        System.out.println("peer:  " + peer);
        System.out.println("ours:  " + j);
        assertEquals(peer.get("diag").asDouble(), ours.diag(), 1e-6 * ours.diag());
        for (String key : new String[] {"chamfer_l1", "accuracy", "completeness"}) {
            double a = (Double) j.get(key), b = peer.get(key).asDouble();
            assertEquals(b, a, 0.03 * b, key);
        }
        double l2 = (Double) j.get("chamfer_l2"), pl2 = peer.get("chamfer_l2").asDouble();
        assertEquals(pl2, l2, 0.05 * pl2, "chamfer_l2");
        for (String key : new String[] {"fscore@0.005", "fscore@0.01", "normal_consistency"}) {
            double a = (Double) j.get(key), b = peer.get(key).asDouble();
            assertEquals(b, a, 0.03 * b, key);
        }
    }
}
