package kernelfield.engine.io.internal;

import java.nio.file.Path;
import java.util.zip.CRC32;

import kernelfield.engine.io.KfFormatException;

/**
 * Header checks of PNG and JPEG files done before any decoder sees them: sizes, chunk
 * structure and CRCs (PNG), the frame header (JPEG), and limits on the pixel count, so that a
 * header claiming 100000x100000 pixels is rejected without allocating anything.
 */
public final class ImageHeaders {
    /** Most pixels an image may have (W * H), 2^28 (16384 x 16384). */
    public static final long MAX_PIXELS = 1L << 28;
    /** Deflate's best compression ratio is about 1032:1. */
    private static final long DEFLATE_MAX_RATIO = 1032;

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private ImageHeaders() {
    }

    /** What a header says. {@code channels} is what the decoded FloatImage will have at most. */
    public record Header(String format, int width, int height, int bitDepth, int channels) {
    }

    public static boolean isPng(byte[] b, int len) {
        if (len < 8) return false;
        for (int i = 0; i < 8; i++) if (b[i] != PNG_SIGNATURE[i]) return false;
        return true;
    }

    public static boolean isJpeg(byte[] b, int len) {
        return len >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff;
    }

    private static int be32(byte[] b, int o) {
        return ((b[o] & 0xff) << 24) | ((b[o + 1] & 0xff) << 16) | ((b[o + 2] & 0xff) << 8) | (b[o + 3] & 0xff);
    }

    private static int be16(byte[] b, int o) {
        return ((b[o] & 0xff) << 8) | (b[o + 1] & 0xff);
    }

    /** Checks the size against the limits; {@code channels} of the decoded image. */
    public static void checkSize(Path file, String format, long w, long h, int channels) throws KfFormatException {
        if (w <= 0 || h <= 0) throw new KfFormatException(file, format + " header: image size " + w + "x" + h);
        if (w * h > MAX_PIXELS || w * h * channels > Integer.MAX_VALUE - 16) {
            throw new KfFormatException(file, format + " header: image size " + w + "x" + h + " exceeds the limit of "
                    + MAX_PIXELS + " pixels");
        }
    }

    /** The IHDR of a PNG (its first 33 bytes suffice), checked; nothing else. */
    public static Header pngHeader(Path file, byte[] b, int len) throws KfFormatException {
        if (!isPng(b, len)) throw new KfFormatException(file, "not a PNG file (bad signature)");
        if (len < 33) throw new KfFormatException(file, "PNG truncated in IHDR (" + len + " bytes)");
        int ihdrLen = be32(b, 8);
        if (ihdrLen != 13 || be32(b, 12) != 0x49484452) {
            throw new KfFormatException(file, "PNG byte 8: expected an IHDR chunk of 13 bytes first");
        }
        long w = be32(b, 16) & 0xffffffffL, h = be32(b, 20) & 0xffffffffL;
        int depth = b[24] & 0xff, colour = b[25] & 0xff;
        int samples = switch (colour) {
            case 0 -> 1;
            case 2 -> 3;
            case 3 -> 1;
            case 4 -> 2;
            case 6 -> 4;
            default -> throw new KfFormatException(file, "PNG IHDR: colour type " + colour + " (expected 0, 2, 3, 4 or 6)");
        };
        boolean depthOk = switch (colour) {
            case 0 -> depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
            case 3 -> depth == 1 || depth == 2 || depth == 4 || depth == 8;
            default -> depth == 8 || depth == 16;
        };
        if (!depthOk) throw new KfFormatException(file, "PNG IHDR: bit depth " + depth + " invalid for colour type " + colour);
        if (b[26] != 0 || b[27] != 0 || (b[28] != 0 && b[28] != 1)) {
            throw new KfFormatException(file, "PNG IHDR: compression/filter/interlace " + b[26] + "/" + b[27] + "/" + b[28]
                    + " (expected 0/0/0 or 0/0/1)");
        }
        int channels = colour == 3 ? 4 : samples;
        checkSize(file, "PNG", w, h, channels);
        return new Header("png", (int) w, (int) h, depth, channels);
    }

