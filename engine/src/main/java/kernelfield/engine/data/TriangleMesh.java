package kernelfield.engine.data;

import java.util.Objects;

/**
 * An indexed triangle mesh.
 *
 * <ul>
 *   <li>{@code vertices (V, 3)} float32;</li>
 *   <li>{@code triangles (F, 3)} int32 vertex indices, counter-clockwise seen from outside;</li>
 *   <li>{@code normals (V, 3)} per-vertex normals or null;</li>
 *   <li>{@code colors (V, 3)} per-vertex colours in 0..1, or null.</li>
 * </ul>
 *
 * Arrays are held, not copied. Polygons read from files are fan-triangulated by the readers.
 */
public final class TriangleMesh {
    private final float[] vertices;
    private final int[] triangles;
    private final float[] normals;
    private final float[] colors;

    public TriangleMesh(float[] vertices, int[] triangles, float[] normals, float[] colors) {
        Objects.requireNonNull(vertices, "vertices");
        Objects.requireNonNull(triangles, "triangles");
        if (vertices.length % 3 != 0) throw new IllegalArgumentException("vertices length not a multiple of 3");
        if (triangles.length % 3 != 0) throw new IllegalArgumentException("triangles length not a multiple of 3");
        int v = vertices.length / 3;
        if (normals != null && normals.length != 3 * v) throw new IllegalArgumentException("normals length " + normals.length + ", expected " + 3 * v);
        if (colors != null && colors.length != 3 * v) throw new IllegalArgumentException("colors length " + colors.length + ", expected " + 3 * v);
        for (int i = 0; i < triangles.length; i++) {
            if (triangles[i] < 0 || triangles[i] >= v) {
                throw new IllegalArgumentException("triangle " + i / 3 + " refers to vertex " + triangles[i] + " of " + v);
            }
        }
        this.vertices = vertices;
        this.triangles = triangles;
        this.normals = normals;
        this.colors = colors;
    }

    public TriangleMesh(float[] vertices, int[] triangles) {
        this(vertices, triangles, null, null);
    }

    public int vertexCount() {
        return vertices.length / 3;
    }

    public int triangleCount() {
        return triangles.length / 3;
    }

    /** Vertices {@code (V, 3)}, the array itself. */
    public float[] vertices() {
        return vertices;
    }

    /** Triangles {@code (F, 3)}, the array itself. */
    public int[] triangles() {
        return triangles;
    }

    public float[] normals() {
        return normals;
    }

    public float[] colors() {
        return colors;
    }

    public TriangleMesh withNormals(float[] n) {
        return new TriangleMesh(vertices, triangles, n, colors);
    }

    public TriangleMesh withColors(float[] c) {
        return new TriangleMesh(vertices, triangles, normals, c);
    }

    public Bounds bounds() {
        return Bounds.of(vertices);
    }

    /** Area-weighted vertex normals, unit length (zero for isolated vertices). Allocates {@code (V, 3)}. */
    public float[] computeVertexNormals() {
        double[] acc = new double[vertices.length];
        for (int t = 0; t < triangles.length; t += 3) {
            int a = 3 * triangles[t], b = 3 * triangles[t + 1], c = 3 * triangles[t + 2];
            double ux = vertices[b] - vertices[a], uy = vertices[b + 1] - vertices[a + 1], uz = vertices[b + 2] - vertices[a + 2];
            double vx = vertices[c] - vertices[a], vy = vertices[c + 1] - vertices[a + 1], vz = vertices[c + 2] - vertices[a + 2];
            double nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
            for (int k : new int[] {a, b, c}) {
                acc[k] += nx;
                acc[k + 1] += ny;
                acc[k + 2] += nz;
            }
        }
        float[] n = new float[vertices.length];
        for (int i = 0; i < n.length; i += 3) {
            double l = Math.sqrt(acc[i] * acc[i] + acc[i + 1] * acc[i + 1] + acc[i + 2] * acc[i + 2]);
            if (l > 0) {
                n[i] = (float) (acc[i] / l);
                n[i + 1] = (float) (acc[i + 1] / l);
                n[i + 2] = (float) (acc[i + 2] / l);
            }
        }
        return n;
    }

    /** Total surface area. */
    public double area() {
        double s = 0;
        for (int t = 0; t < triangles.length; t += 3) {
            s += triangleArea(t / 3);
        }
        return s;
    }

    /** Area of triangle {@code f}. */
    public double triangleArea(int f) {
        int a = 3 * triangles[3 * f], b = 3 * triangles[3 * f + 1], c = 3 * triangles[3 * f + 2];
        double ux = vertices[b] - vertices[a], uy = vertices[b + 1] - vertices[a + 1], uz = vertices[b + 2] - vertices[a + 2];
        double vx = vertices[c] - vertices[a], vy = vertices[c + 1] - vertices[a + 1], vz = vertices[c + 2] - vertices[a + 2];
        double nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
        return 0.5 * Math.sqrt(nx * nx + ny * ny + nz * nz);
    }

    @Override
    public String toString() {
        return "TriangleMesh[" + vertexCount() + " vertices, " + triangleCount() + " triangles"
                + (normals != null ? ", normals" : "") + (colors != null ? ", colors" : "") + "]";
    }
}
