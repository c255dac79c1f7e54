package kernelfield.fields.splat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

import kernelfield.engine.io.AtomicFiles;
import kernelfield.engine.io.KfFormatException;
import kernelfield.engine.io.PlyElement;
import kernelfield.engine.io.PlyEncoding;
import kernelfield.engine.io.PlyFile;
import kernelfield.engine.io.PlyProperty;

/**
 * Gaussian splat files: the standard 3DGS PLY and the antimatter15 {@code .splat}.
 *
 * <h2>3DGS PLY</h2>
 * One {@code vertex} element, binary little-endian, 62 {@code float} properties per splat, in this
 * order: {@code x y z nx ny nz f_dc_0..2 f_rest_0..44 opacity scale_0..2 rot_0..3}. Values are
 * <em>before</em> activation, exactly the {@link GaussianSet} blocks: log-scales, opacity logit,
 * quaternion {@code (w, x, y, z)} not necessarily normalised, SH coefficients. The normals are
 * written as zeros and ignored on reading.
 *
 * <p><b>{@code f_rest} is channel-major in the file</b>: SH coefficient {@code k} (1..15) of channel
 * {@code c} (0 = R, 1 = G, 2 = B) is {@code f_rest_{c * 15 + k - 1}}; in memory ({@link
 * GaussianSet#shRest()}) it is coefficient-major, column {@code (k - 1) * 3 + c}. This is the layout
 * of the reference implementation, whose {@code save_ply} writes its {@code (N, 15, 3)} tensor
 * after {@code transpose(1, 2).flatten(1)}, i.e. as {@code (N, 3, 15)}, and whose {@code load_ply}
 * reshapes the {@code f_rest_*} columns to {@code (N, 3, K)} and transposes back; gsplat's exporter and
 * the web viewers read it the same way. For a file of a lower SH degree {@code d} with
 * {@code K = (d + 1)^2 - 1} coefficients per channel, coefficient {@code k} of channel {@code c} is
 * {@code f_rest_{c * K + k - 1}}.
 *
 * <p>Reading is tolerant of files from other tools: properties in any order, {@code float} or
 * {@code double} (or any PLY scalar type), extra properties ignored, any encoding, SH degree 0 to 3
 * (0, 9, 24 or 45 {@code f_rest} properties; the active SH degree of the set read is the file's,
 * higher coefficients are zero), an optional {@code shape} property (GES), opacity logits of
 * {@code +-Infinity} (clamped to {@link #OPACITY_LOGIT_LIMIT}). Writing always gives the
 * 62 standard properties (plus {@code shape} when the set has a shape block), so write, read and
 * write again gives identical bytes, every float keeping its bits.
 *
 * <h2>{@code .splat}</h2>
 * No header; 32 bytes per splat, little-endian: position {@code 3 x float32}; linear scales
 * {@code exp(log-scale)}, {@code 3 x float32}; colour {@code RGBA} as 4 unsigned bytes with
 * {@code RGB = 255 (0.5 + SH_C0 f_dc)} and {@code A = 255 sigmoid(opacity)}, clipped to 0..255 and
 * truncated (as the reference converter does); quaternion {@code (w, x, y, z)} normalised, stored as
 * {@code q * 128 + 128} clipped and truncated. Splats are written in order of decreasing
 * {@code exp(sum of log-scales) * sigmoid(opacity)}. The format keeps no higher SH: a set read back
 * has SH degree 0; a byte {@code b} of colour or alpha is read as the middle of its bin,
 * {@code (b + 0.5) / 255} (alpha at most {@code 254.5 / 255}, so that the logit is finite), so that
 * writing again gives the same bytes for colour and for every alpha but 255.
 *
 * <p>Bad input raises {@link KfFormatException} naming the file, the element or splat, and what
 * was expected. Outputs are written atomically ({@link AtomicFiles}).
 */
public final class SplatFormats {
    /** The degree-0 SH basis constant, {@code 1 / (2 sqrt(pi))}. */
    public static final double SH_C0 = 0.28209479177387814;
    /** Bytes per splat of the {@code .splat} format. */
    public static final int SPLAT_RECORD_BYTES = 32;

    /**
     * The opacity logit an infinite one in a PLY is read as (with its sign): converters write
     * {@code +-Infinity} for an alpha of exactly 1 or 0; {@code sigmoid(20)} is 1 in float. Finite
     * values are read as they are.
     */
    public static final float OPACITY_LOGIT_LIMIT = 20f;

    private static final int[] REST_COUNTS = {0, 9, 24, 45};

    private SplatFormats() {
    }

