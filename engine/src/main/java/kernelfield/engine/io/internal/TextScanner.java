package kernelfield.engine.io.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import kernelfield.engine.io.KfFormatException;

/**
 * A tokenizer for text formats over a byte segment, with correctly rounded number parsing that
 * allocates nothing on the common path (short decimals), and line numbers for error messages.
 *
 * <p>Whitespace is space, tab, CR, form feed and vertical tab; LF ends a line. Methods that may
 * cross lines say so. A token is a maximal run of non-whitespace bytes.
 */
public final class TextScanner {
    private static final double[] POW10 = new double[23];

    static {
        double p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    private final MemorySegment seg;
    private final long end;
    private final Path file;
    private long pos;
    private long line = 1;
    private long tokStart;
    private long tokEnd;
    private String context = "";
    private boolean hashComments;

    /** A window of the data copied to the heap: plain array reads are fast even before the JIT warms up. */
    private final byte[] win;
    private long winStart;
    private int winLen;

    public TextScanner(Path file, MemorySegment seg, long start, long end, long firstLine) {
        this.file = file;
        this.seg = seg;
        this.pos = start;
        this.end = end;
        this.line = firstLine;
        this.win = new byte[(int) Math.min(Math.max(0, end - start) + 16, 1 << 20)];
        this.winStart = start;
        this.start0 = start;
    }

    private final long start0;

    /** Treat {@code #} to end of line as a comment, wherever blank space is skipped. */
    public TextScanner hashComments(boolean on) {
        this.hashComments = on;
        return this;
    }

    /** A prefix for error messages, such as {@code "element vertex "}; clears the row. */
    public void context(String c) {
        this.context = c;
        this.row = -1;
    }

    /** The row (record) number named in error messages after the context, or -1 for none. */
    public void row(long r) {
        this.row = r;
    }

    private long row = -1;

    public long line() {
        return line;
    }

    public long position() {
        return pos;
    }

    public long end() {
        return end;
    }

    private byte at(long i) {
        long r = i - winStart;
        if (r >= 0 && r < winLen) return win[(int) r];
        return refill(i);
    }

    /** Moves the window to hold {@code i} and up to 8 KiB before it (a token being parsed). */
    private byte refill(long i) {
        if (i < start0 || i >= end) throw new IndexOutOfBoundsException("position " + i + " outside the data");
        long s = end - start0 <= win.length ? start0 : Math.max(start0, i - 8192);
        int len = (int) Math.min(win.length, end - s);
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, s, win, 0, len);
        winStart = s;
        winLen = len;
        return win[(int) (i - s)];
    }

    private static boolean space(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\f' || b == 0x0b;
    }

    /** Skips blanks (and comments if enabled) within the line; true when the line has more tokens. */
    public boolean moreInLine() {
        while (pos < end) {
            byte b = at(pos);
            if (space(b)) {
                pos++;
            } else if (b == '#' && hashComments) {
                while (pos < end && at(pos) != '\n') pos++;
                return false;
            } else {
                return b != '\n';
            }
        }
        return false;
    }

    /** Skips blanks, comments and line ends; true when a token follows, false at the end of data. */
    public boolean skipBlank() {
        while (pos < end) {
            byte b = at(pos);
            if (space(b)) {
                pos++;
            } else if (b == '\n') {
                pos++;
                line++;
            } else if (b == '#' && hashComments) {
                while (pos < end && at(pos) != '\n') pos++;
            } else {
                return true;
            }
        }
        return false;
    }

    /** Moves past the next line end (or to the end of data). */
    public void nextLine() {
        while (pos < end) {
            if (at(pos++) == '\n') {
                line++;
                return;
            }
        }
    }

    /** True at the end of data after skipping blanks, comments and line ends. */
    public boolean atEnd() {
        return !skipBlank();
    }

    /** Reads the next token within the current line; false (position unchanged) when the line has none. */
    public boolean tokenInLine() {
        if (!moreInLine()) return false;
        scanToken();
        return true;
    }

