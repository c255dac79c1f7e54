package kernelfield.engine.io;

import java.io.IOException;
import java.nio.file.Path;

import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.io.internal.FloatList;
import kernelfield.engine.io.internal.IntList;
import kernelfield.engine.io.internal.MappedFile;
import kernelfield.engine.io.internal.TextOut;
import kernelfield.engine.io.internal.TextScanner;

/**
 * Wavefront OBJ meshes (geometry only).
 *
 * <p>Reading: {@code v x y z [w]} and {@code v x y z r g b} (colours in 0..1, kept when every vertex
 * has one); {@code vn} kept as per-vertex normals when the faces give every vertex one (or, without
 * face normals, when there are as many {@code vn} as {@code v}); {@code vt} checked and ignored;
 * {@code f} with {@code v}, {@code v/vt}, {@code v//vn}, {@code v/vt/vn} references, 1-based or
 * negative (relative), polygons fan-triangulated. Other statements ({@code o g s usemtl mtllib l p})
 * are ignored. A face may only refer to vertices defined before it.
 */
public final class ObjIO {
    private ObjIO() {
    }

    /** Reads an OBJ file as a mesh. Allocates the mesh arrays. */
    public static TriangleMesh readMesh(Path file) throws IOException {
        try (MappedFile mf = MappedFile.open(file)) {
            return parse(file, new TextScanner(file, mf.segment(), 0, mf.size(), 1).hashComments(true), mf.size());
        }
    }

    /** Reads an OBJ file's vertices (with normals and colours where present) as a point cloud. */
    public static PointCloud readPointCloud(Path file) throws IOException {
        TriangleMesh m = readMesh(file);
        return new PointCloud(m.vertices(), m.normals(), m.colors(), null);
    }

    private static TriangleMesh parse(Path file, TextScanner sc, long size) throws KfFormatException {
        int guess = (int) Math.min(size / 8, 1 << 24);
        FloatList v = new FloatList(guess);
        FloatList col = new FloatList(16);
        FloatList vn = new FloatList(16);
        int vt = 0;
        IntList tris = new IntList(guess);
        IntList normalRefs = new IntList(16); // pairs (vertex, normal)
        IntList poly = new IntList(16);
        IntList polyN = new IntList(16);
        boolean faceNormals = false;
        int colored = 0;
        double[] vals = new double[8];
        while (sc.skipBlank()) {
            sc.tokenInLine();
            if (sc.tokenIs("v")) {
                int k = 0;
                while (sc.tokenInLine()) {
                    if (k == 7) throw sc.error("too many numbers after 'v', expected x y z [w] or x y z r g b");
                    vals[k++] = sc.tokenDouble();
                }
                if (k != 3 && k != 4 && k != 6 && k != 7) throw sc.error("expected x y z [w] or x y z r g b after 'v', got " + k + " numbers");
                for (int j = 0; j < 3; j++) {
                    float x = (float) vals[j];
                    if (!Float.isFinite(x)) throw sc.error("vertex " + v.size() / 3 + ": coordinate " + "xyz".charAt(j) + " is " + vals[j] + ", expected a finite number");
                    v.add(x);
                }
                if (k >= 6) {
                    for (int j = k - 3; j < k; j++) col.add((float) vals[j]);
                    colored++;
                }
            } else if (sc.tokenIs("vn")) {
                for (int j = 0; j < 3; j++) {
                    sc.tokenInLine("3 normal components");
                    vn.add(sc.tokenFloat());
                }
                if (sc.moreInLine()) throw sc.error("expected 3 numbers after 'vn'");
            } else if (sc.tokenIs("vt")) {
                int k = 0;
                while (sc.tokenInLine()) {
                    sc.tokenDouble();
                    if (++k > 3) throw sc.error("expected 1 to 3 numbers after 'vt'");
                }
                if (k == 0) throw sc.error("expected 1 to 3 numbers after 'vt'");
                vt++;
            } else if (sc.tokenIs("f")) {
                poly.clear();
                polyN.clear();
                int nv = v.size() / 3, nn = vn.size() / 3;
                while (sc.tokenInLine()) {
                    long s = sc.tokenStart(), e = sc.tokenEnd();
                    long s1 = s;
                    while (s1 < e && sc.byteAt(s1) != '/') s1++;
                    int vi = ref(sc, s, s1, nv, "vertex");
                    int ni = -1;
                    if (s1 < e) {
                        long s2 = s1 + 1;
                        while (s2 < e && sc.byteAt(s2) != '/') s2++;
                        if (s2 > s1 + 1) ref(sc, s1 + 1, s2, vt, "texture coordinate");
                        if (s2 < e) ni = ref(sc, s2 + 1, e, nn, "normal");
                    }
                    poly.add(vi);
                    polyN.add(ni);
                }
                if (poly.size() < 3) throw sc.error("face with " + poly.size() + " vertices, expected at least 3");
                for (int j = 0; j < poly.size(); j++) {
                    if (polyN.get(j) >= 0) {
                        faceNormals = true;
                        normalRefs.add(poly.get(j));
                        normalRefs.add(polyN.get(j));
                    }
                }
                for (int j = 1; j + 1 < poly.size(); j++) {
                    tris.add(poly.get(0));
                    tris.add(poly.get(j));
                    tris.add(poly.get(j + 1));
                }
            }
            sc.nextLine();
        }
        float[] verts = v.toArray();
        int nv = verts.length / 3;
        float[] normals = null;
        if (faceNormals) {
            normals = new float[verts.length];
            boolean[] has = new boolean[nv];
            for (int j = 0; j < normalRefs.size(); j += 2) {
                int a = normalRefs.get(j), b = normalRefs.get(j + 1);
                normals[3 * a] = vn.get(3 * b);
                normals[3 * a + 1] = vn.get(3 * b + 1);
                normals[3 * a + 2] = vn.get(3 * b + 2);
                has[a] = true;
            }
            for (boolean h : has) {
                if (!h) {
                    normals = null;
                    break;
                }
            }
        } else if (vn.size() == verts.length && nv > 0) {
            normals = vn.toArray();
        }
        float[] colors = colored == nv && nv > 0 ? col.toArray() : null;
        return new TriangleMesh(verts, tris.toArray(), normals, colors);
    }

