package kernelfield.engine.geometry;

import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;

/**
 * Area-uniform random points on the surface of a triangle mesh.
 *
 * <p>Faces are drawn by stratified sampling of the cumulative area: sample stratum {@code i} of
 * {@code n} takes the face at cumulative area {@code (i + r_i) / n * A} (binary search, {@code r_i}
 * uniform in [0, 1)), so each face gets its expected count {@code n * area_f / A} up to one sample
 * at each end; this lowers the variance of metrics computed on the samples. The area accumulates
 * over the faces in the Morton order of their centroids ({@link #spatialOrder}), so the strata are
 * spread evenly over the surface whatever order the triangles are stored in: the samples, and any
 * metric on them, are a function of the surface, and two meshes of one surface with their triangles
 * stored in different orders get the same samples. (Accumulating in storage order made the spatial
 * evenness of the samples, and so a sampled Chamfer distance, depend on the mesher's output order.) Then a point uniformly inside the face ({@code a = 1 - sqrt(r1)}, {@code b = sqrt(r1)(1 - r2)},
 * {@code c = sqrt(r1) r2}). Each sample carries the unit normal of its face (counter-clockwise
 * winding). Optional Gaussian noise of absolute standard deviation {@code sigma} is added to each
 * coordinate (the normals are left as they are).
 *
 * <p>The output order is a seeded random permutation of the strata, so any prefix of the samples
 * is itself spread over the whole surface. Deterministic: stratum {@code i} depends only on the
 * seed, {@code i}, {@code n} and the mesh (a counter-based generator), and the permutation only
 * on the seed and {@code n}, so the result is the same for any number of threads; two meshes with
 * the same triangles and areas sampled with the same seed get corresponding samples.
 */
public final class SurfaceSampler {
    /** The project's fixed default seed. */
    public static final long DEFAULT_SEED = 20240601L;

    private SurfaceSampler() {
    }

    /** {@code n} samples with the default seed and no noise. */
    public static PointCloud sample(TriangleMesh mesh, int n) {
        return sample(mesh, n, DEFAULT_SEED, 0.0, null);
    }

    /** {@code n} samples with the given seed and no noise. */
    public static PointCloud sample(TriangleMesh mesh, int n, long seed) {
        return sample(mesh, n, seed, 0.0, null);
    }

    /** {@code n} samples with the given seed and Gaussian noise of absolute standard deviation {@code sigma}. */
    public static PointCloud sample(TriangleMesh mesh, int n, long seed, double sigma) {
        return sample(mesh, n, seed, sigma, null);
    }

    /**
     * {@code n} area-uniform samples of {@code mesh}.
     *
     * @param sigma   standard deviation of the Gaussian noise added to each coordinate, absolute
     *                units; 0 for none
     * @param outFace {@code (n)} receives the face each sample was drawn from, or null
     * @return a new cloud with positions {@code (n, 3)} and face normals {@code (n, 3)}; allocates
     *         those and the cumulative areas {@code (F)}; the mesh is not modified
     * @throws IllegalArgumentException when {@code n > 0} and the mesh has no area, or sigma is negative
     */
    public static PointCloud sample(TriangleMesh mesh, int n, long seed, double sigma, int[] outFace) {
        if (n < 0) throw new IllegalArgumentException("sample count " + n + " < 0");
        if (!(sigma >= 0) || !Double.isFinite(sigma)) throw new IllegalArgumentException("noise sigma " + sigma + " is not a finite non-negative number");
        if (outFace != null && outFace.length < n) throw new IllegalArgumentException("outFace length " + outFace.length + " < " + n);
        float[] pos = new float[3 * n];
        float[] nrm = new float[3 * n];
        if (n == 0) return new PointCloud(pos, nrm);
        int f = mesh.triangleCount();
        float[] v = mesh.vertices();
        int[] t = mesh.triangles();
        // strata run along a space-filling curve, not the file's triangle order
        int[] faceAt = spatialOrder(mesh);
        double[] cum = new double[f];
        double total = 0;
        for (int i = 0; i < f; i++) {
            total += mesh.triangleArea(faceAt[i]);
            cum[i] = total;
        }
        if (!(total > 0) || !Double.isFinite(total)) {
            throw new IllegalArgumentException("mesh has no surface to sample (total area " + total + ", " + f + " triangles)");
        }
        final double area = total;
        // Output slot of each stratum: a seeded Fisher-Yates permutation.
        int[] slot = new int[n];
        for (int i = 0; i < n; i++) slot[i] = i;
        SplittableRandom shuffle = new SplittableRandom(KdTree.mix(seed ^ 0x5DEECE66DL));
        for (int i = n - 1; i > 0; i--) {
            int j = shuffle.nextInt(i + 1);
            int tmp = slot[i];
            slot[i] = slot[j];
            slot[j] = tmp;
        }
        KdTree.runBatch(ForkJoinPool.commonPool(), n, (from, to) -> {
            for (int i = from; i < to; i++) {
                long base = KdTree.mix(seed * 0x9E3779B97F4A7C15L + i);
                double u0 = (i + unit(base, 1)) / n, r1 = unit(base, 2), r2 = unit(base, 3);
                int face = faceAt[search(cum, Math.min(u0, 1.0) * area)];
                int s = slot[i];
                int a = 3 * t[3 * face], b = 3 * t[3 * face + 1], c = 3 * t[3 * face + 2];
                double sr = Math.sqrt(r1);
                double wa = 1 - sr, wb = sr * (1 - r2), wc = sr * r2;
                double x = wa * v[a] + wb * v[b] + wc * v[c];
                double y = wa * v[a + 1] + wb * v[b + 1] + wc * v[c + 1];
                double z = wa * v[a + 2] + wb * v[b + 2] + wc * v[c + 2];
                if (sigma > 0) {
                    double g0 = unit(base, 4), g1 = unit(base, 5), g2 = unit(base, 6), g3 = unit(base, 7);
                    double rad0 = Math.sqrt(-2 * Math.log(1 - g0)), rad1 = Math.sqrt(-2 * Math.log(1 - g2));
                    x += sigma * rad0 * Math.cos(2 * Math.PI * g1);
                    y += sigma * rad0 * Math.sin(2 * Math.PI * g1);
                    z += sigma * rad1 * Math.cos(2 * Math.PI * g3);
                }
                pos[3 * s] = (float) x;
                pos[3 * s + 1] = (float) y;
                pos[3 * s + 2] = (float) z;
                double ux = v[b] - v[a], uy = v[b + 1] - v[a + 1], uz = v[b + 2] - v[a + 2];
                double vx = v[c] - v[a], vy = v[c + 1] - v[a + 1], vz = v[c + 2] - v[a + 2];
                double nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
                double l = Math.sqrt(nx * nx + ny * ny + nz * nz);
                if (l > 0) {
                    nrm[3 * s] = (float) (nx / l);
                    nrm[3 * s + 1] = (float) (ny / l);
                    nrm[3 * s + 2] = (float) (nz / l);
                }
                if (outFace != null) outFace[s] = face;
            }
        });
        return new PointCloud(pos, nrm);
    }

