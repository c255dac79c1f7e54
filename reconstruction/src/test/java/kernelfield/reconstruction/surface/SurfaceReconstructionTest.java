package kernelfield.reconstruction.surface;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.geometry.MeshMetrics;
import kernelfield.engine.geometry.MeshTopology;
import kernelfield.engine.geometry.SurfaceSampler;
import kernelfield.engine.io.MeshIO;
import org.junit.jupiter.api.Test;

class SurfaceReconstructionTest {
    private static final SurfaceReconstruction.Options OPT = SurfaceReconstruction.Options.defaults().withThreads(2);

    /** {@code n} points on the sphere of radius {@code r} around (1, 2, 3) with outward normals. */
    static PointCloud sphere(int n, double r, long seed) {
        Random rnd = new Random(seed);
        float[] p = new float[3 * n], nn = new float[3 * n];
        for (int i = 0; i < n; i++) {
            double x = rnd.nextGaussian(), y = rnd.nextGaussian(), z = rnd.nextGaussian();
            double l = Math.sqrt(x * x + y * y + z * z);
            nn[3 * i] = (float) (x / l);
            nn[3 * i + 1] = (float) (y / l);
            nn[3 * i + 2] = (float) (z / l);
            p[3 * i] = (float) (1 + r * x / l);
            p[3 * i + 1] = (float) (2 + r * y / l);
            p[3 * i + 2] = (float) (3 + r * z / l);
        }
        return new PointCloud(p, nn);
    }

    private static double worstRadiusError(TriangleMesh m, double r) {
        float[] v = m.vertices();
        double worst = 0;
        for (int i = 0; i < v.length; i += 3) {
            double d = Math.sqrt((v[i] - 1.0) * (v[i] - 1.0) + (v[i + 1] - 2.0) * (v[i + 1] - 2.0) + (v[i + 2] - 3.0) * (v[i + 2] - 3.0));
            worst = Math.max(worst, Math.abs(d - r) / r);
        }
        return worst;
    }

    @Test
    void sphereWithinOnePercentAndWatertight() {
        PointCloud pc = sphere(20000, 0.5, 1);
        SurfaceReconstruction.Result r = SurfaceReconstruction.reconstruct(pc, OPT, null);
        assertTrue(r.mesh().triangleCount() > 1000);
        assertTrue(worstRadiusError(r.mesh(), 0.5) < 0.01, "radius error " + worstRadiusError(r.mesh(), 0.5));
        SurfaceReconstruction.Result w = SurfaceReconstruction.reconstruct(pc, OPT.withWatertight(true), null);
        assertTrue(MeshTopology.isWatertight(w.mesh()), "watertight: " + MeshTopology.analyze(w.mesh()));
        assertTrue(MeshTopology.signedVolume(w.mesh()) > 0, "outward orientation");
        assertEquals(4.0 / 3 * Math.PI * 0.125, MeshTopology.signedVolume(w.mesh()), 0.03 * 4.0 / 3 * Math.PI * 0.125);
        assertTrue(worstRadiusError(w.mesh(), 0.5) < 0.01);
        assertFalse(r.normalsEstimated());
        // vertex normals are the normalised field gradient: outward
        float[] v = r.mesh().vertices(), n = r.mesh().normals();
        for (int i = 0; i < v.length; i += 3) {
            double dot = (v[i] - 1.0) * n[i] + (v[i + 1] - 2.0) * n[i + 1] + (v[i + 2] - 3.0) * n[i + 2];
            assertTrue(dot > 0.45, "normal at vertex " + i / 3);
        }
    }

    @Test
    void sphereWithoutNormalsAndWithNoise() {
        PointCloud pc = sphere(20000, 0.5, 2);
        Random rnd = new Random(4);
        float[] p = pc.positions().clone();
        for (int i = 0; i < p.length; i++) p[i] += (float) (0.002 * rnd.nextGaussian());
        SurfaceReconstruction.Result r = SurfaceReconstruction.reconstruct(new PointCloud(p, null), OPT.withWatertight(true), null);
        assertTrue(r.normalsEstimated());
        assertTrue(MeshTopology.isWatertight(r.mesh()));
        assertTrue(worstRadiusError(r.mesh(), 0.5) < 0.01, "radius error " + worstRadiusError(r.mesh(), 0.5));
    }

