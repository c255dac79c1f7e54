package kernelfield.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.geometry.Bvh;
import kernelfield.engine.geometry.MarchingCubes;
import kernelfield.engine.geometry.SampleGrid;
import kernelfield.engine.geometry.SurfaceSampler;
import kernelfield.engine.io.AtomicFiles;
import kernelfield.fields.nks.KernelFeatures;
import kernelfield.reconstruction.surface.LearnedFeatures;
import kernelfield.reconstruction.surface.SurfaceReconstruction;

/**
 * Trains the {@link KernelFeatures.Model} of the nks kernel features on procedurally generated
 * shapes (no downloaded data or weights) with a seeded, deterministic Nelder-Mead search over its
 * {@code DESCRIPTORS + 2} parameters.
 *
 * <p>Shapes: random unions and smooth blends of 1 to 3 spheres, rounded boxes, tori and
 * superquadrics (random sizes, positions and rotations) as implicit functions, polygonized by
 * marching cubes on a 96^3 lattice: that mesh is the true surface. Each training case samples it
 * ({@link SurfaceSampler}) at a random density and Gaussian noise (defaults: 15k to 30k points, noise
 * 0.25% to 0.6% of the diagonal: the regime where the voxel size is set by the noise, where
 * {@link LearnedFeatures.Mode#AUTO} applies the features), with or without normals. A case's loss is
 * {@code 1000 d / diag + 20 (1 - NC)}: {@code d} the mean exact distance both ways between the
 * reconstructed and the true mesh (samples of each to the other's closest points), {@code NC} the
 * normal consistency of the true samples against the closest reconstructed triangle; the objective
 * is the mean over cases of the loss divided by the same case's loss with every feature 1.
 * Reconstructions run on one thread, so the search is bit-identical for a seed.
 *
 * <p>Usage: {@code NksFeatureTraining [--cases N] [--evals N] [--seed S] [--points MIN MAX]
 * [--noise MIN MAX] [--out FILE]}; without
 * {@code --out} it prints the model. The committed resource
 * ({@code fields/src/main/resources/kernelfield/fields/nks/kernel-features.txt}) was written by
 * {@code bench/recon/train-features.sh}.
 */
public final class NksFeatureTraining {
    private NksFeatureTraining() {
    }

    /** An implicit function, negative inside. */
    @FunctionalInterface
    interface Implicit {
        double value(double x, double y, double z);
    }

    /** A training case: the true mesh's samples and normals, the input cloud and the diagonal. */
    record Case(String name, PointCloud input, float[] truthSamples, float[] truthNormals, Bvh truth, double diag) {
    }

