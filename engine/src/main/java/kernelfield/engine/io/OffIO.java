package kernelfield.engine.io;

import java.io.IOException;
import java.nio.file.Path;

import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.io.internal.IntList;
import kernelfield.engine.io.internal.MappedFile;
import kernelfield.engine.io.internal.TextOut;
import kernelfield.engine.io.internal.TextScanner;

/**
 * Object File Format (OFF) meshes, text form.
 *
 * <p>Header keyword {@code [ST][C][N]OFF}, then {@code V F E}; vertex lines
 * {@code x y z [nx ny nz] [r g b [a]] [s t]} (colours as 0..1 floats, or 0..255 when any component
 * exceeds 1); face lines {@code n i0 .. i(n-1) [colour]}, polygons fan-triangulated, face colours
 * ignored. {@code #} starts a comment. 4D and binary OFF are rejected.
 */
public final class OffIO {
    private OffIO() {
    }

    /** The parsed header keyword flags and counts. */
    record Header(boolean st, boolean color, boolean normal, long vertices, long faces) {
    }

    /** Reads an OFF mesh. Allocates the mesh arrays. */
    public static TriangleMesh readMesh(Path file) throws IOException {
        try (MappedFile mf = MappedFile.open(file)) {
            return parse(file, mf, true);
        }
    }

    /** Reads an OFF file's vertices (and normals/colours) as a point cloud; faces are checked but not kept. */
    public static PointCloud readPointCloud(Path file) throws IOException {
        TriangleMesh m = readMesh(file);
        return new PointCloud(m.vertices(), m.normals(), m.colors(), null);
    }

    /** The header only: {@code [vertexCount, faceCount]} (for summaries). */
    public static long[] readCounts(Path file) throws IOException {
        try (MappedFile mf = MappedFile.open(file)) {
            TextScanner sc = new TextScanner(file, mf.segment(), 0, mf.size(), 1).hashComments(true);
            Header h = header(file, sc, mf.size());
            return new long[] {h.vertices, h.faces};
        }
    }

    private static Header header(Path file, TextScanner sc, long size) throws KfFormatException {
        if (!sc.skipBlank()) throw new KfFormatException(file, "empty file, expected an OFF header");
        sc.tokenInLine();
        String kw = sc.tokenString();
        String k = kw;
        boolean st = false, c = false, n = false;
        if (k.startsWith("ST")) {
            st = true;
            k = k.substring(2);
        }
        if (k.startsWith("C")) {
            c = true;
            k = k.substring(1);
        }
        if (k.startsWith("N")) {
            n = true;
            k = k.substring(1);
        }
        if (k.startsWith("4") || k.startsWith("n")) throw sc.error("'" + kw + "': 4D and n-dimensional OFF are not supported");
        if (!k.equals("OFF")) throw sc.error("not an OFF file: expected a header keyword like OFF, COFF or NOFF, got '" + kw + "'");
        long max = Integer.MAX_VALUE / 3;
        long nv;
        if (sc.tokenInLine()) {
            if (sc.tokenIs("BINARY")) throw sc.error("binary OFF is not supported");
            nv = sc.tokenLong(0, max);
        } else {
            nv = sc.nextLong("the vertex count", 0, max);
        }
        long nf = sc.nextLong("the face count", 0, max);
        if (sc.tokenInLine()) sc.tokenLong(0, Long.MAX_VALUE / 4); // edge count, unused
        sc.nextLine();
        long remain = size - sc.position();
        if (6 * nv + 8 * nf > remain + 1) {
            throw sc.error("header claims " + nv + " vertices and " + nf + " faces, which need at least " + (6 * nv + 8 * nf)
                    + " bytes, but only " + remain + " remain (truncated file or wrong counts)");
        }
        return new Header(st, c, n, nv, nf);
    }

