package kernelfield.engine.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;

/**
 * PLY point clouds and meshes: the mapping between {@link PlyFile} and the engine's data types.
 *
 * <ul>
 *   <li>element {@code vertex}: {@code x y z} (required, finite) to positions; {@code nx ny nz} to
 *       normals; {@code red green blue} to colours in 0..1 (uchar / 255, ushort / 65535, float and
 *       double as they are); every other scalar property to a float attribute of that name;</li>
 *   <li>element {@code face}: the list {@code vertex_indices} (or {@code vertex_index}), polygons
 *       fan-triangulated.</li>
 * </ul>
 * Writing uses float32 {@code x y z}, {@code nx ny nz}, uchar {@code red green blue}, float32 attributes
 * in map order and {@code list uchar int vertex_indices}; a 3D Gaussian splatting file read as a point
 * cloud is written back with identical bytes.
 */
public final class PlyIO {
    private static final Set<String> COLOR_NAMES = Set.of("red", "green", "blue");
    private static final Set<String> XYZ = Set.of("x", "y", "z");
    private static final Set<String> NORMAL_NAMES = Set.of("nx", "ny", "nz");

    private PlyIO() {
    }

    /** Reads a PLY file's vertex element as a point cloud (faces, if any, are ignored). */
    public static PointCloud readPointCloud(Path file) throws IOException {
        return toPointCloud(file, PlyFile.read(file));
    }

    /** Reads a PLY mesh (a file without faces gives a mesh without triangles). */
    public static TriangleMesh readMesh(Path file) throws IOException {
        return toMesh(file, PlyFile.read(file));
    }

    /**
     * The vertex element of {@code ply} as a point cloud. Allocates the cloud's arrays.
     *
     * @param file named in error messages (may be null)
     * @throws KfFormatException when there is no vertex element or x y z, or a coordinate is NaN or infinite
     */
    public static PointCloud toPointCloud(Path file, PlyFile ply) throws KfFormatException {
        PlyElement v = ply.element("vertex");
        if (v == null) throw new KfFormatException(file, "no element 'vertex' in the PLY file, found " + names(ply));
        int n = v.count();
        float[] pos = interleave(file, v, "x", "y", "z", true);
        if (pos == null) throw new KfFormatException(file, "element vertex: properties x y z expected, found " + v.properties());
        for (int i = 0; i < pos.length; i++) {
            if (!Float.isFinite(pos[i])) {
                throw new KfFormatException(file, "element vertex " + i / 3 + ": coordinate " + "xyz".charAt(i % 3) + " is " + pos[i] + ", expected a finite number");
            }
        }
        float[] normals = interleave(file, v, "nx", "ny", "nz", false);
        float[] colors = colors(file, v);
        Map<String, float[]> attrs = new LinkedHashMap<>();
        for (PlyProperty p : v.properties()) {
            String nm = p.name();
            if (p.isList() || XYZ.contains(nm) || (normals != null && NORMAL_NAMES.contains(nm))
                    || (colors != null && COLOR_NAMES.contains(nm))) {
                continue;
            }
            attrs.put(p.name(), p.toFloats(n));
        }
        return new PointCloud(pos, normals, colors, attrs);
    }

    /** {@code ply} as a triangle mesh; see {@link #toPointCloud} for the vertices. Allocates the mesh. */
    public static TriangleMesh toMesh(Path file, PlyFile ply) throws KfFormatException {
        PointCloud pc = toPointCloud(file, ply);
        int nv = pc.size();
        PlyElement f = ply.element("face");
        int[] tris = new int[0];
        if (f != null && f.count() > 0) {
            PlyProperty idx = f.property("vertex_indices");
            if (idx == null) idx = f.property("vertex_index");
            if (idx == null) {
                for (PlyProperty p : f.properties()) {
                    if (p.isList()) {
                        idx = p;
                        break;
                    }
                }
            }
            if (idx == null || !idx.isList()) throw new KfFormatException(file, "element face: expected a list property vertex_indices, found " + f.properties());
            if (!idx.type().isInteger()) throw new KfFormatException(file, "element face: vertex_indices has type " + idx.type() + ", expected an integer type");
            long total = 0;
            for (int r = 0; r < f.count(); r++) {
                int k = idx.listSize(r);
                if (k < 3) throw new KfFormatException(file, "element face " + r + ": " + k + " vertex indices, expected at least 3");
                total += k - 2;
            }
            if (3 * total > Integer.MAX_VALUE - 16) throw new KfFormatException(file, "element face: too many triangles (" + total + ")");
            tris = new int[(int) (3 * total)];
            int t = 0;
            for (int r = 0; r < f.count(); r++) {
                int k = idx.listSize(r);
                for (int j = 0; j < k; j++) {
                    long vi = idx.getListLong(r, j);
                    if (vi < 0 || vi >= nv) {
                        throw new KfFormatException(file, "element face " + r + ": vertex index " + vi + " out of range 0.." + (nv - 1));
                    }
                }
                int a = (int) idx.getListLong(r, 0);
                for (int j = 1; j + 1 < k; j++) {
                    tris[t++] = a;
                    tris[t++] = (int) idx.getListLong(r, j);
                    tris[t++] = (int) idx.getListLong(r, j + 1);
                }
            }
        }
        return new TriangleMesh(pc.positions(), tris, pc.normals(), pc.colors());
    }

