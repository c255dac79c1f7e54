package kernelfield.engine.geometry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import kernelfield.engine.data.TriangleMesh;

/** Meshes for the geometry tests, and a tiny OFF reader (tests only; the real one lives in io). */
final class TestMeshes {
    private TestMeshes() {
    }

    /** A unit icosphere (radius 1, centre 0) subdivided {@code level} times, outward triangles. */
    static TriangleMesh icosphere(int level) {
        double p = (1 + Math.sqrt(5)) / 2;
        List<double[]> v = new ArrayList<>();
        double[][] base = {{-1, p, 0}, {1, p, 0}, {-1, -p, 0}, {1, -p, 0}, {0, -1, p}, {0, 1, p}, {0, -1, -p}, {0, 1, -p},
                {p, 0, -1}, {p, 0, 1}, {-p, 0, -1}, {-p, 0, 1}};
        for (double[] b : base) v.add(normalize(b));
        int[][] f = {{0, 11, 5}, {0, 5, 1}, {0, 1, 7}, {0, 7, 10}, {0, 10, 11}, {1, 5, 9}, {5, 11, 4}, {11, 10, 2},
                {10, 7, 6}, {7, 1, 8}, {3, 9, 4}, {3, 4, 2}, {3, 2, 6}, {3, 6, 8}, {3, 8, 9}, {4, 9, 5}, {2, 4, 11},
                {6, 2, 10}, {8, 6, 7}, {9, 8, 1}};
        List<int[]> faces = new ArrayList<>(List.of(f));
        for (int l = 0; l < level; l++) {
            Map<Long, Integer> mid = new HashMap<>();
            List<int[]> next = new ArrayList<>();
            for (int[] t : faces) {
                int a = midpoint(v, mid, t[0], t[1]), b = midpoint(v, mid, t[1], t[2]), c = midpoint(v, mid, t[2], t[0]);
                next.add(new int[] {t[0], a, c});
                next.add(new int[] {t[1], b, a});
                next.add(new int[] {t[2], c, b});
                next.add(new int[] {a, b, c});
            }
            faces = next;
        }
        float[] vs = new float[3 * v.size()];
        for (int i = 0; i < v.size(); i++) for (int k = 0; k < 3; k++) vs[3 * i + k] = (float) v.get(i)[k];
        int[] ts = new int[3 * faces.size()];
        for (int i = 0; i < faces.size(); i++) {
            int[] t = faces.get(i);
            // orient outward
            double[] a = v.get(t[0]), b = v.get(t[1]), c = v.get(t[2]);
            double[] n = cross(sub(b, a), sub(c, a));
            boolean flip = n[0] * a[0] + n[1] * a[1] + n[2] * a[2] < 0;
            ts[3 * i] = t[0];
            ts[3 * i + 1] = flip ? t[2] : t[1];
            ts[3 * i + 2] = flip ? t[1] : t[2];
        }
        return new TriangleMesh(vs, ts);
    }

    private static int midpoint(List<double[]> v, Map<Long, Integer> mid, int a, int b) {
        long key = (long) Math.min(a, b) << 32 | Math.max(a, b);
        return mid.computeIfAbsent(key, k -> {
            double[] x = v.get(a), y = v.get(b);
            v.add(normalize(new double[] {x[0] + y[0], x[1] + y[1], x[2] + y[2]}));
            return v.size() - 1;
        });
    }

    static double[] normalize(double[] a) {
        double l = Math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
        return new double[] {a[0] / l, a[1] / l, a[2] / l};
    }

