package kernelfield.engine.data;

/**
 * A float image, row-major, channels interleaved: {@code data (H, W, C)}, values nominally in
 * 0..1 (linear to whatever the file held; no gamma conversion is applied by the readers).
 * Pixel (x, y) has its centre at (x + 0.5, y + 0.5), y down.
 */
public final class FloatImage {
    private final int width;
    private final int height;
    private final int channels;
    private final float[] data;

    public FloatImage(int width, int height, int channels, float[] data) {
        if (width <= 0 || height <= 0 || channels <= 0) {
            throw new IllegalArgumentException("bad image size " + width + "x" + height + "x" + channels);
        }
        if (data.length != (long) width * height * channels) {
            throw new IllegalArgumentException("data length " + data.length + ", expected " + (long) width * height * channels);
        }
        this.width = width;
        this.height = height;
        this.channels = channels;
        this.data = data;
    }

    public FloatImage(int width, int height, int channels) {
        this(width, height, channels, new float[Math.multiplyExact(Math.multiplyExact(width, height), channels)]);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public int channels() {
        return channels;
    }

    /** Pixel data {@code (H, W, C)}, the array itself. */
    public float[] data() {
        return data;
    }

    public float get(int x, int y, int c) {
        return data[(y * width + x) * channels + c];
    }

    public void set(int x, int y, int c, float v) {
        data[(y * width + x) * channels + c] = v;
    }

    public int index(int x, int y, int c) {
        return (y * width + x) * channels + c;
    }

    /** A copy holding the first {@code n} channels (RGBA to RGB, say). */
    public FloatImage firstChannels(int n) {
        if (n > channels) throw new IllegalArgumentException("image has " + channels + " channels, asked for " + n);
        float[] out = new float[width * height * n];
        for (int p = 0; p < width * height; p++) {
            System.arraycopy(data, p * channels, out, p * n, n);
        }
        return new FloatImage(width, height, n, out);
    }

    /**
     * RGB composited over a background colour, from RGBA with straight (not premultiplied)
     * alpha. An RGB image is returned as a copy.
     */
    public FloatImage compositeOver(float r, float g, float b) {
        if (channels != 4) return firstChannels(Math.min(3, channels));
        float[] out = new float[width * height * 3];
        float[] bg = {r, g, b};
        for (int p = 0; p < width * height; p++) {
            float a = data[4 * p + 3];
            for (int c = 0; c < 3; c++) {
                out[3 * p + c] = data[4 * p + c] * a + bg[c] * (1 - a);
            }
        }
        return new FloatImage(width, height, 3, out);
    }

    public FloatImage copy() {
        return new FloatImage(width, height, channels, data.clone());
    }

    @Override
    public String toString() {
        return "FloatImage[" + width + "x" + height + "x" + channels + "]";
    }
}
