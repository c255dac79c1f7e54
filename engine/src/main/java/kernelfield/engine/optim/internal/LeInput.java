package kernelfield.engine.optim.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32;

import kernelfield.engine.io.KfFormatException;

/**
 * Little-endian binary reader over a stream of known total size; keeps a CRC-32 of everything
 * read and lets callers check a count against the bytes left before allocating from it.
 */
public final class LeInput {
    private final InputStream in;
    private final Path file;
    private final long size;
    private final CRC32 crc = new CRC32();
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    private long consumed; // bytes handed out to callers

    public LeInput(InputStream in, Path file, long size) {
        this.in = in;
        this.file = file;
        this.size = size;
        buf.limit(0);
    }

    /** Byte offset of the next read. */
    public long offset() {
        return consumed;
    }

    /** Bytes left in the file after the current offset. */
    public long remaining() {
        return size - consumed;
    }

    /** Throws unless at least {@code n} bytes are left; {@code what} names the item for the message. */
    public void require(long n, String what) throws KfFormatException {
        if (n < 0 || n > remaining()) {
            throw new KfFormatException(file, "byte " + consumed + ": " + what + " needs " + n + " bytes, only "
                    + remaining() + " left (truncated or corrupt checkpoint)");
        }
    }

    private void fill(int n, String what) throws IOException {
        if (buf.remaining() >= n) return;
        require(n, what);
        buf.compact();
        while (buf.position() < n) {
            int r = in.read(buf.array(), buf.position(), buf.capacity() - buf.position());
            if (r < 0) throw new KfFormatException(file, "byte " + consumed + ": unexpected end of file reading " + what,
                    new EOFException());
            buf.position(buf.position() + r);
        }
        buf.flip();
    }

    /** Marks the next n buffered bytes as consumed: adds them to the CRC and the offset. */
    private void take(int n) {
        crc.update(buf.array(), buf.position(), n);
        consumed += n;
    }

    public int u8(String what) throws IOException {
        fill(1, what);
        take(1);
        return buf.get() & 0xFF;
    }

    public int i32(String what) throws IOException {
        fill(4, what);
        take(4);
        return buf.getInt();
    }

    public long i64(String what) throws IOException {
        fill(8, what);
        take(8);
        return buf.getLong();
    }

    public double f64(String what) throws IOException {
        fill(8, what);
        take(8);
        return buf.getDouble();
    }

    /** Reads exactly {@code n} bytes, after checking they are there; allocates them. */
    public byte[] bytes(int n, String what) throws IOException {
        require(n, what);
        byte[] out = new byte[n];
        int off = 0;
        while (off < n) {
            fill(1, what);
            int k = Math.min(buf.remaining(), n - off);
            take(k);
            buf.get(out, off, k);
            off += k;
        }
        return out;
    }

    /** A string written by {@link LeOutput#string}, at most {@code maxBytes} long. */
    public String string(int maxBytes, String what) throws IOException {
        int n = i32(what + " length");
        if (n < 0 || n > maxBytes) {
            throw new KfFormatException(file, "byte " + (consumed - 4) + ": " + what + " length " + n
                    + ", expected 0.." + maxBytes);
        }
        return new String(bytes(n, what), StandardCharsets.UTF_8);
    }

    /** Reads {@code n} float32 into {@code a[0..n)}; the caller checked the size with {@link #require}. */
    public void floats(float[] a, int n, String what) throws IOException {
        require(4L * n, what);
        int i = 0;
        while (i < n) {
            fill(4, what);
            int k = Math.min(buf.remaining() / 4, n - i);
            take(4 * k);
            buf.asFloatBuffer().get(a, i, k);
            buf.position(buf.position() + 4 * k);
            i += k;
        }
    }

    /** CRC-32 of the bytes consumed so far. */
    public int crcSoFar() {
        return (int) crc.getValue();
    }

    public Path file() {
        return file;
    }
}
