package kernelfield.engine.geometry;

/** Morton (Z-order) codes of 3D integer coordinates, 21 bits per axis: x in bit 0, y in bit 1, z in bit 2 of each triple. */
public final class Morton {
    private Morton() {
    }

    /** The code of {@code (x, y, z)}, each in {@code [0, 2^21)} (higher bits are dropped). */
    public static long encode(int x, int y, int z) {
        return spread(x) | spread(y) << 1 | spread(z) << 2;
    }

    /** x coordinate of a code. */
    public static int x(long code) {
        return compact(code);
    }

    /** y coordinate of a code. */
    public static int y(long code) {
        return compact(code >>> 1);
    }

    /** z coordinate of a code. */
    public static int z(long code) {
        return compact(code >>> 2);
    }

    /** The low 21 bits of {@code v} spread to every third bit. */
    private static long spread(int v) {
        long x = v & 0x1FFFFFL;
        x = (x | x << 32) & 0x1F00000000FFFFL;
        x = (x | x << 16) & 0x1F0000FF0000FFL;
        x = (x | x << 8) & 0x100F00F00F00F00FL;
        x = (x | x << 4) & 0x10C30C30C30C30C3L;
        x = (x | x << 2) & 0x1249249249249249L;
        return x;
    }

    /** Every third bit of {@code v}, from bit 0, gathered into 21 bits. */
    private static int compact(long v) {
        long x = v & 0x1249249249249249L;
        x = (x | x >>> 2) & 0x10C30C30C30C30C3L;
        x = (x | x >>> 4) & 0x100F00F00F00F00FL;
        x = (x | x >>> 8) & 0x1F0000FF0000FFL;
        x = (x | x >>> 16) & 0x1F00000000FFFFL;
        x = (x | x >>> 32) & 0x1FFFFFL;
        return (int) x;
    }
}
