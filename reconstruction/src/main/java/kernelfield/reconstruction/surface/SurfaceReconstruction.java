package kernelfield.reconstruction.surface;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import kernelfield.engine.compute.CpuDevice;
import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.geometry.KdTree;
import kernelfield.engine.geometry.NormalEstimation;
import kernelfield.engine.geometry.SampleGrid;
import kernelfield.engine.geometry.SparseMarchingCubes;
import kernelfield.fields.nks.NksField;
import kernelfield.fields.nks.NksSolver;
import kernelfield.fields.nks.VoxelHierarchy;
import kernelfield.reconstruction.surface.internal.HierarchyMesher;
import kernelfield.reconstruction.surface.internal.SurfaceCells;

/**
 * Point cloud to surface mesh with the {@code nks} kernel surface
 * ({@link kernelfield.fields.nks}): the headless library call behind {@code kf reconstruct}.
 *
 * <p>Steps: drop rows with a non-finite position or normal; choose the finest voxel size from the
 * point spacing, the estimated noise and {@code detail} (or take {@link Options#voxelSize}); reduce
 * the points to oriented samples, one per cell of half a voxel (centroid, mean normal, area); when
 * the cloud has no normals, estimate them on the cell centroids instead (PCA over {@code k}
 * neighbours, minimum-spanning-tree orientation): fewer and less noisy than the points, and when
 * the noise is large against the cells ({@link #denoiseStrength}) move each centroid along its
 * normal onto the plane of its {@code k} neighbours (a noise band several cells thick otherwise
 * leaves a shell of centroid layers, which inflates the surface and roughens it); build the
 * voxel hierarchy (levels up to about 24 voxels across the bounding box, the coarsest one dense);
 * solve for the coefficients; take the finest voxels (unless {@link Options#watertight}, only the
 * active ones, within one voxel of a sample: the distance mask; otherwise a coarse-to-fine narrow
 * band); mesh the zero level set (below); give each vertex the normalised gradient of the field as normal
 * and, when the input has colours, the colour of its nearest input point.
 *
 * <p>Meshing of untiled runs on dense, not denoised clouds ({@link #dualMesh}): the vertices are
 * refined onto the zero set by one Newton step each (clamped to half a cell), and with {@code
 * watertight} (or a power-of-two subdivision) the mesh comes from dual marching cubes over the
 * hierarchy ({@code internal.HierarchyMesher}, {@link kernelfield.engine.geometry.DualMarchingCubes}):
 * an adaptive octree whose leaves are the marching-cubes cells {@code h0 / sd} where the finest level
 * is active and, in the closed surface's far field, the marching-cubes cells of the finest level
 * present there, contoured on the dual grid (crack-free, edge-manifold, closed wherever the zero set
 * closes inside the region). Against the uniform lattice's coarse-to-fine narrow band it meshes a
 * watertight run in about 0.6 of the time with half the triangles where only coarse levels reach
 * (bun0 scan: 10.2 -> 4.3 s, 1.69M -> 0.80M triangles, closer to the points) and the same surface
 * where the finest level covers it (100k-point bunny: 4.5 -> 3.3 s). Trimmed runs at 3 cells per
 * voxel (the default for clean dense clouds) keep sparse marching cubes on the uniform lattice, with
 * the same refinement: dual marching cubes give the same bunny there but take 1.6 to 1.9 times as
 * long in this stage (raw scans would gain F@0.5% 0.948 -> 0.966 on bun0). Sparse or noisy clouds
 * and framed (tiled) runs use the uniform lattice of {@code h0 / meshSubdivision} over the candidate
 * finest voxels, without refinement (the seams of tiled runs, {@link Seams}, are built on it).
 *
 * <p>Degenerate inputs: no finite point, fewer than 3 distinct points, or points on a line
 * throw {@link IllegalArgumentException}; coplanar points give the planar patch they span (open;
 * with {@code watertight}, a thin closed slab may result). Duplicates are harmless.
 * Deterministic for a given input and options, for any thread count.
 */
public final class SurfaceReconstruction {
    private SurfaceReconstruction() {
    }

