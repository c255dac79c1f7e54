package kernelfield.engine.io.internal;

import java.util.Arrays;

/**
 * LZF compression (the byte format of liblzf, used by PCD {@code binary_compressed}).
 *
 * <p>A stream is a sequence of runs, each starting with a control byte {@code c}:
 * <ul>
 *   <li>{@code c < 32}: a literal run of {@code c + 1} bytes follows;</li>
 *   <li>otherwise a back reference: length {@code L = c >> 5} (if 7, plus the next byte), then the
 *       low 8 bits of the distance; it copies {@code L + 2} bytes starting
 *       {@code ((c & 31) << 8 | low) + 1} bytes back in the output (copies may overlap).</li>
 * </ul>
 */
public final class Lzf {
    private static final int HASH_LOG = 15;
    private static final int MAX_OFF = 1 << 13;
    private static final int MAX_REF = (1 << 8) + (1 << 3); // 264
    private static final int MAX_LIT = 1 << 5;

    /** Largest output one input byte can produce: a 3-byte back reference yields 264 bytes. */
    public static final int MAX_EXPANSION = 89;

    private Lzf() {
    }

    /** Thrown on corrupt input; the caller adds the file and offset. */
    public static final class CorruptException extends Exception {
        public CorruptException(String msg) {
            super(msg, null, false, false);
        }
    }

    /**
     * Decompresses {@code in[inOff, inOff + inLen)} into {@code out[0, outLen)}; the result must fill
     * exactly {@code outLen} bytes. Modifies {@code out} only.
     */
    public static void decompress(byte[] in, int inOff, int inLen, byte[] out, int outLen) throws CorruptException {
        int ip = inOff, inEnd = inOff + inLen, op = 0;
        while (ip < inEnd) {
            int ctrl = in[ip++] & 0xff;
            if (ctrl < 32) {
                int n = ctrl + 1;
                if (op + n > outLen) throw new CorruptException("literal run at input byte " + (ip - 1 - inOff) + " overflows the output of " + outLen + " bytes");
                if (ip + n > inEnd) throw new CorruptException("literal run at input byte " + (ip - 1 - inOff) + " runs past the end of the compressed data");
                System.arraycopy(in, ip, out, op, n);
                ip += n;
                op += n;
            } else {
                int len = ctrl >>> 5;
                if (len == 7) {
                    if (ip >= inEnd) throw new CorruptException("back reference cut off at the end of the compressed data");
                    len += in[ip++] & 0xff;
                }
                if (ip >= inEnd) throw new CorruptException("back reference cut off at the end of the compressed data");
                int ref = op - ((ctrl & 0x1f) << 8) - (in[ip++] & 0xff) - 1;
                len += 2;
                if (ref < 0) throw new CorruptException("back reference at input byte " + (ip - inOff) + " points before the start of the output");
                if (op + len > outLen) throw new CorruptException("back reference at input byte " + (ip - inOff) + " overflows the output of " + outLen + " bytes");
                if (ref + len <= op) {
                    System.arraycopy(out, ref, out, op, len);
                    op += len;
                } else {
                    for (int k = 0; k < len; k++) out[op++] = out[ref++];
                }
            }
        }
        if (op != outLen) throw new CorruptException("decompressed " + op + " bytes, expected " + outLen);
    }

    /** An upper bound of the compressed size of {@code n} bytes. */
    public static int maxCompressedSize(int n) {
        return n + n / 32 + 16;
    }

    /**
     * Compresses {@code in[0, n)}; returns the compressed bytes (allocates the result and a hash
     * table of 32 K ints).
     */
    public static byte[] compress(byte[] in, int n) {
        byte[] out = new byte[maxCompressedSize(n)];
        int[] table = new int[1 << HASH_LOG];
        Arrays.fill(table, -1);
        int ip = 0, op = 0;
        int litStart = op++; // control byte of the current literal run
        int lit = 0;
        while (ip + 2 < n) {
            int h = hash(in, ip);
            int ref = table[h];
            table[h] = ip;
            int off = ip - ref - 1;
            if (ref >= 0 && off < MAX_OFF && in[ref] == in[ip] && in[ref + 1] == in[ip + 1] && in[ref + 2] == in[ip + 2]) {
                int maxLen = Math.min(MAX_REF, n - ip);
                int len = 3;
                while (len < maxLen && in[ref + len] == in[ip + len]) len++;
                // close the literal run
                if (lit > 0) {
                    out[litStart] = (byte) (lit - 1);
                } else {
                    op--; // no literal: drop the reserved control byte
                }
                int l = len - 2;
                if (l < 7) {
                    out[op++] = (byte) ((l << 5) | (off >>> 8));
                } else {
                    out[op++] = (byte) ((7 << 5) | (off >>> 8));
                    out[op++] = (byte) (l - 7);
                }
                out[op++] = (byte) off;
                // index the bytes inside the match, then continue after it
                int stop = Math.min(ip + len, n - 2);
                for (int k = ip + 1; k < stop; k++) table[hash(in, k)] = k;
                ip += len;
                litStart = op++;
                lit = 0;
            } else {
                out[op++] = in[ip++];
                if (++lit == MAX_LIT) {
                    out[litStart] = (byte) (MAX_LIT - 1);
                    litStart = op++;
                    lit = 0;
                }
            }
        }
        while (ip < n) {
            out[op++] = in[ip++];
            if (++lit == MAX_LIT) {
                out[litStart] = (byte) (MAX_LIT - 1);
                litStart = op++;
                lit = 0;
            }
        }
        if (lit > 0) {
            out[litStart] = (byte) (lit - 1);
        } else {
            op--;
        }
        return Arrays.copyOf(out, op);
    }

    private static int hash(byte[] b, int i) {
        int v = ((b[i] & 0xff) << 16) | ((b[i + 1] & 0xff) << 8) | (b[i + 2] & 0xff);
        return (v * 0x9E3779B1) >>> (32 - HASH_LOG);
    }
}
