package kernelfield.engine.geometry;

import java.util.Arrays;
import java.util.Objects;

import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.util.IntList;
import kernelfield.engine.geometry.internal.LongIntHashMap;

/**
 * Topology of triangle meshes: welding, clean-up, edge statistics, components, Euler
 * characteristic and volume. All methods are static, leave their input unchanged and are
 * deterministic. Edges are undirected vertex pairs; a triangle with a repeated vertex index
 * contributes its distinct edges only.
 */
public final class MeshTopology {
    private MeshTopology() {
    }

    /**
     * Edge and component statistics of a mesh.
     *
     * @param vertices vertices referenced by at least one triangle
     * @param edges distinct undirected edges
     * @param faces triangles
     * @param boundaryEdges edges used by exactly one triangle
     * @param nonManifoldEdges edges used by three or more triangles
     * @param inconsistentEdges edges used by exactly two triangles in the same direction (the two
     *     triangles disagree on orientation)
     * @param components connected components (triangles sharing a vertex are connected)
     */
    public record Report(int vertices, int edges, int faces, int boundaryEdges, int nonManifoldEdges,
            int inconsistentEdges, int components) {
        /** {@code V - E + F}. */
        public int eulerCharacteristic() {
            return vertices - edges + faces;
        }

        /** Every edge is used by one or two triangles. */
        public boolean isEdgeManifold() {
            return nonManifoldEdges == 0;
        }

        /** Closed (no boundary edge) and edge-manifold (every edge used by exactly two triangles). */
        public boolean isWatertight() {
            return boundaryEdges == 0 && nonManifoldEdges == 0 && faces > 0;
        }

        /** Neighbouring triangles agree on orientation across every two-triangle edge. */
        public boolean isConsistentlyOriented() {
            return inconsistentEdges == 0;
        }
    }

    /** Computes the {@link Report}. Allocates {@code O(F)} temporary arrays. */
    public static Report analyze(TriangleMesh mesh) {
        int[] t = mesh.triangles();
        int f = t.length / 3;
        long[] keys = new long[t.length];
        int n = 0;
        for (int i = 0; i < f; i++) {
            for (int k = 0; k < 3; k++) {
                int a = t[3 * i + k], b = t[3 * i + (k + 1) % 3];
                if (a == b) continue;
                int lo = Math.min(a, b), hi = Math.max(a, b);
                keys[n++] = (long) lo << 32 | (long) hi << 1 | (a < b ? 0 : 1);
            }
        }
        Arrays.sort(keys, 0, n);
        int edges = 0, boundary = 0, nonManifold = 0, inconsistent = 0;
        for (int i = 0; i < n;) {
            int j = i;
            int forward = 0;
            while (j < n && keys[j] >>> 1 == keys[i] >>> 1) {
                if ((keys[j] & 1) == 0) forward++;
                j++;
            }
            int uses = j - i;
            edges++;
            if (uses == 1) boundary++;
            else if (uses > 2) nonManifold++;
            else if (forward != 1) inconsistent++;
            i = j;
        }
        boolean[] used = new boolean[mesh.vertexCount()];
        int v = 0;
        for (int x : t) {
            if (!used[x]) {
                used[x] = true;
                v++;
            }
        }
        int components = 0;
        for (int label : componentLabels(mesh)) components = Math.max(components, label + 1);
        return new Report(v, edges, f, boundary, nonManifold, inconsistent, components);
    }

    /** Closed and edge-manifold: every edge is used by exactly two triangles (and there are triangles). */
    public static boolean isWatertight(TriangleMesh mesh) {
        return analyze(mesh).isWatertight();
    }

    /** No edge is used by more than two triangles. */
    public static boolean isEdgeManifold(TriangleMesh mesh) {
        return analyze(mesh).isEdgeManifold();
    }

    /** Number of edges used by exactly one triangle. */
    public static int boundaryEdgeCount(TriangleMesh mesh) {
        return analyze(mesh).boundaryEdges();
    }