    private static String names(PlyFile ply) {
        StringBuilder b = new StringBuilder();
        for (PlyElement e : ply.elements()) b.append(b.isEmpty() ? "" : ", ").append(e.name());
        return b.isEmpty() ? "no elements" : b.toString();
    }

    /** Three scalar properties interleaved {@code (N, 3)}, or null when any is absent. */
    private static float[] interleave(Path file, PlyElement v, String a, String b, String c, boolean required) throws KfFormatException {
        PlyProperty[] ps = {v.property(a), v.property(b), v.property(c)};
        for (PlyProperty p : ps) {
            if (p == null) return null;
            if (p.isList()) throw new KfFormatException(file, "element vertex: property " + p.name() + " is a list, expected a scalar");
        }
        int n = v.count();
        float[] out = new float[3 * n];
        for (int k = 0; k < 3; k++) {
            PlyProperty p = ps[k];
            if (p.data() instanceof float[] f) {
                for (int i = 0; i < n; i++) out[3 * i + k] = f[i];
            } else {
                for (int i = 0; i < n; i++) out[3 * i + k] = (float) p.getDouble(i);
            }
        }
        return out;
    }

    private static float[] colors(Path file, PlyElement v) throws KfFormatException {
        float[] c = interleave(file, v, "red", "green", "blue", false);
        if (c == null) return null;
        PlyType t = v.property("red").type();
        float scale = switch (t) {
            case UCHAR -> 1f / 255;
            case USHORT -> 1f / 65535;
            case FLOAT, DOUBLE -> 1f;
            default -> 1f / (float) t.max();
        };
        if (scale != 1f) {
            for (int i = 0; i < c.length; i++) c[i] *= scale;
        }
        return c;
    }

    // --------------------------------------------------------------------------------- writing

    /** A PLY model of {@code pc} (vertex element only). Positions, normals and attributes are held, not copied. */
    public static PlyFile fromPointCloud(PointCloud pc, PlyEncoding enc) {
        PlyFile ply = new PlyFile(enc);
        ply.add(vertexElement(pc.positions(), pc.normals(), pc.colors(), pc.attributes()));
        return ply;
    }

    /** A PLY model of {@code mesh}: vertex and face elements (allocates the face lists). */
    public static PlyFile fromMesh(TriangleMesh mesh, PlyEncoding enc) {
        PlyFile ply = new PlyFile(enc);
        ply.add(vertexElement(mesh.vertices(), mesh.normals(), mesh.colors(), Map.of()));
        int f = mesh.triangleCount();
        int[] offsets = new int[f + 1];
        for (int i = 0; i <= f; i++) offsets[i] = 3 * i;
        PlyElement face = new PlyElement("face", f);
        face.add(PlyProperty.list("vertex_indices", PlyType.UCHAR, PlyType.INT, offsets, mesh.triangles().clone()));
        ply.add(face);
        return ply;
    }

    /** Writes {@code pc} atomically. */
    public static void write(Path file, PointCloud pc, PlyEncoding enc) throws IOException {
        fromPointCloud(pc, enc).write(file);
    }

    /** Writes {@code mesh} atomically. */
    public static void write(Path file, TriangleMesh mesh, PlyEncoding enc) throws IOException {
        fromMesh(mesh, enc).write(file);
    }

    private static PlyElement vertexElement(float[] pos, float[] normals, float[] colors, Map<String, float[]> attrs) {
        int n = pos.length / 3;
        PlyElement v = new PlyElement("vertex", n);
        split(v, pos, n, "x", "y", "z");
        if (normals != null) split(v, normals, n, "nx", "ny", "nz");
        if (colors != null) {
            String[] names = {"red", "green", "blue"};
            for (int k = 0; k < 3; k++) {
                byte[] b = new byte[n];
                for (int i = 0; i < n; i++) {
                    float c = colors[3 * i + k];
                    b[i] = (byte) Math.round(Math.clamp(c != c ? 0 : c, 0f, 1f) * 255f);
                }
                v.add(PlyProperty.scalar(names[k], PlyType.UCHAR, b));
            }
        }
        for (Map.Entry<String, float[]> e : attrs.entrySet()) {
            if (v.property(e.getKey()) == null) v.add(PlyProperty.ofFloats(e.getKey(), e.getValue()));
        }
        return v;
    }

    private static void split(PlyElement v, float[] xyz, int n, String a, String b, String c) {
        String[] names = {a, b, c};
        for (int k = 0; k < 3; k++) {
            float[] col = new float[n];
            for (int i = 0; i < n; i++) col[i] = xyz[3 * i + k];
            v.add(PlyProperty.ofFloats(names[k], col));
        }
    }
}