    private static TriangleMesh parse(Path file, MappedFile mf, boolean keepFaces) throws KfFormatException {
        TextScanner sc = new TextScanner(file, mf.segment(), 0, mf.size(), 1).hashComments(true);
        Header h = header(file, sc, mf.size());
        int nv = (int) h.vertices, nf = (int) h.faces;
        float[] v = new float[3 * nv];
        float[] normals = h.normal ? new float[3 * nv] : null;
        float[] colors = h.color ? new float[3 * nv] : null;
        double[] vals = new double[16];
        int need = 3 + (h.normal ? 3 : 0);
        sc.context("vertex ");
        for (int i = 0; i < nv; i++) {
            sc.row(i);
            if (!sc.skipBlank()) throw sc.error("unexpected end of file, expected " + nv + " vertices");
            int k = 0;
            while (sc.tokenInLine()) {
                if (k == vals.length) throw sc.error("more than " + vals.length + " numbers on a vertex line");
                vals[k++] = sc.tokenDouble();
            }
            if (k < need) throw sc.error("expected " + (h.normal ? "x y z nx ny nz" : "x y z") + ", got " + k + " numbers");
            for (int j = 0; j < 3; j++) {
                float x = (float) vals[j];
                if (!Float.isFinite(x)) throw sc.error("coordinate " + "xyz".charAt(j) + " is " + vals[j] + ", expected a finite number");
                v[3 * i + j] = x;
            }
            if (normals != null) {
                for (int j = 0; j < 3; j++) normals[3 * i + j] = (float) vals[3 + j];
            }
            if (colors != null && k - need - (h.st ? 2 : 0) >= 3) {
                double r = vals[need], g = vals[need + 1], b = vals[need + 2];
                double scale = (r > 1 || g > 1 || b > 1) ? 1.0 / 255 : 1.0;
                colors[3 * i] = (float) (r * scale);
                colors[3 * i + 1] = (float) (g * scale);
                colors[3 * i + 2] = (float) (b * scale);
            }
            sc.nextLine();
        }
        IntList tris = new IntList(keepFaces ? (int) Math.min(3L * nf, Integer.MAX_VALUE - 16) : 16);
        sc.context("face ");
        for (int f = 0; f < nf; f++) {
            sc.row(f);
            long k = sc.nextLong("the vertex count of a face", 0, Integer.MAX_VALUE);
            if (k < 3) throw sc.error("face with " + k + " vertices, expected at least 3");
            if (k > (sc.end() - sc.position() + 1) / 2) throw sc.error("face with " + k + " vertices runs past the end of the file");
            int first = -1, prev = -1;
            for (int j = 0; j < k; j++) {
                int idx = (int) sc.nextLong("a vertex index", Integer.MIN_VALUE, Integer.MAX_VALUE);
                if (idx < 0 || idx >= nv) throw sc.error("vertex index " + idx + " out of range 0.." + (nv - 1));
                if (j == 0) {
                    first = idx;
                } else if (j >= 2 && keepFaces) {
                    tris.add(first);
                    tris.add(prev);
                    tris.add(idx);
                }
                prev = idx;
            }
            sc.nextLine(); // face colour, if any
        }
        sc.context("");
        if (!sc.atEnd()) throw sc.error("unexpected data after the last face (the header counts disagree with the data)");
        return new TriangleMesh(v, tris.toArray(), normals, colors);
    }

    /** Writes {@code mesh} atomically as [C][N]OFF (colours as 0..1 floats with alpha 1). */
    public static void write(Path file, TriangleMesh mesh) throws IOException {
        write(file, mesh.vertices(), mesh.normals(), mesh.colors(), mesh.triangles());
    }

    /** Writes {@code pc} atomically as an OFF without faces. */
    public static void write(Path file, PointCloud pc) throws IOException {
        write(file, pc.positions(), pc.normals(), pc.colors(), new int[0]);
    }

    private static void write(Path file, float[] v, float[] n, float[] c, int[] tris) throws IOException {
        AtomicFiles.write(file, os -> {
            TextOut t = new TextOut(os);
            t.s((c != null ? "C" : "") + (n != null ? "N" : "") + "OFF\n");
            t.i(v.length / 3).c(' ').i(tris.length / 3).s(" 0\n");
            for (int i = 0; i < v.length; i += 3) {
                t.f(v[i]).c(' ').f(v[i + 1]).c(' ').f(v[i + 2]);
                if (n != null) t.c(' ').f(n[i]).c(' ').f(n[i + 1]).c(' ').f(n[i + 2]);
                if (c != null) t.c(' ').f(c[i]).c(' ').f(c[i + 1]).c(' ').f(c[i + 2]).s(" 1");
                t.c('\n');
            }
            for (int i = 0; i < tris.length; i += 3) {
                t.s("3 ").i(tris[i]).c(' ').i(tris[i + 1]).c(' ').i(tris[i + 2]).c('\n');
            }
            t.flush();
        });
    }
}