    /** Reads the next token, crossing lines; throws at the end of data naming {@code what}. */
    public void token(String what) throws KfFormatException {
        if (!skipBlank()) throw error("unexpected end of data, expected " + what);
        scanToken();
    }

    /** Reads the next token of the current line; throws at the line end naming {@code what}. */
    public void tokenInLine(String what) throws KfFormatException {
        if (!moreInLine()) throw error("expected " + what + ", line ends");
        scanToken();
    }

    private void scanToken() {
        tokStart = pos;
        while (pos < end) {
            byte b = at(pos);
            if (space(b) || b == '\n') break;
            pos++;
        }
        tokEnd = pos;
    }

    /** The current token as a string (for headers and messages; allocates). */
    public String tokenString() {
        long n = Math.min(tokEnd - tokStart, 200);
        byte[] b = new byte[(int) n];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, tokStart, b, 0, (int) n);
        return new String(b, StandardCharsets.ISO_8859_1) + (tokEnd - tokStart > n ? "..." : "");
    }

    /** The rest of the current line from the position, without the line end (allocates). */
    public String restOfLine() {
        long s = pos;
        while (pos < end && at(pos) != '\n') pos++;
        long e = pos;
        if (e > s && at(e - 1) == '\r') e--;
        byte[] b = new byte[(int) Math.min(e - s, 1 << 20)];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, s, b, 0, b.length);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    public KfFormatException error(String what) {
        return new KfFormatException(file, context + (row >= 0 ? "row " + row + ", " : "") + "line " + line + ": " + what);
    }

    private KfFormatException notANumber(String expected) {
        return error("expected " + expected + ", got '" + tokenString() + "'");
    }

    // ---------------------------------------------------------------- numbers of the current token

    /** The current token as a double, correctly rounded; accepts nan and inf spellings. */
    public double tokenDouble() throws KfFormatException {
        double d = fastDouble();
        if (d == d || !slowNeeded) return d;
        String s = ascii();
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw notANumber("a number");
        }
    }

    /** The current token as a float, correctly rounded (not through a double rounding). */
    public float tokenFloat() throws KfFormatException {
        double d = fastDouble();
        if (!slowNeeded) {
            if (d != d) return Float.NaN;
            float f = (float) d;
            if ((double) f == d || Double.isInfinite(d)) return f;
            if (!Float.isInfinite(f)) {
                double other = d > f ? Math.nextUp(f) : Math.nextDown(f);
                if (!Double.isInfinite(other) && ((double) f + other) * 0.5 != d) return f;
            }
        }
        try {
            return Float.parseFloat(ascii());
        } catch (NumberFormatException e) {
            throw notANumber("a number");
        }
    }

    /** The current token as an integer in {@code [min, max]}. */
    public long tokenLong(long min, long max) throws KfFormatException {
        return parseLong(tokStart, tokEnd, min, max);
    }

    public long tokenStart() {
        return tokStart;
    }

    public long tokenEnd() {
        return tokEnd;
    }

    public byte byteAt(long i) {
        return at(i);
    }

    /** True when the current token is exactly {@code w} (ASCII). */
    public boolean tokenIs(String w) {
        if (tokEnd - tokStart != w.length()) return false;
        for (int k = 0; k < w.length(); k++) {
            if (at(tokStart + k) != w.charAt(k)) return false;
        }
        return true;
    }

    /** Bytes {@code [s, e)} of the data as an integer in {@code [min, max]}. */
    public long parseLong(long s, long e, long min, long max) throws KfFormatException {
        long i = s;
        boolean neg = false;
        if (i < e && (at(i) == '-' || at(i) == '+')) {
            neg = at(i) == '-';
            i++;
        }
        if (i == e || e - i > 18) throw notANumber("an integer");
        long v = 0;
        for (; i < e; i++) {
            int c = at(i) - '0';
            if (c < 0 || c > 9) throw notANumber("an integer");
            v = v * 10 + c;
        }
        v = neg ? -v : v;
        if (v < min || v > max) throw error("integer " + v + " out of range " + min + ".." + max);
        return v;
    }

    /** Reads a token crossing lines and parses it as a double. */
    public double nextDouble(String what) throws KfFormatException {
        token(what);
        return tokenDouble();
    }

    public float nextFloat(String what) throws KfFormatException {
        token(what);
        return tokenFloat();
    }

    public long nextLong(String what, long min, long max) throws KfFormatException {
        token(what);
        return tokenLong(min, max);
    }

    private boolean slowNeeded;

    /**
     * Parses the token; when it is a decimal with at most 15 significant digits and a small exponent,
     * the result is exact-rounded from one IEEE operation (Clinger's fast path). Otherwise sets
     * {@code slowNeeded} (and returns NaN), or throws when the token is no number.
     */
    private double fastDouble() throws KfFormatException {
        slowNeeded = false;
        long i = tokStart, e = tokEnd;
        if (e - i > 800) throw error("number token longer than 800 characters");
        boolean neg = false;
        if (i < e && (at(i) == '-' || at(i) == '+')) {
            neg = at(i) == '-';
            i++;
        }
        long m = 0;
        int nd = 0;
        long exp = 0;
        boolean digits = false;
        boolean dropped = false;
        while (i < e) {
            int c = at(i) - '0';
            if (c < 0 || c > 9) break;
            digits = true;
            if (m == 0 && c == 0) {
                // leading zero
            } else if (nd < 19) {
                m = m * 10 + c;
                nd++;
            } else {
                exp++;
                dropped |= c != 0;
            }
            i++;
        }
        if (i < e && at(i) == '.') {
            i++;
            while (i < e) {
                int c = at(i) - '0';
                if (c < 0 || c > 9) break;
                digits = true;
                if (m == 0 && c == 0) {
                    exp--;
                } else if (nd < 19) {
                    m = m * 10 + c;
                    nd++;
                    exp--;
                } else {
                    dropped |= c != 0;
                }
                i++;
            }
        }
        if (!digits) return special(i == tokStart + (neg || at(tokStart) == '+' ? 1 : 0) ? i : -1, e, neg);
        if (i < e && (at(i) == 'e' || at(i) == 'E')) {
            i++;
            boolean eneg = false;
            if (i < e && (at(i) == '-' || at(i) == '+')) {
                eneg = at(i) == '-';
                i++;
            }
            if (i == e) throw notANumber("a number");
            long x = 0;
            while (i < e) {
                int c = at(i) - '0';
                if (c < 0 || c > 9) throw notANumber("a number");
                if (x < 100_000_000) x = x * 10 + c;
                i++;
            }
            exp += eneg ? -x : x;
        }
        if (i != e) throw notANumber("a number");
        if (m == 0) return neg ? -0.0 : 0.0;
        if (!dropped && nd <= 15 && exp >= -22 && exp <= 22) {
            double d = exp >= 0 ? m * POW10[(int) exp] : m / POW10[(int) -exp];
            return neg ? -d : d;
        }
        slowNeeded = true;
        return Double.NaN;
    }

    private double special(long i, long e, boolean neg) throws KfFormatException {
        if (i < 0) throw notANumber("a number");
        long n = e - i;
        if (n == 3 && word(i, "nan")) return Double.NaN;
        if ((n == 3 && word(i, "inf")) || (n == 8 && word(i, "infinity"))) {
            return neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        throw notANumber("a number");
    }

    private boolean word(long i, String w) {
        for (int k = 0; k < w.length(); k++) {
            if (Character.toLowerCase((char) (at(i + k) & 0xff)) != w.charAt(k)) return false;
        }
        return true;
    }

    private String ascii() {
        byte[] b = new byte[(int) (tokEnd - tokStart)];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, tokStart, b, 0, b.length);
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