    /**
     * The faces in the Morton order of their centroids (21 bits per axis over the mesh's bounds),
     * ties by centroid coordinates, then area, then index: a function of the geometry, not of the
     * order in which the triangles are stored. Allocates {@code O(F)}.
     */
    static int[] spatialOrder(TriangleMesh mesh) {
        int f = mesh.triangleCount();
        float[] v = mesh.vertices();
        int[] t = mesh.triangles();
        double[] c = new double[3 * f];
        double[] lo = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        double[] hi = {-Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
        for (int i = 0; i < f; i++) {
            for (int a = 0; a < 3; a++) {
                double m = ((double) v[3 * t[3 * i] + a] + v[3 * t[3 * i + 1] + a] + v[3 * t[3 * i + 2] + a]) / 3;
                c[3 * i + a] = m;
                lo[a] = Math.min(lo[a], m);
                hi[a] = Math.max(hi[a], m);
            }
        }
        long[] code = new long[f];
        int[] q = new int[3];
        for (int i = 0; i < f; i++) {
            for (int a = 0; a < 3; a++) {
                double span = hi[a] - lo[a];
                q[a] = span > 0 ? (int) Math.min(MORTON_CELLS - 1, (long) ((c[3 * i + a] - lo[a]) / span * MORTON_CELLS)) : 0;
            }
            code[i] = Morton.encode(q[0], q[1], q[2]);
        }
        Integer[] order = new Integer[f];
        for (int i = 0; i < f; i++) order[i] = i;
        java.util.Arrays.sort(order, (x, y) -> {
            int r = Long.compare(code[x], code[y]);
            for (int a = 0; a < 3 && r == 0; a++) r = Double.compare(c[3 * x + a], c[3 * y + a]);
            if (r == 0) r = Double.compare(mesh.triangleArea(x), mesh.triangleArea(y));
            return r != 0 ? r : Integer.compare(x, y);
        });
        int[] out = new int[f];
        for (int i = 0; i < f; i++) out[i] = order[i];
        return out;
    }

    private static final long MORTON_CELLS = 1L << 21;

    /** Uniform in [0, 1) from stream {@code base}, draw {@code j}. */
    private static double unit(long base, int j) {
        return (KdTree.mix(base + j * 0xD1B54A32D192ED03L) >>> 11) * 0x1.0p-53;
    }

    /** First face whose cumulative area exceeds {@code x} (clamped to the last face of positive area). */
    private static int search(double[] cum, double x) {
        int lo = 0, hi = cum.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cum[mid] > x) hi = mid;
            else lo = mid + 1;
        }
        // x can round to the total: step back over trailing zero-area faces.
        while (lo > 0 && cum[lo] == cum[lo - 1]) lo--;
        return lo;
    }
}
