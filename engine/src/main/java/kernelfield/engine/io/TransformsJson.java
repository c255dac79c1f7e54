package kernelfield.engine.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import kernelfield.engine.data.Camera;
import kernelfield.engine.data.CameraDataset;

/**
 * NeRF-synthetic and nerfstudio {@code transforms.json}: reader and writer.
 *
 * <h2>What is read</h2>
 * <ul>
 *   <li>{@code frames[]}, each with {@code file_path} (relative to the JSON's folder, with or
 *       without extension: the path as it is, then with {@code .png}, {@code .jpg},
 *       {@code .jpeg} appended, are tried) and {@code transform_matrix} (4x4, or 3x4, rows).</li>
 *   <li>Intrinsics per frame or at the top level (the frame wins): {@code w h}, {@code fl_x fl_y}
 *       or {@code camera_angle_x} (and {@code camera_angle_y}), {@code cx cy} (default the image
 *       centre, {@code w / 2, h / 2}). When {@code w h} are absent, the size is read from the
 *       header of the first frame's image and used for every frame without one.</li>
 *   <li>Distortion {@code k1 k2 k3 k4 p1 p2} and {@code camera_model}: kept on the camera as
 *       COLMAP's {@code OPENCV} {@code (k1, k2, p1, p2)}, {@code FULL_OPENCV}
 *       {@code (k1, k2, p1, p2, k3, k4, 0, 0)} when k3 or k4 is non-zero, or
 *       {@code OPENCV_FISHEYE} {@code (k1, k2, k3, k4)}; all zero means none.</li>
 * </ul>
 *
 * <h2>Conventions</h2>
 * {@code transform_matrix} is camera-to-world in the OpenGL/Blender camera convention (x right,
 * y up, looking down -z); it is converted with {@link Camera#fromOpenGlCameraToWorld}. Its
 * rotation must be orthonormal (within 1e-2) with determinant +1: scaled poses are rejected.
 * Intrinsics are taken as they are, in pixels with pixel centres at +0.5 (nerfstudio's
 * convention; for NeRF-synthetic, {@code cx = w / 2} is the image centre).
 * Camera names are the frames' {@code file_path}.
 */
public final class TransformsJson {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private static final String[] EXTENSIONS = {".png", ".jpg", ".jpeg", ".PNG", ".JPG", ".JPEG"};

    private TransformsJson() {
    }

    /** Reads the views of {@code json}; every image file must exist. Allocates the list and cameras. */
    public static List<CameraDataset.View> read(Path json) throws IOException {
        return read(json, true);
    }

    /**
     * Reads the views of {@code json}.
     *
     * @param requireImages when true a frame whose image file is missing is a KfFormatException;
     *        when false its path is {@code file_path} (plus {@code .png} when it has no extension)
     */
    public static List<CameraDataset.View> read(Path json, boolean requireImages) throws IOException {
        return parse(json, requireImages).views();
    }

    /** The parsed file: views in file order and the nerfstudio split lists, if any (by name, as paths). */
    record Parsed(List<CameraDataset.View> views, Map<String, List<Path>> splitFiles) {
    }

    static JsonNode readTree(Path json) throws IOException {
        JsonNode root;
        try {
            root = MAPPER.readTree(json.toFile());
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            String where = loc == null ? "" : "line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ": ";
            throw new KfFormatException(json, "malformed JSON: " + where + e.getOriginalMessage(), e);
        } catch (java.io.FileNotFoundException | java.nio.file.NoSuchFileException e) {
            throw new KfFormatException(json, "file not found", e);
        }
        if (root == null || root.isMissingNode()) throw new KfFormatException(json, "empty JSON file");
        if (!root.isObject()) throw new KfFormatException(json, "expected a JSON object at the top level");
        return root;
    }

