package kernelfield.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.geometry.Bvh;
import kernelfield.engine.geometry.KdTree;
import kernelfield.engine.geometry.MeshMetrics;
import kernelfield.engine.geometry.MeshTopology;
import kernelfield.engine.geometry.NormalEstimation;
import kernelfield.engine.geometry.SurfaceSampler;
import kernelfield.engine.io.MeshIO;
import kernelfield.engine.io.PointCloudIO;
import kernelfield.reconstruction.surface.SurfaceReconstruction;
import kernelfield.reconstruction.surface.TiledReconstruction;

/**
 * End-to-end surface reconstruction benchmark helper, driven by {@code bench/recon/run.sh}:
 * <ul>
 *   <li>{@code prepare DATA OUT}: writes the inputs ({@code OUT/<case>.ply}) and references;</li>
 *   <li>{@code run IN OUT}: reconstructs with the default options and prints the wall seconds (scratch
 *       overrides: {@code -Dkf.detail}, {@code -Dkf.subdivision}, {@code -Dkf.refits}, {@code -Dkf.valueWeight}, {@code -Dkf.smoothness}, {@code -Dkf.tileSize},
 *       {@code -Dkf.features=off|on|auto|MODELFILE});</li>
 *   <li>{@code score PRED REF}: prints Chamfer-L1, F@0.5%, F@1%, normal consistency and
 *       watertightness (tab separated). A mesh reference ({@code .off}) is sampled; a point
 *       reference is used as is, with PCA normals when it has none. {@code -Dkf.digits=N} prints F-scores and
 *       normal consistency with N decimals and Chamfer-L1 with N + 1 (default 4); {@code -Dkf.samples}
 *       and {@code -Dkf.seed} set the surface samples (default 100,000) and their seed (F@0.5% on a
 *       sparse reference moves by about 0.0015 from one sample set to another at 100,000); {@code
 *       -Dkf.seeds=K} prints the means over the seeds {@code seed .. seed + K - 1}; {@code -Dkf.independent=true}
 *       samples a mesh reference with another seed than the prediction (MeshMetrics samples both with
 *       one seed, so that two meshes whose triangles come in a similar spatial order get correlated
 *       samples and a lower Chamfer-L1: the 100k-point bunny's kf and Poisson meshes score 0.00139 as
 *       they are and 0.00143 with their triangles shuffled); {@code -Dkf.exact=true} also prints the mean
 *       distance from each surface's samples to the other surface itself (closest points), relative to the
 *       reference's diagonal: the surfaces' closeness without the sampling spacing that dominates Chamfer-L1.</li>
 * </ul>
 */
