package kernelfield.engine.image;

/** Size checks shared by the losses. */
final class ImageShape {
    /** Rows per chunk of the row-parallel loops: fixed, so per-chunk sums reduce the same way for any thread count. */
    static final int ROW_GRAIN = 4;

    private ImageShape() {
    }

    static int size(int w, int h, int c) {
        if (w <= 0 || h <= 0 || c <= 0) throw new IllegalArgumentException("bad image size " + w + "x" + h + "x" + c);
        long n = (long) w * h * c;
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("image too large: " + w + "x" + h + "x" + c);
        return (int) n;
    }

    static void check(String name, float[] a, int n, int w, int h, int c) {
        if (a.length != n) {
            throw new IllegalArgumentException(name + " has " + a.length + " floats, expected " + n + " (" + h + " x " + w + " x " + c + ")");
        }
    }
}
