package kernelfield.cli;

import java.io.IOException;
import java.nio.file.Path;

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
import kernelfield.render.MeshDrawable;
import kernelfield.render.Scene;

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

        /** The background unless one is given: white behind a mesh or points, black behind splats. Allocates it. */
        float[] defaultBackground() {
            return splats != null ? new float[3] : new float[] {1, 1, 1};
        }

        /**
         * Adds what the file held to {@code scene}: the mesh, the points (of {@code pointSize}
         * pixels) or the splats. Returns the mesh's drawable, or null when it held no mesh.
         */
        MeshDrawable addTo(Scene scene, float pointSize) {
            if (mesh != null) return scene.addMesh(mesh);
            if (points != null) {
                scene.addPoints(points).setPointSize(pointSize);
            } else {
                scene.addSplats(splats);
            }
            return null;
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
}
