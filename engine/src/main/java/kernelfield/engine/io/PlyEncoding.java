package kernelfield.engine.io;

/** The three PLY encodings, with their header names. */
public enum PlyEncoding {
    ASCII("ascii"),
    BINARY_LITTLE_ENDIAN("binary_little_endian"),
    BINARY_BIG_ENDIAN("binary_big_endian");

    private final String headerName;

    PlyEncoding(String headerName) {
        this.headerName = headerName;
    }

    /** The name in the {@code format} header line. */
    public String headerName() {
        return headerName;
    }

    /** The encoding named {@code s} in a header, or null. */
    public static PlyEncoding parse(String s) {
        for (PlyEncoding e : values()) {
            if (e.headerName.equals(s)) return e;
        }
        return null;
    }
}
