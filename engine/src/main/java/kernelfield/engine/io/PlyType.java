package kernelfield.engine.io;

/**
 * The scalar types of PLY, with their two spellings (PLY 1.0 names and the sized aliases).
 * Values are stored in Java arrays by width: {@code byte[]} for char/uchar, {@code short[]} for
 * short/ushort, {@code int[]} for int/uint (the unsigned ones as raw bits), {@code float[]},
 * {@code double[]}.
 */
public enum PlyType {
    CHAR("char", "int8", 1, true, false),
    UCHAR("uchar", "uint8", 1, true, true),
    SHORT("short", "int16", 2, true, false),
    USHORT("ushort", "uint16", 2, true, true),
    INT("int", "int32", 4, true, false),
    UINT("uint", "uint32", 4, true, true),
    FLOAT("float", "float32", 4, false, false),
    DOUBLE("double", "float64", 8, false, false);

    private final String name;
    private final String alias;
    private final int size;
    private final boolean integer;
    private final boolean unsigned;

    PlyType(String name, String alias, int size, boolean integer, boolean unsigned) {
        this.name = name;
        this.alias = alias;
        this.size = size;
        this.integer = integer;
        this.unsigned = unsigned;
    }

    /** The PLY 1.0 name ({@code uchar}, {@code float}...). */
    public String plyName() {
        return name;
    }

    /** The sized alias ({@code uint8}, {@code float32}...). */
    public String alias() {
        return alias;
    }

    /** Size in bytes in binary encodings. */
    public int size() {
        return size;
    }

    public boolean isInteger() {
        return integer;
    }

    public boolean isUnsigned() {
        return unsigned;
    }

    /** Smallest value of an integer type. */
    public long min() {
        return switch (this) {
            case CHAR -> Byte.MIN_VALUE;
            case SHORT -> Short.MIN_VALUE;
            case INT -> Integer.MIN_VALUE;
            case UCHAR, USHORT, UINT -> 0;
            default -> Long.MIN_VALUE;
        };
    }

    /** Largest value of an integer type. */
    public long max() {
        return switch (this) {
            case CHAR -> Byte.MAX_VALUE;
            case UCHAR -> 255;
            case SHORT -> Short.MAX_VALUE;
            case USHORT -> 65535;
            case INT -> Integer.MAX_VALUE;
            case UINT -> 0xffffffffL;
            default -> Long.MAX_VALUE;
        };
    }

    /** The type named {@code s} (either spelling), or null when there is none. */
    public static PlyType parse(String s) {
        for (PlyType t : values()) {
            if (t.name.equals(s) || t.alias.equals(s)) return t;
        }
        return null;
    }
}
