package kernelfield.engine.io.internal;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import kernelfield.engine.io.KfFormatException;

/**
 * Lines of a UTF-8 text file with their numbers, a bound on line length (so a file without
 * newlines cannot exhaust memory) and a whitespace tokenizer that parses numbers with errors
 * naming the file, the line and the field.
 */
public final class TextLines implements Closeable {
    /** Longest accepted line, in chars. */
    public static final int MAX_LINE = 64 << 20;

    private final Path file;
    private final Reader in;
    private final char[] buf = new char[1 << 16];
    private int pos, lim;
    private boolean eof;
    private int lineNumber;
    private final StringBuilder sb = new StringBuilder();

    // tokens of the current line
    private String line;
    private int[] starts = new int[64];
    private int[] ends = new int[64];
    private int count;

    public TextLines(Path file) throws IOException {
        this.file = file;
        this.in = new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE));
    }

    public Path file() {
        return file;
    }

    /** Number of the line last read, from 1. */
    public int lineNumber() {
        return lineNumber;
    }

    /** The next line without its terminator, or null at the end of the file. */
    public String next() throws IOException {
        sb.setLength(0);
        boolean any = false;
        while (true) {
            if (pos == lim) {
                if (eof) break;
                int r = in.read(buf);
                if (r < 0) {
                    eof = true;
                    break;
                }
                pos = 0;
                lim = r;
                continue;
            }
            any = true;
            int start = pos;
            while (pos < lim && buf[pos] != '\n') pos++;
            if (sb.length() + (pos - start) > MAX_LINE) {
                throw new KfFormatException(file, "line " + (lineNumber + 1) + ": longer than " + MAX_LINE + " chars");
            }
            sb.append(buf, start, pos - start);
            if (pos < lim) {
                pos++;
                lineNumber++;
                return setLine(sb);
            }
        }
        if (!any) return null;
        lineNumber++;
        return setLine(sb);
    }

    private String setLine(StringBuilder s) {
        int n = s.length();
        if (n > 0 && s.charAt(n - 1) == '\r') s.setLength(n - 1);
        line = s.toString();
        count = -1;
        return line;
    }

    /** The next line that is neither blank nor a {@code #} comment, or null at the end. */
    public String nextData() throws IOException {
        String l;
        while ((l = next()) != null) {
            String t = l.strip();
            if (!t.isEmpty() && t.charAt(0) != '#') return l;
        }
        return null;
    }

    /** Splits the current line on whitespace; returns the number of tokens. */
    public int tokenize() {
        count = 0;
        String l = line;
        int n = l.length(), i = 0;
        while (true) {
            while (i < n && Character.isWhitespace(l.charAt(i))) i++;
            if (i >= n) break;
            int s = i;
            while (i < n && !Character.isWhitespace(l.charAt(i))) i++;
            if (count == starts.length) {
                starts = java.util.Arrays.copyOf(starts, 2 * count);
                ends = java.util.Arrays.copyOf(ends, 2 * count);
            }
            starts[count] = s;
            ends[count] = i;
            count++;
        }
        return count;
    }

    public int tokenCount() {
        return count;
    }

    public String token(int i) {
        return line.substring(starts[i], ends[i]);
    }

    /** The current line from token {@code i} to its end, stripped. */
    public String rest(int i) {
        return line.substring(starts[i]).strip();
    }

    public KfFormatException error(String what) {
        return new KfFormatException(file, "line " + lineNumber + ": " + what);
    }

    public double parseDouble(int i, String field) throws KfFormatException {
        String t = token(i);
        try {
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw error(field + ": expected a number, got '" + clip(t) + "'");
        }
    }

    public long parseLong(int i, String field) throws KfFormatException {
        String t = token(i);
        try {
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw error(field + ": expected an integer, got '" + clip(t) + "'");
        }
    }

    /** An integer in {@code [min, max]}. */
    public long parseLong(int i, String field, long min, long max) throws KfFormatException {
        long v = parseLong(i, field);
        if (v < min || v > max) throw error(field + ": " + v + " outside " + min + ".." + max);
        return v;
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
