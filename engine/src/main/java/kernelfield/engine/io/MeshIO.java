package kernelfield.engine.io;

import java.io.IOException;
import java.nio.file.Path;

import kernelfield.engine.data.TriangleMesh;

/** Reads and writes triangle meshes by file extension: {@code .ply .obj .off}. */
public final class MeshIO {
    private MeshIO() {
    }

    /**
     * Reads a mesh; polygons are fan-triangulated. Allocates the mesh arrays.
     *
     * @throws KfFormatException for an unknown extension or a malformed file
     */
    public static TriangleMesh read(Path file) throws IOException {
        return switch (FileFormat.require(file, true)) {
            case PLY -> PlyIO.readMesh(file);
            case OBJ -> ObjIO.readMesh(file);
            case OFF -> OffIO.readMesh(file);
            default -> throw new IllegalStateException();
        };
    }

    /** Writes {@code mesh} atomically (PLY as binary little-endian). */
    public static void write(Path file, TriangleMesh mesh) throws IOException {
        write(file, mesh, false);
    }

    /** Writes {@code mesh} atomically; {@code ascii} selects ascii PLY. */
    public static void write(Path file, TriangleMesh mesh, boolean ascii) throws IOException {
        switch (FileFormat.require(file, true)) {
            case PLY -> PlyIO.write(file, mesh, ascii ? PlyEncoding.ASCII : PlyEncoding.BINARY_LITTLE_ENDIAN);
            case OBJ -> ObjIO.write(file, mesh);
            case OFF -> OffIO.write(file, mesh);
            default -> throw new IllegalStateException();
        }
    }

    /** A summary of the file for {@code kf info}. */
    public static FileSummary describe(Path file) throws IOException {
        return FileSummaries.describe(file);
    }
}