    static Parsed parse(Path json, boolean requireImages) throws IOException {
        JsonNode root = readTree(json);
        Path base = json.toAbsolutePath().getParent();
        JsonNode frames = root.get("frames");
        if (frames == null || !frames.isArray()) throw new KfFormatException(json, "expected a \"frames\" array");
        List<CameraDataset.View> views = new ArrayList<>(frames.size());
        int[] firstSize = null;
        for (int i = 0; i < frames.size(); i++) {
            JsonNode f = frames.get(i);
            String at = "frame " + i;
            if (!f.isObject()) throw new KfFormatException(json, at + ": expected an object");
            JsonNode fp = f.get("file_path");
            if (fp == null || !fp.isTextual() || fp.asText().isBlank()) {
                throw new KfFormatException(json, at + ": expected a \"file_path\" string");
            }
            String filePath = fp.asText();
            at = "frame " + i + " (" + filePath + ")";
            Path image = resolveImage(json, base, filePath, requireImages, at);
            double[] c2w = matrix(json, f, at);

            Double w = number(json, f, root, "w", at), h = number(json, f, root, "h", at);
            if (w == null || h == null) {
                if (firstSize == null) {
                    if (!Files.isRegularFile(image)) {
                        throw new KfFormatException(json, at + ": no \"w\"/\"h\" and no image " + image + " to read the size from");
                    }
                    firstSize = Images.readSize(image);
                }
                if (w == null) w = (double) firstSize[0];
                if (h == null) h = (double) firstSize[1];
            }
            int width = size(json, w, "w", at), height = size(json, h, "h", at);
            Double flx = number(json, f, root, "fl_x", at), fly = number(json, f, root, "fl_y", at);
            Double ax = number(json, f, root, "camera_angle_x", at), ay = number(json, f, root, "camera_angle_y", at);
            double fx, fy;
            if (flx != null) {
                fx = flx;
            } else if (ax != null) {
                fx = 0.5 * width / Math.tan(0.5 * ax);
            } else {
                throw new KfFormatException(json, at + ": expected \"fl_x\" or \"camera_angle_x\"");
            }
            if (fly != null) {
                fy = fly;
            } else if (ay != null) {
                fy = 0.5 * height / Math.tan(0.5 * ay);
            } else {
                fy = fx;
            }
            if (!(fx > 0) || !(fy > 0) || !Double.isFinite(fx) || !Double.isFinite(fy)) {
                throw new KfFormatException(json, at + ": focal lengths " + fx + ", " + fy + " (expected finite, positive)");
            }
            Double cxn = number(json, f, root, "cx", at), cyn = number(json, f, root, "cy", at);
            double cx = cxn != null ? cxn : width / 2.0, cy = cyn != null ? cyn : height / 2.0;
            if (!Double.isFinite(cx) || !Double.isFinite(cy)) {
                throw new KfFormatException(json, at + ": principal point not finite");
            }
            Camera cam = Camera.fromOpenGlCameraToWorld(filePath, width, height, fx, fy, cx, cy, c2w);
            String model = "PINHOLE";
            double[] dist = null;
            double k1 = num0(json, f, root, "k1", at), k2 = num0(json, f, root, "k2", at);
            double k3 = num0(json, f, root, "k3", at), k4 = num0(json, f, root, "k4", at);
            double p1 = num0(json, f, root, "p1", at), p2 = num0(json, f, root, "p2", at);
            JsonNode cm = f.has("camera_model") ? f.get("camera_model") : root.get("camera_model");
            if (cm != null && "OPENCV_FISHEYE".equals(cm.asText())) {
                model = "OPENCV_FISHEYE";
                dist = new double[] {k1, k2, k3, k4};
            } else if (k3 != 0 || k4 != 0) {
                model = "FULL_OPENCV";
                dist = new double[] {k1, k2, p1, p2, k3, k4, 0, 0};
            } else if (k1 != 0 || k2 != 0 || p1 != 0 || p2 != 0) {
                model = "OPENCV";
                dist = new double[] {k1, k2, p1, p2};
            }
            if (dist != null) {
                cam = new Camera(filePath, width, height, fx, fy, cx, cy, cam.rotation(), cam.translation(), model, dist);
            }
            views.add(new CameraDataset.View(cam, image));
        }
        Map<String, List<Path>> splitFiles = new LinkedHashMap<>();
        for (String split : new String[] {"train", "val", "test"}) {
            JsonNode list = root.get(split + "_filenames");
            if (list == null) continue;
            if (!list.isArray()) throw new KfFormatException(json, "\"" + split + "_filenames\": expected an array");
            List<Path> files = new ArrayList<>();
            for (int k = 0; k < list.size(); k++) {
                JsonNode n = list.get(k);
                if (!n.isTextual()) throw new KfFormatException(json, "\"" + split + "_filenames\"[" + k + "]: expected a string");
                files.add(base.resolve(n.asText()).normalize());
            }
            splitFiles.put(split, files);
        }
        return new Parsed(views, splitFiles);
    }

