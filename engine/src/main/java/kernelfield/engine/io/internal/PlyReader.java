package kernelfield.engine.io.internal;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import kernelfield.engine.io.KfFormatException;
import kernelfield.engine.io.PlyElement;
import kernelfield.engine.io.PlyEncoding;
import kernelfield.engine.io.PlyFile;
import kernelfield.engine.io.PlyProperty;
import kernelfield.engine.io.PlyType;

/** Decodes PLY files (all three encodings) from a mapped segment into column arrays. */
public final class PlyReader {
    /** Headers longer than this are rejected (a real header is a few KiB). */
    static final int MAX_HEADER = 16 << 20;
    /** Largest element count (Java array limit). */
    static final long MAX_COUNT = Integer.MAX_VALUE - 16;
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    private PlyReader() {
    }

    public static PlyFile read(Path file, boolean data) throws IOException {
        try (MappedFile mf = MappedFile.open(file)) {
            return read(file, mf.segment(), data);
        }
    }

    /** Where the data begins after a parsed header, and the line number there. */
    record Header(PlyFile ply, long dataStart, long line) {
    }

    public static PlyFile read(Path file, MemorySegment seg, boolean data) throws KfFormatException {
        Header h = parseHeader(file, seg);
        if (!data) return h.ply;
        if (h.ply.encoding() == PlyEncoding.ASCII) {
            readAscii(file, seg, h);
        } else {
            readBinary(file, seg, h, h.ply.encoding() == PlyEncoding.BINARY_BIG_ENDIAN);
        }
        return h.ply;
    }

    // ------------------------------------------------------------------------------------ header

