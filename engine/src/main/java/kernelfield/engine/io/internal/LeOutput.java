package kernelfield.engine.io.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** A little-endian binary writer with a 64 KiB buffer; {@link #flush} before the stream closes. */
public final class LeOutput {
    private final OutputStream out;
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

    public LeOutput(OutputStream out) {
        this.out = out;
    }

    private void room(int n) throws IOException {
        if (buf.remaining() < n) flush();
    }

    public void u8(int v) throws IOException {
        room(1);
        buf.put((byte) v);
    }

    public void i32(int v) throws IOException {
        room(4);
        buf.putInt(v);
    }

    public void i64(long v) throws IOException {
        room(8);
        buf.putLong(v);
    }

    public void f64(double v) throws IOException {
        room(8);
        buf.putDouble(v);
    }

    /** UTF-8 bytes then a NUL. */
    public void cString(String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        flush();
        out.write(b);
        u8(0);
    }

    public void flush() throws IOException {
        buf.flip();
        out.write(buf.array(), 0, buf.limit());
        buf.clear();
    }
}