    /** The search's outcome: the best model, its objective, the evaluations made. */
    record Outcome(KernelFeatures.Model model, double objective, int evaluations) {
    }

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        int cases = 8, evals = 100, minPoints = 15_000, maxPoints = 30_000;
        double minNoise = 0.0025, maxNoise = 0.006;
        long seed = 7;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--cases" -> cases = Integer.parseInt(args[++i]);
                case "--evals" -> evals = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--points" -> {
                    minPoints = Integer.parseInt(args[++i]);
                    maxPoints = Integer.parseInt(args[++i]);
                }
                case "--noise" -> {
                    minNoise = Double.parseDouble(args[++i]);
                    maxNoise = Double.parseDouble(args[++i]);
                }
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        long t0 = System.nanoTime();
        List<Case> set = cases(cases, seed, 96, minPoints, maxPoints, minNoise, maxNoise, 5_000);
        Outcome o = train(set, evals, seed, true);
        double secs = (System.nanoTime() - t0) * 1e-9;
        String header = String.format("""
                Learned kernel features of the nks solve (KernelFeatures.Model), written by kernelfield.bench.NksFeatureTraining
                (bench/recon/train-features.sh: --cases %d --evals %d --seed %d --points %d %d --noise %s %s), %.0f s on one thread.
                Trained on %d procedurally generated shapes (unions/blends of spheres, boxes, tori, superquadrics; marching
                cubes 96^3; %d..%d samples, noise %s..%s of the diagonal, with and without normals); objective (mean loss
                over the cases relative to features 1) %.5f after %d evaluations of Nelder-Mead.""", cases, evals, seed, minPoints,
                maxPoints, minNoise, maxNoise, secs, cases, minPoints, maxPoints, minNoise, maxNoise, o.objective(), o.evaluations());
        String text = o.model().format(header);
        if (out != null) {
            AtomicFiles.write(out, os -> os.write(text.getBytes(StandardCharsets.UTF_8)));
            System.err.println("wrote " + out);
        }
        System.out.print(text);
    }

    /**
     * {@code count} training cases from {@code seed}: a random shape each, polygonized on a
     * {@code res^3} lattice, sampled at {@code minPoints..maxPoints} with Gaussian noise of
     * {@code minNoise..maxNoise} of the diagonal (spread evenly over the cases, jittered);
     * {@code scoreSamples} samples of each surface (true and reconstructed) for the loss. Allocates them.
     */
    static List<Case> cases(int count, long seed, int res, int minPoints, int maxPoints, double minNoise, double maxNoise, int scoreSamples) {
        Random r = new Random(seed);
        List<Case> out = new ArrayList<>();
        for (int c = 0; c < count; c++) {
            Implicit shape = randomShape(r);
            TriangleMesh truth = polygonize(shape, res);
            double diag = truth.bounds().diagonal();
            int n = minPoints + r.nextInt(Math.max(1, maxPoints - minPoints + 1));
            double t = count == 1 ? 0.5 : c / (double) (count - 1);
            double noise = (minNoise + (maxNoise - minNoise) * t) * (0.9 + 0.2 * r.nextDouble());
            boolean normals = noise == 0 ? r.nextBoolean() : r.nextInt(3) == 0;
            PointCloud pc = SurfaceSampler.sample(truth, n, r.nextLong(), noise * diag);
            if (!normals) pc = pc.withNormals(null);
            PointCloud ts = SurfaceSampler.sample(truth, scoreSamples, r.nextLong(), 0);
            out.add(new Case(String.format("case%d(n=%d, noise=%.4f, normals=%b)", c, n, noise, normals), pc, ts.positions(), ts.normals(),
                    Bvh.build(truth), diag));
        }
        return out;
    }

    /** A random union or smooth blend of 1 to 3 primitives inside the unit cube. */
    static Implicit randomShape(Random r) {
        int k = 1 + r.nextInt(3);
        Implicit[] parts = new Implicit[k];
        for (int i = 0; i < k; i++) parts[i] = randomPrimitive(r, k);
        double blend = r.nextBoolean() ? 0 : 0.03 + 0.07 * r.nextDouble();
        return (x, y, z) -> {
            double v = parts[0].value(x, y, z);
            for (int i = 1; i < parts.length; i++) {
                double w = parts[i].value(x, y, z);
                if (blend == 0) {
                    v = Math.min(v, w);
                } else {
                    double hh = Math.max(0, Math.min(1, 0.5 + 0.5 * (w - v) / blend));
                    v = w + (v - w) * hh - blend * hh * (1 - hh);
                }
            }
            return v;
        };
    }

    private static Implicit randomPrimitive(Random r, int parts) {
        double scale = (parts == 1 ? 0.3 : 0.2) * (0.8 + 0.4 * r.nextDouble());
        double cx = 0.5 + (parts == 1 ? 0 : 0.15 * (r.nextDouble() * 2 - 1));
        double cy = 0.5 + (parts == 1 ? 0 : 0.15 * (r.nextDouble() * 2 - 1));
        double cz = 0.5 + (parts == 1 ? 0 : 0.15 * (r.nextDouble() * 2 - 1));
        double[] rot = rotation(r);
        int type = r.nextInt(4);
        double a = scale * (0.6 + 0.4 * r.nextDouble()), b = scale * (0.6 + 0.4 * r.nextDouble()), c = scale * (0.6 + 0.4 * r.nextDouble());
        double round = 0.2 * Math.min(a, Math.min(b, c)) * r.nextDouble();
        double tube = scale * (0.2 + 0.2 * r.nextDouble());
        double expo = 2.5 + 3 * r.nextDouble();
        return (x, y, z) -> {
            double px = x - cx, py = y - cy, pz = z - cz;
            double u = rot[0] * px + rot[1] * py + rot[2] * pz;
            double v = rot[3] * px + rot[4] * py + rot[5] * pz;
            double w = rot[6] * px + rot[7] * py + rot[8] * pz;
            return switch (type) {
                case 0 -> Math.sqrt(u * u + v * v + w * w) - scale;
                case 1 -> {
                    double qx = Math.abs(u) - a + round, qy = Math.abs(v) - b + round, qz = Math.abs(w) - c + round;
                    double ox = Math.max(qx, 0), oy = Math.max(qy, 0), oz = Math.max(qz, 0);
                    yield Math.sqrt(ox * ox + oy * oy + oz * oz) + Math.min(Math.max(qx, Math.max(qy, qz)), 0) - round;
                }
                case 2 -> {
                    double q = Math.sqrt(u * u + v * v) - scale;
                    yield Math.sqrt(q * q + w * w) - tube;
                }
                default -> {
                    // superquadric: (|u/a|^e + |v/b|^e + |w/c|^e)^(1/e) - 1, in units of the smallest axis
                    double s = Math.pow(Math.pow(Math.abs(u / a), expo) + Math.pow(Math.abs(v / b), expo) + Math.pow(Math.abs(w / c), expo),
                            1 / expo);
                    yield (s - 1) * Math.min(a, Math.min(b, c));
                }
            };
        };
    }

    /** A random rotation (row-major 3x3) from a random unit quaternion. */
    private static double[] rotation(Random r) {
        double qw = r.nextGaussian(), qx = r.nextGaussian(), qy = r.nextGaussian(), qz = r.nextGaussian();
        double l = Math.sqrt(qw * qw + qx * qx + qy * qy + qz * qz);
        qw /= l;
        qx /= l;
        qy /= l;
        qz /= l;
        return new double[] {1 - 2 * (qy * qy + qz * qz), 2 * (qx * qy - qz * qw), 2 * (qx * qz + qy * qw), 2 * (qx * qy + qz * qw),
                1 - 2 * (qx * qx + qz * qz), 2 * (qy * qz - qx * qw), 2 * (qx * qz - qy * qw), 2 * (qy * qz + qx * qw),
                1 - 2 * (qx * qx + qy * qy)};
    }

    /** Marching cubes of {@code f} over the unit cube on a {@code res^3} lattice. */
    static TriangleMesh polygonize(Implicit f, int res) {
        double sp = 1.0 / (res - 1);
        SampleGrid grid = new SampleGrid(res, res, res, 0, 0, 0, sp);
        float[] v = new float[res * res * res];
        for (int k = 0; k < res; k++) {
            for (int j = 0; j < res; j++) {
                for (int i = 0; i < res; i++) v[(k * res + j) * res + i] = (float) f.value(i * sp, j * sp, k * sp);
            }
        }
        TriangleMesh m = MarchingCubes.extract(v, grid, 0f);
        if (m.triangleCount() == 0) throw new IllegalStateException("empty shape");
        return m;
    }

    /** A case's loss for the features {@code f} (a very large one when the reconstruction fails). */
    static double loss(Case c, LearnedFeatures f) {
        TriangleMesh pred;
        try {
            pred = SurfaceReconstruction.reconstruct(c.input(), SurfaceReconstruction.Options.defaults().withThreads(1).withMeshSubdivision(2).withFeatures(f),
                    SurfaceReconstruction.Progress.none()).mesh();
        } catch (IllegalArgumentException e) {
            return 100;
        }
        if (pred.triangleCount() == 0) return 100;
        float[] ps = SurfaceSampler.sample(pred, c.truthSamples().length / 3, 99, 0).positions();
        float[] d1 = new float[ps.length / 3];
        c.truth().closestPoints(ps, d1, null, null);
        Bvh pb = Bvh.build(pred);
        int m = c.truthSamples().length / 3;
        float[] d2 = new float[m];
        int[] tri = new int[m];
        pb.closestPoints(c.truthSamples(), d2, null, tri);
        double s1 = 0, s2 = 0, nc = 0;
        for (float d : d1) s1 += d;
        for (float d : d2) s2 += d;
        float[] v = pred.vertices();
        int[] t = pred.triangles();
        float[] tn = c.truthNormals();
        for (int i = 0; i < m; i++) {
            if (tri[i] < 0) continue;
            int a = 3 * t[3 * tri[i]], b = 3 * t[3 * tri[i] + 1], e = 3 * t[3 * tri[i] + 2];
            double ux = v[b] - v[a], uy = v[b + 1] - v[a + 1], uz = v[b + 2] - v[a + 2];
            double wx = v[e] - v[a], wy = v[e + 1] - v[a + 1], wz = v[e + 2] - v[a + 2];
            double nx = uy * wz - uz * wy, ny = uz * wx - ux * wz, nz = ux * wy - uy * wx;
            double l = Math.sqrt(nx * nx + ny * ny + nz * nz);
            if (l > 0) nc += Math.abs(nx * tn[3 * i] + ny * tn[3 * i + 1] + nz * tn[3 * i + 2]) / l;
        }
        double d = 0.5 * (s1 / d1.length + s2 / m);
        return 1000 * d / c.diag() + 20 * (1 - nc / m);
    }

    /**
     * Nelder-Mead from the identity model (all features 1) with initial steps of 0.5 over at most
     * {@code evals} evaluations of the objective on {@code set}; deterministic.
     */
    static Outcome train(List<Case> set, int evals, long seed, boolean verbose) {
        double[] base = new double[set.size()];
        for (int i = 0; i < set.size(); i++) {
            base[i] = loss(set.get(i), LearnedFeatures.off());
            if (verbose) System.err.printf("%s: loss without features %.5f%n", set.get(i).name(), base[i]);
        }
        double clamp = 2;
        int[] count = {0};
        java.util.function.ToDoubleFunction<double[]> objective = x -> {
            LearnedFeatures f = LearnedFeatures.on(KernelFeatures.Model.fromVector(x, clamp));
            double s = 0;
            for (int i = 0; i < set.size(); i++) s += loss(set.get(i), f) / base[i];
            count[0]++;
            double o = s / set.size();
            if (verbose) System.err.printf("eval %d: %.5f %s%n", count[0], o, Arrays.toString(round(x)));
            return o;
        };
        double[] x0 = KernelFeatures.Model.identity().toVector();
        double[] best = nelderMead(objective, x0, 0.5, evals, new Random(seed));
        double fb = objective.applyAsDouble(best);
        return new Outcome(KernelFeatures.Model.fromVector(best, clamp), fb, count[0]);
    }

    private static double[] round(double[] x) {
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) r[i] = Math.round(x[i] * 1000) / 1000.0;
        return r;
    }

    /**
     * Minimises {@code f} by Nelder-Mead (reflection 1, expansion 2, contraction 0.5, shrink 0.5)
     * from a simplex of {@code x0} and {@code x0 + step e_i} (axes in an order drawn from
     * {@code random}), within {@code maxEvals} evaluations. Returns the best vertex (allocated).
     */
    static double[] nelderMead(java.util.function.ToDoubleFunction<double[]> f, double[] x0, double step, int maxEvals, Random random) {
        int n = x0.length;
        double[][] x = new double[n + 1][];
        double[] fx = new double[n + 1];
        int[] axes = new int[n];
        for (int i = 0; i < n; i++) axes[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = axes[i];
            axes[i] = axes[j];
            axes[j] = t;
        }
        x[0] = x0.clone();
        fx[0] = f.applyAsDouble(x[0]);
        int evals = 1;
        for (int i = 0; i < n && evals < maxEvals; i++) {
            x[i + 1] = x0.clone();
            x[i + 1][axes[i]] += step;
            fx[i + 1] = f.applyAsDouble(x[i + 1]);
            evals++;
        }
        if (evals < n + 1) return x[0];
        Integer[] ord = new Integer[n + 1];
        while (evals < maxEvals) {
            for (int i = 0; i <= n; i++) ord[i] = i;
            Arrays.sort(ord, (a, b) -> fx[a] != fx[b] ? Double.compare(fx[a], fx[b]) : Integer.compare(a, b));
            int hi = ord[n], lo = ord[0], second = ord[n - 1];
            double[] cen = new double[n];
            for (int i = 0; i <= n; i++) {
                if (i == hi) continue;
                for (int d = 0; d < n; d++) cen[d] += x[i][d] / n;
            }
            double[] xr = lerp(cen, x[hi], -1);
            double fr = f.applyAsDouble(xr);
            evals++;
            if (fr < fx[lo]) {
                double[] xe = lerp(cen, x[hi], -2);
                double fe = evals < maxEvals ? f.applyAsDouble(xe) : Double.POSITIVE_INFINITY;
                evals++;
                if (fe < fr) {
                    x[hi] = xe;
                    fx[hi] = fe;
                } else {
                    x[hi] = xr;
                    fx[hi] = fr;
                }
            } else if (fr < fx[second]) {
                x[hi] = xr;
                fx[hi] = fr;
            } else {
                boolean outside = fr < fx[hi];
                double[] xc = outside ? lerp(cen, xr, 0.5) : lerp(cen, x[hi], 0.5);
                if (evals >= maxEvals) break;
                double fc = f.applyAsDouble(xc);
                evals++;
                if (fc < (outside ? fr : fx[hi])) {
                    x[hi] = xc;
                    fx[hi] = fc;
                } else {
                    for (int i = 0; i <= n && evals < maxEvals; i++) {
                        if (i == lo) continue;
                        x[i] = lerp(x[lo], x[i], 0.5);
                        fx[i] = f.applyAsDouble(x[i]);
                        evals++;
                    }
                }
            }
        }
        int b = 0;
        for (int i = 1; i <= n; i++) if (fx[i] < fx[b]) b = i;
        return x[b].clone();
    }

    /** {@code a + t (b - a)}, allocated. */
    private static double[] lerp(double[] a, double[] b, double t) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[i] + t * (b[i] - a[i]);
        return r;
    }
}
