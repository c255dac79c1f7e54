package kernelfield.engine.io;

import java.io.IOException;
import java.nio.file.Path;

import kernelfield.engine.data.PointCloud;
import kernelfield.engine.io.internal.FloatList;
import kernelfield.engine.io.internal.MappedFile;
import kernelfield.engine.io.internal.TextOut;
import kernelfield.engine.io.internal.TextScanner;

/**
 * Plain-text point sets: XYZ ({@code x y z} per line, or {@code x y z nx ny nz}) and PWN / XYZN
 * ({@code x y z nx ny nz}). Blank lines and {@code #} comments are skipped; every data line must
 * have the same number of values.
 */
public final class XyzIO {
    private XyzIO() {
    }

    /**
     * Reads a point set. With {@code normalsRequired} (PWN, XYZN) each line must hold 6 numbers;
     * otherwise the first line decides: 3 (positions) or 6 (positions and normals).
     * Allocates the cloud's arrays.
     */
    public static PointCloud read(Path file, boolean normalsRequired) throws IOException {
        try (MappedFile mf = MappedFile.open(file)) {
            TextScanner sc = new TextScanner(file, mf.segment(), 0, mf.size(), 1).hashComments(true);
            int guess = (int) Math.min(mf.size() / 6, 1 << 24);
            FloatList pos = new FloatList(guess);
            FloatList nrm = new FloatList(normalsRequired ? guess : 16);
            int columns = normalsRequired ? 6 : 0;
            float[] vals = new float[6];
            while (sc.skipBlank()) {
                int k = 0;
                while (sc.tokenInLine()) {
                    if (k == 6) throw sc.error("more than 6 numbers on a line, expected " + expected(columns));
                    vals[k++] = sc.tokenFloat();
                }
                if (columns == 0) {
                    if (k != 3 && k != 6) throw sc.error("expected x y z or x y z nx ny nz, got " + k + " numbers");
                    columns = k;
                } else if (k != columns) {
                    throw sc.error("expected " + expected(columns) + ", got " + k + " numbers");
                }
                for (int j = 0; j < 3; j++) {
                    if (!Float.isFinite(vals[j])) throw sc.error("coordinate " + "xyz".charAt(j) + " is " + vals[j] + ", expected a finite number");
                    pos.add(vals[j]);
                }
                if (columns == 6) {
                    nrm.add(vals[3]);
                    nrm.add(vals[4]);
                    nrm.add(vals[5]);
                }
                sc.nextLine();
            }
            return new PointCloud(pos.toArray(), columns == 6 ? nrm.toArray() : null);
        }
    }

    private static String expected(int columns) {
        return columns == 6 ? "x y z nx ny nz" : columns == 3 ? "x y z" : "x y z or x y z nx ny nz";
    }

    /**
     * Writes {@code pc} atomically, one point per line: {@code x y z}, followed by
     * {@code nx ny nz} when {@code withNormals}. Values are written in shortest round-trip form.
     *
     * @throws IllegalArgumentException when normals are asked for but the cloud has none
     */
    public static void write(Path file, PointCloud pc, boolean withNormals) throws IOException {
        if (withNormals && !pc.hasNormals()) throw new IllegalArgumentException(file + ": this format needs normals and the point cloud has none");
        float[] p = pc.positions();
        float[] n = pc.normals();
        AtomicFiles.write(file, os -> {
            TextOut t = new TextOut(os);
            for (int i = 0; i < p.length; i += 3) {
                t.f(p[i]).c(' ').f(p[i + 1]).c(' ').f(p[i + 2]);
                if (withNormals) t.c(' ').f(n[i]).c(' ').f(n[i + 1]).c(' ').f(n[i + 2]);
                t.c('\n');
            }
            t.flush();
        });
    }
}
