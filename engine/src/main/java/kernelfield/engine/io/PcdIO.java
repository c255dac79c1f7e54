package kernelfield.engine.io;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import kernelfield.engine.data.PointCloud;
import kernelfield.engine.io.internal.Bytes;
import kernelfield.engine.io.internal.Lzf;
import kernelfield.engine.io.internal.MappedFile;
import kernelfield.engine.io.internal.TextOut;
import kernelfield.engine.io.internal.TextScanner;

/**
 * Point Cloud Data (PCD v0.7, as written by PCL): header {@code VERSION FIELDS SIZE TYPE COUNT WIDTH
 * HEIGHT VIEWPOINT POINTS DATA}; data {@code ascii}, {@code binary} (little-endian, point by point) or
 * {@code binary_compressed} (LZF, field by field).
 *
 * <p>Fields map to the point cloud as: {@code x y z} positions; {@code normal_x normal_y normal_z}
 * normals; {@code rgb} / {@code rgba} (packed {@code 0xAARRGGBB} in 4 bytes) colours in 0..1; other
 * fields to float attributes ({@code name} for COUNT 1, {@code name_k} otherwise); fields named
 * {@code _} (padding) are skipped. Points with a non-finite x, y or z (the holes of organized scans)
 * are dropped and counted, not an error.
 */
public final class PcdIO {
    /** The DATA encodings. */
    public enum Encoding {
        ASCII("ascii"), BINARY("binary"), BINARY_COMPRESSED("binary_compressed");

        private final String headerName;

        Encoding(String n) {
            this.headerName = n;
        }

        public String headerName() {
            return headerName;
        }
    }

    /** One field: name, bytes per value (1, 2, 4, 8), type ({@code I U F}) and value count. */
    public record Field(String name, int size, char type, int count) {
    }

    /** A parsed header; {@code dataStart} is the byte offset of the data. */
    public record Header(String version, List<Field> fields, long width, long height, List<Double> viewpoint,
            long points, Encoding encoding, long dataStart) {
        /** Bytes per point, the sum of size * count. */
        public long pointStep() {
            long s = 0;
            for (Field f : fields) s += (long) f.size * f.count;
            return s;
        }

        public Field field(String name) {
            for (Field f : fields) {
                if (f.name.equals(name)) return f;
            }
            return null;
        }
    }

    /** A read cloud, with the number of points dropped for a non-finite position. */
    public record Result(PointCloud cloud, long droppedNonFinite, Header header) {
    }

    private static final int MAX_HEADER = 1 << 20;
    private static final long MAX_POINTS = Integer.MAX_VALUE / 3;

    private PcdIO() {
    }

    /** Reads the header only. */
    public static Header readHeader(Path file) throws IOException {
        try (MappedFile mf = MappedFile.open(file)) {
            return header(file, mf.segment());
        }
    }

    /** Reads the point cloud; see {@link #read} for the dropped count. */
    public static PointCloud readPointCloud(Path file) throws IOException {
        return read(file).cloud();
    }

    /** Reads a PCD file. Allocates the cloud's arrays (and the decompressed data for binary_compressed). */
    public static Result read(Path file) throws IOException {
        try (MappedFile mf = MappedFile.open(file)) {
            MemorySegment seg = mf.segment();
            Header h = header(file, seg);
            long step = h.pointStep();
            int n = (int) h.points;
            long size = seg.byteSize();
            long remain = size - h.dataStart;
            MemorySegment data;
            boolean columns = false;
            switch (h.encoding) {
                case BINARY -> {
                    if (step * n != remain) {
                        throw new KfFormatException(file, "DATA binary: " + n + " points of " + step + " bytes need " + step * n
                                + " bytes, the file has " + remain + " after the header (truncated file or wrong POINTS)");
                    }
                    data = seg.asSlice(h.dataStart, remain);
                }
                case BINARY_COMPRESSED -> {
                    data = MemorySegment.ofArray(decompress(file, seg, h, step * n));
                    columns = true;
                }
                default -> data = MemorySegment.ofArray(parseAscii(file, seg, h, step));
            }
            return extract(file, h, data, columns);
        }
    }