    /**
     * Options.
     *
     * @param detail          0..1, finer with larger values (default 0.5); ignored when voxelSize &gt; 0
     * @param voxelSize       finest voxel size in input units, or 0 to choose it from the data
     * @param watertight      keep the closed surface (no trimming away from the input)
     * @param threads         worker threads, {@code >= 1}
     * @param normalNeighbors k of the normal estimation (on the sample cells' centroids) when the input has no normals
     * @param meshSubdivision marching-cubes cells per finest voxel edge, 1..4, or 0 (the default) to choose it
     *                        from the voxel size and the diagonal ({@link #chooseSubdivision})
     * @param normalRefits    when the input has no normals: how many times (0..{@link #MAX_REFITS}) the samples
     *                        take the solved field's normalised gradient as their normals and the field is solved
     *                        again, or {@link #AUTO_REFITS} (the default: {@link #chooseRefits})
     * @param solver          energy weights and solver settings
     * @param features        learned per-voxel kernel features ({@link LearnedFeatures}): off, on or automatic (the default)
     */
    public record Options(double detail, double voxelSize, boolean watertight, int threads, int normalNeighbors, int meshSubdivision,
            int normalRefits, NksSolver.Options solver, LearnedFeatures features) {
        /** Options with the default (automatic) features. */
        public Options(double detail, double voxelSize, boolean watertight, int threads, int normalNeighbors, int meshSubdivision,
                int normalRefits, NksSolver.Options solver) {
            this(detail, voxelSize, watertight, threads, normalNeighbors, meshSubdivision, normalRefits, solver, LearnedFeatures.auto());
        }

        public Options {
            Objects.requireNonNull(features, "features");
            if (!(detail >= 0 && detail <= 1)) throw new IllegalArgumentException("detail must be in [0, 1], got " + detail);
            if (!(voxelSize >= 0) || !Double.isFinite(voxelSize)) throw new IllegalArgumentException("voxel size must be >= 0 and finite, got " + voxelSize);
            if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
            if (normalNeighbors < 3) throw new IllegalArgumentException("normal neighbours must be >= 3, got " + normalNeighbors);
            if (meshSubdivision < 0 || meshSubdivision > 4) {
                throw new IllegalArgumentException("mesh subdivision must be in 1..4 (or 0: automatic), got " + meshSubdivision);
            }
            if (normalRefits < AUTO_REFITS || normalRefits > MAX_REFITS) {
                throw new IllegalArgumentException("normal refits must be in 0.." + MAX_REFITS + " (or " + AUTO_REFITS + ": automatic), got "
                        + normalRefits);
            }
            Objects.requireNonNull(solver, "solver");
        }

        public static Options defaults() {
            return new Options(0.5, 0, false, Runtime.getRuntime().availableProcessors(), 24, 0, AUTO_REFITS, NksSolver.Options.defaults());
        }

        public Options withDetail(double d) {
            return new Options(d, voxelSize, watertight, threads, normalNeighbors, meshSubdivision, normalRefits, solver, features);
        }

        public Options withVoxelSize(double s) {
            return new Options(detail, s, watertight, threads, normalNeighbors, meshSubdivision, normalRefits, solver, features);
        }

        public Options withWatertight(boolean w) {
            return new Options(detail, voxelSize, w, threads, normalNeighbors, meshSubdivision, normalRefits, solver, features);
        }

        public Options withThreads(int t) {
            return new Options(detail, voxelSize, watertight, t, normalNeighbors, meshSubdivision, normalRefits, solver, features);
        }

        public Options withMeshSubdivision(int m) {
            return new Options(detail, voxelSize, watertight, threads, normalNeighbors, m, normalRefits, solver, features);
        }

        public Options withNormalRefits(int r) {
            return new Options(detail, voxelSize, watertight, threads, normalNeighbors, meshSubdivision, r, solver, features);
        }

        public Options withSolver(NksSolver.Options s) {
            return new Options(detail, voxelSize, watertight, threads, normalNeighbors, meshSubdivision, normalRefits, s, features);
        }

        public Options withFeatures(LearnedFeatures f) {
            return new Options(detail, voxelSize, watertight, threads, normalNeighbors, meshSubdivision, normalRefits, solver, f);
        }
    }

    /** Progress: a stage name and the fraction of the whole run done, 0..1. */
    @FunctionalInterface
    public interface Progress {
        void report(String stage, double fraction);

        static Progress none() {
            return (s, f) -> {
            };
        }
    }

    /**
     * The outcome.
     *
     * @param mesh             the surface, with per-vertex normals (and colours when the input had them)
     * @param field            the solved kernel surface
     * @param voxelSize        finest voxel size used
     * @param noiseEstimate    estimated noise (standard deviation) of the input, input units
     * @param droppedPoints    input rows dropped for a non-finite position or normal
     * @param normalsEstimated whether normals were estimated
     * @param samples          samples fitted
     * @param cgIterations     conjugate-gradient iterations per level {@code (L)}, level 0 the finest
     * @param seconds          wall time per stage, in order
     */
    public record Result(TriangleMesh mesh, NksField field, double voxelSize, double noiseEstimate, int droppedPoints,
            boolean normalsEstimated, int samples, int[] cgIterations, Map<String, Double> seconds) {
    }

    /** Reconstructs with default options and no progress. */
    public static Result reconstruct(PointCloud cloud) {
        return reconstruct(cloud, Options.defaults(), Progress.none());
    }

    /**
     * Reconstructs a surface from {@code cloud} (not modified).
     *
     * @throws IllegalArgumentException for no finite points, fewer than 3 distinct points, or collinear points
     */
    public static Result reconstruct(PointCloud cloud, Options options, Progress progress) {
        return reconstruct(cloud, options, progress, null);
    }

    /**
     * A fixed frame for a tile: the finest voxel size, the common origin of every level (so that
     * all tiles share one lattice), the tile's cube in finest voxels ({@code [tileLo, tileLo +
     * voxelsPerTile)} per axis) and the blend width in voxels. Only the tile's interior cells
     * (outside every blend zone, {@link Seams}) are polygonized; the rest goes into a {@link
     * TiledReconstruction.Seam}.
     */
    record Frame(double voxelSize, double[] origin, int[] tileLo, int voxelsPerTile, int blend, double noise) {
    }

