package kernelfield.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.io.FileFormat;
import kernelfield.engine.io.KfFormatException;
import kernelfield.engine.io.MeshIO;
import kernelfield.engine.io.PlyElement;
import kernelfield.engine.io.PlyFile;
import kernelfield.engine.io.PlyProperty;
import kernelfield.engine.io.PointCloudIO;
import kernelfield.fields.splat.GaussianSet;

/**
 * Loads what {@code kf render} and {@code kf view} show: a 3DGS splat PLY (recognised by its
 * vertex properties {@code f_dc_0, opacity, scale_0, rot_0}), a mesh (a mesh format with faces) or
 * a point cloud (anything else that the point-cloud readers take).
 */
final class SceneFiles {
    private SceneFiles() {
    }

    /** What a file held: exactly one of the three is non-null. */
    record Content(TriangleMesh mesh, PointCloud points, GaussianSet splats) {
        String describe() {
            if (mesh != null) return mesh.vertexCount() + " vertices, " + mesh.triangleCount() + " triangles";
            if (points != null) return points.size() + " points";
            return splats.size() + " splats, SH degree " + splats.activeShDegree();
        }
    }

    static Content load(Path file) throws IOException {
        FileFormat f = FileFormat.of(file);
        if (f == FileFormat.PLY && isSplatPly(file)) return new Content(null, null, readSplats(file));
        if (f != null && f.holdsMeshes()) {
            TriangleMesh m = MeshIO.read(file);
            if (m.triangleCount() > 0) return new Content(m, null, null);
        }
        return new Content(null, PointCloudIO.read(file), null);
    }

    /** Whether the PLY's vertex element has the 3DGS properties. Reads the header only. */
    static boolean isSplatPly(Path file) throws IOException {
        PlyElement v = PlyFile.readHeader(file).element("vertex");
        return v != null && v.property("f_dc_0") != null && v.property("opacity") != null
                && v.property("scale_0") != null && v.property("rot_0") != null;
    }

    /**
     * A 3DGS PLY as a {@link GaussianSet}: pre-activation values as stored; {@code f_rest} is
     * channel-major in the file ({@code f_rest_{c K + k}}, K = 0, 3, 8 or 15 per channel) and
     * transposed to the set's coefficient-major layout; the SH degree follows from K.
     */
    static GaussianSet readSplats(Path file) throws IOException {
        PlyElement v = PlyFile.read(file).element("vertex");
        int n = v.count();
        float[] m = new float[3 * n], s = new float[3 * n], q = new float[4 * n], dc = new float[3 * n];
        String[] xyz = {"x", "y", "z"};
        for (int k = 0; k < 3; k++) {
            interleave(file, v, xyz[k], m, 3, k);
            interleave(file, v, "scale_" + k, s, 3, k);
            interleave(file, v, "f_dc_" + k, dc, 3, k);
        }
        for (int k = 0; k < 4; k++) interleave(file, v, "rot_" + k, q, 4, k);
        float[] o = column(file, v, "opacity");
        int rest = 0;
        while (v.property("f_rest_" + rest) != null) rest++;
        int perChannel = rest / 3;
        int degree = switch (perChannel) {
            case 0 -> 0;
            case 3 -> 1;
            case 8 -> 2;
            case 15 -> 3;
            default -> throw new KfFormatException(file, "element vertex: " + rest
                    + " f_rest properties, expected 0, 9, 24 or 45");
        };
        if (rest != 3 * perChannel) throw new KfFormatException(file, "element vertex: " + rest + " f_rest properties");
        float[] r = new float[GaussianSet.REST_COLS * n];
        for (int c = 0; c < 3; c++) {
            for (int k = 0; k < perChannel; k++) {
                float[] col = column(file, v, "f_rest_" + (c * perChannel + k));
                for (int i = 0; i < n; i++) r[GaussianSet.REST_COLS * i + 3 * k + c] = col[i];
            }
        }
        GaussianSet g = GaussianSet.of(m, s, q, o, dc, r, null);
        g.setActiveShDegree(degree);
        return g;
    }

    private static float[] column(Path file, PlyElement v, String name) throws KfFormatException {
        PlyProperty p = v.property(name);
        if (p == null || p.isList()) throw new KfFormatException(file, "element vertex: no scalar property " + name);
        return p.toFloats(v.count());
    }

    private static void interleave(Path file, PlyElement v, String name, float[] out, int stride, int k)
            throws KfFormatException {
        float[] c = column(file, v, name);
        for (int i = 0; i < c.length; i++) out[stride * i + k] = c[i];
    }

    /** {@code WxH} as {@code (2)}. */
    static int[] size(String text) {
        String[] p = text.toLowerCase(Locale.ROOT).split("x");
        try {
            if (p.length != 2) throw new NumberFormatException();
            int w = Integer.parseInt(p[0].trim()), h = Integer.parseInt(p[1].trim());
            if (w <= 0 || h <= 0 || w > 16384 || h > 16384) throw new NumberFormatException();
            return new int[] {w, h};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--size: expected WxH with 1..16384 pixels per side, got '" + text + "'");
        }
    }

    /** {@code r,g,b} in 0..1 as {@code (3)}. */
    static float[] color(String text, String option) {
        String[] p = text.split(",");
        try {
            if (p.length != 3) throw new NumberFormatException();
            float[] c = new float[3];
            for (int i = 0; i < 3; i++) {
                c[i] = Float.parseFloat(p[i].trim());
                if (!(c[i] >= 0 && c[i] <= 1)) throw new NumberFormatException();
            }
            return c;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": expected R,G,B in 0..1, got '" + text + "'");
        }
    }
}
