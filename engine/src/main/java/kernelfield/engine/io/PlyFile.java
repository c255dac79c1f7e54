package kernelfield.engine.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import kernelfield.engine.io.internal.PlyReader;
import kernelfield.engine.io.internal.PlyWriter;

/**
 * A PLY file in memory: encoding, comments, {@code obj_info} lines and any elements with any
 * scalar or list properties, stored column-wise (see {@link PlyProperty}).
 *
 * <p>Reading maps the file and decodes each column in one pass over the bytes, with no per-value
 * objects; binary files are read at memory speed. Writing is atomic. A file read and written back
 * with the same encoding gives identical bytes when its header is canonical (single spaces,
 * {@code \n} line ends, comments before elements), as the files of the common writers are;
 * float values keep their exact bits.
 */
public final class PlyFile {
    private PlyEncoding encoding;
    private String version = "1.0";
    private final List<String> comments = new ArrayList<>();
    private final List<String> objInfo = new ArrayList<>();
    private final List<PlyElement> elements = new ArrayList<>();

    public PlyFile(PlyEncoding encoding) {
        this.encoding = Objects.requireNonNull(encoding, "encoding");
    }

    /**
     * Reads a whole PLY file. Allocates one array per property (and offsets for lists).
     *
     * @throws KfFormatException on any malformed, truncated or inconsistent input, naming the file,
     *     the header line or element row, and what was expected
     */
    public static PlyFile read(Path file) throws IOException {
        return PlyReader.read(file, true);
    }

    /** Reads only the header: elements and properties without data. */
    public static PlyFile readHeader(Path file) throws IOException {
        return PlyReader.read(file, false);
    }

    /** Writes this file atomically in its own encoding. */
    public void write(Path file) throws IOException {
        write(file, encoding);
    }

    /** Writes this file atomically in {@code enc} (this object is not modified). */
    public void write(Path file, PlyEncoding enc) throws IOException {
        PlyWriter.check(this);
        AtomicFiles.write(file, out -> PlyWriter.write(this, enc, out));
    }

    /** Writes this file to {@code out} in {@code enc}; does not close {@code out}. */
    public void writeTo(OutputStream out, PlyEncoding enc) throws IOException {
        PlyWriter.check(this);
        PlyWriter.write(this, enc, out);
    }

    public PlyEncoding encoding() {
        return encoding;
    }

    public void setEncoding(PlyEncoding e) {
        this.encoding = Objects.requireNonNull(e);
    }

    /** The version of the {@code format} line, normally {@code 1.0}. */
    public String version() {
        return version;
    }

    public void setVersion(String v) {
        this.version = Objects.requireNonNull(v);
    }

    /** Comment lines (text after {@code "comment "}), modifiable. */
    public List<String> comments() {
        return comments;
    }

    /** {@code obj_info} lines (text after {@code "obj_info "}), modifiable. */
    public List<String> objInfo() {
        return objInfo;
    }

    /** The elements in file order, modifiable. */
    public List<PlyElement> elements() {
        return elements;
    }

    /** Appends {@code e}; returns this. */
    public PlyFile add(PlyElement e) {
        if (element(e.name()) != null) throw new IllegalArgumentException("duplicate element " + e.name());
        elements.add(e);
        return this;
    }

    /** The element named {@code name}, or null. */
    public PlyElement element(String name) {
        for (PlyElement e : elements) {
            if (e.name().equals(name)) return e;
        }
        return null;
    }

    @Override
    public String toString() {
        return "PlyFile[" + encoding.headerName() + " " + version + ", " + elements + "]";
    }
}