    /** {@code V - E + F} over referenced vertices; 2 for a closed genus-0 surface, 0 for a torus. */
    public static int eulerCharacteristic(TriangleMesh mesh) {
        return analyze(mesh).eulerCharacteristic();
    }

    /**
     * Connected component of each triangle, {@code (F)}: labels 0, 1, ... in order of each
     * component's first triangle. Triangles sharing a vertex are connected. Allocates the result
     * and a {@code (V)} union-find array.
     */
    public static int[] componentLabels(TriangleMesh mesh) {
        int[] t = mesh.triangles();
        int[] parent = new int[mesh.vertexCount()];
        for (int i = 0; i < parent.length; i++) parent[i] = i;
        for (int i = 0; i < t.length; i += 3) {
            union(parent, t[i], t[i + 1]);
            union(parent, t[i], t[i + 2]);
        }
        int[] rootLabel = new int[parent.length];
        Arrays.fill(rootLabel, -1);
        int[] labels = new int[t.length / 3];
        int next = 0;
        for (int i = 0; i < labels.length; i++) {
            int r = find(parent, t[3 * i]);
            if (rootLabel[r] < 0) rootLabel[r] = next++;
            labels[i] = rootLabel[r];
        }
        return labels;
    }

    /** Number of connected components of the triangles. */
    public static int componentCount(TriangleMesh mesh) {
        int c = 0;
        for (int label : componentLabels(mesh)) c = Math.max(c, label + 1);
        return c;
    }

    private static int find(int[] p, int x) {
        while (p[x] != x) {
            p[x] = p[p[x]];
            x = p[x];
        }
        return x;
    }

    private static void union(int[] p, int a, int b) {
        int ra = find(p, a), rb = find(p, b);
        if (ra == rb) return;
        if (ra < rb) p[rb] = ra;
        else p[ra] = rb;
    }

    /**
     * Signed volume enclosed by the mesh, {@code sum det(a, b, c) / 6} (divergence theorem), in
     * double precision; positive for a closed mesh with outward (counter-clockwise) triangles.
     * Meaningful for closed meshes only.
     */
    public static double signedVolume(TriangleMesh mesh) {
        float[] v = mesh.vertices();
        int[] t = mesh.triangles();
        double s = 0;
        for (int i = 0; i < t.length; i += 3) {
            int a = 3 * t[i], b = 3 * t[i + 1], c = 3 * t[i + 2];
            double ax = v[a], ay = v[a + 1], az = v[a + 2];
            double bx = v[b], by = v[b + 1], bz = v[b + 2];
            double cx = v[c], cy = v[c + 1], cz = v[c + 2];
            s += ax * (by * cz - bz * cy) + ay * (bz * cx - bx * cz) + az * (bx * cy - by * cx);
        }
        return s / 6;
    }

