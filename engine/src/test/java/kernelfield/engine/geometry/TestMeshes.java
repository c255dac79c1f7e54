package kernelfield.engine.geometry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import kernelfield.engine.data.TriangleMesh;

/** Test-only mesh helpers: a minimal OFF reader, simple shapes, signed volume. */
final class TestMeshes {
    private TestMeshes() {
    }

    /** Reads a triangle/polygon OFF file (fan-triangulated); enough for the shared test data. */
    static TriangleMesh readOff(Path file) throws IOException {
        Tokens tk = new Tokens(Files.readAllBytes(file));
        if (!tk.next().equals("OFF")) throw new IOException(file + ": not an OFF file");
        int nv = Integer.parseInt(tk.next()), nf = Integer.parseInt(tk.next());
        tk.next();
        float[] v = new float[3 * nv];
        for (int i = 0; i < 3 * nv; i++) v[i] = Float.parseFloat(tk.next());
        List<int[]> tris = new ArrayList<>();
        for (int f = 0; f < nf; f++) {
            int c = Integer.parseInt(tk.next());
            int[] poly = new int[c];
            for (int j = 0; j < c; j++) poly[j] = Integer.parseInt(tk.next());
            for (int j = 1; j + 1 < c; j++) tris.add(new int[] {poly[0], poly[j], poly[j + 1]});
        }
        int[] t = new int[3 * tris.size()];
        for (int i = 0; i < tris.size(); i++) System.arraycopy(tris.get(i), 0, t, 3 * i, 3);
        return new TriangleMesh(v, t);
    }

    /** Whitespace-separated tokens of an ASCII file, '#' comments skipped. */
    private static final class Tokens {
        private final byte[] b;
        private int p;

        Tokens(byte[] b) {
            this.b = b;
        }

        String next() throws IOException {
            while (p < b.length) {
                if (b[p] == '#') {
                    while (p < b.length && b[p] != '\n') p++;
                } else if (b[p] <= ' ') {
                    p++;
                } else {
                    break;
                }
            }
            if (p >= b.length) throw new IOException("unexpected end of file");
            int s = p;
            while (p < b.length && b[p] > ' ') p++;
            return new String(b, s, p - s, java.nio.charset.StandardCharsets.US_ASCII);
        }
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
