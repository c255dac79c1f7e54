package kernelfield.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.io.FileFormat;
import kernelfield.engine.io.MeshIO;
import kernelfield.engine.io.PlyEncoding;
import kernelfield.engine.io.PlyFile;
import kernelfield.engine.io.PointCloudIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kf convert IN OUT}: between formats, by extension. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Convert between point-cloud and mesh formats, chosen by extension.",
                "A mesh stays a mesh where OUT can hold faces; otherwise its vertices are written as points.",
                "PLY to PLY keeps every element and property (e.g. 3DGS splats) and changes only the encoding."})
final class ConvertCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN", description = "Input file.")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "Output file (.ply .obj .off .xyz .pwn .pcd).")
    Path out;

    @Option(names = "--ascii", description = "Write the text encoding of PLY or PCD (default: binary).")
    boolean ascii;

    @Override
    public Integer call() throws Exception {
        FileFormat fin = FileFormat.of(in), fout = FileFormat.of(out);
        if (fout == null) throw new IllegalArgumentException(out + ": unknown output extension, expected .ply .obj .off .xyz .pwn .pcd");
        if (fin == FileFormat.PLY && fout == FileFormat.PLY) {
            PlyFile ply = PlyFile.read(in);
            ply.write(out, ascii ? PlyEncoding.ASCII : PlyEncoding.BINARY_LITTLE_ENDIAN);
            System.out.println("wrote " + out);
            return 0;
        }
        if (fin != null && fin.holdsMeshes() && fout.holdsMeshes()) {
            TriangleMesh mesh = MeshIO.read(in);
            if (mesh.triangleCount() > 0) {
                MeshIO.write(out, mesh, ascii);
                System.out.println("wrote " + out + ": " + mesh);
                return 0;
            }
        }
        PointCloud pc = PointCloudIO.read(in);
        PointCloudIO.write(out, pc, ascii);
        System.out.println("wrote " + out + ": " + pc);
        return 0;
    }
}
