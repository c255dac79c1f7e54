package kernelfield.engine.io.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * A little-endian binary writer with a 64 KiB buffer that keeps a CRC-32 of everything written;
 * {@link #flush} before the stream closes. Used by the COLMAP binary writer and checkpoints.
 */
public final class LeOutput {
    private final OutputStream out;
    private final CRC32 crc = new CRC32();
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    private long written;

    public LeOutput(OutputStream out) {
        this.out = out;
    }

    private void ensure(int n) throws IOException {
        if (buf.remaining() < n) flush();
    }

    /** Writes the buffered bytes through to the stream. */
    public void flush() throws IOException {
        if (buf.position() > 0) {
            crc.update(buf.array(), 0, buf.position());
            out.write(buf.array(), 0, buf.position());
            written += buf.position();
            buf.clear();
        }
    }

    public void bytes(byte[] b) throws IOException {
        int off = 0;
        while (off < b.length) {
            ensure(1);
            int n = Math.min(buf.remaining(), b.length - off);
            buf.put(b, off, n);
            off += n;
        }
    }

    public void u8(int x) throws IOException {
        ensure(1);
        buf.put((byte) x);
    }

    public void i32(int x) throws IOException {
        ensure(4);
        buf.putInt(x);
    }

    public void i64(long x) throws IOException {
        ensure(8);
        buf.putLong(x);
    }

    public void f64(double x) throws IOException {
        ensure(8);
        buf.putDouble(x);
    }

    /** A string: int32 byte length, then UTF-8 bytes. */
    public void string(String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        i32(b.length);
        bytes(b);
    }

    /** UTF-8 bytes then a NUL (C string). */
    public void cString(String s) throws IOException {
        bytes(s.getBytes(StandardCharsets.UTF_8));
        u8(0);
    }

    /** {@code n} floats from {@code a[off..off+n)}, float32 little-endian. */
    public void floats(float[] a, int off, int n) throws IOException {
        int i = off;
        int end = off + n;
        while (i < end) {
            ensure(4);
            int k = Math.min(buf.remaining() / 4, end - i);
            buf.asFloatBuffer().put(a, i, k);
            buf.position(buf.position() + 4 * k);
            i += k;
        }
    }

    /** The CRC-32 of all bytes written so far (flushes). */
    public int crc() throws IOException {
        flush();
        return (int) crc.getValue();
    }

    /** Bytes written so far (flushes). */
    public long written() throws IOException {
        flush();
        return written;
    }
}
