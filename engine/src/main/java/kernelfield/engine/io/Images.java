package kernelfield.engine.io;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import kernelfield.engine.data.FloatImage;
import kernelfield.engine.io.internal.ImageHeaders;

/**
 * PNG and JPEG images to and from {@link FloatImage}, through {@code javax.imageio} but with
 * our own checks in front of it.
 *
 * <h2>Values</h2>
 * Samples are mapped linearly to 0..1: an n-bit sample s becomes {@code s / (2^n - 1)}. No
 * gamma or colour-space conversion is applied (sRGB files stay sRGB-encoded). Channels: grey
 * 1, grey+alpha 2, RGB 3, RGBA 4; palette images become RGB, or RGBA when the palette has
 * transparency, or grey when every palette entry is grey and opaque. Alpha stays straight (not
 * premultiplied). Writing clamps to 0..1, maps NaN to 0 and rounds to the nearest level.
 *
 * <h2>Bad input</h2>
 * Empty, truncated, corrupt or absurd files give a {@link KfFormatException} naming the file.
 * PNG chunk lengths and CRCs are checked, and the image size in the PNG or JPEG header is
 * checked against {@link ImageHeaders#MAX_PIXELS} and (PNG) against the data size before
 * anything is decoded. JPEG decoder warnings (such as a premature end of data) are errors.
 */
public final class Images {
    private static final int MAX_FILE = Integer.MAX_VALUE - 16;

    private Images() {
    }

    /**
     * Reads a PNG or JPEG (or another format {@code javax.imageio} knows, with its size checked
     * first). Allocates the file's bytes, the decoded image and the result.
     */
    public static FloatImage read(Path file) throws IOException {
        byte[] bytes = readAll(file);
        int len = bytes.length;
        if (len == 0) throw new KfFormatException(file, "empty image file");
        String format;
        if (ImageHeaders.isPng(bytes, len)) {
            ImageHeaders.checkPng(file, bytes, len);
            format = "png";
        } else if (ImageHeaders.isJpeg(bytes, len)) {
            ImageHeaders.jpegHeader(file, bytes, len, true);
            format = "jpeg";
        } else {
            format = null;
        }
        BufferedImage img = decode(file, bytes, format);
        try {
            return fromBufferedImage(img);
        } catch (RuntimeException e) {
            throw new KfFormatException(file, "cannot convert the decoded image (" + e + ")", e);
        }
    }

    /**
     * Image size {@code (2) = (width, height)} from the header only (PNG IHDR or JPEG frame
     * header), checked against the limits. Reads the first few KiB of the file (more for a
     * JPEG with large metadata segments).
     */
    public static int[] readSize(Path file) throws IOException {
        long size = fileSize(file);
        int want = (int) Math.min(size, 64 * 1024);
        while (true) {
            byte[] b = new byte[want];
            int n;
            try (InputStream in = Files.newInputStream(file)) {
                n = in.readNBytes(b, 0, want);
            }
            if (n == 0) throw new KfFormatException(file, "empty image file");
            ImageHeaders.Header h;
            if (ImageHeaders.isPng(b, n)) {
                h = ImageHeaders.pngHeader(file, b, n);
            } else if (ImageHeaders.isJpeg(b, n)) {
                h = ImageHeaders.jpegHeader(file, b, n, n >= size);
            } else {
                throw new KfFormatException(file, "not a PNG or JPEG file");
            }
            if (h != null) return new int[] {h.width(), h.height()};
            want = (int) Math.min(size, (long) want * 4);
        }
    }

