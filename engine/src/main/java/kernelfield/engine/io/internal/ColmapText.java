package kernelfield.engine.io.internal;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import kernelfield.engine.io.AtomicFiles;
import kernelfield.engine.io.ColmapModel;
import kernelfield.engine.io.KfFormatException;

/**
 * COLMAP's text model ({@code model_converter --output_type TXT}): {@code #} comments, one
 * line per camera and per point, two lines per image (the second holds its 2D points and may be
 * empty). A {@code # Number of ...:} comment, when present, must agree with the records.
 */
public final class ColmapText {
    private static final Pattern COUNT = Pattern.compile("#\\s*Number of (cameras|images|points):\\s*(\\d+)");

    private ColmapText() {
    }

    public static ColmapModel read(Path dir) throws IOException {
        Path cf = dir.resolve("cameras.txt"), imf = dir.resolve("images.txt"), pf = dir.resolve("points3D.txt");
        List<ColmapModel.Camera> cams = readCameras(cf);
        List<ColmapModel.Image> ims = readImages(imf);
        List<ColmapModel.Point3D> pts = readPoints(pf);
        ColmapChecks.check(cams, ims, pts, cf, imf, pf);
        return new ColmapModel(cams, ims, pts, dir);
    }

    /** Reads data lines, noting a "# Number of X: n" comment seen before the first one. */
    private static final class Counted {
        long declared = -1;
        int declaredLine;

        String nextData(TextLines in) throws IOException {
            String l;
            while ((l = in.next()) != null) {
                String t = l.strip();
                if (t.isEmpty()) continue;
                if (t.charAt(0) == '#') {
                    Matcher m = COUNT.matcher(t);
                    if (m.lookingAt()) {
                        try {
                            declared = Long.parseLong(m.group(2));
                        } catch (NumberFormatException e) {
                            throw in.error("count comment: number too large");
                        }
                        declaredLine = in.lineNumber();
                    }
                    continue;
                }
                return l;
            }
            return null;
        }

        void check(TextLines in, int actual, String what) throws KfFormatException {
            if (declared >= 0 && declared != actual) {
                throw new KfFormatException(in.file(), "line " + declaredLine + " declares " + declared + " " + what
                        + " but the file holds " + actual + ": the counts disagree");
            }
        }
    }

    static List<ColmapModel.Camera> readCameras(Path file) throws IOException {
        List<ColmapModel.Camera> out = new ArrayList<>();
        try (TextLines in = new TextLines(file)) {
            Counted c = new Counted();
            while (c.nextData(in) != null) {
                int n = in.tokenize();
                if (n < 4) throw in.error("camera: expected CAMERA_ID MODEL WIDTH HEIGHT PARAMS[], got " + n + " fields");
                int id = (int) in.parseLong(0, "CAMERA_ID", 0, Integer.MAX_VALUE);
                String name = in.token(1);
                ColmapModel.CameraModel model = ColmapModel.CameraModel.byName(name);
                if (model == null) throw in.error("camera " + id + ": unknown model '" + name + "'");
                int w = (int) in.parseLong(2, "WIDTH", 0, Integer.MAX_VALUE);
                int h = (int) in.parseLong(3, "HEIGHT", 0, Integer.MAX_VALUE);
                if (n - 4 != model.paramCount()) {
                    throw in.error("camera " + id + ": " + model + " takes " + model.paramCount() + " params, got " + (n - 4));
                }
                double[] params = new double[n - 4];
                for (int k = 0; k < params.length; k++) params[k] = in.parseDouble(4 + k, "PARAMS[" + k + "]");
                out.add(new ColmapModel.Camera(id, model, w, h, params));
            }
            c.check(in, out.size(), "cameras");
        }
        return out;
    }

    static List<ColmapModel.Image> readImages(Path file) throws IOException {
        List<ColmapModel.Image> out = new ArrayList<>();
        try (TextLines in = new TextLines(file)) {
            Counted c = new Counted();
            while (c.nextData(in) != null) {
                int n = in.tokenize();
                if (n < 10) {
                    throw in.error("image: expected IMAGE_ID QW QX QY QZ TX TY TZ CAMERA_ID NAME, got " + n + " fields");
                }
                int id = (int) in.parseLong(0, "IMAGE_ID", 0, Integer.MAX_VALUE);
                double[] q = new double[4];
                double[] t = new double[3];
                for (int k = 0; k < 4; k++) q[k] = in.parseDouble(1 + k, "image " + id + " Q");
                for (int k = 0; k < 3; k++) t[k] = in.parseDouble(5 + k, "image " + id + " T");
                int cam = (int) in.parseLong(8, "image " + id + " CAMERA_ID", 0, Integer.MAX_VALUE);
                String name = in.rest(9);
                // The next line holds the 2D points; it may be empty, or missing at the end of the file.
                String pl = in.next();
                int m = pl == null ? 0 : in.tokenize();
                if (m % 3 != 0) {
                    throw in.error("image " + id + " POINTS2D: expected (X, Y, POINT3D_ID) triples, got " + m + " fields");
                }
                int np = m / 3;
                double[] xy = new double[2 * np];
                long[] ids = new long[np];
                for (int k = 0; k < np; k++) {
                    xy[2 * k] = in.parseDouble(3 * k, "image " + id + " point2D " + k + " X");
                    xy[2 * k + 1] = in.parseDouble(3 * k + 1, "image " + id + " point2D " + k + " Y");
                    ids[k] = in.parseLong(3 * k + 2, "image " + id + " point2D " + k + " POINT3D_ID", -1, Long.MAX_VALUE);
                }
                out.add(new ColmapModel.Image(id, q, t, cam, name, xy, ids));
            }
            c.check(in, out.size(), "images");
        }
        return out;
    }

