package kernelfield.engine.io;

import java.io.IOException;
import java.nio.file.Path;

import kernelfield.engine.data.PointCloud;

/**
 * Reads and writes point clouds by file extension: {@code .ply .xyz .pwn .xyzn .pcd .obj .off}
 * (a mesh file read as points gives its vertices). See {@link PlyIO}, {@link XyzIO}, {@link PcdIO},
 * {@link ObjIO} and {@link OffIO} for each mapping.
 */
public final class PointCloudIO {
    private PointCloudIO() {
    }

    /**
     * Reads a point cloud. Allocates the cloud's arrays.
     *
     * @throws KfFormatException for an unknown extension or a malformed file (naming file, line or element)
     */
    public static PointCloud read(Path file) throws IOException {
        return switch (FileFormat.require(file, false)) {
            case PLY -> PlyIO.readPointCloud(file);
            case OBJ -> ObjIO.readPointCloud(file);
            case OFF -> OffIO.readPointCloud(file);
            case XYZ -> XyzIO.read(file, false);
            case PWN -> XyzIO.read(file, true);
            case PCD -> PcdIO.read(file).cloud();
        };
    }

    /** Writes {@code pc} atomically in binary where the format has one (PLY little-endian, PCD binary). */
    public static void write(Path file, PointCloud pc) throws IOException {
        write(file, pc, false);
    }

    /**
     * Writes {@code pc} atomically; {@code ascii} selects the text encoding of PLY and PCD (the other
     * formats are text anyway). XYZ gets normals when the cloud has them; PWN/XYZN requires them.
     */
    public static void write(Path file, PointCloud pc, boolean ascii) throws IOException {
        switch (FileFormat.require(file, false)) {
            case PLY -> PlyIO.write(file, pc, ascii ? PlyEncoding.ASCII : PlyEncoding.BINARY_LITTLE_ENDIAN);
            case OBJ -> ObjIO.write(file, pc);
            case OFF -> OffIO.write(file, pc);
            case XYZ -> XyzIO.write(file, pc, pc.hasNormals());
            case PWN -> XyzIO.write(file, pc, true);
            case PCD -> PcdIO.write(file, pc, ascii ? PcdIO.Encoding.ASCII : PcdIO.Encoding.BINARY);
        }
    }

    /** A summary of any supported file for {@code kf info}; see {@link FileSummaries}. */
    public static FileSummary describe(Path file) throws IOException {
        return FileSummaries.describe(file);
    }
}