    /**
     * A whole PNG checked: IHDR, then every chunk's length within the file and its CRC, a PLTE
     * for palette images, at least one IDAT, and IEND; and the image data large enough for the
     * size claimed (deflate cannot compress more than about 1032:1).
     */
    public static Header checkPng(Path file, byte[] b, int len) throws KfFormatException {
        Header hd = pngHeader(file, b, len);
        CRC32 crc = new CRC32();
        long idat = 0;
        boolean plte = false, iend = false;
        int pos = 8;
        while (!iend) {
            if (pos + 12 > len) {
                throw new KfFormatException(file, "PNG truncated at byte " + pos + ": expected a chunk (or IEND)");
            }
            long clen = be32(b, pos) & 0xffffffffL;
            int type = be32(b, pos + 4);
            String name = chunkName(b, pos + 4);
            for (int i = 4; i < 8; i++) {
                int c = b[pos + i] & 0xff;
                if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
                    throw new KfFormatException(file, "PNG byte " + pos + ": bad chunk type " + name);
                }
            }
            if (clen > len - pos - 12L) {
                throw new KfFormatException(file, "PNG chunk " + name + " at byte " + pos + ": length " + clen
                        + " runs past the end of the file (" + len + " bytes)");
            }
            crc.reset();
            crc.update(b, pos + 4, (int) clen + 4);
            int stored = be32(b, pos + 8 + (int) clen);
            if ((int) crc.getValue() != stored) {
                throw new KfFormatException(file, "PNG chunk " + name + " at byte " + pos + ": CRC mismatch (corrupt file)");
            }
            switch (type) {
                case 0x49444154 -> idat += clen; // IDAT
                case 0x504c5445 -> plte = true; // PLTE
                case 0x49454e44 -> iend = true; // IEND
                case 0x49484452 -> {
                    if (pos != 8) throw new KfFormatException(file, "PNG byte " + pos + ": a second IHDR");
                }
                default -> {
                    if ((b[pos + 4] & 0x20) == 0) {
                        throw new KfFormatException(file, "PNG chunk " + name + " at byte " + pos
                                + ": unknown critical chunk");
                    }
                }
            }
            pos += 12 + (int) clen;
        }
        if (idat == 0) throw new KfFormatException(file, "PNG has no IDAT (image data) chunk");
        if (hd.channels() == 4 && !plte && isPalette(b)) {
            throw new KfFormatException(file, "PNG palette image without a PLTE chunk");
        }
        long rowBytes = 1 + (hd.width() * (long) hd.bitDepth() * samples(b) + 7) / 8;
        long raw = rowBytes * hd.height();
        if (idat * DEFLATE_MAX_RATIO + 1024 < raw) {
            throw new KfFormatException(file, "PNG IHDR claims " + hd.width() + "x" + hd.height() + " (" + raw
                    + " bytes raw) but the image data has only " + idat + " bytes: truncated or corrupt");
        }
        return hd;
    }

    private static boolean isPalette(byte[] b) {
        return (b[25] & 0xff) == 3;
    }

    private static int samples(byte[] b) {
        return switch (b[25] & 0xff) {
            case 2 -> 3;
            case 4 -> 2;
            case 6 -> 4;
            default -> 1;
        };
    }

    private static String chunkName(byte[] b, int o) {
        StringBuilder s = new StringBuilder(4);
        for (int i = 0; i < 4; i++) {
            int c = b[o + i] & 0xff;
            s.append(c >= 32 && c < 127 ? (char) c : '?');
        }
        return s.toString();
    }

    /**
     * The frame header (SOFn) of a JPEG, found by walking the marker segments from the start.
     * Returns null when the walk runs past {@code len} before a frame header (the caller may
     * retry with more of the file).
     */
    public static Header jpegHeader(Path file, byte[] b, int len, boolean whole) throws KfFormatException {
        if (!isJpeg(b, len)) throw new KfFormatException(file, "not a JPEG file (no SOI marker)");
        int pos = 2;
        while (true) {
            if (pos + 4 > len) {
                if (whole) throw new KfFormatException(file, "JPEG truncated at byte " + pos + " before the frame header");
                return null;
            }
            if ((b[pos] & 0xff) != 0xff) {
                throw new KfFormatException(file, "JPEG byte " + pos + ": expected a marker (0xFF), got "
                        + (b[pos] & 0xff));
            }
            int m = b[pos + 1] & 0xff;
            if (m == 0xff) {
                pos++;
                continue;
            }
            if (m == 0x01 || (m >= 0xd0 && m <= 0xd7)) {
                pos += 2;
                continue;
            }
            if (m == 0xd9 || m == 0xda) {
                throw new KfFormatException(file, "JPEG byte " + pos + ": " + (m == 0xda ? "scan" : "end of image")
                        + " before the frame header");
            }
            int seg = be16(b, pos + 2);
            if (seg < 2) throw new KfFormatException(file, "JPEG byte " + pos + ": segment length " + seg);
            boolean sof = m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
            if (sof) {
                if (pos + 10 > len) {
                    if (whole) throw new KfFormatException(file, "JPEG truncated in the frame header at byte " + pos);
                    return null;
                }
                if (seg < 8) throw new KfFormatException(file, "JPEG frame header at byte " + pos + ": length " + seg);
                int precision = b[pos + 4] & 0xff;
                int h = be16(b, pos + 5), w = be16(b, pos + 7), comps = b[pos + 9] & 0xff;
                if (h == 0) throw new KfFormatException(file, "JPEG frame header: height 0 (DNL) is not supported");
                if (comps != 1 && comps != 3) {
                    throw new KfFormatException(file, "JPEG frame header: " + comps
                            + " components (only grey and colour JPEGs are supported)");
                }
                checkSize(file, "JPEG", w, h, comps);
                return new Header("jpeg", w, h, precision, comps);
            }
            pos += 2 + seg;
        }
    }
}
