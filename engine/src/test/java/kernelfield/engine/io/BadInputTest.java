package kernelfield.engine.io;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Specific bad inputs and the messages they give: file, where, and what was expected. */
class BadInputTest {
    @TempDir
    Path dir;

    String fails(String name, String content, String... expected) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, content.getBytes(StandardCharsets.ISO_8859_1));
        KfFormatException e = assertThrows(KfFormatException.class, () -> {
            if (FileFormat.of(f) != null && FileFormat.of(f).holdsMeshes()) MeshIO.read(f);
            else PointCloudIO.read(f);
        });
        String m = e.getMessage();
        assertTrue(m.startsWith(f.toString()), m);
        for (String x : expected) assertTrue(m.contains(x), "'" + x + "' not in: " + m);
        return m;
    }

    static final String PLY_HEAD = "ply\nformat binary_little_endian 1.0\nelement vertex %s\nproperty float x\nproperty float y\nproperty float z\nend_header\n";

    @Test
    void absurdCountsAreCheckedAgainstTheFileSize() throws IOException {
        fails("a.ply", PLY_HEAD.formatted("1000000000000") + "abc", "element vertex", "1000000000000");
        fails("b.ply", PLY_HEAD.formatted("1000000") + "0123456789ab", "element vertex", "1000000 rows need at least 12000000 bytes");
        fails("c.ply", PLY_HEAD.formatted("-3"), "negative count");
        fails("d.ply", PLY_HEAD.replace("binary_little_endian", "ascii").formatted("500000") + "1 2 3\n", "need at least");
        fails("e.off", "OFF\n1000000000000 1 0\n0 0 0\n", "out of range");
        fails("f.off", "OFF\n100000 0 0\n0 0 0\n", "header claims 100000 vertices");
        fails("g.pcd", "VERSION 0.7\nFIELDS x y z\nSIZE 4 4 4\nTYPE F F F\nWIDTH 100000000\nPOINTS 100000000\nDATA binary\n", "need 1200000000 bytes");
        fails("h.pcd", "VERSION 0.7\nFIELDS x y z\nSIZE 4 4 4\nTYPE F F F\nWIDTH 3\nHEIGHT 2\nPOINTS 5\nDATA ascii\n", "disagrees with POINTS");
        fails("i.pcd", "VERSION 0.7\nFIELDS x y z\nSIZE 4 4 4\nTYPE F F F\nWIDTH 100000\nPOINTS 100000\nDATA binary_compressed\n\1\0\0\0\u0080\u004f\u0012\0\0",
                "1 compressed bytes cannot hold 1200000 bytes");
    }

    @Test
    void nonFiniteCoordinatesAreErrorsNamingTheRow() throws IOException {
        fails("a.xyz", "1 2 3\n4 nan 6\n", "line 2", "coordinate y is NaN");
        fails("b.obj", "v 1 2 3\nv 4 5 inf\n", "line 2", "coordinate z");
        fails("c.off", "OFF\n2 0 0\n1 2 3\n1e40 0 0\n", "vertex row 1", "coordinate x");
        fails("d.ply", "ply\nformat ascii 1.0\nelement vertex 2\nproperty float x\nproperty float y\nproperty float z\nend_header\n1 2 3\n4 5 NaN\n",
                "element vertex 1", "coordinate z is NaN");
    }

    @Test
    void faceIndicesOutOfRange() throws IOException {
        fails("a.obj", "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 4\n", "line 4", "vertex index 4 out of range");
        fails("b.obj", "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 -4\n", "vertex index -4");
        fails("c.obj", "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 0 1 2\n", "index 0 is invalid");
        fails("d.off", "OFF\n3 1 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 3\n", "face row 0", "vertex index 3 out of range 0..2");
        fails("e.ply", "ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\n"
                + "element face 1\nproperty list uchar int vertex_indices\nend_header\n0 0 0\n1 0 0\n0 1 0\n3 0 1 7\n", "element face 0", "vertex index 7 out of range 0..2");
    }

    @Test
    void unknownTypesAndKeywords() throws IOException {
        fails("a.ply", "ply\nformat binary_little_endian 1.0\nelement vertex 1\nproperty floaty x\nend_header\n", "header line 4", "unknown type 'floaty'");
        fails("b.ply", "ply\nformat binary_middle_endian 1.0\nend_header\n", "unknown encoding");
        fails("c.ply", "ply\nformat ascii 1.0\nelement vertex 1\nproperty list float int x\nend_header\n", "count type must be an integer");
        fails("d.ply", "ply\nformat ascii 1.0\nelemental vertex 1\nend_header\n", "unknown header keyword 'elemental'");
        fails("e.pcd", "FIELDS x y z\nSIZE 4 4 4\nTYPE F F Q\nWIDTH 1\nDATA ascii\n1 2 3\n", "unknown TYPE 'Q'");
        fails("f.pcd", "FIELDS x y z\nSIZE 4 4 3\nTYPE F F F\nWIDTH 1\nDATA ascii\n1 2 3\n", "SIZE 3 is invalid");
        fails("g.pcd", "FIELDS x y z\nSIZE 4 4 4\nTYPE F F F\nWIDTH 1\nDATA zipped\n", "unknown DATA 'zipped'");
        fails("h.off", "4OFF\n", "not supported");
        fails("i.off", "PLY\n", "not an OFF file");
    }

    @Test
    void emptyAndTruncatedFiles() throws IOException {
        fails("a.ply", "", "empty file");
        fails("b.off", "", "empty file");
        fails("c.pcd", "", "empty file");
        fails("d.ply", "ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\n", "no end_header");
        fails("e.ply", PLY_HEAD.formatted("2") + "0123456789ab0123456789a", "need at least 24 bytes but only 23 remain");
        fails("f.ply", PLY_HEAD.formatted("1") + "0123456789ab!", "1 bytes after the end of the last element");
        fails("g.off", "OFF\n3 1 0\n0 0 0\n1 0 0\n0 1 0\n3    0    1\n", "face row 0", "end of data");
        fails("h.pcd", "FIELDS x y z\nSIZE 4 4 4\nTYPE F F F\nWIDTH 2\nDATA ascii\n1.0000 2.0000 3.0000\n", "point row 1", "end of file");
        fails("i.xyz", "1 2 3\n4 5\n", "line 2", "expected x y z, got 2 numbers");
        fails("j.pwn", "1 2 3\n", "expected x y z nx ny nz, got 3 numbers");
        fails("k.txt", "1 2 3\n", "unknown file extension");
        // empty point sets are fine where the format allows them
        Path ok = dir.resolve("empty.xyz");
        Files.writeString(ok, "# nothing\n");
        assertTrue(PointCloudIO.read(ok).size() == 0);
    }

    @Test
    void corruptCompressedPcd() throws IOException {
        byte[] head = "FIELDS x\nSIZE 4\nTYPE F\nWIDTH 2\nDATA binary_compressed\n".getBytes(StandardCharsets.US_ASCII);
        byte[] body = {5, 0, 0, 0, 8, 0, 0, 0, 0x1f, 1, 2, 3, 4};
        Path f = dir.resolve("z.pcd");
        Files.write(f, concat(head, body));
        KfFormatException e = assertThrows(KfFormatException.class, () -> PcdIO.read(f));
        assertTrue(e.getMessage().contains("corrupt LZF data"), e.getMessage());
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