    @Test
    void deterministicForAnyThreadCountAndColoured() {
        PointCloud pc = sphere(5000, 0.5, 3);
        float[] col = new float[pc.positions().length];
        for (int i = 0; i < col.length; i += 3) col[i] = pc.positions()[i + 2] > 3 ? 1f : 0f;
        pc = pc.withColors(col);
        TriangleMesh a = SurfaceReconstruction.reconstruct(pc, OPT.withThreads(1), null).mesh();
        TriangleMesh b = SurfaceReconstruction.reconstruct(pc, OPT.withThreads(2), null).mesh();
        assertArrayEquals(a.vertices(), b.vertices());
        assertArrayEquals(a.triangles(), b.triangles());
        assertNotNull(a.colors());
        float[] v = a.vertices(), c = a.colors();
        for (int i = 0; i < v.length; i += 3) {
            if (Math.abs(v[i + 2] - 3) > 0.05) assertEquals(v[i + 2] > 3 ? 1f : 0f, c[i], "colour of vertex " + i / 3);
        }
    }

    /** The shared bunny00 mesh; skips the test clearly when the shared data is absent. */
    static TriangleMesh sharedBunny() {
        Path f = Path.of("..", "..", "shared", "data", "scans", "bunny00.off").toAbsolutePath().normalize();
        assumeTrue(Files.exists(f), "shared data not present: " + f + " (bunny test skipped)");
        try {
            return MeshIO.read(f);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void bunnyFScoreAboveMeasuredFloor() {
        TriangleMesh gt = sharedBunny();
        double diag = gt.bounds().diagonal();
        PointCloud pc = SurfaceSampler.sample(gt, 50000, 7, 0.0025 * diag).withNormals(null);
        SurfaceReconstruction.Result r = SurfaceReconstruction.reconstruct(pc, OPT, null);
        MeshMetrics.Result m = MeshMetrics.compare(r.mesh(), gt, MeshMetrics.Options.defaults().withSamples(50000).withTaus(0.005, 0.01));
        assertTrue(m.fscore(0.005) > FLOOR_F05, "F-score@0.5% " + m.fscore(0.005));
        assertTrue(m.normalConsistency() > FLOOR_NC, "normal consistency " + m.normalConsistency());
        assertTrue(m.chamferL1() < CEIL_CD, "Chamfer-L1 " + m.chamferL1());
    }

    @Test
    void bunnyWithHalfPercentNoiseHasItsCentroidsDenoised() {
        TriangleMesh gt = sharedBunny();
        double diag = gt.bounds().diagonal();
        PointCloud pc = SurfaceSampler.sample(gt, 50000, 9, 0.005 * diag).withNormals(null);
        SurfaceReconstruction.Result r = SurfaceReconstruction.reconstruct(pc, OPT, null);
        assertEquals(1.0, SurfaceReconstruction.denoiseStrength(r.noiseEstimate(), r.voxelSize() / 2), "noise-limited voxels");
        MeshMetrics.Result m = MeshMetrics.compare(r.mesh(), gt, MeshMetrics.Options.defaults().withSamples(50000).withTaus(0.005, 0.01));
        assertTrue(m.normalConsistency() > NOISY_FLOOR_NC, "normal consistency " + m.normalConsistency());
        assertTrue(m.chamferL1() < NOISY_CEIL_CD, "Chamfer-L1 " + m.chamferL1());
    }

    // measured (50k points, 0.5% noise, no normals): NC 0.9705, Chamfer-L1 0.00267 (without the projection of the
    // centroids: NC 0.9602, Chamfer-L1 0.00272)
    static final double NOISY_FLOOR_NC = 0.966;
    static final double NOISY_CEIL_CD = 0.0027;

    // measured (50k points, 0.25% noise, no normals): F@0.5% 0.995, NC 0.991, Chamfer-L1 0.00217 (before the projection
    // of noisy centroids: F@0.5% 0.998, NC 0.987, Chamfer-L1 0.00211). With the samples strata in the Morton order
    // of the faces instead of their storage order (SurfaceSampler), the same mesh scores F@0.5% 0.9865: at 50k
    // samples their spacing is near the 0.5% threshold, so F moves with how evenly they are laid out.
    static final double FLOOR_F05 = 0.98;
    static final double FLOOR_NC = 0.975;
    static final double CEIL_CD = 0.0024;

    @Test
    void badInputGivesClearErrorsOrDocumentedResults() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SurfaceReconstruction.reconstruct(new PointCloud(new float[0], null), OPT, null));
            assertTrue(e.getMessage().contains("no points"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> SurfaceReconstruction.reconstruct(new PointCloud(new float[] {1, 2, 3}, null), OPT, null));
            assertTrue(e.getMessage().contains("coincide"), e.getMessage());
            float[] nan = new float[30];
            Arrays.fill(nan, Float.NaN);
            e = assertThrows(IllegalArgumentException.class, () -> SurfaceReconstruction.reconstruct(new PointCloud(nan, null), OPT, null));
            assertTrue(e.getMessage().contains("no finite points"), e.getMessage());
            float[] line = new float[300];
            for (int i = 0; i < 100; i++) {
                line[3 * i] = i * 0.01f;
                line[3 * i + 1] = 2 * i * 0.01f;
                line[3 * i + 2] = 1;
            }
            e = assertThrows(IllegalArgumentException.class, () -> SurfaceReconstruction.reconstruct(new PointCloud(line, null), OPT, null));
            assertTrue(e.getMessage().contains("collinear"), e.getMessage());
            float[] dup = new float[300];
            for (int i = 0; i < 100; i++) dup[3 * i] = i % 2;
            e = assertThrows(IllegalArgumentException.class, () -> SurfaceReconstruction.reconstruct(new PointCloud(dup, null), OPT, null));
            // coplanar: a planar patch, open, on the plane
            Random rnd = new Random(5);
            float[] plane = new float[3 * 4000];
            for (int i = 0; i < 4000; i++) {
                plane[3 * i] = rnd.nextFloat();
                plane[3 * i + 1] = rnd.nextFloat();
                plane[3 * i + 2] = 0.5f;
            }
            TriangleMesh pm = SurfaceReconstruction.reconstruct(new PointCloud(plane, null), OPT, null).mesh();
            assertTrue(pm.triangleCount() > 100);
            for (int i = 2; i < pm.vertices().length; i += 3) assertEquals(0.5, pm.vertices()[i], 0.01);
            // NaN rows are dropped; duplicated points change nothing essential
            PointCloud s = sphere(6000, 0.5, 6);
            float[] p = Arrays.copyOf(s.positions(), s.positions().length + 6);
            float[] n = Arrays.copyOf(s.normals(), s.normals().length + 6);
            p[p.length - 1] = Float.NaN;
            p[p.length - 5] = Float.POSITIVE_INFINITY;
            SurfaceReconstruction.Result r = SurfaceReconstruction.reconstruct(new PointCloud(p, n), OPT, null);
            assertEquals(2, r.droppedPoints());
            assertTrue(worstRadiusError(r.mesh(), 0.5) < 0.01);
            float[] twice = new float[2 * s.positions().length];
            System.arraycopy(s.positions(), 0, twice, 0, s.positions().length);
            System.arraycopy(s.positions(), 0, twice, s.positions().length, s.positions().length);
            float[] twiceN = new float[twice.length];
            System.arraycopy(s.normals(), 0, twiceN, 0, s.normals().length);
            System.arraycopy(s.normals(), 0, twiceN, s.normals().length, s.normals().length);
            assertTrue(worstRadiusError(SurfaceReconstruction.reconstruct(new PointCloud(twice, twiceN), OPT, null).mesh(), 0.5) < 0.01);
            // inconsistent normals: random signs still give a result, no crash
            float[] flipped = s.normals().clone();
            for (int i = 0; i < flipped.length; i += 3) {
                if (rnd.nextBoolean()) {
                    flipped[i] = -flipped[i];
                    flipped[i + 1] = -flipped[i + 1];
                    flipped[i + 2] = -flipped[i + 2];
                }
            }
            assertNotNull(SurfaceReconstruction.reconstruct(new PointCloud(s.positions(), flipped), OPT, null).mesh());
        });
    }

    @Test
    void optionsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> OPT.withDetail(1.5));
        assertThrows(IllegalArgumentException.class, () -> OPT.withVoxelSize(-1));
        assertThrows(IllegalArgumentException.class, () -> OPT.withThreads(0));
        assertThrows(IllegalArgumentException.class, () -> OPT.withMeshSubdivision(9));
        assertThrows(IllegalArgumentException.class, () -> OPT.withMeshSubdivision(-1));
        assertEquals(0, SurfaceReconstruction.Options.defaults().meshSubdivision(), "automatic by default");
    }

    @Test
    void automaticSubdivisionKeepsTheLatticeFineAgainstTheDiagonal() {
        // 1M-point bunny: voxel diag / 300 -> 3; 100k: diag / 170 -> 4; noisy or sparse: capped at 4
        assertEquals(3, SurfaceReconstruction.chooseSubdivision(1.6 / 300, 1.6));
        assertEquals(2, SurfaceReconstruction.chooseSubdivision(1.6 / 400, 1.6));
        assertEquals(4, SurfaceReconstruction.chooseSubdivision(1.6 / 170, 1.6));
        assertEquals(4, SurfaceReconstruction.chooseSubdivision(1.6 / 65, 1.6));
        assertEquals(2, SurfaceReconstruction.chooseSubdivision(1e-4, 1.6), "never below 2");
        // the reconstruction uses it: a sphere of 20k points has a voxel of about diagonal / 100
        PointCloud pc = sphere(5000, 0.5, 5);
        SurfaceReconstruction.Result auto = SurfaceReconstruction.reconstruct(pc, OPT, null);
        SurfaceReconstruction.Result two = SurfaceReconstruction.reconstruct(pc, OPT.withMeshSubdivision(2), null);
        int sd = SurfaceReconstruction.chooseSubdivision(auto.voxelSize(), pc.bounds().diagonal());
        assertTrue(sd > 2, "subdivision " + sd);
        assertTrue(auto.mesh().triangleCount() > 1.5 * two.mesh().triangleCount(),
                auto.mesh().triangleCount() + " triangles vs " + two.mesh().triangleCount() + " with 2 cells per voxel");
    }

    @Test
    void sparseCloudsGetFinerVoxelsAndALargerValueWeight() {
        assertEquals(SurfaceReconstruction.CLEAN_FACTOR, SurfaceReconstruction.densityFactor(SurfaceReconstruction.SPARSE_POINTS, 0.02), 1e-12);
        assertEquals(0.6 + 0.9 * 5210 / 20000.0, SurfaceReconstruction.densityFactor(5210, 0.02), 1e-12, "the kitten");
        assertEquals(SurfaceReconstruction.CLEAN_FACTOR, SurfaceReconstruction.densityFactor(1_000_000, 0.1), 1e-12, "clean");
        assertEquals(SurfaceReconstruction.TILED_FACTOR, SurfaceReconstruction.densityFactor(1_000_000, 0.25), 1e-12, "noisy");
        assertEquals(4.0, SurfaceReconstruction.sparseValueWeight(4.0, 100_000), 1e-12, "dense clouds keep their weight");
        assertEquals(4.0 * 6.25, SurfaceReconstruction.sparseValueWeight(4.0, 1), 0.01, "at most 6.25 times");
        double prev = Double.MAX_VALUE;
        for (int n = 1000; n <= 20000; n += 1000) {
            double w = SurfaceReconstruction.sparseValueWeight(4.0, n);
            assertTrue(w < prev, "decreasing with the point count at " + n);
            prev = w;
        }
        // tiled runs keep the dense rule: the voxel of a tiled plan on few points is that of 20k points
        PointCloud small = sphere(5000, 0.5, 21);
        Tile.Grid grid = TiledReconstruction.plan(small, OPT, 0.4);
        SurfaceReconstruction.Result untiled = SurfaceReconstruction.reconstruct(small, OPT, null);
        assertTrue(grid.voxelSize() > 1.5 * untiled.voxelSize(), "tiled " + grid.voxelSize() + " vs untiled " + untiled.voxelSize());
    }

    @Test
    void sparseKittenWithoutNormalsFitsItsPointsMoreTightlyThanWithTheDenseWeight() {
        Path f = Path.of("..", "..", "shared", "data", "scans", "kitten.xyz").toAbsolutePath().normalize();
        assumeTrue(Files.exists(f), "shared data not present: " + f + " (kitten test skipped)");
        PointCloud kitten;
        try {
            kitten = kernelfield.engine.io.PointCloudIO.read(f).withNormals(null);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        // the same voxels, the value weight of the sparse rule (12.9 for 5210 points) against the dense one (4)
        SurfaceReconstruction.Result sparse = SurfaceReconstruction.reconstruct(kitten, OPT, null);
        double mult = SurfaceReconstruction.sparseValueWeight(1, kitten.size());
        assertEquals(3.23, mult, 0.01);
        SurfaceReconstruction.Options dense = OPT.withVoxelSize(sparse.voxelSize()).withSolver(OPT.solver().withValueWeight(4 / mult));
        SurfaceReconstruction.Result plain = SurfaceReconstruction.reconstruct(kitten, dense, null);
        double diag = kitten.bounds().diagonal();
        double a = meanLevelSetDistance(sparse, kitten) / diag, b = meanLevelSetDistance(plain, kitten) / diag;
        // measured 0.000194 vs 0.000343 of the diagonal
        assertTrue(a < 0.7 * b, "points to the zero level set: sparse rule " + a + " vs dense weight " + b);
    }

    /** Mean first-order distance |f| / |grad f| from the points of {@code pc} to the zero level set of the result's field. */
    private static double meanLevelSetDistance(SurfaceReconstruction.Result r, PointCloud pc) {
        int n = pc.size();
        float[] f = new float[n], g = new float[3 * n];
        r.field().evaluate(pc.positions(), f, g, kernelfield.engine.compute.CpuDevice.shared());
        double sum = 0;
        for (int i = 0; i < n; i++) sum += Math.abs(f[i]) / Math.sqrt(g[3 * i] * g[3 * i] + g[3 * i + 1] * g[3 * i + 1] + g[3 * i + 2] * g[3 * i + 2]);
        return sum / n;
    }

    @Test
    void normalRefitsBringABunnyWithoutNormalsCloserToItsSurface() throws Exception {
        TriangleMesh gt = sharedBunny();
        PointCloud pc = SurfaceSampler.sample(gt, 30000, 9, 0).withNormals(null);
        assertEquals(SurfaceReconstruction.AUTO_REFITS, OPT.normalRefits());
        assertEquals(2, SurfaceReconstruction.chooseRefits(30000));
        assertEquals(1, SurfaceReconstruction.chooseRefits(1_000_000));
        double with = meanDistanceTo(SurfaceReconstruction.reconstruct(pc, OPT, null).mesh(), gt);
        double without = meanDistanceTo(SurfaceReconstruction.reconstruct(pc, OPT.withNormalRefits(0), null).mesh(), gt);
        // measured 1.51e-4 vs 2.48e-4 of the diagonal
        assertTrue(with < 0.8 * without, "mean distance to the bunny: refitted " + with + " vs PCA normals " + without);
        assertThrows(IllegalArgumentException.class, () -> OPT.withNormalRefits(SurfaceReconstruction.MAX_REFITS + 1));
        assertThrows(IllegalArgumentException.class, () -> OPT.withNormalRefits(-2));
    }

    /** Mean exact distance from 50k area-uniform samples of {@code m} to {@code ref}, over ref's diagonal. */
    private static double meanDistanceTo(TriangleMesh m, TriangleMesh ref) {
        kernelfield.engine.geometry.Bvh bvh = kernelfield.engine.geometry.Bvh.build(ref);
        PointCloud s = SurfaceSampler.sample(m, 50_000, 5);
        float[] d = new float[s.size()];
        bvh.closestPoints(s.positions(), d, null, null);
        double sum = 0;
        for (float x : d) sum += x;
        return sum / d.length / ref.bounds().diagonal();
    }
}
