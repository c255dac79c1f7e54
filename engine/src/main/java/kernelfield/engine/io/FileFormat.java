package kernelfield.engine.io;

import java.nio.file.Path;
import java.util.Locale;

/** The file formats known to {@link PointCloudIO} and {@link MeshIO}, chosen by file extension. */
public enum FileFormat {
    PLY(true, "ply"),
    OBJ(true, "obj"),
    OFF(true, "off"),
    XYZ(false, "xyz"),
    PWN(false, "pwn", "xyzn"),
    PCD(false, "pcd");

    private final boolean mesh;
    private final String[] extensions;

    FileFormat(boolean mesh, String... extensions) {
        this.mesh = mesh;
        this.extensions = extensions;
    }

    /** True when the format can hold triangles. */
    public boolean holdsMeshes() {
        return mesh;
    }

    /** The format of {@code file} by its extension (case-insensitive), or null. */
    public static FileFormat of(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        if (dot < 0) return null;
        String ext = name.substring(dot + 1);
        for (FileFormat f : values()) {
            for (String e : f.extensions) {
                if (e.equals(ext)) return f;
            }
        }
        return null;
    }

    /** The format of {@code file}, or a {@link KfFormatException} naming the known extensions. */
    static FileFormat require(Path file, boolean meshOnly) throws KfFormatException {
        FileFormat f = of(file);
        if (f == null || (meshOnly && !f.mesh)) {
            throw new KfFormatException(file, "unknown file extension, expected "
                    + (meshOnly ? ".ply .obj .off" : ".ply .xyz .pwn .xyzn .pcd .obj .off"));
        }
        return f;
    }
}