    /**
     * Merges vertices closer than {@code tolerance} (exactly equal positions when 0): vertices are
     * visited in index order and each one joins the first earlier kept vertex within the tolerance
     * (a greedy, order-dependent clustering). Normals and colours of kept vertices are kept; unused
     * vertices are dropped. Triangles that become degenerate are kept (see
     * {@link #removeDegenerateFaces}). Allocates the new mesh.
     */
    public static TriangleMesh weldVertices(TriangleMesh mesh, double tolerance) {
        Objects.requireNonNull(mesh, "mesh");
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) throw new IllegalArgumentException("tolerance " + tolerance);
        float[] v = mesh.vertices();
        int nv = mesh.vertexCount();
        int[] rep = new int[nv];
        if (tolerance == 0) {
            LongIntHashMap firstOf = new LongIntHashMap(nv);
            // hash of the three coordinates; collisions resolved by chaining through 'chain'
            int[] chain = new int[nv];
            for (int i = 0; i < nv; i++) {
                long h = exactKey(v, i);
                int head = firstOf.get(h);
                int found = -1;
                for (int c = head; c >= 0; c = chain[c]) {
                    if (v[3 * c] == v[3 * i] && v[3 * c + 1] == v[3 * i + 1] && v[3 * c + 2] == v[3 * i + 2]) {
                        found = c;
                        break;
                    }
                }
                if (found >= 0) {
                    rep[i] = found;
                } else {
                    rep[i] = i;
                    chain[i] = head;
                    firstOf.put(h, i);
                }
            }
        } else {
            double cell = tolerance;
            double tol2 = tolerance * tolerance;
            LongIntHashMap head = new LongIntHashMap(nv);
            int[] chain = new int[nv];
            for (int i = 0; i < nv; i++) {
                double x = v[3 * i], y = v[3 * i + 1], z = v[3 * i + 2];
                long gx = (long) Math.floor(x / cell), gy = (long) Math.floor(y / cell), gz = (long) Math.floor(z / cell);
                int found = -1;
                search:
                for (long dz = -1; dz <= 1; dz++) {
                    for (long dy = -1; dy <= 1; dy++) {
                        for (long dx = -1; dx <= 1; dx++) {
                            for (int c = head.get(cellKey(gx + dx, gy + dy, gz + dz)); c >= 0; c = chain[c]) {
                                double ex = v[3 * c] - x, ey = v[3 * c + 1] - y, ez = v[3 * c + 2] - z;
                                if (ex * ex + ey * ey + ez * ez <= tol2 && (found < 0 || c < found)) found = c;
                            }
                        }
                    }
                }
                if (found >= 0) {
                    rep[i] = found;
                } else {
                    rep[i] = i;
                    long key = cellKey(gx, gy, gz);
                    chain[i] = head.get(key);
                    head.put(key, i);
                }
            }
        }
        int[] t = mesh.triangles();
        boolean[] used = new boolean[nv];
        for (int x : t) used[rep[x]] = true;
        int[] newIndex = new int[nv];
        int m = 0;
        for (int i = 0; i < nv; i++) newIndex[i] = used[i] ? m++ : -1;
        float[] nvts = new float[3 * m];
        float[] nn = mesh.normals() == null ? null : new float[3 * m];
        float[] nc = mesh.colors() == null ? null : new float[3 * m];
        for (int i = 0; i < nv; i++) {
            int j = newIndex[i];
            if (j < 0) continue;
            System.arraycopy(v, 3 * i, nvts, 3 * j, 3);
            if (nn != null) System.arraycopy(mesh.normals(), 3 * i, nn, 3 * j, 3);
            if (nc != null) System.arraycopy(mesh.colors(), 3 * i, nc, 3 * j, 3);
        }
        int[] nt = new int[t.length];
        for (int i = 0; i < t.length; i++) nt[i] = newIndex[rep[t[i]]];
        return new TriangleMesh(nvts, nt, nn, nc);
    }

    private static long exactKey(float[] v, int i) {
        long h = Float.floatToIntBits(v[3 * i] + 0.0f);
        h = h * 0x9E3779B97F4A7C15L + Float.floatToIntBits(v[3 * i + 1] + 0.0f);
        h = h * 0x9E3779B97F4A7C15L + Float.floatToIntBits(v[3 * i + 2] + 0.0f);
        return h;
    }

    private static long cellKey(long x, long y, long z) {
        return (x * 73856093L) ^ (y * 19349663L) ^ (z * 83492791L) ^ (x << 42) ^ (y << 21) ^ z;
    }

    /**
     * Removes triangles with a repeated vertex index or an area at most {@code minArea} (use 0 to
     * remove exactly-zero-area triangles only). Vertices are kept as they are. Allocates the new
     * mesh (vertex arrays shared with the input).
     */
    public static TriangleMesh removeDegenerateFaces(TriangleMesh mesh, double minArea) {
        int[] t = mesh.triangles();
        IntList kept = new IntList(t.length);
        for (int i = 0; i < t.length / 3; i++) {
            int a = t[3 * i], b = t[3 * i + 1], c = t[3 * i + 2];
            if (a == b || b == c || a == c) continue;
            if (mesh.triangleArea(i) <= minArea) continue;
            kept.add3(a, b, c);
        }
        return new TriangleMesh(mesh.vertices(), kept.toArray(), mesh.normals(), mesh.colors());
    }
}