    private static byte[] decompress(Path file, MemorySegment seg, Header h, long expected) throws KfFormatException {
        long pos = h.dataStart;
        long size = seg.byteSize();
        if (size - pos < 8) throw new KfFormatException(file, "DATA binary_compressed: expected 8 bytes of sizes at byte " + pos + ", the file ends");
        long csize = Bytes.i32(seg, pos, false) & 0xffffffffL;
        long usize = Bytes.i32(seg, pos + 4, false) & 0xffffffffL;
        pos += 8;
        if (usize != expected) {
            throw new KfFormatException(file, "DATA binary_compressed: uncompressed size " + usize + " bytes, expected " + expected
                    + " for " + h.points + " points of " + h.pointStep() + " bytes");
        }
        if (csize > size - pos) {
            throw new KfFormatException(file, "DATA binary_compressed: compressed size " + csize + " bytes at byte " + (pos - 8)
                    + " exceeds the " + (size - pos) + " bytes left in the file (truncated)");
        }
        if (usize > csize * Lzf.MAX_EXPANSION || usize > Integer.MAX_VALUE - 16) {
            throw new KfFormatException(file, "DATA binary_compressed: " + csize + " compressed bytes cannot hold " + usize + " bytes (POINTS " + h.points + ")");
        }
        byte[] in = new byte[(int) csize];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, pos, in, 0, in.length);
        byte[] out = new byte[(int) usize];
        try {
            Lzf.decompress(in, 0, in.length, out, out.length);
        } catch (Lzf.CorruptException e) {
            throw new KfFormatException(file, "DATA binary_compressed at byte " + pos + ": corrupt LZF data: " + e.getMessage());
        }
        return out;
    }

    /** Parses ascii data into the binary point-by-point little-endian layout. */
    private static byte[] parseAscii(Path file, MemorySegment seg, Header h, long step) throws KfFormatException {
        int n = (int) h.points;
        long values = 0;
        for (Field f : h.fields) values += f.count;
        long remain = seg.byteSize() - h.dataStart;
        if (2 * values * n - 1 > remain) {
            throw new KfFormatException(file, "DATA ascii: " + n + " points of " + values + " values need at least " + (2 * values * n - 1)
                    + " bytes, only " + remain + " remain (truncated file or wrong POINTS)");
        }
        if (step * n > Integer.MAX_VALUE - 16) throw new KfFormatException(file, "DATA ascii: " + n + " points are too many");
        ByteBuffer out = ByteBuffer.allocate((int) (step * n)).order(ByteOrder.LITTLE_ENDIAN);
        TextScanner sc = new TextScanner(file, seg, h.dataStart, seg.byteSize(), lineOf(seg, h.dataStart));
        sc.context("point ");
        String[] fieldWhat = new String[h.fields.size()];
        for (int k = 0; k < fieldWhat.length; k++) fieldWhat[k] = "field " + h.fields.get(k).name;
        for (int i = 0; i < n; i++) {
            sc.row(i);
            if (!sc.skipBlank()) throw sc.error("unexpected end of file, expected " + n + " points");
            for (int fi = 0; fi < fieldWhat.length; fi++) {
                Field f = h.fields.get(fi);
                for (int c = 0; c < f.count; c++) {
                    sc.tokenInLine(fieldWhat[fi]);
                    switch (f.type) {
                        case 'F' -> {
                            if (f.size == 4) out.putFloat(sc.tokenFloat());
                            else out.putDouble(sc.tokenDouble());
                        }
                        case 'U' -> putInt(out, f.size, sc.tokenLong(0, f.size == 8 ? Long.MAX_VALUE : (1L << (8 * f.size)) - 1));
                        default -> putInt(out, f.size, sc.tokenLong(f.size == 8 ? Long.MIN_VALUE : -(1L << (8 * f.size - 1)),
                                f.size == 8 ? Long.MAX_VALUE : (1L << (8 * f.size - 1)) - 1));
                    }
                }
            }
            if (sc.moreInLine()) throw sc.error("more values than the " + values + " the fields declare");
            sc.nextLine();
        }
        sc.context("");
        if (!sc.atEnd()) throw sc.error("unexpected data after " + n + " points (POINTS disagrees with the data)");
        return out.array();
    }

    private static void putInt(ByteBuffer out, int size, long v) {
        switch (size) {
            case 1 -> out.put((byte) v);
            case 2 -> out.putShort((short) v);
            case 4 -> out.putInt((int) v);
            default -> out.putLong(v);
        }
    }

    private static long lineOf(MemorySegment seg, long pos) {
        long line = 1;
        for (long i = 0; i < pos; i++) {
            if (seg.get(ValueLayout.JAVA_BYTE, i) == '\n') line++;
        }
        return line;
    }

    private static double value(MemorySegment d, long off, Field f) {
        return switch (f.type) {
            case 'F' -> f.size == 4 ? Bytes.f32(d, off, false) : Bytes.f64(d, off, false);
            case 'U' -> switch (f.size) {
                case 1 -> d.get(ValueLayout.JAVA_BYTE, off) & 0xff;
                case 2 -> Bytes.i16(d, off, false) & 0xffff;
                case 4 -> Bytes.i32(d, off, false) & 0xffffffffL;
                default -> {
                    long v = Bytes.i64(d, off, false);
                    yield v >= 0 ? v : (double) (v >>> 1) * 2.0;
                }
            };
            default -> switch (f.size) {
                case 1 -> d.get(ValueLayout.JAVA_BYTE, off);
                case 2 -> Bytes.i16(d, off, false);
                case 4 -> Bytes.i32(d, off, false);
                default -> (double) Bytes.i64(d, off, false);
            };
        };
    }

    private static PointCloud cloudOf(float[] p, float[] nrm, float[] col, Map<String, float[]> attrs) {
        return new PointCloud(p, nrm, col, attrs);
    }

    private static Result extract(Path file, Header h, MemorySegment d, boolean columns) throws KfFormatException {
        int n = (int) h.points;
        long step = h.pointStep();
        int nf = h.fields.size();
        long[] base = new long[nf];
        long[] stride = new long[nf];
        long acc = 0;
        for (int k = 0; k < nf; k++) {
            Field f = h.fields.get(k);
            long fs = (long) f.size * f.count;
            if (columns) {
                base[k] = acc * n;
                stride[k] = fs;
            } else {
                base[k] = acc;
                stride[k] = step;
            }
            acc += fs;
        }
        int ix = index(h, "x"), iy = index(h, "y"), iz = index(h, "z");
        if (ix < 0 || iy < 0 || iz < 0) throw new KfFormatException(file, "FIELDS has no x y z, found " + names(h));
        int[] keep = new int[n];
        int kept = 0;
        float[] xyz = new float[3];
        int[] ixyz = {ix, iy, iz};
        for (int i = 0; i < n; i++) {
            boolean ok = true;
            for (int j = 0; j < 3; j++) {
                int k = ixyz[j];
                double v = value(d, base[k] + i * stride[k], h.fields.get(k));
                ok &= Double.isFinite(v) && Float.isFinite((float) v);
            }
            if (ok) keep[kept++] = i;
        }
        float[] pos = gather3(h, d, base, stride, keep, kept, ix, iy, iz);
        int inx = index(h, "normal_x"), iny = index(h, "normal_y"), inz = index(h, "normal_z");
        float[] nrm = inx >= 0 && iny >= 0 && inz >= 0 ? gather3(h, d, base, stride, keep, kept, inx, iny, inz) : null;
        int irgb = index(h, "rgb");
        if (irgb < 0) irgb = index(h, "rgba");
        if (irgb >= 0 && h.fields.get(irgb).size != 4) irgb = -1;
        float[] col = null;
        if (irgb >= 0) {
            col = new float[3 * kept];
            for (int j = 0; j < kept; j++) {
                int bits = Bytes.i32(d, base[irgb] + keep[j] * stride[irgb], false);
                col[3 * j] = ((bits >>> 16) & 0xff) / 255f;
                col[3 * j + 1] = ((bits >>> 8) & 0xff) / 255f;
                col[3 * j + 2] = (bits & 0xff) / 255f;
            }
        }
        Map<String, float[]> attrs = new LinkedHashMap<>();
        for (int k = 0; k < nf; k++) {
            Field f = h.fields.get(k);
            if (k == ix || k == iy || k == iz || k == irgb || f.name.equals("_")) continue;
            if (nrm != null && (k == inx || k == iny || k == inz)) continue;
            for (int c = 0; c < f.count; c++) {
                float[] a = new float[kept];
                for (int j = 0; j < kept; j++) a[j] = (float) value(d, base[k] + keep[j] * stride[k] + (long) c * f.size, f);
                String name = f.count == 1 ? f.name : f.name + "_" + c;
                if (!attrs.containsKey(name)) attrs.put(name, a);
            }
        }
        return new Result(cloudOf(pos, nrm, col, attrs), n - kept, h);
    }

    private static float[] gather3(Header h, MemorySegment d, long[] base, long[] stride, int[] keep, int kept, int a, int b, int c) {
        float[] out = new float[3 * kept];
        int[] ks = {a, b, c};
        for (int j = 0; j < 3; j++) {
            int k = ks[j];
            Field f = h.fields.get(k);
            if (f.type == 'F' && f.size == 4) {
                for (int i = 0; i < kept; i++) out[3 * i + j] = Bytes.f32(d, base[k] + keep[i] * stride[k], false);
            } else {
                for (int i = 0; i < kept; i++) out[3 * i + j] = (float) value(d, base[k] + keep[i] * stride[k], f);
            }
        }
        return out;
    }

    private static int index(Header h, String name) {
        for (int k = 0; k < h.fields.size(); k++) {
            if (h.fields.get(k).name.equals(name)) return k;
        }
        return -1;
    }

    private static String names(Header h) {
        List<String> s = new ArrayList<>();
        for (Field f : h.fields) s.add(f.name);
        return String.join(" ", s);
    }

    // ------------------------------------------------------------------------------------ header

    /** Parses and checks the header. */
    public static Header header(Path file, MemorySegment seg) throws KfFormatException {
        long size = seg.byteSize();
        if (size == 0) throw new KfFormatException(file, "empty file, expected a PCD header");
        long limit = Math.min(size, MAX_HEADER);
        long pos = 0;
        int lineNo = 0;
        String version = null;
        String[] fields = null, sizes = null, types = null, counts = null;
        long width = -1, height = 1, points = -1;
        List<Double> viewpoint = List.of(0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0);
        while (true) {
            if (pos >= limit) throw new KfFormatException(file, "header line " + (lineNo + 1) + ": no DATA line within the first " + limit + " bytes");
            long e = pos;
            while (e < limit && seg.get(ValueLayout.JAVA_BYTE, e) != '\n') e++;
            long next = Math.min(e + 1, size);
            if (e > pos && seg.get(ValueLayout.JAVA_BYTE, e - 1) == '\r') e--;
            byte[] b = new byte[(int) (e - pos)];
            MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, pos, b, 0, b.length);
            String line = new String(b, StandardCharsets.ISO_8859_1).trim();
            pos = next;
            lineNo++;
            String where = "header line " + lineNo + ": ";
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] t = line.split("[ \t]+");
            String[] v = java.util.Arrays.copyOfRange(t, 1, t.length);
            switch (t[0].toUpperCase(Locale.ROOT)) {
                case "VERSION" -> version = v.length > 0 ? v[0] : "";
                case "FIELDS", "COLUMNS" -> fields = v;
                case "SIZE" -> sizes = v;
                case "TYPE" -> types = v;
                case "COUNT" -> counts = v;
                case "WIDTH" -> width = count(file, where, "WIDTH", v);
                case "HEIGHT" -> height = count(file, where, "HEIGHT", v);
                case "POINTS" -> points = count(file, where, "POINTS", v);
                case "VIEWPOINT" -> {
                    if (v.length != 7) throw new KfFormatException(file, where + "VIEWPOINT: expected 7 numbers (tx ty tz qw qx qy qz), got " + v.length);
                    List<Double> vp = new ArrayList<>();
                    for (String s : v) {
                        try {
                            vp.add(Double.parseDouble(s));
                        } catch (NumberFormatException ex) {
                            throw new KfFormatException(file, where + "VIEWPOINT: '" + clip(s) + "' is not a number");
                        }
                    }
                    viewpoint = List.copyOf(vp);
                }
                case "DATA" -> {
                    if (v.length != 1) throw new KfFormatException(file, where + "expected DATA ascii, binary or binary_compressed");
                    Encoding enc = switch (v[0].toLowerCase(Locale.ROOT)) {
                        case "ascii" -> Encoding.ASCII;
                        case "binary" -> Encoding.BINARY;
                        case "binary_compressed" -> Encoding.BINARY_COMPRESSED;
                        default -> throw new KfFormatException(file, where + "unknown DATA '" + clip(v[0]) + "', expected ascii, binary or binary_compressed");
                    };
                    return finish(file, where, version, fields, sizes, types, counts, width, height, points, viewpoint, enc, pos);
                }
                default -> throw new KfFormatException(file, where + "unknown header keyword '" + clip(t[0])
                        + "', expected VERSION FIELDS SIZE TYPE COUNT WIDTH HEIGHT VIEWPOINT POINTS or DATA");
            }
        }
    }

    private static long count(Path file, String where, String key, String[] v) throws KfFormatException {
        if (v.length != 1) throw new KfFormatException(file, where + key + ": expected one integer");
        long x;
        try {
            x = Long.parseLong(v[0]);
        } catch (NumberFormatException ex) {
            throw new KfFormatException(file, where + key + ": '" + clip(v[0]) + "' is not an integer");
        }
        if (x < 0) throw new KfFormatException(file, where + key + ": negative value " + x);
        if (x > MAX_POINTS) throw new KfFormatException(file, where + key + ": " + x + " exceeds the limit " + MAX_POINTS);
        return x;
    }

    private static Header finish(Path file, String where, String version, String[] fields, String[] sizes, String[] types,
            String[] counts, long width, long height, long points, List<Double> viewpoint, Encoding enc, long dataStart)
            throws KfFormatException {
        if (fields == null || fields.length == 0) throw new KfFormatException(file, where + "DATA before FIELDS");
        int nf = fields.length;
        if (sizes == null || sizes.length != nf) throw new KfFormatException(file, where + "SIZE must give " + nf + " values, one per field");
        if (types == null || types.length != nf) throw new KfFormatException(file, where + "TYPE must give " + nf + " values, one per field");
        if (counts != null && counts.length != nf) throw new KfFormatException(file, where + "COUNT must give " + nf + " values, one per field");
        if (width < 0) throw new KfFormatException(file, where + "DATA before WIDTH");
        if (points < 0) points = width * height;
        if (width * height != points) throw new KfFormatException(file, where + "WIDTH " + width + " x HEIGHT " + height + " disagrees with POINTS " + points);
        if (points > MAX_POINTS) throw new KfFormatException(file, where + "POINTS " + points + " exceeds the limit " + MAX_POINTS);
        List<Field> fl = new ArrayList<>();
        for (int k = 0; k < nf; k++) {
            int s;
            int c = 1;
            try {
                s = Integer.parseInt(sizes[k]);
                if (counts != null) c = Integer.parseInt(counts[k]);
            } catch (NumberFormatException ex) {
                throw new KfFormatException(file, where + "field " + clip(fields[k]) + ": SIZE and COUNT must be integers");
            }
            String ty = types[k].toUpperCase(Locale.ROOT);
            if (ty.length() != 1 || "IUF".indexOf(ty.charAt(0)) < 0) {
                throw new KfFormatException(file, where + "field " + clip(fields[k]) + ": unknown TYPE '" + clip(types[k]) + "', expected I, U or F");
            }
            char tc = ty.charAt(0);
            if (s != 1 && s != 2 && s != 4 && s != 8 || tc == 'F' && s != 4 && s != 8) {
                throw new KfFormatException(file, where + "field " + clip(fields[k]) + ": SIZE " + s + " is invalid for TYPE " + tc);
            }
            if (c < 1 || c > 1 << 16) throw new KfFormatException(file, where + "field " + clip(fields[k]) + ": COUNT " + c + " out of range 1..65536");
            fl.add(new Field(fields[k], s, tc, c));
        }
        Header h = new Header(version, List.copyOf(fl), width, height, viewpoint, points, enc, dataStart);
        if (h.pointStep() * points > (long) Integer.MAX_VALUE - 16) {
            throw new KfFormatException(file, where + points + " points of " + h.pointStep() + " bytes exceed the 2 GiB limit");
        }
        return h;
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    // ----------------------------------------------------------------------------------- writing

    /**
     * Writes {@code pc} atomically: fields {@code x y z}, then {@code normal_x normal_y normal_z},
     * {@code rgb} (packed, PCL's float convention) and the attributes, all float32, as one row (HEIGHT 1).
     */
    public static void write(Path file, PointCloud pc, Encoding enc) throws IOException {
        int n = pc.size();
        List<String> names = new ArrayList<>(List.of("x", "y", "z"));
        List<float[]> cols = new ArrayList<>();
        split(pc.positions(), n, cols);
        if (pc.hasNormals()) {
            names.addAll(List.of("normal_x", "normal_y", "normal_z"));
            split(pc.normals(), n, cols);
        }
        if (pc.hasColors()) {
            names.add("rgb");
            float[] rgb = new float[n];
            float[] c = pc.colors();
            for (int i = 0; i < n; i++) {
                int bits = (q(c[3 * i]) << 16) | (q(c[3 * i + 1]) << 8) | q(c[3 * i + 2]);
                rgb[i] = Float.intBitsToFloat(bits);
            }
            cols.add(rgb);
        }
        for (Map.Entry<String, float[]> e : pc.attributes().entrySet()) {
            String name = e.getKey();
            if (name.isEmpty() || name.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException(file + ": attribute name '" + name + "' cannot be a PCD field name");
            }
            if (names.contains(name)) continue;
            names.add(name);
            cols.add(e.getValue());
        }
        int nf = names.size();
        StringBuilder hd = new StringBuilder("# .PCD v0.7 - Point Cloud Data file format\nVERSION 0.7\nFIELDS");
        for (String s : names) hd.append(' ').append(s);
        hd.append("\nSIZE").append(" 4".repeat(nf)).append("\nTYPE").append(" F".repeat(nf)).append("\nCOUNT").append(" 1".repeat(nf));
        hd.append("\nWIDTH ").append(n).append("\nHEIGHT 1\nVIEWPOINT 0 0 0 1 0 0 0\nPOINTS ").append(n);
        hd.append("\nDATA ").append(enc.headerName()).append('\n');
        byte[] header = hd.toString().getBytes(StandardCharsets.US_ASCII);
        AtomicFiles.write(file, out -> {
            out.write(header);
            switch (enc) {
                case ASCII -> {
                    TextOut t = new TextOut(out);
                    for (int i = 0; i < n; i++) {
                        for (int k = 0; k < nf; k++) {
                            if (k > 0) t.c(' ');
                            t.f(cols.get(k)[i]);
                        }
                        t.c('\n');
                    }
                    t.flush();
                }
                case BINARY -> {
                    ByteBuffer bb = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
                    for (int i = 0; i < n; i++) {
                        if (bb.remaining() < 4 * nf) {
                            out.write(bb.array(), 0, bb.position());
                            bb.clear();
                        }
                        for (int k = 0; k < nf; k++) bb.putInt(Float.floatToRawIntBits(cols.get(k)[i]));
                    }
                    out.write(bb.array(), 0, bb.position());
                }
                case BINARY_COMPRESSED -> {
                    long total = 4L * nf * n;
                    if (total > Integer.MAX_VALUE - 16) throw new IOException(file + ": too many points for binary_compressed (" + n + ")");
                    ByteBuffer bb = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
                    for (int k = 0; k < nf; k++) {
                        float[] col = cols.get(k);
                        for (int i = 0; i < n; i++) bb.putInt(Float.floatToRawIntBits(col[i]));
                    }
                    byte[] z = Lzf.compress(bb.array(), (int) total);
                    ByteBuffer sizes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
                    sizes.putInt(z.length).putInt((int) total);
                    out.write(sizes.array());
                    out.write(z);
                }
            }
        });
    }

    private static int q(float c) {
        return Math.round(Math.clamp(c != c ? 0 : c, 0f, 1f) * 255f);
    }

    private static void split(float[] xyz, int n, List<float[]> cols) {
        for (int k = 0; k < 3; k++) {
            float[] c = new float[n];
            for (int i = 0; i < n; i++) c[i] = xyz[3 * i + k];
            cols.add(c);
        }
    }
}
