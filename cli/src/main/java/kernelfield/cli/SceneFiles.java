package kernelfield.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

import kernelfield.fields.splat.SplatFormats;
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
        if (file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".splat")
                || (f == FileFormat.PLY && SplatFormats.isSplatPly(file))) {
            return new Content(null, null, SplatFormats.read(file));
        }
        if (f != null && f.holdsMeshes()) {
            TriangleMesh m = MeshIO.read(file);
            if (m.triangleCount() > 0) return new Content(m, null, null);
        }
        return new Content(null, PointCloudIO.read(file), null);
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