    static double[] sub(double[] a, double[] b) {
        return new double[] {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
    }

    static double[] cross(double[] a, double[] b) {
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }

    /** {@code n} random triangles in the unit cube, with sizes from tiny to large. */
    static TriangleMesh randomSoup(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[9 * n];
        int[] t = new int[3 * n];
        for (int i = 0; i < n; i++) {
            double s = Math.pow(10, -2 * r.nextDouble());
            double cx = r.nextDouble(), cy = r.nextDouble(), cz = r.nextDouble();
            for (int k = 0; k < 3; k++) {
                v[9 * i + 3 * k] = (float) (cx + s * (r.nextDouble() - 0.5));
                v[9 * i + 3 * k + 1] = (float) (cy + s * (r.nextDouble() - 0.5));
                v[9 * i + 3 * k + 2] = (float) (cz + s * (r.nextDouble() - 0.5));
                t[3 * i + k] = 3 * i + k;
            }
        }
        return new TriangleMesh(v, t);
    }

    /** The mesh without the triangles {@code drop}. */
    static TriangleMesh without(TriangleMesh m, int... drop) {
        java.util.Set<Integer> d = new java.util.HashSet<>();
        for (int x : drop) d.add(x);
        int[] t = m.triangles();
        int[] out = new int[t.length - 3 * d.size()];
        int o = 0;
        for (int i = 0; i < t.length / 3; i++) {
            if (d.contains(i)) continue;
            System.arraycopy(t, 3 * i, out, o, 3);
            o += 3;
        }
        return new TriangleMesh(m.vertices(), out);
    }

    private static final Map<Path, TriangleMesh> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

    /** {@link #readOff}, cached for the test run; callers must not modify the arrays. */
    static TriangleMesh cachedOff(Path file) throws IOException {
        TriangleMesh m = CACHE.get(file);
        if (m == null) {
            m = readOff(file);
            CACHE.put(file, m);
        }
        return m;
    }

    /** Minimal OFF reader for tests: fan-triangulates polygons. */
    static TriangleMesh readOff(Path file) throws IOException {
        String[] tok = Files.readString(file).replaceAll("#[^\n]*", " ").trim().split("\\s+");
        int p = 0;
        if (!tok[p++].equals("OFF")) throw new IOException(file + ": not OFF");
        int nv = Integer.parseInt(tok[p++]), nf = Integer.parseInt(tok[p++]);
        p++;
        float[] v = new float[3 * nv];
        for (int i = 0; i < 3 * nv; i++) v[i] = Float.parseFloat(tok[p++]);
        List<Integer> t = new ArrayList<>();
        for (int i = 0; i < nf; i++) {
            int k = Integer.parseInt(tok[p++]);
            int[] poly = new int[k];
            for (int j = 0; j < k; j++) poly[j] = Integer.parseInt(tok[p++]);
            for (int j = 1; j + 1 < k; j++) {
                t.add(poly[0]);
                t.add(poly[j]);
                t.add(poly[j + 1]);
            }
        }
        return new TriangleMesh(v, t.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Closest point on triangle by plane projection and edge fallback (independent of Bvh). Returns distance. */
    static double bruteDistance(float[] v, int[] t, int f, double[] q) {
        double[] a = vert(v, t[3 * f]), b = vert(v, t[3 * f + 1]), c = vert(v, t[3 * f + 2]);
        double[] n = cross(sub(b, a), sub(c, a));
        double nn = dot(n, n);
        double best = Double.POSITIVE_INFINITY;
        if (nn > 1e-30) {
            double s = dot(sub(q, a), n) / nn;
            double[] p = {q[0] - s * n[0], q[1] - s * n[1], q[2] - s * n[2]};
            // inside test: same side of all three edges
            double d0 = dot(cross(sub(b, a), sub(p, a)), n), d1 = dot(cross(sub(c, b), sub(p, b)), n),
                    d2 = dot(cross(sub(a, c), sub(p, c)), n);
            if (d0 >= 0 && d1 >= 0 && d2 >= 0) best = Math.abs(s) * Math.sqrt(nn);
        }
        best = Math.min(best, segment(q, a, b));
        best = Math.min(best, segment(q, b, c));
        best = Math.min(best, segment(q, c, a));
        return best;
    }

    private static double segment(double[] q, double[] a, double[] b) {
        double[] e = sub(b, a);
        double ee = dot(e, e);
        double t = ee > 0 ? Math.max(0, Math.min(1, dot(sub(q, a), e) / ee)) : 0;
        double[] p = {a[0] + t * e[0] - q[0], a[1] + t * e[1] - q[1], a[2] + t * e[2] - q[2]};
        return Math.sqrt(dot(p, p));
    }

    static double[] vert(float[] v, int i) {
        return new double[] {v[3 * i], v[3 * i + 1], v[3 * i + 2]};
    }

    /** Six times the signed volume (positive for outward counter-clockwise faces). */
    static double signedVolume6(TriangleMesh m) {
        float[] v = m.vertices();
        int[] t = m.triangles();
        double s = 0;
        for (int i = 0; i < t.length; i += 3) {
            int a = 3 * t[i], b = 3 * t[i + 1], c = 3 * t[i + 2];
            s += v[a] * ((double) v[b + 1] * v[c + 2] - (double) v[b + 2] * v[c + 1])
                    - v[a + 1] * ((double) v[b] * v[c + 2] - (double) v[b + 2] * v[c])
                    + v[a + 2] * ((double) v[b] * v[c + 1] - (double) v[b + 1] * v[c]);
        }
        return s;
    }

    /** A copy of the mesh moved by (dx, dy, dz). */
    static TriangleMesh translated(TriangleMesh m, float dx, float dy, float dz) {
        float[] v = m.vertices().clone();
        for (int i = 0; i < v.length; i += 3) {
            v[i] += dx;
            v[i + 1] += dy;
            v[i + 2] += dz;
        }
        return new TriangleMesh(v, m.triangles().clone());
    }

    /** Unit cube [0,1]^3, 12 outward triangles. */
    static TriangleMesh cube() {
        float[] v = {0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1};
        int[] t = {0, 2, 1, 0, 3, 2, 4, 5, 6, 4, 6, 7, 0, 1, 5, 0, 5, 4, 2, 3, 7, 2, 7, 6, 1, 2, 6, 1, 6, 5, 0, 4, 7, 0, 7, 3};
        return new TriangleMesh(v, t);
    }

    /** Writes an ASCII OFF file (for the Python peer). */
    static void writeOff(TriangleMesh m, Path file) throws IOException {
        StringBuilder sb = new StringBuilder("OFF\n");
        sb.append(m.vertexCount()).append(' ').append(m.triangleCount()).append(" 0\n");
        float[] v = m.vertices();
        for (int i = 0; i < v.length; i += 3) sb.append(v[i]).append(' ').append(v[i + 1]).append(' ').append(v[i + 2]).append('\n');
        int[] t = m.triangles();
        for (int i = 0; i < t.length; i += 3) sb.append("3 ").append(t[i]).append(' ').append(t[i + 1]).append(' ').append(t[i + 2]).append('\n');
        Files.writeString(file, sb);
    }
}