    /** An OBJ reference in bytes [s, e): 1-based, or negative counting back from the last defined. */
    private static int ref(TextScanner sc, long s, long e, int defined, String what) throws KfFormatException {
        if (s == e) throw sc.error("empty " + what + " index in face");
        long i = sc.parseLong(s, e, Integer.MIN_VALUE, Integer.MAX_VALUE);
        if (i == 0) throw sc.error(what + " index 0 is invalid (OBJ indices start at 1)");
        long r = i > 0 ? i - 1 : defined + i;
        if (r < 0 || r >= defined) throw sc.error(what + " index " + i + " out of range (" + defined + " defined so far)");
        return (int) r;
    }

    /** Writes {@code mesh} atomically: {@code v} (with colours), {@code vn}, and {@code f} lines. */
    public static void write(Path file, TriangleMesh mesh) throws IOException {
        write(file, mesh.vertices(), mesh.normals(), mesh.colors(), mesh.triangles());
    }

    /** Writes {@code pc} atomically as an OBJ with vertices only (normals as {@code vn}). */
    public static void write(Path file, PointCloud pc) throws IOException {
        write(file, pc.positions(), pc.normals(), pc.colors(), new int[0]);
    }

    private static void write(Path file, float[] v, float[] n, float[] c, int[] tris) throws IOException {
        AtomicFiles.write(file, os -> {
            TextOut t = new TextOut(os);
            t.s("# Kernelfield OBJ\n");
            for (int i = 0; i < v.length; i += 3) {
                t.s("v ").f(v[i]).c(' ').f(v[i + 1]).c(' ').f(v[i + 2]);
                if (c != null) t.c(' ').f(c[i]).c(' ').f(c[i + 1]).c(' ').f(c[i + 2]);
                t.c('\n');
            }
            if (n != null) {
                for (int i = 0; i < n.length; i += 3) t.s("vn ").f(n[i]).c(' ').f(n[i + 1]).c(' ').f(n[i + 2]).c('\n');
            }
            for (int i = 0; i < tris.length; i += 3) {
                t.s("f");
                for (int j = 0; j < 3; j++) {
                    int k = tris[i + j] + 1;
                    t.c(' ').i(k);
                    if (n != null) t.s("//").i(k);
                }
                t.c('\n');
            }
            t.flush();
        });
    }
}