    /** A framed run's outcome: the result (its mesh: the interior cells) and the tile's seam data. */
    record Framed(Result result, TiledReconstruction.Seam seam) {
    }

    static Result reconstruct(PointCloud cloud, Options options, Progress progress, Frame frame) {
        return run(cloud, options, progress, frame).result();
    }

    static Framed run(PointCloud cloud, Options options, Progress progress, Frame frame) {
        return run(cloud, options, progress, frame, false);
    }

    /**
     * An untiled run meshed as framed runs are (sparse marching cubes on the uniform lattice of
     * {@code h0 / meshSubdivision}): the reference of the tiled-versus-untiled comparisons.
     */
    static Result reconstructUniform(PointCloud cloud, Options options) {
        return run(cloud, options, null, null, true).result();
    }

    private static Framed run(PointCloud cloud, Options options, Progress progress, Frame frame, boolean uniformMesh) {
        Objects.requireNonNull(cloud, "cloud");
        Objects.requireNonNull(options, "options");
        Progress pr = progress == null ? Progress.none() : progress;
        Map<String, Double> secs = new LinkedHashMap<>();
        try (CpuDevice device = CpuDevice.withThreads(options.threads())) {
            long t0 = System.nanoTime();
            pr.report("input", 0.0);
            // 1. finite rows
            float[] in = cloud.positions();
            float[] inN = cloud.normals();
            int n0 = cloud.size();
            int keep = 0;
            boolean[] ok = new boolean[n0];
            for (int i = 0; i < n0; i++) {
                boolean good = Float.isFinite(in[3 * i]) && Float.isFinite(in[3 * i + 1]) && Float.isFinite(in[3 * i + 2]);
                if (good && inN != null) {
                    good = Float.isFinite(inN[3 * i]) && Float.isFinite(inN[3 * i + 1]) && Float.isFinite(inN[3 * i + 2]);
                }
                ok[i] = good;
                if (good) keep++;
            }
            if (keep == 0) throw new IllegalArgumentException(n0 == 0 ? "no points to reconstruct" : "no finite points among " + n0);
            float[] pts;
            float[] nrm;
            float[] col = null;
            int[] srcIndex = null;
            if (keep == n0) {
                pts = in;
                nrm = inN;
                col = cloud.colors();
            } else {
                pts = new float[3 * keep];
                nrm = inN == null ? null : new float[3 * keep];
                srcIndex = new int[keep];
                int o = 0;
                for (int i = 0; i < n0; i++) {
                    if (!ok[i]) continue;
                    System.arraycopy(in, 3 * i, pts, 3 * o, 3);
                    if (nrm != null) System.arraycopy(inN, 3 * i, nrm, 3 * o, 3);
                    srcIndex[o++] = i;
                }
            }
            int n = keep;
            checkSpread(pts, n);
            KdTree tree = KdTree.build(pts);
            secs.put("input", (System.nanoTime() - t0) * 1e-9);
            // 2. noise and spacing
            long t1 = System.nanoTime();
            double noise, h0;
            int sub = options.meshSubdivision();
            if (frame != null) {
                noise = frame.noise();
                h0 = frame.voxelSize();
            } else {
                double[] stats = spacingAndNoise(pts, tree);
                double spacing = stats[0];
                noise = stats[1];
                double diag = boundsDiagonal(pts);
                h0 = options.voxelSize() > 0 ? options.voxelSize() : chooseVoxelSize(spacing, noise, diag, options.detail(), n);
                if (sub == 0) sub = chooseSubdivision(h0, diag);
                // vertices refined onto the zero set need no finer lattice than 3 cells per voxel
                if (options.meshSubdivision() == 0 && dualMesh(n, noise, h0)) sub = Math.min(sub, REFINED_SUBDIVISION);
            }
            if (sub == 0) throw new IllegalArgumentException("a framed run needs a fixed mesh subdivision");
            secs.put("analysis", (System.nanoTime() - t1) * 1e-9);
            // 4. samples and hierarchy
            long t3 = System.nanoTime();
            pr.report("samples", 0.3);
            double[] lo = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
            double[] hi = {-Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
            for (int i = 0; i < n; i++) {
                for (int a = 0; a < 3; a++) {
                    lo[a] = Math.min(lo[a], pts[3 * i + a]);
                    hi[a] = Math.max(hi[a], pts[3 * i + a]);
                }
            }
            double extent = Math.max(hi[0] - lo[0], Math.max(hi[1] - lo[1], hi[2] - lo[2]));
            int levels = 1;
            while (levels < 12 && extent / (h0 * Math.pow(2, levels - 1)) > 24) levels++;
            double hc = h0 * Math.pow(2, levels - 1);
            int dilation = 1;
            double[] origin = frame != null ? frame.origin()
                    : new double[] {lo[0] - (dilation + 2) * hc, lo[1] - (dilation + 2) * hc, lo[2] - (dilation + 2) * hc};
            for (int a = 0; a < 3; a++) {
                if (lo[a] - origin[a] < (dilation + 1) * hc) throw new IllegalArgumentException("origin too close to the points on axis " + a);
            }
            if ((hi[0] - origin[0]) / h0 > VoxelHierarchy.AXIS_LIMIT / 2.0 || (hi[1] - origin[1]) / h0 > VoxelHierarchy.AXIS_LIMIT / 2.0
                    || (hi[2] - origin[2]) / h0 > VoxelHierarchy.AXIS_LIMIT / 2.0) {
                throw new IllegalArgumentException("voxel size " + h0 + " is too small for the extent " + extent + " (over 10^6 voxels across)");
            }
            NksSolver.Samples samples;
            boolean estimated = false;
            double strength = denoiseStrength(noise, h0 / 2);
            if (nrm != null) {
                int[][] counts = new int[1][];
                samples = Sampling.cellSamples(pts, nrm, n, origin, h0 / 2, device, counts);
                if (strength > 0) {
                    float[] sp = samples.positions();
                    int k = Math.min(options.normalNeighbors(), sp.length / 3);
                    sp = Sampling.projectToLocalPlanes(sp, samples.normals(), counts[0], strength, KdTree.build(sp), k, device);
                    samples = new NksSolver.Samples(sp, samples.normals(), samples.weights());
                }
            } else {
                // no normals: PCA and orientation on the cell centroids (fewer, and less noisy, than the points)
                secs.put("samples", (System.nanoTime() - t3) * 1e-9);
                long t2 = System.nanoTime();
                pr.report("normals", 0.1);
                int[][] counts = new int[1][];
                float[] centroids = Sampling.cellCentroids(pts, n, origin, h0 / 2, device, counts);
                int nc = centroids.length / 3;
                int k = Math.min(options.normalNeighbors(), Math.max(3, nc - 1));
                KdTree ct = KdTree.build(centroids);
                float[] cn = NormalEstimation.estimateOriented(centroids, ct, k);
                if (strength > 0) centroids = Sampling.projectToLocalPlanes(centroids, cn, counts[0], strength, ct, k, device);
                samples = Sampling.withNormals(centroids, cn, h0 / 2);
                estimated = true;
                secs.put("normals", (System.nanoTime() - t2) * 1e-9);
                t3 = System.nanoTime();
            }
            VoxelHierarchy hier = VoxelHierarchy.build(samples.positions(), origin, h0, levels, dilation, true, device);
            secs.put("hierarchy", (System.nanoTime() - t3) * 1e-9);
            // 5. solve
            long t4 = System.nanoTime();
            pr.report("solve", 0.4);
            int[] done = {0};
            int levelCount = levels;
            // the closed surface runs through the far field, which the default tolerance leaves rough
            NksSolver.Options solver = options.watertight()
                    ? options.solver().withTolerance(Math.min(options.solver().tolerance(), WATERTIGHT_TOLERANCE)) : options.solver();
            // sparse clouds fit their points more tightly (untiled only: the tiles of one run share one energy)
            if (frame == null) solver = solver.withValueWeight(sparseValueWeight(solver.valueWeight(), n));
            float[][] features = options.features().features(hier, samples, noise, h0, device);
            NksSolver.Result solved = NksSolver.solve(hier, samples, features, solver, device, (sw, l, unk, r) -> {
                done[0]++;
                pr.report("solve", 0.4 + 0.4 * done[0] / (double) (levelCount * options.solver().sweeps()));
            });
            NksField fitted = solved.field();
            // no input normals: the field's gradient, fitted to the points as a whole, is a better normal than local PCA
            int refits = options.normalRefits() == AUTO_REFITS ? chooseRefits(n) : options.normalRefits();
            for (int rf = 0; rf < refits && estimated; rf++) {
                float[] sp = samples.positions();
                samples = Sampling.withNormals(sp, gradientNormals(fitted, sp, samples.normals(), device), h0 / 2);
                solved = NksSolver.solve(hier, samples, features, solver, device, null);
                fitted = solved.field();
            }
            NksField field = fitted;
            secs.put("solve", (System.nanoTime() - t4) * 1e-9);
            // 6. mesh
            long t5 = System.nanoTime();
            pr.report("mesh", 0.8);
            int sd = sub;
            TiledReconstruction.Seam seam = null;
            TriangleMesh mesh;
            boolean refine = frame == null && !uniformMesh && dualMesh(n, noise, h0);
            if (refine && (options.watertight() || HierarchyMesher.powerOfTwo(sd) == sd)) {
                // untiled: dual marching cubes over the adaptive octree, vertices refined onto the zero set
                mesh = HierarchyMesher.mesh(field, !options.watertight(), sd, HierarchyMesher.FLATNESS,
                        HierarchyMesher.LIPSCHITZ, HierarchyMesher.NEWTON_STEPS, device);
            } else {
                int[] candidates = SurfaceCells.candidates(field, !options.watertight(), 1.5, device);
                if (frame != null) {
                    seam = Seams.capture(frame, field, candidates, sd);
                    candidates = Seams.interior(frame, candidates);
                }
                int[] cells = SurfaceCells.crossed(field::evaluateVoxelLattices, candidates, sd, device);
                mesh = polygonize(cells, (g, out, d) -> field.evaluateLattice(0, sd, g, out, d), origin, h0 / sd, device);
                // 3 cells per voxel: the uniform lattice, with the same refinement of the vertices (HierarchyMesher
                // meshes 3 cells per voxel too, as well but 1.6 to 1.9 times slower in this stage on the bunnies)
                if (refine) HierarchyMesher.refine(field, mesh.vertices(), HierarchyMesher.NEWTON_STEPS, h0 / sd / 2, device);
            }
            secs.put("mesh", (System.nanoTime() - t5) * 1e-9);
            // 7. attributes
            long t6 = System.nanoTime();
            float[] v = mesh.vertices();
            int nvx = mesh.vertexCount();
            float[] fv = new float[nvx];
            float[] g = new float[3 * nvx];
            field.evaluate(v, fv, g, device);
            for (int i = 0; i < nvx; i++) {
                double len = Math.sqrt((double) g[3 * i] * g[3 * i] + (double) g[3 * i + 1] * g[3 * i + 1] + (double) g[3 * i + 2] * g[3 * i + 2]);
                if (len > 0) {
                    g[3 * i] /= (float) len;
                    g[3 * i + 1] /= (float) len;
                    g[3 * i + 2] /= (float) len;
                }
            }
            mesh = mesh.withNormals(g);
            if (cloud.hasColors()) {
                float[] src = cloud.colors();
                int[] nn = new int[nvx];
                tree.nearestBatch(v, nn, null);
                float[] c = new float[3 * nvx];
                for (int i = 0; i < nvx; i++) {
                    int j = nn[i] < 0 ? 0 : (srcIndex == null ? nn[i] : srcIndex[nn[i]]);
                    System.arraycopy(src, 3 * j, c, 3 * i, 3);
                }
                mesh = mesh.withColors(c);
            }
            secs.put("attributes", (System.nanoTime() - t6) * 1e-9);
            pr.report("done", 1.0);
            return new Framed(new Result(mesh, field, h0, noise, n0 - n, estimated, samples.size(), solved.iterations(), secs), seam);
        }
    }

    /**
     * Normals {@code (S, 3)} for the points {@code p (S, 3)} from the normalised gradient of
     * {@code field}; a point keeps its {@code previous (S, 3)} normal where the gradient vanishes or
     * points against it (a field not yet settled there). Allocates the result and {@code S} values.
     */
    static float[] gradientNormals(NksField field, float[] p, float[] previous, CpuDevice device) {
        int ns = p.length / 3;
        float[] values = new float[ns];
        float[] gn = new float[3 * ns];
        field.evaluate(p, values, gn, device);
        for (int i = 0; i < ns; i++) {
            double gx = gn[3 * i], gy = gn[3 * i + 1], gz = gn[3 * i + 2];
            double len = Math.sqrt(gx * gx + gy * gy + gz * gz);
            if (len > 0 && gx * previous[3 * i] + gy * previous[3 * i + 1] + gz * previous[3 * i + 2] > 0) {
                gn[3 * i] = (float) (gx / len);
                gn[3 * i + 1] = (float) (gy / len);
                gn[3 * i + 2] = (float) (gz / len);
            } else {
                System.arraycopy(previous, 3 * i, gn, 3 * i, 3);
            }
        }
        return gn;
    }

    /**
     * Whether an untiled run on {@code points} points refines its mesh vertices onto the zero set
     * (and, watertight or at a power-of-two subdivision, meshes with dual marching cubes, see the
     * class comment): for clouds that are neither sparse ({@link #SPARSE_POINTS}) nor denoised
     * ({@link #denoiseStrength} 0). There the field is accurate and the mesh gets closer to it (clean
     * 1M-point bunny: exact distance to the true surface 2.01e-5 to 1.71e-5 of the diagonal; raw
     * bun0 scan F@0.5% 0.9116 to 0.9436). On the sparse kitten (F@0.5% 0.59921 to 0.59845) and the
     * bunny with 0.5% noise (NC 0.98179 to 0.98168), where the zero set is rougher than the
     * interpolation of the lattice, the plain uniform marching cubes measured slightly better and are
     * kept.
     */
    static boolean dualMesh(int points, double noise, double h0) {
        return points >= SPARSE_POINTS && denoiseStrength(noise, h0 / 2) == 0;
    }

    /** Most normal refits ({@link Options#normalRefits}). */
    public static final int MAX_REFITS = 4;
    /** {@link Options#normalRefits} that asks for {@link #chooseRefits}. */
    public static final int AUTO_REFITS = -1;
    /** Points from which {@link #chooseRefits} refits once instead of twice. */
    static final int ONE_REFIT_POINTS = 500_000;

    /**
     * Normal refits for a cloud of {@code points} points without normals: 2 (100k-point bunny: NC
     * 0.99792, 0.99805, 0.99810 after 0, 1, 2), 1 from {@link #ONE_REFIT_POINTS} points, where
     * each costs about 1.5 s on 2 cores and the second gains little (1M-point bunny: mean distance
     * to the true surface 2.44e-5, 1.95e-5, 1.88e-5 of the diagonal).
     */
    static int chooseRefits(int points) {
        return points >= ONE_REFIT_POINTS ? 1 : 2;
    }

    /** A field at lattice points: {@code g (M, 3)} integer lattice coordinates, values into {@code out (M)}. */
    @FunctionalInterface
    interface LatticePoints {
        void evaluate(int[] g, float[] out, CpuDevice device);
    }

    /**
     * Marching cubes over the lattice cells {@code cells (C, 3)} of spacing {@code hm} anchored at
     * {@code origin}: the field is evaluated at exact lattice points and the mesh is built in
     * lattice units, then placed in space. Allocates the mesh and {@code O(C)} scratch.
     */
    static TriangleMesh polygonize(int[] cells, LatticePoints field, double[] origin, double hm, CpuDevice device) {
        if (cells.length == 0) return new TriangleMesh(new float[0], new int[0]);
        int mx = 0, my = 0, mz = 0;
        for (int i = 0; i < cells.length; i += 3) {
            mx = Math.max(mx, cells[i]);
            my = Math.max(my, cells[i + 1]);
            mz = Math.max(mz, cells[i + 2]);
        }
        SampleGrid grid = new SampleGrid(mx + 2, my + 2, mz + 2, 0, 0, 0, 1.0);
        int nc = cells.length / 3;
        long[] keys = new long[nc];
        for (int i = 0; i < nc; i++) keys[i] = grid.key(cells[3 * i], cells[3 * i + 1], cells[3 * i + 2]);
        float[][] buf = new float[1][];
        SparseMarchingCubes.Field f = p -> {
            int m = p.length / 3;
            int[] g = new int[3 * m];
            for (int i = 0; i < 3 * m; i++) g[i] = Math.round(p[i]);
            if (buf[0] == null || buf[0].length < m) buf[0] = new float[m];
            field.evaluate(g, buf[0], device);
            return buf[0];
        };
        TriangleMesh lattice = SparseMarchingCubes.extract(f, grid, keys, 0f);
        float[] v = lattice.vertices();
        double ox = origin[0], oy = origin[1], oz = origin[2];
        for (int i = 0; i < v.length; i += 3) {
            v[i] = (float) (ox + v[i] * hm);
            v[i + 1] = (float) (oy + v[i + 1] * hm);
            v[i + 2] = (float) (oz + v[i + 2] * hm);
        }
        return new TriangleMesh(v, lattice.triangles());
    }

    private static void checkSpread(float[] pts, int n) {
        double[] ev = Eigen3.scatterValues(pts, null, n, new double[6]);
        if (!(ev[2] > 0)) throw new IllegalArgumentException("all " + n + " points coincide: nothing to reconstruct");
        if (ev[1] <= 1e-10 * ev[2]) {
            throw new IllegalArgumentException("the " + n + " points are collinear (or nearly so): a surface needs points spanning a plane");
        }
        int distinct = 1;
        for (int i = 1; i < n && distinct < 3; i++) {
            if (pts[3 * i] != pts[0] || pts[3 * i + 1] != pts[1] || pts[3 * i + 2] != pts[2]) distinct++;
        }
        if (distinct < 3) throw new IllegalArgumentException("fewer than 3 distinct points");
    }

    private static double boundsDiagonal(float[] p) {
        return kernelfield.engine.data.Bounds.of(p).diagonal();
    }

    /**
     * Median 8-neighbour radius (spacing) and noise, over at most 4096 points spread evenly through
     * the cloud. The noise is the median RMS distance of 24 neighbours to their plane. In a dense
     * noisy cloud the 24 neighbours are a ball inside the noise, whose spread is set by its radius
     * rather than by the noise: while the RMS distance is over {@link #NOISE_DOMINATED} of the
     * neighbourhood's radius, the noise is measured again on a 4x sparser strided subset (as long
     * as that keeps {@link #NOISE_MIN_POINTS} points), and the largest estimate is kept. Allocates
     * the subsets and their trees.
     */
    static double[] spacingAndNoise(float[] pts, KdTree tree) {
        double[] full = neighbourhoodStats(pts, tree);
        double noise = full[1];
        float[] cur = pts;
        double[] st = full;
        while (st[1] > NOISE_DOMINATED * st[2] && cur.length / 3 / 4 >= NOISE_MIN_POINTS) {
            cur = strided(cur, 4);
            st = neighbourhoodStats(cur, KdTree.build(cur));
            noise = Math.max(noise, st[1]);
        }
        return new double[] {full[0], noise};
    }

    /**
     * How far (0..1) the cell centroids are moved onto their neighbours' local planes
     * ({@link Sampling#projectToLocalPlanes}) for a noise (standard deviation) {@code noise} and
     * cells of size {@code hs}: 0 while the noise is under {@link #DENOISE_FROM} cell sizes (the
     * projection's curvature bias would cost more than the noise: clean scans, kitten, bun0, the
     * table scene), 1 from {@link #DENOISE_FULL} (the noise band is several cells thick and the
     * centroids form a shell of layers: noise-limited voxel sizes, where the noise is at about
     * 0.44 cell sizes), linear between.
     */
    static double denoiseStrength(double noise, double hs) {
        double r = noise / hs;
        return Math.max(0, Math.min(1, (r - DENOISE_FROM) / (DENOISE_FULL - DENOISE_FROM)));
    }

    /** Noise over cell size below which cell centroids are not projected. */
    static final double DENOISE_FROM = 0.25;
    /** Noise over cell size from which cell centroids are fully projected. */
    static final double DENOISE_FULL = 0.4;

    /** CG tolerance per level with {@code --watertight}: the far field must be converged for the closed surface. */
    static final double WATERTIGHT_TOLERANCE = 1e-4;

    /** RMS plane distance over radius above which a 24-neighbourhood counts as inside the noise (a ball gives 0.45). */
    static final double NOISE_DOMINATED = 0.25;
    /** The noise of a dense cloud is not measured on subsets smaller than this. */
    static final int NOISE_MIN_POINTS = 50_000;

    private static float[] strided(float[] p, int stride) {
        int m = p.length / 3 / stride;
        float[] out = new float[3 * m];
        for (int i = 0; i < m; i++) System.arraycopy(p, 3 * i * stride, out, 3 * i, 3);
        return out;
    }

    /** Medians of the 8-neighbour radius, the 24-neighbour RMS plane distance and the 24-neighbour radius. */
    private static double[] neighbourhoodStats(float[] pts, KdTree tree) {
        int n = pts.length / 3;
        int m = Math.min(n, 4096);
        int k = Math.min(24, n);
        double[] sp = new double[m];
        double[] nz = new double[m];
        double[] rad = new double[m];
        int[] idx = new int[k];
        float[] d2 = new float[k];
        double[] c = new double[6];
        for (int q = 0; q < m; q++) {
            int i = (int) ((long) q * n / m);
            int found = tree.knn(pts[3 * i], pts[3 * i + 1], pts[3 * i + 2], k, idx, d2);
            sp[q] = Math.sqrt(d2[Math.min(8, found - 1)]);
            rad[q] = Math.sqrt(d2[found - 1]);
            double[] ev = Eigen3.scatterValues(pts, idx, found, c);
            nz[q] = Math.sqrt(Math.max(0, ev[0]) / found);
        }
        Arrays.sort(sp);
        Arrays.sort(nz);
        Arrays.sort(rad);
        return new double[] {sp[m / 2], nz[m / 2], rad[m / 2]};
    }

    /**
     * Marching-cubes cells per finest voxel edge when none is given: the fewest (at least 2, at
     * most 4) that make the marching-cubes lattice no coarser than {@link #MESH_CELLS_PER_DIAGONAL}
     * cells along the diagonal. A coarse voxel (sparse or noisy input) gets a finer lattice: the
     * facets of marching cubes, not the field, then limit the normal consistency (100k-point
     * bunny: 2 cells per voxel 0.9977, 3 cells 0.9982; 1M-point bunny at voxels of diagonal / 300,
     * scored on 1M samples: 2 cells NC 0.99918, 3 cells 0.99930, Poisson depth 9 0.99928).
     */
    static int chooseSubdivision(double h0, double diag) {
        return subdivision(h0, diag, MESH_CELLS_PER_DIAGONAL);
    }

    /** {@link #chooseSubdivision} for a tiled plan: {@link #TILED_MESH_CELLS_PER_DIAGONAL}, the lattice its seams are tested on. */
    static int chooseTiledSubdivision(double h0, double diag) {
        return subdivision(h0, diag, TILED_MESH_CELLS_PER_DIAGONAL);
    }

    private static int subdivision(double h0, double diag, double cellsPerDiagonal) {
        double sd = Math.ceil(h0 * cellsPerDiagonal / diag - 1e-9);
        return (int) Math.max(2, Math.min(4, sd));
    }

    /** Clouds of fewer points count as sparse: finer voxels ({@link #chooseVoxelSize}) and a larger value weight ({@link #sparseValueWeight}). */
    static final int SPARSE_POINTS = 20_000;

    /**
     * Voxel size over spacing at detail 0.5 for an untiled run on {@code points} points whose noise
     * is {@code noiseOverSpacing} spacings: {@link #CLEAN_FACTOR} for clean clouds (noise under 0.1
     * spacing), {@link #TILED_FACTOR} for noisy ones (from 0.25 spacing; linear between), and never
     * above {@link #sparseRamp}, down to 0.6 for very few points (the 5210-point kitten: 0.83).
     */
    static double densityFactor(int points, double noiseOverSpacing) {
        double t = Math.max(0, Math.min(1, (noiseOverSpacing - 0.1) / 0.15));
        return Math.min(CLEAN_FACTOR + t * (TILED_FACTOR - CLEAN_FACTOR), sparseRamp(points));
    }

    /** 0.6 + 0.9 min(1, points / {@link #SPARSE_POINTS}): 1.5 from {@link #SPARSE_POINTS} points, down to 0.6 for very few. */
    private static double sparseRamp(int points) {
        return 0.6 + 0.9 * Math.min(1.0, points / (double) SPARSE_POINTS);
    }

    /**
     * Voxel size over spacing for clean dense clouds at detail 0.5. 1.2 rather than 1.5 (with
     * {@link #CLEAN_VOXELS_PER_DIAGONAL} 300 rather than 256) brings the surface closer to the points:
     * raw scans F@0.5% bun0 0.912 -> 0.946 (at 1.3), table scene 0.938 -> 0.960; exact distance to
     * the 100k-point bunny 3.7e-5 -> 2.8e-5 of the diagonal (Poisson depth 9: 3.4e-5), for about 1.5
     * times the voxels. Noisy clouds keep 1.5: where the noise sets the voxel, finer cells only
     * resolve the noise.
     */
    static final double CLEAN_FACTOR = 1.2;
    /** Voxel size over spacing for noisy clouds and for tiled runs (whose seams are tested at this size). */
    static final double TILED_FACTOR = 1.5;
    /** Finest voxels along the bounding-box diagonal at most, at detail 0.5, for clean clouds. */
    static final double CLEAN_VOXELS_PER_DIAGONAL = 300;
    /** The same for noisy clouds and tiled runs. */
    static final double TILED_VOXELS_PER_DIAGONAL = 256;

    /**
     * The value weight of an untiled run on {@code points} points: {@code valueWeight} times the
     * square of {@code sparseRamp(SPARSE_POINTS) / sparseRamp(points)} (1 for dense clouds, up
     * to 6.25). The samples' weights are their cells' areas, and with voxels under a spacing most
     * cells along the surface are empty: the value term then covers a smaller share of the surface
     * (about the square of the voxel size over the spacing) against the smoothness and gradient
     * terms, and the zero level set sags between the points. Scaling the weight back keeps that
     * share as for dense clouds (the 5210-point kitten: weight 12.9; at 2M scoring samples F@0.5%
     * 0.5972 -> 0.5984 with normals, 0.5906 -> 0.5979 without).
     */
    static double sparseValueWeight(double valueWeight, int points) {
        double r = sparseRamp(SPARSE_POINTS) / sparseRamp(points);
        return valueWeight * r * r;
    }

    /**
     * Most marching-cubes cells per voxel chosen for meshes whose vertices are refined onto the zero
     * set ({@link #dualMesh}). 100k-point bunny (scored on 1M samples): 3 cells Chamfer-L1 0.0004594,
     * NC 0.998961, mesh 1.0 s; 4 cells 0.0004552, 0.999068, 1.8 s (Poisson depth 9: 0.0004653,
     * 0.998726).
     */
    static final int REFINED_SUBDIVISION = 3;

    /** Marching-cubes cells along the diagonal below which {@link #chooseSubdivision} subdivides further. */
    static final double MESH_CELLS_PER_DIAGONAL = 800;
    /** The same for tiled plans. */
    static final double TILED_MESH_CELLS_PER_DIAGONAL = 400;

    /**
     * Finest voxel size of an untiled run from the spacing, noise, diagonal, detail and point count:
     * {@link #densityFactor} spacings, at least {@code 4.5} noise standard deviations, and no finer
     * than the diagonal over {@link #CLEAN_VOXELS_PER_DIAGONAL} (clean) to {@link
     * #TILED_VOXELS_PER_DIAGONAL} (noisy), all scaled by {@code 2^(1 - 2 detail)}.
     */
    static double chooseVoxelSize(double spacing, double noise, double diag, double detail, int points) {
        double r = spacing > 0 ? noise / spacing : 1;
        double f = densityFactor(points, r);
        double perDiag = f <= CLEAN_FACTOR ? CLEAN_VOXELS_PER_DIAGONAL : TILED_VOXELS_PER_DIAGONAL;
        return voxelSize(spacing, noise, diag, detail, f, perDiag);
    }

    /** Finest voxel size of a tiled plan: the noisy-cloud rule whatever the cloud ({@link #TILED_FACTOR}). */
    static double chooseTiledVoxelSize(double spacing, double noise, double diag, double detail) {
        return voxelSize(spacing, noise, diag, detail, TILED_FACTOR, TILED_VOXELS_PER_DIAGONAL);
    }

    private static double voxelSize(double spacing, double noise, double diag, double detail, double factor, double perDiag) {
        double scale = Math.pow(2, 1 - 2 * detail); // detail 0.5 -> 1, 1 -> 0.5, 0 -> 2
        double hDensity = factor * spacing * scale;
        double hNoise = 4.5 * noise * scale;
        double hCap = diag / (perDiag * Math.pow(2, 2 * (detail - 0.5)));
        double h = Math.max(hDensity, Math.max(hNoise, hCap));
        if (!(h > 0)) h = diag / 64;
        return h;
    }
}
