package kernelfield.engine.io.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import kernelfield.engine.io.PlyElement;
import kernelfield.engine.io.PlyEncoding;
import kernelfield.engine.io.PlyFile;
import kernelfield.engine.io.PlyProperty;
import kernelfield.engine.io.PlyType;

/** Encodes a {@link PlyFile} in any of the three encodings. */
public final class PlyWriter {
    private PlyWriter() {
    }

    /** Throws IllegalStateException when some property's data does not fit its element. */
    public static void check(PlyFile ply) {
        for (PlyElement el : ply.elements()) {
            name("element", el.name());
            for (PlyProperty p : el.properties()) {
                name("property", p.name());
                String w = "element " + el.name() + " property " + p.name() + ": ";
                if (!p.hasData()) throw new IllegalStateException(w + "no data");
                int len = TypedArrays.length(p.data());
                if (!p.isList()) {
                    if (len < el.count()) throw new IllegalStateException(w + len + " values for " + el.count() + " rows");
                } else {
                    int[] o = p.offsets();
                    if (o.length < el.count() + 1) throw new IllegalStateException(w + "offsets has " + o.length + " entries for " + el.count() + " rows");
                    if (o[0] != 0 && el.count() > 0) throw new IllegalStateException(w + "offsets[0] must be 0");
                    for (int r = 0; r < el.count(); r++) {
                        int c = o[r + 1] - o[r];
                        if (c < 0 || c > p.countType().max() || o[r + 1] > len) {
                            throw new IllegalStateException(w + "row " + r + " has an invalid list of " + c + " items");
                        }
                    }
                }
            }
        }
    }

    private static void name(String what, String n) {
        if (n.isEmpty() || n.chars().anyMatch(c -> c <= ' ' || c >= 127)) {
            throw new IllegalStateException(what + " name '" + n + "' cannot be written in a PLY header");
        }
    }

    public static byte[] header(PlyFile ply, PlyEncoding enc) {
        StringBuilder h = new StringBuilder("ply\nformat ").append(enc.headerName()).append(' ').append(ply.version()).append('\n');
        for (String c : ply.comments()) h.append("comment ").append(c).append('\n');
        for (String c : ply.objInfo()) h.append("obj_info ").append(c).append('\n');
        for (PlyElement el : ply.elements()) {
            h.append("element ").append(el.name()).append(' ').append(el.count()).append('\n');
            for (PlyProperty p : el.properties()) h.append(p.headerLine()).append('\n');
        }
        h.append("end_header\n");
        return h.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    public static void write(PlyFile ply, PlyEncoding enc, OutputStream out) throws IOException {
        out.write(header(ply, enc));
        if (enc == PlyEncoding.ASCII) {
            writeAscii(ply, out);
        } else {
            writeBinary(ply, enc == PlyEncoding.BINARY_LITTLE_ENDIAN ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN, out);
        }
    }

    private static void writeBinary(PlyFile ply, ByteOrder order, OutputStream out) throws IOException {
        byte[] buf = new byte[1 << 16];
        ByteBuffer bb = ByteBuffer.wrap(buf).order(order);
        for (PlyElement el : ply.elements()) {
            List<PlyProperty> props = el.properties();
            int np = props.size();
            PlyType[] types = new PlyType[np];
            Object[] arrays = new Object[np];
            for (int k = 0; k < np; k++) {
                types[k] = props.get(k).type();
                arrays[k] = props.get(k).data();
            }
            for (int r = 0; r < el.count(); r++) {
                for (int k = 0; k < np; k++) {
                    PlyProperty p = props.get(k);
                    if (!p.isList()) {
                        if (bb.remaining() < 8) flush(bb, out);
                        put(bb, types[k], arrays[k], r);
                    } else {
                        int s = p.offsets()[r], e = p.offsets()[r + 1];
                        if (bb.remaining() < 8) flush(bb, out);
                        putLong(bb, p.countType(), e - s);
                        for (int j = s; j < e; j++) {
                            if (bb.remaining() < 8) flush(bb, out);
                            put(bb, types[k], arrays[k], j);
                        }
                    }
                }
            }
        }
        flush(bb, out);
    }

    private static void flush(ByteBuffer bb, OutputStream out) throws IOException {
        out.write(bb.array(), 0, bb.position());
        bb.clear();
    }

    private static void put(ByteBuffer bb, PlyType t, Object a, int i) {
        switch (t) {
            case CHAR, UCHAR -> bb.put(((byte[]) a)[i]);
            case SHORT, USHORT -> bb.putShort(((short[]) a)[i]);
            case INT, UINT -> bb.putInt(((int[]) a)[i]);
            case FLOAT -> bb.putInt(Float.floatToRawIntBits(((float[]) a)[i]));
            case DOUBLE -> bb.putLong(Double.doubleToRawLongBits(((double[]) a)[i]));
        }
    }

    private static void putLong(ByteBuffer bb, PlyType t, long v) {
        switch (t) {
            case CHAR, UCHAR -> bb.put((byte) v);
            case SHORT, USHORT -> bb.putShort((short) v);
            case INT, UINT -> bb.putInt((int) v);
            case FLOAT -> bb.putFloat(v);
            case DOUBLE -> bb.putDouble(v);
        }
    }

    private static void writeAscii(PlyFile ply, OutputStream out) throws IOException {
        TextOut t = new TextOut(out);
        for (PlyElement el : ply.elements()) {
            List<PlyProperty> props = el.properties();
            for (int r = 0; r < el.count(); r++) {
                for (int k = 0; k < props.size(); k++) {
                    PlyProperty p = props.get(k);
                    if (k > 0) t.c(' ');
                    if (!p.isList()) {
                        value(t, p.type(), p.data(), r);
                    } else {
                        int s = p.offsets()[r], e = p.offsets()[r + 1];
                        t.i(e - s);
                        for (int j = s; j < e; j++) {
                            t.c(' ');
                            value(t, p.type(), p.data(), j);
                        }
                    }
                }
                t.c('\n');
            }
        }
        t.flush();
    }

    private static void value(TextOut t, PlyType type, Object a, int i) throws IOException {
        switch (type) {
            case FLOAT -> t.f(((float[]) a)[i]);
            case DOUBLE -> t.d(((double[]) a)[i]);
            default -> t.i(TypedArrays.getLong(type, a, i));
        }
    }
}
