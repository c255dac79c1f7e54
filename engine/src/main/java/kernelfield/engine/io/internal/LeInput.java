package kernelfield.engine.io.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import kernelfield.engine.io.KfFormatException;

/**
 * A little-endian binary reader over a file with a 64 KiB buffer, which knows the file size
 * and its position, so that readers can check counts against the bytes left before
 * allocating, and every error names the file, the byte offset and the element being read.
 *
 * <p>The element being read is set with {@link #at(String, long)} (cheap: no string is built
 * unless an error is thrown).
 */
public final class LeInput implements Closeable {
    private final Path file;
    private final FileChannel channel;
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    private final long size;
    private long bufStart; // file offset of buf[0]
    private boolean eof;
    private String kind = "header";
    private long index = -1;

    public LeInput(Path file) throws IOException {
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        this.size = channel.size();
        buf.limit(0);
    }

    public Path file() {
        return file;
    }

    /** File size in bytes. */
    public long size() {
        return size;
    }

    /** Offset of the next byte to read. */
    public long position() {
        return bufStart + buf.position();
    }

    /** Bytes left in the file. */
    public long remaining() {
        return size - position();
    }

    /** Sets the element named in errors, e.g. {@code at("image", 12)}; index -1 for none. */
    public void at(String kind, long index) {
        this.kind = kind;
        this.index = index;
    }

    /** "image 12" or "header". */
    public String where() {
        return index < 0 ? kind : kind + " " + index;
    }

    /** A format error at the current element and byte offset. */
    public KfFormatException error(String what) {
        return new KfFormatException(file, where() + " (byte " + position() + "): " + what);
    }

    private void need(int n, String field) throws IOException {
        if (buf.remaining() >= n) return;
        if (!eof) {
            int consumed = buf.position();
            buf.compact();
            bufStart += consumed;
            while (buf.hasRemaining()) {
                int r = channel.read(buf);
                if (r < 0) {
                    eof = true;
                    break;
                }
                if (r == 0) break;
            }
            buf.flip();
        }
        if (buf.remaining() < n) {
            throw error("file truncated reading " + field + " (needs " + n + " bytes, " + buf.remaining() + " left of "
                    + size + ")");
        }
    }

    public int readU8(String field) throws IOException {
        need(1, field);
        return buf.get() & 0xff;
    }

    public int readI32(String field) throws IOException {
        need(4, field);
        return buf.getInt();
    }

    /** An unsigned 32-bit value that must fit in a signed int (ids). */
    public int readU32AsInt(String field) throws IOException {
        need(4, field);
        int v = buf.getInt();
        if (v < 0) throw error(field + " " + Integer.toUnsignedString(v) + " exceeds 2^31-1");
        return v;
    }

    public long readI64(String field) throws IOException {
        need(8, field);
        return buf.getLong();
    }

    /** An unsigned 64-bit count or id that must be below 2^63. */
    public long readU64(String field) throws IOException {
        need(8, field);
        long v = buf.getLong();
        if (v < 0) throw error(field + " " + Long.toUnsignedString(v) + " exceeds 2^63-1");
        return v;
    }

    /**
     * A count of records of at least {@code minRecordBytes} each, checked against the bytes
     * left in the file (so that no absurd header count is ever allocated).
     */
    public int readCount(String field, long minRecordBytes) throws IOException {
        long n = readU64(field);
        long left = remaining();
        if (n > Integer.MAX_VALUE - 8 || n * minRecordBytes > left) {
            throw error(field + " " + n + " does not fit: each needs at least " + minRecordBytes + " bytes, " + left
                    + " bytes left");
        }
        return (int) n;
    }

    public double readF64(String field) throws IOException {
        need(8, field);
        return buf.getDouble();
    }

    /** A NUL-terminated UTF-8 string of at most {@code maxBytes} bytes. */
    public String readCString(String field, int maxBytes) throws IOException {
        byte[] tmp = new byte[64];
        int n = 0;
        while (true) {
            int b = readU8(field);
            if (b == 0) break;
            if (n == maxBytes) throw error(field + " not terminated within " + maxBytes + " bytes");
            if (n == tmp.length) tmp = java.util.Arrays.copyOf(tmp, 2 * n);
            tmp[n++] = (byte) b;
        }
        return new String(tmp, 0, n, StandardCharsets.UTF_8);
    }

    /** Throws unless the whole file was read. */
    public void expectEnd(String what) throws KfFormatException {
        long left = remaining();
        if (left != 0) {
            throw new KfFormatException(file, left + " bytes after the last of " + what + " (byte " + position()
                    + "): the count disagrees with the file");
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