    static Header parseHeader(Path file, MemorySegment seg) throws KfFormatException {
        long size = seg.byteSize();
        if (size == 0) throw new KfFormatException(file, "empty file, expected a PLY header");
        long limit = Math.min(size, MAX_HEADER);
        long pos = 0;
        int lineNo = 0;
        PlyFile ply = null;
        PlyElement current = null;
        List<PlyElement> elements = new ArrayList<>();
        List<String> comments = new ArrayList<>();
        List<String> objInfo = new ArrayList<>();
        PlyEncoding enc = null;
        String version = null;
        while (true) {
            if (pos >= limit) {
                throw new KfFormatException(file, lineNo == 0 ? "empty file, expected a PLY header"
                        : "header line " + lineNo + ": no end_header line within the first " + limit + " bytes");
            }
            long e = pos;
            while (e < limit && seg.get(ValueLayout.JAVA_BYTE, e) != '\n') e++;
            if (e >= limit) {
                throw new KfFormatException(file, "header line " + (lineNo + 1) + ": no end_header line within the first " + limit + " bytes");
            }
            long next = e + 1;
            if (e > pos && seg.get(ValueLayout.JAVA_BYTE, e - 1) == '\r') e--;
            byte[] b = new byte[(int) (e - pos)];
            MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, pos, b, 0, b.length);
            String line = new String(b, StandardCharsets.ISO_8859_1);
            pos = next;
            lineNo++;
            String where = "header line " + lineNo + ": ";
            if (lineNo == 1) {
                if (!line.equals("ply")) throw new KfFormatException(file, "not a PLY file: expected 'ply' on the first line, got '" + clip(line) + "'");
                continue;
            }
            String[] t = line.trim().split("[ \t]+");
            switch (t[0]) {
                case "format" -> {
                    if (t.length != 3) throw new KfFormatException(file, where + "expected 'format <encoding> <version>', got '" + clip(line) + "'");
                    if (enc != null) throw new KfFormatException(file, where + "second format line");
                    enc = PlyEncoding.parse(t[1]);
                    if (enc == null) throw new KfFormatException(file, where + "unknown encoding '" + clip(t[1]) + "', expected ascii, binary_little_endian or binary_big_endian");
                    version = t[2];
                }
                case "comment" -> comments.add(line.length() > 8 ? line.substring(8) : "");
                case "obj_info" -> objInfo.add(line.length() > 9 ? line.substring(9) : "");
                case "element" -> {
                    if (t.length != 3) throw new KfFormatException(file, where + "expected 'element <name> <count>', got '" + clip(line) + "'");
                    long n;
                    try {
                        n = Long.parseLong(t[2]);
                    } catch (NumberFormatException ex) {
                        throw new KfFormatException(file, where + "element " + clip(t[1]) + ": count '" + clip(t[2]) + "' is not an integer");
                    }
                    if (n < 0) throw new KfFormatException(file, where + "element " + clip(t[1]) + ": negative count " + n);
                    if (n > MAX_COUNT) throw new KfFormatException(file, where + "element " + clip(t[1]) + ": count " + n + " exceeds the limit " + MAX_COUNT + " (file has " + size + " bytes)");
                    for (PlyElement o : elements) {
                        if (o.name().equals(t[1])) throw new KfFormatException(file, where + "duplicate element " + clip(t[1]));
                    }
                    current = new PlyElement(t[1], (int) n);
                    elements.add(current);
                }
                case "property" -> {
                    if (current == null) throw new KfFormatException(file, where + "property before any element");
                    PlyProperty p;
                    if (t.length >= 2 && t[1].equals("list")) {
                        if (t.length != 5) throw new KfFormatException(file, where + "expected 'property list <count type> <item type> <name>', got '" + clip(line) + "'");
                        PlyType ct = type(file, where, t[2]);
                        PlyType it = type(file, where, t[3]);
                        if (!ct.isInteger()) throw new KfFormatException(file, where + "list count type must be an integer type, got " + t[2]);
                        p = new PlyProperty(t[4], it, ct, t[3], t[2]);
                    } else {
                        if (t.length != 3) throw new KfFormatException(file, where + "expected 'property <type> <name>', got '" + clip(line) + "'");
                        p = new PlyProperty(t[2], type(file, where, t[1]), null, t[1], null);
                    }
                    if (current.property(p.name()) != null) {
                        throw new KfFormatException(file, where + "element " + current.name() + " has property " + clip(p.name()) + " twice");
                    }
                    current.add(p);
                }
                case "end_header" -> {
                    if (enc == null) throw new KfFormatException(file, where + "end_header before any format line");
                    ply = new PlyFile(enc);
                    ply.setVersion(version);
                    ply.comments().addAll(comments);
                    ply.objInfo().addAll(objInfo);
                    ply.elements().addAll(elements);
                    return new Header(ply, pos, lineNo + 1);
                }
                case "" -> throw new KfFormatException(file, where + "empty header line");
                default -> throw new KfFormatException(file, where + "unknown header keyword '" + clip(t[0]) + "', expected format, comment, obj_info, element, property or end_header");
            }
        }
    }

    private static PlyType type(Path file, String where, String s) throws KfFormatException {
        PlyType t = PlyType.parse(s);
        if (t == null) {
            throw new KfFormatException(file, where + "unknown type '" + clip(s)
                    + "', expected char uchar short ushort int uint float double or int8 uint8 int16 uint16 int32 uint32 float32 float64");
        }
        return t;
    }

    static String clip(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 60; i++) {
            char c = s.charAt(i);
            b.append(c >= 32 && c < 127 ? c : '?');
        }
        if (s.length() > 60) b.append("...");
        return b.toString();
    }

    // ------------------------------------------------------------------------------------ binary

    private static void readBinary(Path file, MemorySegment seg, Header h, boolean swap) throws KfFormatException {
        long size = seg.byteSize();
        long pos = h.dataStart;
        for (PlyElement el : h.ply.elements()) {
            int n = el.count();
            long fixed = 0;
            boolean lists = false;
            for (PlyProperty p : el.properties()) {
                fixed += p.isList() ? p.countType().size() : p.type().size();
                lists |= p.isList();
            }
            long remain = size - pos;
            if (fixed * n > remain) {
                throw new KfFormatException(file, "element " + el.name() + ": " + n + " rows need at least " + fixed * n
                        + " bytes but only " + remain + " remain at byte " + pos + " (truncated file or wrong count)");
            }
            if (!lists) {
                long off = 0;
                for (PlyProperty p : el.properties()) {
                    Object a = TypedArrays.allocate(p.type(), n);
                    readColumn(seg, pos + off, fixed, n, p.type(), swap, a);
                    p.setData(a, null);
                    off += p.type().size();
                }
                pos += fixed * n;
            } else {
                pos = readRows(file, seg, el, pos, swap);
            }
        }
        if (pos != size) {
            throw new KfFormatException(file, (size - pos) + " bytes after the end of the last element at byte " + pos
                    + " (the header counts disagree with the data)");
        }
    }

    /** Reads {@code n} values of {@code t} at {@code base + i * stride} into {@code a}. */
    private static void readColumn(MemorySegment seg, long base, long stride, int n, PlyType t, boolean swap, Object a) {
        switch (t) {
            case CHAR, UCHAR -> {
                byte[] v = (byte[]) a;
                for (int i = 0; i < n; i++) v[i] = seg.get(ValueLayout.JAVA_BYTE, base + i * stride);
            }
            case SHORT, USHORT -> {
                short[] v = (short[]) a;
                for (int i = 0; i < n; i++) v[i] = Bytes.i16(seg, base + i * stride, swap);
            }
            case INT, UINT -> {
                int[] v = (int[]) a;
                for (int i = 0; i < n; i++) v[i] = Bytes.i32(seg, base + i * stride, swap);
            }
            case FLOAT -> {
                float[] v = (float[]) a;
                if (stride == 4 && !swap) {
                    MemorySegment.copy(seg, FLOAT_LE, base, v, 0, n);
                } else {
                    for (int i = 0; i < n; i++) v[i] = Bytes.f32(seg, base + i * stride, swap);
                }
            }
            case DOUBLE -> {
                double[] v = (double[]) a;
                for (int i = 0; i < n; i++) v[i] = Bytes.f64(seg, base + i * stride, swap);
            }
        }
    }

    private static long readBinaryLong(MemorySegment seg, long off, PlyType t, boolean swap) {
        return switch (t) {
            case CHAR -> seg.get(ValueLayout.JAVA_BYTE, off);
            case UCHAR -> seg.get(ValueLayout.JAVA_BYTE, off) & 0xff;
            case SHORT -> Bytes.i16(seg, off, swap);
            case USHORT -> Bytes.i16(seg, off, swap) & 0xffff;
            case INT -> Bytes.i32(seg, off, swap);
            case UINT -> Bytes.i32(seg, off, swap) & 0xffffffffL;
            case FLOAT -> (long) Bytes.f32(seg, off, swap);
            case DOUBLE -> (long) Bytes.f64(seg, off, swap);
        };
    }

    /** Copies one binary value of {@code t} at {@code off} into {@code a[i]}. */
    private static void readValue(MemorySegment seg, long off, PlyType t, boolean swap, Object a, int i) {
        switch (t) {
            case CHAR, UCHAR -> ((byte[]) a)[i] = seg.get(ValueLayout.JAVA_BYTE, off);
            case SHORT, USHORT -> ((short[]) a)[i] = Bytes.i16(seg, off, swap);
            case INT, UINT -> ((int[]) a)[i] = Bytes.i32(seg, off, swap);
            case FLOAT -> ((float[]) a)[i] = Bytes.f32(seg, off, swap);
            case DOUBLE -> ((double[]) a)[i] = Bytes.f64(seg, off, swap);
        }
    }

    /** Row by row, for elements with list properties. Returns the position after the element. */
    private static long readRows(Path file, MemorySegment seg, PlyElement el, long pos, boolean swap) throws KfFormatException {
        int n = el.count();
        long size = seg.byteSize();
        List<PlyProperty> props = el.properties();
        int np = props.size();
        PlyType[] types = new PlyType[np];
        PlyType[] ctypes = new PlyType[np];
        Object[] arrays = new Object[np];
        int[][] offsets = new int[np][];
        int[] fill = new int[np];
        for (int k = 0; k < np; k++) {
            PlyProperty p = props.get(k);
            types[k] = p.type();
            ctypes[k] = p.countType();
            if (p.isList()) {
                offsets[k] = new int[n + 1];
                long guess = Math.min(3L * n, (size - pos) / p.type().size());
                arrays[k] = TypedArrays.allocate(p.type(), (int) Math.max(16, Math.min(guess, MAX_COUNT)));
            } else {
                arrays[k] = TypedArrays.allocate(p.type(), n);
            }
        }
        for (int r = 0; r < n; r++) {
            for (int k = 0; k < np; k++) {
                PlyType t = types[k];
                if (ctypes[k] == null) {
                    if (pos + t.size() > size) throw truncated(file, el, r, props.get(k), pos);
                    readValue(seg, pos, t, swap, arrays[k], r);
                    pos += t.size();
                } else {
                    PlyType ct = ctypes[k];
                    if (pos + ct.size() > size) throw truncated(file, el, r, props.get(k), pos);
                    long c = readBinaryLong(seg, pos, ct, swap);
                    pos += ct.size();
                    if (c < 0) throw new KfFormatException(file, "element " + el.name() + " row " + r + ": property " + props.get(k).name() + " has negative list length " + c);
                    if (c * t.size() > size - pos) {
                        throw new KfFormatException(file, "element " + el.name() + " row " + r + ": list " + props.get(k).name() + " of " + c
                                + " items runs past the end of the file at byte " + pos);
                    }
                    int f = fill[k];
                    if (f + c > MAX_COUNT) throw new KfFormatException(file, "element " + el.name() + ": list " + props.get(k).name() + " holds more than " + MAX_COUNT + " items");
                    Object a = arrays[k];
                    int cap = TypedArrays.length(a);
                    if (f + c > cap) {
                        long want = Math.max(f + c, Math.min(2L * cap, MAX_COUNT));
                        a = arrays[k] = TypedArrays.resize(a, (int) want);
                    }
                    for (int j = 0; j < c; j++) {
                        readValue(seg, pos, t, swap, a, f + j);
                        pos += t.size();
                    }
                    fill[k] = f + (int) c;
                    offsets[k][r + 1] = fill[k];
                }
            }
        }
        for (int k = 0; k < np; k++) {
            Object a = arrays[k];
            if (offsets[k] != null && TypedArrays.length(a) != fill[k]) a = TypedArrays.resize(a, fill[k]);
            props.get(k).setData(a, offsets[k]);
        }
        return pos;
    }

    private static KfFormatException truncated(Path file, PlyElement el, int row, PlyProperty p, long pos) {
        return new KfFormatException(file, "element " + el.name() + " row " + row + ": property " + p.name()
                + " runs past the end of the file at byte " + pos + " (truncated file or wrong count)");
    }

    // ------------------------------------------------------------------------------------- ascii

    private static void readAscii(Path file, MemorySegment seg, Header h) throws KfFormatException {
        TextScanner sc = new TextScanner(file, seg, h.dataStart, seg.byteSize(), h.line);
        for (PlyElement el : h.ply.elements()) {
            int n = el.count();
            List<PlyProperty> props = el.properties();
            int np = props.size();
            long remain = seg.byteSize() - sc.position();
            if (np > 0 && 2L * np * n - 1 > remain) {
                throw new KfFormatException(file, "element " + el.name() + ": " + n + " rows of " + np + " values need at least "
                        + (2L * np * n - 1) + " bytes but only " + remain + " remain (truncated file or wrong count)");
            }
            PlyType[] types = new PlyType[np];
            PlyType[] ctypes = new PlyType[np];
            Object[] arrays = new Object[np];
            int[][] offsets = new int[np][];
            int[] fill = new int[np];
            String[] what = new String[np];
            for (int k = 0; k < np; k++) {
                PlyProperty p = props.get(k);
                types[k] = p.type();
                ctypes[k] = p.countType();
                what[k] = (p.isList() ? "list " : "property ") + p.name();
                if (p.isList()) {
                    offsets[k] = new int[n + 1];
                    arrays[k] = TypedArrays.allocate(p.type(), (int) Math.max(16, Math.min(3L * n, remain / 2)));
                } else {
                    arrays[k] = TypedArrays.allocate(p.type(), n);
                }
            }
            if (np == 0) continue;
            sc.context("element " + el.name() + " ");
            for (int r = 0; r < n; r++) {
                sc.row(r);
                for (int k = 0; k < np; k++) {
                    PlyType t = types[k];
                    if (ctypes[k] == null) {
                        sc.token(what[k]);
                        store(sc, t, arrays[k], r);
                    } else {
                        long c = sc.nextLong(what[k], 0, ctypes[k].max());
                        if (c > (sc.end() - sc.position() + 1) / 2) throw sc.error("list " + props.get(k).name() + " of " + c + " items runs past the end of the file");
                        int f = fill[k];
                        if (f + c > MAX_COUNT) throw sc.error("list " + props.get(k).name() + " holds too many items");
                        Object a = arrays[k];
                        int cap = TypedArrays.length(a);
                        if (f + c > cap) a = arrays[k] = TypedArrays.resize(a, (int) Math.max(f + c, Math.min(2L * cap, MAX_COUNT)));
                        for (int j = 0; j < c; j++) {
                            sc.token(what[k]);
                            store(sc, t, a, f + j);
                        }
                        fill[k] = f + (int) c;
                        offsets[k][r + 1] = fill[k];
                    }
                }
            }
            for (int k = 0; k < np; k++) {
                Object a = arrays[k];
                if (offsets[k] != null && TypedArrays.length(a) != fill[k]) a = TypedArrays.resize(a, fill[k]);
                props.get(k).setData(a, offsets[k]);
            }
        }
        sc.context("");
        if (!sc.atEnd()) throw sc.error("unexpected data after the last element (the header counts disagree with the data)");
    }

    private static void store(TextScanner sc, PlyType t, Object a, int i) throws KfFormatException {
        switch (t) {
            case FLOAT -> ((float[]) a)[i] = sc.tokenFloat();
            case DOUBLE -> ((double[]) a)[i] = sc.tokenDouble();
            default -> TypedArrays.setLong(t, a, i, sc.tokenLong(t.min(), t.max()));
        }
    }
}