public final class ReconBench {
    private ReconBench() {
    }

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        switch (args[0]) {
            case "prepare" -> prepare(Path.of(args[1]), Path.of(args[2]), args.length > 3 ? args[3] : "small");
            case "run" -> {
                PointCloud pc = PointCloudIO.read(Path.of(args[1]));
                long t = System.nanoTime();
                SurfaceReconstruction.Options o = SurfaceReconstruction.Options.defaults()
                        .withDetail(Double.parseDouble(System.getProperty("kf.detail", "0.5")))
                        .withWatertight(Boolean.getBoolean("kf.watertight"))
                        .withMeshSubdivision(Integer.getInteger("kf.subdivision", 0))
                        .withNormalRefits(Integer.getInteger("kf.refits", SurfaceReconstruction.AUTO_REFITS));
                if (System.getProperty("kf.valueWeight") != null) {
                    o = o.withSolver(o.solver().withValueWeight(Double.parseDouble(System.getProperty("kf.valueWeight"))));
                }
                if (System.getProperty("kf.features") != null) {
                    String f = System.getProperty("kf.features");
                    // off | on | auto, or a model file (KernelFeatures.Model format) applied on every input
                    o = o.withFeatures(Files.exists(Path.of(f))
                            ? kernelfield.reconstruction.surface.LearnedFeatures.on(kernelfield.fields.nks.KernelFeatures.Model.parse(Files.readString(Path.of(f)), f))
                            : kernelfield.reconstruction.surface.LearnedFeatures.parse(f));
                }
                if (System.getProperty("kf.smoothness") != null) {
                    o = o.withSolver(o.solver().withSmoothness(Double.parseDouble(System.getProperty("kf.smoothness"))));
                }
                SurfaceReconstruction.Result r = TiledReconstruction.reconstructAuto(pc, o,
                        Double.parseDouble(System.getProperty("kf.tileSize", "0")), null);
                double s = (System.nanoTime() - t) * 1e-9;
                System.err.println("stages " + r.seconds() + "; voxel " + r.voxelSize() + ", noise " + r.noiseEstimate() + ", samples " + r.samples() + ", cg "
                        + java.util.Arrays.toString(r.cgIterations()) + ", " + r.mesh());
                MeshIO.write(Path.of(args[2]), r.mesh());
                System.out.printf("%.3f%n", s);
            }
            case "score" -> score(Path.of(args[1]), Path.of(args[2]));
            case "large" -> {
                // large N DATA OUT: N points sampled on bunny00 (with normals), reconstructed with automatic tiling
                int n = Integer.parseInt(args[1]);
                TriangleMesh bunny = MeshIO.read(Path.of(args[2]).resolve("scans/bunny00.off"));
                PointCloud pc = SurfaceSampler.sample(bunny, n, 13, 0);
                bunny = null;
                long t = System.nanoTime();
                SurfaceReconstruction.Result r = TiledReconstruction.reconstructAuto(pc, SurfaceReconstruction.Options.defaults(), 0,
                        (stage, f) -> System.err.printf("\r%-16s %3.0f%%", stage, 100 * f));
                double s = (System.nanoTime() - t) * 1e-9;
                System.err.println();
                System.err.println("stages " + r.seconds() + "; voxel " + r.voxelSize() + ", noise " + r.noiseEstimate() + ", samples " + r.samples() + ", " + r.mesh());
                pc = null;
                MeshIO.write(Path.of(args[3]), r.mesh());
                MeshMetrics.Result m = MeshMetrics.compare(r.mesh(), MeshIO.read(Path.of(args[2]).resolve("scans/bunny00.off")),
                        MeshMetrics.Options.defaults().withTaus(0.005, 0.01));
                System.err.printf("Chamfer-L1 %.5f F@0.5%% %.4f NC %.4f%n", m.chamferL1(), m.fscore(0.005), m.normalConsistency());
                System.out.printf("%.3f%n", s);
            }
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    private static void prepare(Path data, Path out, String size) throws Exception {
        Files.createDirectories(out);
        TriangleMesh bunny = MeshIO.read(data.resolve("scans/bunny00.off"));
        double diag = bunny.bounds().diagonal();
        int[] counts = size.equals("full") ? new int[] {100_000, 1_000_000} : new int[] {100_000};
        for (int n : counts) {
            String c = n >= 1_000_000 ? "1m" : "100k";
            write(out, "bunny_" + c + "_clean", SurfaceSampler.sample(bunny, n, 11, 0), "scans/bunny00.off", data);
            write(out, "bunny_" + c + "_nonormals", SurfaceSampler.sample(bunny, n, 11, 0).withNormals(null), "scans/bunny00.off", data);
            write(out, "bunny_" + c + "_noise0.25", SurfaceSampler.sample(bunny, n, 11, 0.0025 * diag).withNormals(null), "scans/bunny00.off", data);
            write(out, "bunny_" + c + "_noise0.5", SurfaceSampler.sample(bunny, n, 11, 0.005 * diag).withNormals(null), "scans/bunny00.off", data);
        }
        PointCloud kitten = PointCloudIO.read(data.resolve("scans/kitten.xyz"));
        PointCloudIO.write(out.resolve("kitten_ref.ply"), kitten);
        write(out, "kitten_clean", kitten, null, data);
        write(out, "kitten_nonormals", kitten.withNormals(null), null, data);
        PointCloud bun0 = PointCloudIO.read(data.resolve("scans/bun0.pcd"));
        bun0 = new PointCloud(bun0.positions(), null);
        PointCloudIO.write(out.resolve("bun0_ref.ply"), bun0);
        write(out, "bun0_raw", bun0, null, data);
        PointCloud table = PointCloudIO.read(data.resolve("scans/table_scene_lms400.pcd"));
        table = new PointCloud(finite(table.positions()), null);
        PointCloudIO.write(out.resolve("table_ref.ply"), table);
        write(out, "table_raw", table, null, data);
    }

    private static float[] finite(float[] p) {
        int n = 0;
        for (int i = 0; i < p.length; i += 3) if (Float.isFinite(p[i]) && Float.isFinite(p[i + 1]) && Float.isFinite(p[i + 2])) n++;
        float[] q = new float[3 * n];
        int o = 0;
        for (int i = 0; i < p.length; i += 3) {
            if (Float.isFinite(p[i]) && Float.isFinite(p[i + 1]) && Float.isFinite(p[i + 2])) {
                System.arraycopy(p, i, q, o, 3);
                o += 3;
            }
        }
        return q;
    }

    private static void write(Path out, String name, PointCloud pc, String meshRef, Path data) throws Exception {
        PointCloudIO.write(out.resolve(name + ".ply"), pc);
        String ref = meshRef != null ? data.resolve(meshRef).toString() : out.resolve(name.substring(0, name.indexOf('_')) + "_ref.ply").toString();
        Files.writeString(out.resolve(name + ".ref"), ref + "\n");
        System.out.println("prepared " + name + ": " + pc);
    }

    private static void score(Path predPath, Path refPath) throws Exception {
        TriangleMesh pred = MeshIO.read(predPath);
        boolean wt = MeshTopology.isWatertight(pred);
        int samples = Integer.getInteger("kf.samples", MeshMetrics.DEFAULT_SAMPLES);
        long seed0 = Long.getLong("kf.seed", SurfaceSampler.DEFAULT_SEED);
        int seeds = Integer.getInteger("kf.seeds", 1);
        if (seeds < 1) throw new IllegalArgumentException("kf.seeds must be >= 1, got " + seeds);
        String name = refPath.getFileName().toString();
        boolean meshRef = name.endsWith(".off") || name.endsWith(".obj");
        TriangleMesh refMesh = meshRef ? MeshIO.read(refPath) : null;
        PointCloud ref = meshRef ? null : PointCloudIO.read(refPath);
        float[] rn = meshRef ? null : ref.hasNormals() ? ref.normals() : NormalEstimation.estimate(ref.positions(), 16);
        double[] sum = new double[4];
        for (int k = 0; k < seeds; k++) {
            long seed = seed0 + k;
            double[] m;
            if (meshRef && Boolean.getBoolean("kf.independent")) {
                // pred and ref sampled with different seeds: no correlation through similar triangle orders
                PointCloud ps = SurfaceSampler.sample(pred, samples, seed);
                PointCloud rs = SurfaceSampler.sample(refMesh, samples, seed + INDEPENDENT_SEED_OFFSET);
                double diag = refMesh.bounds().diagonal();
                double[] acc = side(ps.positions(), ps.normals(), rs.positions(), rs.normals(), diag);
                double[] com = side(rs.positions(), rs.normals(), ps.positions(), ps.normals(), diag);
                m = new double[] {(acc[0] + com[0]) / 2, f(acc[1], com[1]), f(acc[2], com[2]), (acc[3] + com[3]) / 2};
            } else if (meshRef) {
                MeshMetrics.Result r = MeshMetrics.compare(pred, refMesh,
                        MeshMetrics.Options.defaults().withTaus(0.005, 0.01).withSamples(samples).withSeed(seed));
                m = new double[] {r.chamferL1(), r.fscore(0.005), r.fscore(0.01), r.normalConsistency()};
            } else {
                PointCloud ps = SurfaceSampler.sample(pred, samples, seed);
                double diag = ref.bounds().diagonal();
                double[] acc = side(ps.positions(), ps.normals(), ref.positions(), rn, diag);
                double[] com = side(ref.positions(), rn, ps.positions(), ps.normals(), diag);
                m = new double[] {(acc[0] + com[0]) / 2, f(acc[1], com[1]), f(acc[2], com[2]), (acc[3] + com[3]) / 2};
            }
            for (int i = 0; i < 4; i++) sum[i] += m[i] / seeds;
        }
        System.out.printf(scoreFormat(), sum[0], sum[1], sum[2], sum[3], wt);
        if (meshRef && Boolean.getBoolean("kf.exact")) {
            // distances to the other surface itself, not to its samples: free of the sampling spacing
            double diag = refMesh.bounds().diagonal();
            double acc = exactMean(SurfaceSampler.sample(pred, samples, seed0).positions(), refMesh) / diag;
            double com = exactMean(SurfaceSampler.sample(refMesh, samples, seed0 + INDEPENDENT_SEED_OFFSET).positions(), pred) / diag;
            System.out.printf(Locale.ROOT, "exact distance (of the diagonal): pred->ref %.4e  ref->pred %.4e  mean %.4e%n", acc, com, (acc + com) / 2);
        }
    }

    /** Mean distance from the points {@code p (N, 3)} to the surface of {@code mesh} (closest points on a BVH, all cores). */
    private static double exactMean(float[] p, TriangleMesh mesh) {
        Bvh bvh = Bvh.build(mesh);
        int n = p.length / 3;
        ThreadLocal<Bvh.ClosestHit> hits = ThreadLocal.withInitial(Bvh.ClosestHit::new);
        double[] d = new double[n];
        java.util.stream.IntStream.range(0, n).parallel().forEach(i -> {
            Bvh.ClosestHit h = hits.get();
            bvh.closestPoint(p[3 * i], p[3 * i + 1], p[3 * i + 2], h);
            d[i] = h.distance;
        });
        double sum = 0;
        for (double v : d) sum += v;
        return sum / n;
    }

    /** Seed offset of the reference's samples with {@code kf.independent}. */
    private static final long INDEPENDENT_SEED_OFFSET = 0x5DEECE66DL;

    /** Chamfer-L1 with digits + 1 decimals, the F-scores and NC with digits ({@code kf.digits}, default 4). */
    private static String scoreFormat() {
        int d = Integer.parseInt(System.getProperty("kf.digits", "4"));
        if (d < 1 || d > 9) throw new IllegalArgumentException("kf.digits must be 1 to 9, got " + d);
        return "%." + (d + 1) + "f\t%." + d + "f\t%." + d + "f\t%." + d + "f\t%s%n";
    }

    private static double f(double p, double r) {
        return p + r > 0 ? 2 * p * r / (p + r) : 0;
    }

    /** mean distance / diag, fraction within 0.5% and 1%, mean |n . n'| from a to b. */
    private static double[] side(float[] a, float[] an, float[] b, float[] bn, double diag) {
        int n = a.length / 3;
        int[] idx = new int[n];
        float[] d2 = new float[n];
        KdTree.build(b).nearestBatch(a, idx, d2);
        double sum = 0, in05 = 0, in1 = 0, nc = 0;
        for (int i = 0; i < n; i++) {
            double d = Math.sqrt(d2[i]) / diag;
            sum += d;
            if (d <= 0.005) in05++;
            if (d <= 0.01) in1++;
            int j = idx[i];
            nc += Math.abs(an[3 * i] * bn[3 * j] + an[3 * i + 1] * bn[3 * j + 1] + an[3 * i + 2] * bn[3 * j + 2]);
        }
        return new double[] {sum / n, in05 / n, in1 / n, nc / n};
    }
}