    static List<ColmapModel.Point3D> readPoints(Path file) throws IOException {
        List<ColmapModel.Point3D> out = new ArrayList<>();
        try (TextLines in = new TextLines(file)) {
            Counted c = new Counted();
            while (c.nextData(in) != null) {
                int n = in.tokenize();
                if (n < 8 || (n - 8) % 2 != 0) {
                    throw in.error("point: expected POINT3D_ID X Y Z R G B ERROR and (IMAGE_ID, POINT2D_IDX) pairs, got "
                            + n + " fields");
                }
                long id = in.parseLong(0, "POINT3D_ID", 0, Long.MAX_VALUE);
                String at = "point3D " + id + " ";
                double x = in.parseDouble(1, at + "X"), y = in.parseDouble(2, at + "Y"), z = in.parseDouble(3, at + "Z");
                int r = (int) in.parseLong(4, at + "R", 0, 255);
                int g = (int) in.parseLong(5, at + "G", 0, 255);
                int b = (int) in.parseLong(6, at + "B", 0, 255);
                double err = in.parseDouble(7, at + "ERROR");
                int l = (n - 8) / 2;
                int[] ti = new int[l], tk = new int[l];
                for (int k = 0; k < l; k++) {
                    ti[k] = (int) in.parseLong(8 + 2 * k, at + "track IMAGE_ID", 0, Integer.MAX_VALUE);
                    tk[k] = (int) in.parseLong(9 + 2 * k, at + "track POINT2D_IDX", 0, Integer.MAX_VALUE);
                }
                out.add(new ColmapModel.Point3D(id, x, y, z, r, g, b, err, ti, tk));
            }
            c.check(in, out.size(), "points");
        }
        return out;
    }

    /** Shortest text that parses back to the same double; integral values without ".0". */
    static String num(double v) {
        String s = Double.toString(v);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }

    private interface Body {
        void write(Writer w) throws IOException;
    }

    private static void writeText(Path file, Body body) throws IOException {
        AtomicFiles.write(file, os -> {
            Writer w = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16);
            body.write(w);
            w.flush();
        });
    }

    public static void write(ColmapModel model, Path dir) throws IOException {
        writeText(dir.resolve("cameras.txt"), w -> {
            w.write("# Camera list with one line of data per camera:\n");
            w.write("#   CAMERA_ID, MODEL, WIDTH, HEIGHT, PARAMS[]\n");
            w.write("# Number of cameras: " + model.cameras().size() + "\n");
            for (ColmapModel.Camera c : model.cameras()) {
                w.write(c.id() + " " + c.model().name() + " " + c.width() + " " + c.height());
                for (double p : c.params()) w.write(" " + num(p));
                w.write('\n');
            }
        });
        writeText(dir.resolve("images.txt"), w -> {
            long obs = 0;
            for (ColmapModel.Image im : model.images()) {
                for (long id : im.point3DIds()) if (id != -1) obs++;
            }
            int n = model.images().size();
            w.write("# Image list with two lines of data per image:\n");
            w.write("#   IMAGE_ID, QW, QX, QY, QZ, TX, TY, TZ, CAMERA_ID, NAME\n");
            w.write("#   POINTS2D[] as (X, Y, POINT3D_ID)\n");
            w.write("# Number of images: " + n + ", mean observations per image: "
                    + String.format(Locale.ROOT, "%.17g", n == 0 ? 0.0 : (double) obs / n) + "\n");
            StringBuilder sb = new StringBuilder();
            for (ColmapModel.Image im : model.images()) {
                if (im.name().isBlank() || im.name().indexOf('\n') >= 0 || im.name().indexOf('\r') >= 0) {
                    throw new IllegalArgumentException("image " + im.id() + ": name '" + im.name()
                            + "' cannot be written as text");
                }
                sb.setLength(0);
                sb.append(im.id());
                for (double v : im.qvec()) sb.append(' ').append(num(v));
                for (double v : im.tvec()) sb.append(' ').append(num(v));
                sb.append(' ').append(im.cameraId()).append(' ').append(im.name()).append('\n');
                double[] xy = im.points2D();
                long[] ids = im.point3DIds();
                for (int k = 0; k < ids.length; k++) {
                    if (k > 0) sb.append(' ');
                    sb.append(num(xy[2 * k])).append(' ').append(num(xy[2 * k + 1])).append(' ').append(ids[k]);
                }
                sb.append('\n');
                w.append(sb);
            }
        });
        writeText(dir.resolve("points3D.txt"), w -> {
            long tracks = 0;
            for (ColmapModel.Point3D p : model.points3D()) tracks += p.trackImageIds().length;
            int n = model.points3D().size();
            w.write("# 3D point list with one line of data per point:\n");
            w.write("#   POINT3D_ID, X, Y, Z, R, G, B, ERROR, TRACK[] as (IMAGE_ID, POINT2D_IDX)\n");
            w.write("# Number of points: " + n + ", mean track length: "
                    + String.format(Locale.ROOT, "%.17g", n == 0 ? 0.0 : (double) tracks / n) + "\n");
            StringBuilder sb = new StringBuilder();
            for (ColmapModel.Point3D p : model.points3D()) {
                sb.setLength(0);
                sb.append(p.id()).append(' ').append(num(p.x())).append(' ').append(num(p.y())).append(' ')
                        .append(num(p.z())).append(' ').append(p.r()).append(' ').append(p.g()).append(' ')
                        .append(p.b()).append(' ').append(num(p.error()));
                int[] ti = p.trackImageIds(), tk = p.trackPoint2DIndices();
                for (int k = 0; k < ti.length; k++) sb.append(' ').append(ti[k]).append(' ').append(tk[k]);
                sb.append('\n');
                w.append(sb);
            }
        });
    }
}