    private static Path resolveImage(Path json, Path base, String filePath, boolean require, String at)
            throws KfFormatException {
        Path p;
        try {
            p = base.resolve(filePath).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new KfFormatException(json, at + ": invalid file_path", e);
        }
        if (Files.isRegularFile(p)) return p;
        if (p.getFileName() == null) throw new KfFormatException(json, at + ": file_path names no file");
        for (String ext : EXTENSIONS) {
            Path q = p.resolveSibling(p.getFileName() + ext);
            if (Files.isRegularFile(q)) return q;
        }
        boolean hasExt = p.getFileName().toString().contains(".");
        if (require) {
            throw new KfFormatException(json, at + ": image not found (tried " + p + (hasExt ? "" : " with .png, .jpg, .jpeg")
                    + ")");
        }
        return hasExt ? p : p.resolveSibling(p.getFileName() + ".png");
    }

    private static double[] matrix(Path json, JsonNode f, String at) throws KfFormatException {
        JsonNode m = f.get("transform_matrix");
        if (m == null || !m.isArray() || (m.size() != 4 && m.size() != 3)) {
            throw new KfFormatException(json, at + ": expected \"transform_matrix\" as 4 (or 3) rows of 4 numbers");
        }
        double[] c2w = new double[16];
        c2w[15] = 1;
        for (int r = 0; r < m.size(); r++) {
            JsonNode row = m.get(r);
            if (!row.isArray() || row.size() != 4) {
                throw new KfFormatException(json, at + ": transform_matrix row " + r + ": expected 4 numbers");
            }
            for (int c = 0; c < 4; c++) {
                JsonNode v = row.get(c);
                if (!v.isNumber()) {
                    throw new KfFormatException(json, at + ": transform_matrix[" + r + "][" + c + "]: expected a number, got "
                            + v.getNodeType());
                }
                double d = v.asDouble();
                if (!Double.isFinite(d)) {
                    throw new KfFormatException(json, at + ": transform_matrix[" + r + "][" + c + "] is " + d);
                }
                c2w[4 * r + c] = d;
            }
        }
        if (c2w[12] != 0 || c2w[13] != 0 || c2w[14] != 0 || c2w[15] != 1) {
            throw new KfFormatException(json, at + ": transform_matrix last row " + Arrays.toString(Arrays.copyOfRange(c2w, 12, 16))
                    + " (expected 0 0 0 1)");
        }
        double dev = 0;
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double dot = 0;
                for (int k = 0; k < 3; k++) dot += c2w[4 * k + i] * c2w[4 * k + j];
                dev = Math.max(dev, Math.abs(dot - (i == j ? 1 : 0)));
            }
        }
        double det = c2w[0] * (c2w[5] * c2w[10] - c2w[6] * c2w[9]) - c2w[1] * (c2w[4] * c2w[10] - c2w[6] * c2w[8])
                + c2w[2] * (c2w[4] * c2w[9] - c2w[5] * c2w[8]);
        if (dev > 1e-2 || det < 0) {
            throw new KfFormatException(json, at + ": transform_matrix rotation is not a rotation (deviation from "
                    + "orthonormal " + (float) dev + ", determinant " + (float) det + ")");
        }
        return c2w;
    }

    private static Double number(Path json, JsonNode f, JsonNode root, String key, String at) throws KfFormatException {
        JsonNode n = f.get(key);
        String where = at + ": ";
        if (n == null || n.isNull()) {
            n = root.get(key);
            where = "";
        }
        if (n == null || n.isNull()) return null;
        if (!n.isNumber()) throw new KfFormatException(json, where + "\"" + key + "\": expected a number, got " + n.getNodeType());
        double d = n.asDouble();
        if (!Double.isFinite(d)) throw new KfFormatException(json, where + "\"" + key + "\" is " + d);
        return d;
    }

    private static double num0(Path json, JsonNode f, JsonNode root, String key, String at) throws KfFormatException {
        Double d = number(json, f, root, key, at);
        return d == null ? 0 : d;
    }

    private static int size(Path json, double v, String key, String at) throws KfFormatException {
        if (!(v >= 1) || v > 1 << 20 || v != Math.rint(v)) {
            throw new KfFormatException(json, at + ": \"" + key + "\" " + v + " (expected a whole number 1..2^20)");
        }
        return (int) v;
    }

    /**
     * Writes {@code views} as a nerfstudio-style {@code transforms.json} atomically: intrinsics
     * ({@code w h fl_x fl_y cx cy}, and {@code camera_angle_x}) at the top level when all views
     * share them, else per frame; distortion as {@code camera_model} and {@code k1 k2 [k3 k4] p1 p2};
     * {@code file_path} relative to the JSON's folder with {@code /} separators;
     * {@code transform_matrix} camera-to-world in the OpenGL convention.
     *
     * @throws IllegalArgumentException for a distortion model transforms.json cannot express
     */
    public static void write(Path json, List<CameraDataset.View> views) throws IOException {
        ObjectNode root = MAPPER.createObjectNode();
        boolean shared = !views.isEmpty();
        for (CameraDataset.View v : views) shared &= sameIntrinsics(views.getFirst().camera(), v.camera());
        if (shared) {
            Camera c = views.getFirst().camera();
            root.put("camera_angle_x", c.fovX());
            putIntrinsics(root, c);
        }
        Path base = json.toAbsolutePath().getParent();
        ArrayNode frames = root.putArray("frames");
        for (CameraDataset.View v : views) {
            ObjectNode f = frames.addObject();
            Path img = v.image().toAbsolutePath().normalize();
            String rel = base.relativize(img).toString().replace(java.io.File.separatorChar, '/');
            f.put("file_path", rel);
            double[] m = v.camera().cameraToWorld();
            ArrayNode tm = f.putArray("transform_matrix");
            for (int r = 0; r < 4; r++) {
                ArrayNode row = tm.addArray();
                // OpenCV camera axes to OpenGL: negate the y and z columns.
                row.add(m[4 * r]);
                row.add(r == 3 ? m[4 * r + 1] : -m[4 * r + 1]);
                row.add(r == 3 ? m[4 * r + 2] : -m[4 * r + 2]);
                row.add(m[4 * r + 3]);
            }
            if (!shared) putIntrinsics(f, v.camera());
        }
        AtomicFiles.write(json, out -> MAPPER.writeValue(new NonClosing(out), root));
    }

    private static boolean sameIntrinsics(Camera a, Camera b) {
        return a.width() == b.width() && a.height() == b.height() && a.fx() == b.fx() && a.fy() == b.fy()
                && a.cx() == b.cx() && a.cy() == b.cy() && a.distortionModel().equals(b.distortionModel())
                && Arrays.equals(a.distortion(), b.distortion());
    }

    private static void putIntrinsics(ObjectNode o, Camera c) {
        o.put("w", c.width());
        o.put("h", c.height());
        o.put("fl_x", c.fx());
        o.put("fl_y", c.fy());
        o.put("cx", c.cx());
        o.put("cy", c.cy());
        double[] d = c.distortion();
        switch (c.distortionModel()) {
            case "PINHOLE", "SIMPLE_PINHOLE" -> {
            }
            case "SIMPLE_RADIAL" -> opencv(o, d[0], 0, 0, 0, 0, 0);
            case "RADIAL" -> opencv(o, d[0], d[1], 0, 0, 0, 0);
            case "OPENCV" -> opencv(o, d[0], d[1], 0, 0, d[2], d[3]);
            case "FULL_OPENCV" -> {
                if (d[6] != 0 || d[7] != 0) {
                    throw new IllegalArgumentException(c.name() + ": FULL_OPENCV with k5, k6 cannot be written to transforms.json");
                }
                opencv(o, d[0], d[1], d[4], d[5], d[2], d[3]);
            }
            case "OPENCV_FISHEYE" -> {
                o.put("camera_model", "OPENCV_FISHEYE");
                o.put("k1", d[0]);
                o.put("k2", d[1]);
                o.put("k3", d[2]);
                o.put("k4", d[3]);
            }
            default -> throw new IllegalArgumentException(c.name() + ": distortion model " + c.distortionModel()
                    + " cannot be written to transforms.json");
        }
    }

    private static void opencv(ObjectNode o, double k1, double k2, double k3, double k4, double p1, double p2) {
        o.put("camera_model", "OPENCV");
        o.put("k1", k1);
        o.put("k2", k2);
        if (k3 != 0 || k4 != 0) {
            o.put("k3", k3);
            o.put("k4", k4);
        }
        o.put("p1", p1);
        o.put("p2", p2);
    }

    /** Keeps Jackson from closing the stream AtomicFiles owns. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(java.io.OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