    private static long fileSize(Path file) throws IOException {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new KfFormatException(file, "image file not found", e);
        }
        if (size > MAX_FILE) throw new KfFormatException(file, "image file of " + size + " bytes is too large");
        return size;
    }

    private static byte[] readAll(Path file) throws IOException {
        fileSize(file);
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new KfFormatException(file, "image file not found", e);
        }
    }

    private static BufferedImage decode(Path file, byte[] bytes, String format) throws KfFormatException {
        List<String> warnings = new ArrayList<>();
        ImageReader reader = null;
        try (ImageInputStream iis = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> it = format != null ? ImageIO.getImageReadersByFormatName(format)
                    : ImageIO.getImageReaders(iis);
            if (!it.hasNext()) throw new KfFormatException(file, "not a PNG or JPEG file (no decoder recognizes it)");
            reader = it.next();
            reader.setInput(iis, true, true);
            reader.addIIOReadWarningListener((src, msg) -> warnings.add(msg));
            if (format == null) {
                // Unknown format: check its size before decoding.
                ImageHeaders.checkSize(file, reader.getFormatName(), reader.getWidth(0), reader.getHeight(0), 4);
            }
            BufferedImage img = reader.read(0);
            if (img == null) throw new KfFormatException(file, "the decoder returned no image");
            if (!warnings.isEmpty()) throw new KfFormatException(file, "corrupt image: " + warnings.getFirst());
            return img;
        } catch (KfFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (e.getCause() != null && e.getCause().getMessage() != null) msg += ": " + e.getCause().getMessage();
            throw new KfFormatException(file, "corrupt or unsupported " + (format == null ? "image" : format.toUpperCase())
                    + " (" + msg + ")", e);
        } finally {
            if (reader != null) reader.dispose();
        }
    }

    /**
     * A FloatImage of a BufferedImage's samples (see the class doc for the mapping). Float or
     * double rasters are taken as they are; colour spaces other than RGB and grey are converted
     * to sRGB by {@link BufferedImage#getRGB}. Allocates the result.
     */
    public static FloatImage fromBufferedImage(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight();
        ColorModel cm = img.getColorModel();
        Raster r = img.getRaster();
        if (cm instanceof IndexColorModel icm) return fromIndexed(icm, r, w, h);
        int csType = cm.getColorSpace().getType();
        int bands = r.getNumBands();
        boolean rawOk = (csType == ColorSpace.TYPE_RGB || csType == ColorSpace.TYPE_GRAY)
                && bands == cm.getNumComponents() && bands <= 4;
        if (!rawOk) {
            boolean alpha = cm.hasAlpha();
            int c = alpha ? 4 : 3;
            float[] out = new float[w * h * c];
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                img.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    int argb = row[x], o = (y * w + x) * c;
                    out[o] = ((argb >> 16) & 0xff) / 255f;
                    out[o + 1] = ((argb >> 8) & 0xff) / 255f;
                    out[o + 2] = (argb & 0xff) / 255f;
                    if (alpha) out[o + 3] = (argb >>> 24) / 255f;
                }
            }
            return new FloatImage(w, h, c, out);
        }
        float[] out = new float[w * h * bands];
        int type = r.getTransferType();
        if (type == DataBuffer.TYPE_FLOAT || type == DataBuffer.TYPE_DOUBLE) {
            float[] row = new float[w * bands];
            for (int y = 0; y < h; y++) {
                r.getPixels(r.getMinX(), r.getMinY() + y, w, 1, row);
                System.arraycopy(row, 0, out, y * w * bands, w * bands);
            }
        } else {
            float[] scale = new float[bands];
            for (int b = 0; b < bands; b++) {
                int bits = r.getSampleModel().getSampleSize(b);
                scale[b] = (float) (1.0 / ((1L << Math.min(bits, 31)) - 1));
            }
            int[] row = new int[w * bands];
            for (int y = 0; y < h; y++) {
                r.getPixels(r.getMinX(), r.getMinY() + y, w, 1, row);
                int o = y * w * bands;
                for (int i = 0; i < w * bands; i++) {
                    out[o + i] = (row[i] & 0xffffffffL) * scale[i % bands];
                }
            }
        }
        if (cm.hasAlpha() && cm.isAlphaPremultiplied()) {
            for (int p = 0; p < w * h; p++) {
                float a = out[p * bands + bands - 1];
                if (a > 0) for (int b = 0; b < bands - 1; b++) out[p * bands + b] /= a;
            }
        }
        return new FloatImage(w, h, bands, out);
    }

    private static FloatImage fromIndexed(IndexColorModel icm, Raster r, int w, int h) {
        int n = icm.getMapSize();
        int[] argb = new int[n];
        icm.getRGBs(argb);
        boolean alpha = icm.hasAlpha(), grey = !alpha;
        for (int i = 0; i < n && grey; i++) {
            int v = argb[i];
            grey = ((v >> 16) & 0xff) == ((v >> 8) & 0xff) && ((v >> 8) & 0xff) == (v & 0xff);
        }
        int c = grey ? 1 : alpha ? 4 : 3;
        float[] out = new float[w * h * c];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            r.getSamples(r.getMinX(), r.getMinY() + y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                int idx = row[x];
                int v = idx >= 0 && idx < n ? argb[idx] : 0xff000000;
                int o = (y * w + x) * c;
                if (grey) {
                    out[o] = (v & 0xff) / 255f;
                } else {
                    out[o] = ((v >> 16) & 0xff) / 255f;
                    out[o + 1] = ((v >> 8) & 0xff) / 255f;
                    out[o + 2] = (v & 0xff) / 255f;
                    if (alpha) out[o + 3] = (v >>> 24) / 255f;
                }
            }
        }
        return new FloatImage(w, h, c, out);
    }

    /**
     * An 8- or 16-bit BufferedImage of a 1 to 4 channel FloatImage (grey, grey+alpha, RGB,
     * RGBA; sRGB or grey colour space, straight alpha), values clamped to 0..1 and rounded,
     * NaN to 0. Allocates the result.
     *
     * @param bitDepth 8 or 16
     */
    public static BufferedImage toBufferedImage(FloatImage image, int bitDepth) {
        int c = image.channels();
        if (c < 1 || c > 4) throw new IllegalArgumentException("images of 1 to 4 channels only, got " + c);
        if (bitDepth != 8 && bitDepth != 16) throw new IllegalArgumentException("bit depth 8 or 16, got " + bitDepth);
        int dataType = bitDepth == 8 ? DataBuffer.TYPE_BYTE : DataBuffer.TYPE_USHORT;
        boolean alpha = c == 2 || c == 4;
        ColorSpace cs = ColorSpace.getInstance(c <= 2 ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB);
        ComponentColorModel cm = new ComponentColorModel(cs, alpha, false,
                alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE, dataType);
        int w = image.width(), h = image.height();
        WritableRaster r = Raster.createInterleavedRaster(dataType, w, h, c, null);
        float max = bitDepth == 8 ? 255f : 65535f;
        float[] src = image.data();
        int[] row = new int[w * c];
        for (int y = 0; y < h; y++) {
            int o = y * w * c;
            for (int i = 0; i < w * c; i++) row[i] = quantize(src[o + i], max);
            r.setPixels(0, y, w, 1, row);
        }
        return new BufferedImage(cm, r, false, null);
    }

    /** An 8-bit BufferedImage; see {@link #toBufferedImage(FloatImage, int)}. */
    public static BufferedImage toBufferedImage(FloatImage image) {
        return toBufferedImage(image, 8);
    }

    static int quantize(float v, float max) {
        if (!(v > 0)) return 0; // also NaN
        if (v >= 1) return (int) max;
        return (int) (v * max + 0.5f);
    }

    /** Writes an 8-bit PNG atomically; see {@link #writePng(Path, FloatImage, int)}. */
    public static void writePng(Path file, FloatImage image) throws IOException {
        writePng(file, image, 8);
    }

    /**
     * Writes a PNG of 8 or 16 bits per sample atomically (grey, grey+alpha, RGB or RGBA by the
     * channel count), values clamped to 0..1 and rounded. Allocates a BufferedImage of the image.
     */
    public static void writePng(Path file, FloatImage image, int bitDepth) throws IOException {
        BufferedImage bi = toBufferedImage(image, bitDepth);
        Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("png");
        if (!it.hasNext()) throw new IOException("no PNG writer in this JDK");
        ImageWriter writer = it.next();
        try {
            AtomicFiles.write(file, os -> {
                MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(os);
                writer.setOutput(ios);
                writer.write(null, new IIOImage(bi, null, null), null);
                ios.close(); // flushes into os, does not close it
            });
        } finally {
            writer.dispose();
        }
    }
}
