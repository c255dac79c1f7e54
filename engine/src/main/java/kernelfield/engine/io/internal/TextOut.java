package kernelfield.engine.io.internal;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Buffered ASCII text output. Floats are written in Java's shortest round-trip form
 * ({@code Float.toString}), so a value read back is bit-identical; writing allocates nothing per value.
 */
public final class TextOut {
    private final OutputStream out;
    private final StringBuilder sb = new StringBuilder(1 << 16);
    private final byte[] buf = new byte[(1 << 16) + 1024];

    public TextOut(OutputStream out) {
        this.out = out;
    }

    public TextOut s(String s) throws IOException {
        sb.append(s);
        return check();
    }

    public TextOut c(char c) throws IOException {
        sb.append(c);
        return check();
    }

    public TextOut f(float v) throws IOException {
        if (v == (long) v && Math.abs(v) < 1e15f && !(v == 0 && 1 / v < 0)) {
            sb.append((long) v);
        } else {
            sb.append(v);
        }
        return check();
    }

    public TextOut d(double v) throws IOException {
        if (v == (long) v && Math.abs(v) < 1e15 && !(v == 0 && 1 / v < 0)) {
            sb.append((long) v);
        } else {
            sb.append(v);
        }
        return check();
    }

    public TextOut i(long v) throws IOException {
        sb.append(v);
        return check();
    }

    private TextOut check() throws IOException {
        if (sb.length() >= (1 << 16)) flush();
        return this;
    }

    /** Writes the buffered text to the stream (does not flush the stream). */
    public void flush() throws IOException {
        int n = sb.length();
        int off = 0;
        while (off < n) {
            int m = Math.min(n - off, buf.length);
            for (int k = 0; k < m; k++) buf[k] = (byte) sb.charAt(off + k);
            out.write(buf, 0, m);
            off += m;
        }
        sb.setLength(0);
    }
}