    /**
     * Reads a splat file by its extension: {@code .splat}, or a PLY ({@code .ply}).
     *
     * @throws KfFormatException on an unknown extension or bad content
     */
    public static GaussianSet read(Path file) throws IOException {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".splat")) return readSplat(file);
        if (n.endsWith(".ply")) return readPly(file);
        throw new KfFormatException(file, "unknown splat format: expected a .ply or .splat file");
    }

    /**
     * Writes a splat file by its extension ({@code .ply} or {@code .splat}), atomically.
     *
     * @throws IllegalArgumentException on an unknown extension
     */
    public static void write(Path file, GaussianSet g) throws IOException {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".splat")) writeSplat(file, g);
        else if (n.endsWith(".ply")) writePly(file, g);
        else throw new IllegalArgumentException(file + ": unknown splat format: expected a .ply or .splat name");
    }

    // ---------------------------------------------------------------------------------- PLY

    /** Reads a 3DGS PLY (see the class comment). Allocates the set and the file's columns. */
    /**
     * Whether {@code file} is a PLY whose vertex element has the 3DGS properties ({@code f_dc_0},
     * {@code opacity}, {@code scale_0}, {@code rot_0}). Reads the header only.
     */
    public static boolean isSplatPly(Path file) throws IOException {
        PlyElement v = PlyFile.readHeader(file).element("vertex");
        return v != null && v.property("f_dc_0") != null && v.property("opacity") != null
                && v.property("scale_0") != null && v.property("rot_0") != null;
    }

    public static GaussianSet readPly(Path file) throws IOException {
        return fromPly(PlyFile.read(file), file);
    }

    /** Writes {@code g} as a standard binary little-endian 3DGS PLY, atomically. Reads {@code g} only. */
    public static void writePly(Path file, GaussianSet g) throws IOException {
        toPly(g).write(file);
    }

    /**
     * The 3DGS PLY of a set: one {@code vertex} element of 62 float columns (63 with {@code shape}).
     * Allocates the columns (copies; the set is not modified).
     */
    public static PlyFile toPly(GaussianSet g) {
        int n = g.size();
        float[] xyz = g.means().value(), ls = g.logScales().value(), q = g.quaternions().value(),
                ol = g.opacityLogits().value(), dc = g.shDc().value(), rest = g.shRest().value();
        PlyElement v = new PlyElement("vertex", n);
        for (int k = 0; k < 3; k++) v.add(PlyProperty.ofFloats("xyz".substring(k, k + 1), column(xyz, 3, k, n)));
        for (String nn : new String[] {"nx", "ny", "nz"}) v.add(PlyProperty.ofFloats(nn, new float[n]));
        for (int c = 0; c < 3; c++) v.add(PlyProperty.ofFloats("f_dc_" + c, column(dc, 3, c, n)));
        for (int c = 0; c < 3; c++) {
            for (int k = 1; k <= 15; k++) {
                v.add(PlyProperty.ofFloats("f_rest_" + (c * 15 + k - 1),
                        column(rest, GaussianSet.REST_COLS, (k - 1) * 3 + c, n)));
            }
        }
        v.add(PlyProperty.ofFloats("opacity", java.util.Arrays.copyOf(ol, n)));
        for (int k = 0; k < 3; k++) v.add(PlyProperty.ofFloats("scale_" + k, column(ls, 3, k, n)));
        for (int k = 0; k < 4; k++) v.add(PlyProperty.ofFloats("rot_" + k, column(q, 4, k, n)));
        if (g.hasShape()) v.add(PlyProperty.ofFloats("shape", java.util.Arrays.copyOf(g.shape().value(), n)));
        PlyFile ply = new PlyFile(PlyEncoding.BINARY_LITTLE_ENDIAN);
        ply.add(v);
        return ply;
    }

    private static float[] column(float[] a, int cols, int c, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = a[i * cols + c];
        return out;
    }

    /**
     * The set held by a PLY already read ({@code file} is named in errors).
     *
     * @throws KfFormatException when there is no {@code vertex} element, a required property is
     *     missing or is a list, the {@code f_rest} count is not 0, 9, 24 or 45, or a value is not finite
     */
    public static GaussianSet fromPly(PlyFile ply, Path file) throws KfFormatException {
        PlyElement v = ply.element("vertex");
        if (v == null) throw new KfFormatException(file, "no element 'vertex': expected a 3DGS splat PLY");
        int n = v.count();
        int restCount = 0;
        for (PlyProperty p : v.properties()) if (p.name().startsWith("f_rest_")) restCount++;
        int degree = -1;
        for (int d = 0; d < REST_COUNTS.length; d++) if (REST_COUNTS[d] == restCount) degree = d;
        if (degree < 0) {
            throw new KfFormatException(file, "element vertex: " + restCount
                    + " f_rest properties, expected 0, 9, 24 or 45 (SH degree 0 to 3)");
        }
        GaussianSet g = new GaussianSet(n, v.property("shape") != null);
        fill(file, v, new String[] {"x", "y", "z"}, g.means().value(), 3, 0);
        fill(file, v, new String[] {"scale_0", "scale_1", "scale_2"}, g.logScales().value(), 3, 0);
        fill(file, v, new String[] {"rot_0", "rot_1", "rot_2", "rot_3"}, g.quaternions().value(), 4, 0);
        fillOpacity(file, v, g.opacityLogits().value());
        fill(file, v, new String[] {"f_dc_0", "f_dc_1", "f_dc_2"}, g.shDc().value(), 3, 0);
        int perChannel = restCount / 3;
        float[] rest = g.shRest().value();
        for (int c = 0; c < 3; c++) {
            for (int k = 1; k <= perChannel; k++) {
                String name = "f_rest_" + (c * perChannel + k - 1);
                fill(file, v, new String[] {name}, rest, GaussianSet.REST_COLS, (k - 1) * 3 + c);
            }
        }
        if (g.hasShape()) fill(file, v, new String[] {"shape"}, g.shape().value(), 1, 0);
        float[] q = g.quaternions().value();
        for (int i = 0; i < n; i++) {
            if (q[4 * i] == 0 && q[4 * i + 1] == 0 && q[4 * i + 2] == 0 && q[4 * i + 3] == 0) {
                throw new KfFormatException(file, "element vertex " + i + ": rot_0..3 is the zero quaternion");
            }
        }
        g.setActiveShDegree(degree);
        return g;
    }

    /** Copies the named columns into {@code dst (n, cols)} starting at column {@code col0}. */
    private static void fill(Path file, PlyElement v, String[] names, float[] dst, int cols, int col0)
            throws KfFormatException {
        int n = v.count();
        for (int k = 0; k < names.length; k++) {
            PlyProperty p = v.property(names[k]);
            if (p == null) {
                throw new KfFormatException(file, "element vertex: no property '" + names[k]
                        + "' (a 3DGS splat PLY has x y z f_dc_0..2 [f_rest_*] opacity scale_0..2 rot_0..3)");
            }
            if (p.isList()) throw new KfFormatException(file, "element vertex: property '" + names[k] + "' is a list, expected a scalar");
            float[] f = p.toFloats(n);
            for (int i = 0; i < n; i++) {
                float x = f[i];
                if (!Float.isFinite(x)) {
                    throw new KfFormatException(file, "element vertex " + i + ": " + names[k] + " is " + x + ", expected a finite number");
                }
                dst[i * cols + col0 + k] = x;
            }
        }
    }

    /**
     * Copies the {@code opacity} column into {@code dst (n)}; an infinite logit (what a converter
     * writes for an alpha of exactly 0 or 1, e.g. splat-transform decoding SPZ) becomes
     * {@code +-OPACITY_LOGIT_LIMIT}.
     */
    private static void fillOpacity(Path file, PlyElement v, float[] dst) throws KfFormatException {
        PlyProperty p = v.property("opacity");
        if (p == null) {
            throw new KfFormatException(file, "element vertex: no property 'opacity' (a 3DGS splat PLY has x y z f_dc_0..2 [f_rest_*] opacity scale_0..2 rot_0..3)");
        }
        if (p.isList()) throw new KfFormatException(file, "element vertex: property 'opacity' is a list, expected a scalar");
        int n = v.count();
        float[] f = p.toFloats(n);
        for (int i = 0; i < n; i++) {
            float x = f[i];
            if (Float.isNaN(x)) throw new KfFormatException(file, "element vertex " + i + ": opacity is NaN, expected a number");
            dst[i] = Float.isInfinite(x) ? Math.copySign(OPACITY_LOGIT_LIMIT, x) : x;
        }
    }

    // -------------------------------------------------------------------------------- .splat

    /**
     * Reads an antimatter15 {@code .splat} file (see the class comment). Allocates the set.
     *
     * @throws KfFormatException when the size is not a multiple of 32 bytes, or a value is not finite
     *     or a scale not positive
     */
    public static GaussianSet readSplat(Path file) throws IOException {
        long size = Files.size(file);
        if (size % SPLAT_RECORD_BYTES != 0) {
            throw new KfFormatException(file, size + " bytes is not a whole number of 32-byte splats (.splat format)");
        }
        if (size / SPLAT_RECORD_BYTES > Integer.MAX_VALUE / GaussianSet.REST_COLS) {
            throw new KfFormatException(file, (size / SPLAT_RECORD_BYTES) + " splats exceed what one set can hold");
        }
        int n = (int) (size / SPLAT_RECORD_BYTES);
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(size, 1 << 20)).order(ByteOrder.LITTLE_ENDIAN);
        GaussianSet g = new GaussianSet(n, false);
        float[] xyz = g.means().value(), ls = g.logScales().value(), q = g.quaternions().value(),
                ol = g.opacityLogits().value(), dc = g.shDc().value();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            int i = 0;
            while (i < n) {
                b.clear();
                int want = (int) Math.min(b.capacity(), (long) (n - i) * SPLAT_RECORD_BYTES);
                b.limit(want);
                while (b.hasRemaining()) {
                    if (ch.read(b) < 0) throw new KfFormatException(file, "splat " + i + ": file ended early");
                }
                b.flip();
                for (; b.remaining() >= SPLAT_RECORD_BYTES; i++) {
                    for (int k = 0; k < 3; k++) {
                        float x = b.getFloat();
                        if (!Float.isFinite(x)) throw new KfFormatException(file, "splat " + i + ": position " + k + " is " + x + ", expected a finite number");
                        xyz[3 * i + k] = x;
                    }
                    for (int k = 0; k < 3; k++) {
                        float s = b.getFloat();
                        if (!(s > 0) || Float.isInfinite(s)) throw new KfFormatException(file, "splat " + i + ": scale " + k + " is " + s + ", expected a positive finite number");
                        ls[3 * i + k] = (float) Math.log(s);
                    }
                    for (int c = 0; c < 3; c++) dc[3 * i + c] = (float) ((((b.get() & 0xFF) + 0.5) / 255.0 - 0.5) / SH_C0);
                    double a = Math.min(((b.get() & 0xFF) + 0.5) / 255.0, 254.5 / 255);
                    ol[i] = (float) Math.log(a / (1 - a));
                    boolean zero = true;
                    for (int k = 0; k < 4; k++) {
                        float qq = ((b.get() & 0xFF) - 128) / 128f;
                        q[4 * i + k] = qq;
                        zero &= qq == 0;
                    }
                    if (zero) q[4 * i] = 1; // a quaternion byte-encoded as (128,128,128,128): identity
                }
            }
        }
        g.setActiveShDegree(0);
        return g;
    }

    /**
     * Writes {@code g} as an antimatter15 {@code .splat}, atomically, sorted by decreasing
     * {@code volume * opacity}. Reads {@code g} only; allocates the sort order.
     */
    public static void writeSplat(Path file, GaussianSet g) throws IOException {
        int n = g.size();
        float[] xyz = g.means().value(), ls = g.logScales().value(), q = g.quaternions().value(),
                ol = g.opacityLogits().value(), dc = g.shDc().value();
        double[] key = new double[n];
        for (int i = 0; i < n; i++) {
            key[i] = -Math.exp((double) ls[3 * i] + ls[3 * i + 1] + ls[3 * i + 2]) * sigmoid(ol[i]);
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        java.util.Arrays.sort(order, (a, b2) -> {
            int c = Double.compare(key[a], key[b2]);
            return c != 0 ? c : Integer.compare(a, b2);
        });
        AtomicFiles.write(file, out -> {
            ByteBuffer b = ByteBuffer.allocate(SPLAT_RECORD_BYTES * 4096).order(ByteOrder.LITTLE_ENDIAN);
            for (int r = 0; r < n; r++) {
                int i = order[r];
                for (int k = 0; k < 3; k++) b.putFloat(xyz[3 * i + k]);
                for (int k = 0; k < 3; k++) b.putFloat((float) Math.exp(ls[3 * i + k]));
                for (int c = 0; c < 3; c++) b.put(toByte(255 * (0.5 + SH_C0 * dc[3 * i + c])));
                b.put(toByte(255 * sigmoid(ol[i])));
                double qn = Math.sqrt((double) q[4 * i] * q[4 * i] + (double) q[4 * i + 1] * q[4 * i + 1]
                        + (double) q[4 * i + 2] * q[4 * i + 2] + (double) q[4 * i + 3] * q[4 * i + 3]);
                if (!(qn > 0)) qn = 1;
                for (int k = 0; k < 4; k++) b.put(toByte(q[4 * i + k] / qn * 128 + 128));
                if (!b.hasRemaining()) {
                    out.write(b.array(), 0, b.position());
                    b.clear();
                }
            }
            out.write(b.array(), 0, b.position());
        });
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** Clip to 0..255 and truncate, as the reference converter's {@code clip(0, 255).astype(uint8)}. */
    private static byte toByte(double x) {
        if (!(x > 0)) return 0;
        if (x >= 255) return (byte) 255;
        return (byte) (int) x;
    }
}
