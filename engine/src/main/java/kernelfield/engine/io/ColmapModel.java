package kernelfield.engine.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import kernelfield.engine.data.CameraDataset;
import kernelfield.engine.data.PointCloud;
import kernelfield.engine.io.internal.ColmapBinary;
import kernelfield.engine.io.internal.ColmapText;

/**
 * A COLMAP sparse model ({@code cameras}, {@code images}, {@code points3D}), text or binary,
 * kept whole: every camera, image (with its 2D points and their 3D point ids) and 3D point
 * (with its track), in file order, so that text to binary to text round-trips.
 *
 * <h2>Conventions</h2>
 * COLMAP's conventions are the internal ones (OpenCV: x right, y down, z forward; the centre of
 * the top-left pixel is at (0.5, 0.5)), so {@link #toCamera} converts nothing but the
 * representation: the world-to-camera rotation is the unit quaternion
 * {@code qvec = (qw, qx, qy, qz)} (normalized on conversion) and the translation is
 * {@code tvec}: {@code x_cam = R(q) x_world + t}. The world frame is COLMAP's own (an arbitrary
 * similarity of the true one).
 *
 * <h2>Limits</h2>
 * Camera and image ids are COLMAP's uint32 but must be below 2^31 here; 3D point ids below 2^63.
 *
 * <p>Instances are immutable in structure; the arrays inside the records are held, not copied.
 */
public final class ColmapModel {

    /** COLMAP's camera models, with their binary ids and parameter counts. */
    public enum CameraModel {
        /** f, cx, cy. */
        SIMPLE_PINHOLE(0, 3, true),
        /** fx, fy, cx, cy. */
        PINHOLE(1, 4, false),
        /** f, cx, cy, k. */
        SIMPLE_RADIAL(2, 4, true),
        /** f, cx, cy, k1, k2. */
        RADIAL(3, 5, true),
        /** fx, fy, cx, cy, k1, k2, p1, p2. */
        OPENCV(4, 8, false),
        /** fx, fy, cx, cy, k1, k2, k3, k4. */
        OPENCV_FISHEYE(5, 8, false),
        /** fx, fy, cx, cy, k1, k2, p1, p2, k3, k4, k5, k6. */
        FULL_OPENCV(6, 12, false),
        /** fx, fy, cx, cy, omega. */
        FOV(7, 5, false),
        /** f, cx, cy, k. */
        SIMPLE_RADIAL_FISHEYE(8, 4, true),
        /** f, cx, cy, k1, k2. */
        RADIAL_FISHEYE(9, 5, true),
        /** fx, fy, cx, cy, k1, k2, p1, p2, k3, k4, sx1, sy1. */
        THIN_PRISM_FISHEYE(10, 12, false),
        /** fx, fy, cx, cy, k0..k5, p0, p1, s0..s3. */
        RAD_TAN_THIN_PRISM_FISHEYE(11, 16, false);

        private final int id;
        private final int paramCount;
        private final boolean singleFocal;

        CameraModel(int id, int paramCount, boolean singleFocal) {
            this.id = id;
            this.paramCount = paramCount;
            this.singleFocal = singleFocal;
        }

        /** The id in {@code cameras.bin}. */
        public int id() {
            return id;
        }

        public int paramCount() {
            return paramCount;
        }

        /** True when the parameters start f, cx, cy (one focal length) rather than fx, fy, cx, cy. */
        public boolean singleFocal() {
            return singleFocal;
        }

        /** Number of parameters before the distortion ones (3 or 4). */
        public int intrinsicCount() {
            return singleFocal ? 3 : 4;
        }

        /** The model of a binary id, or null. */
        public static CameraModel byId(int id) {
            for (CameraModel m : values()) if (m.id == id) return m;
            return null;
        }

        /** The model of a name as in {@code cameras.txt}, or null. */
        public static CameraModel byName(String name) {
            for (CameraModel m : values()) if (m.name().equals(name)) return m;
            return null;
        }
    }

    /**
     * A COLMAP camera (intrinsics shared by images).
     *
     * @param params {@code (model.paramCount())}
     */
    public record Camera(int id, CameraModel model, int width, int height, double[] params) {
        public Camera {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(params, "params");
            if (params.length != model.paramCount()) {
                throw new IllegalArgumentException(model + " takes " + model.paramCount() + " params, got " + params.length);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Camera c && c.id == id && c.model == model && c.width == width && c.height == height
                    && Arrays.equals(c.params, params);
        }

        @Override
        public int hashCode() {
            return Objects.hash(id, model, width, height, Arrays.hashCode(params));
        }

        @Override
        public String toString() {
            return "Camera[" + id + " " + model + " " + width + "x" + height + " " + Arrays.toString(params) + "]";
        }
    }

    /**
     * A registered image: world-to-camera pose and its 2D points.
     *
     * @param qvec world-to-camera rotation {@code (4)} as qw, qx, qy, qz
     * @param tvec world-to-camera translation {@code (3)}
     * @param points2D keypoints {@code (M, 2)} in pixels, x y interleaved
     * @param point3DIds {@code (M)}: the 3D point each keypoint observes, or -1
     */
    public record Image(int id, double[] qvec, double[] tvec, int cameraId, String name, double[] points2D,
                        long[] point3DIds) {
        public Image {
            Objects.requireNonNull(name, "name");
            if (qvec.length != 4 || tvec.length != 3) throw new IllegalArgumentException("qvec (4), tvec (3)");
            if (points2D.length != 2 * point3DIds.length) {
                throw new IllegalArgumentException("points2D (M, 2) and point3DIds (M) disagree");
            }
        }

        /** Number of 2D points M. */
        public int pointCount() {
            return point3DIds.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Image i && i.id == id && i.cameraId == cameraId && i.name.equals(name)
                    && Arrays.equals(i.qvec, qvec) && Arrays.equals(i.tvec, tvec) && Arrays.equals(i.points2D, points2D)
                    && Arrays.equals(i.point3DIds, point3DIds);
        }

        @Override
        public int hashCode() {
            return Objects.hash(id, cameraId, name, Arrays.hashCode(qvec), Arrays.hashCode(tvec));
        }

        @Override
        public String toString() {
            return "Image[" + id + " " + name + " camera " + cameraId + " q=" + Arrays.toString(qvec) + " t="
                    + Arrays.toString(tvec) + " " + pointCount() + " points]";
        }
    }

    /**
     * A triangulated point and its track.
     *
     * @param r red 0..255 (also {@code g}, {@code b})
     * @param trackImageIds {@code (L)} image ids observing the point
     * @param trackPoint2DIndices {@code (L)} index of the observation in that image's points2D
     */
    public record Point3D(long id, double x, double y, double z, int r, int g, int b, double error,
                          int[] trackImageIds, int[] trackPoint2DIndices) {
        public Point3D {
            if (trackImageIds.length != trackPoint2DIndices.length) throw new IllegalArgumentException("track arrays disagree");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Point3D p && p.id == id && Double.compare(p.x, x) == 0 && Double.compare(p.y, y) == 0
                    && Double.compare(p.z, z) == 0 && p.r == r && p.g == g && p.b == b
                    && Double.compare(p.error, error) == 0 && Arrays.equals(p.trackImageIds, trackImageIds)
                    && Arrays.equals(p.trackPoint2DIndices, trackPoint2DIndices);
        }

        @Override
        public int hashCode() {
            return Objects.hash(id, x, y, z, r, g, b, error);
        }

        @Override
        public String toString() {
            return "Point3D[" + id + " (" + x + ", " + y + ", " + z + ") rgb " + r + "," + g + "," + b + " track "
                    + trackImageIds.length + "]";
        }
    }

    private final List<Camera> cameras;
    private final List<Image> images;
    private final List<Point3D> points3D;
    private final Map<Integer, Camera> cameraById;
    private final Map<Integer, Image> imageById;
    private final Path source;

    /**
     * A model from its parts, in the order given. Ids must be unique (IllegalArgumentException).
     * Cross references are checked by the readers, not here.
     *
     * @param source the folder it was read from, for error messages, or null
     */
    public ColmapModel(List<Camera> cameras, List<Image> images, List<Point3D> points3D, Path source) {
        this.cameras = List.copyOf(cameras);
        this.images = List.copyOf(images);
        this.points3D = List.copyOf(points3D);
        this.source = source;
        this.cameraById = new HashMap<>();
        for (Camera c : cameras) {
            if (cameraById.put(c.id(), c) != null) throw new IllegalArgumentException("duplicate camera id " + c.id());
        }
        this.imageById = new HashMap<>();
        for (Image i : images) {
            if (imageById.put(i.id(), i) != null) throw new IllegalArgumentException("duplicate image id " + i.id());
        }
    }

    /**
     * Reads the model in {@code dir}: the binary files ({@code cameras.bin}, {@code images.bin},
     * {@code points3D.bin}) when {@code cameras.bin} is there, else the text ones.
     */
    public static ColmapModel read(Path dir) throws IOException {
        if (Files.isRegularFile(dir.resolve("cameras.bin"))) return readBinary(dir);
        if (Files.isRegularFile(dir.resolve("cameras.txt"))) return readText(dir);
        throw new KfFormatException(dir, "no COLMAP model: expected cameras.bin or cameras.txt in this folder");
    }

    /** Reads {@code cameras.bin}, {@code images.bin} and {@code points3D.bin} in {@code dir}, checking cross references. */
    public static ColmapModel readBinary(Path dir) throws IOException {
        return ColmapBinary.read(dir);
    }

    /** Reads {@code cameras.txt}, {@code images.txt} and {@code points3D.txt} in {@code dir}, checking cross references. */
    public static ColmapModel readText(Path dir) throws IOException {
        return ColmapText.read(dir);
    }

    /** Writes the three {@code .bin} files into {@code dir} (created), each atomically. */
    public void writeBinary(Path dir) throws IOException {
        ColmapBinary.write(this, dir);
    }

    /** Writes the three {@code .txt} files into {@code dir} (created), each atomically, in COLMAP's layout. */
    public void writeText(Path dir) throws IOException {
        ColmapText.write(this, dir);
    }

    /** Cameras in file order (unmodifiable). */
    public List<Camera> cameras() {
        return cameras;
    }

    /** Images in file order (unmodifiable). */
    public List<Image> images() {
        return images;
    }

    /** 3D points in file order (unmodifiable). */
    public List<Point3D> points3D() {
        return points3D;
    }

    /** The folder the model was read from, or null. */
    public Path source() {
        return source;
    }

    /** The camera of an id, or null. */
    public Camera camera(int id) {
        return cameraById.get(id);
    }

    /** The image of an id, or null. */
    public Image image(int id) {
        return imageById.get(id);
    }

    /** The image of a name, or null. */
    public Image imageNamed(String name) {
        for (Image i : images) if (i.name().equals(name)) return i;
        return null;
    }

    /**
     * The points3D as a coloured cloud: {@code positions (N, 3)}, {@code colors (N, 3)} = rgb / 255,
     * and the attribute {@code error (N)} (mean reprojection error in pixels). Allocates the arrays.
     */
    public PointCloud pointCloud() {
        int n = points3D.size();
        float[] pos = new float[3 * n];
        float[] col = new float[3 * n];
        float[] err = new float[n];
        for (int i = 0; i < n; i++) {
            Point3D p = points3D.get(i);
            pos[3 * i] = (float) p.x();
            pos[3 * i + 1] = (float) p.y();
            pos[3 * i + 2] = (float) p.z();
            col[3 * i] = p.r() / 255f;
            col[3 * i + 1] = p.g() / 255f;
            col[3 * i + 2] = p.b() / 255f;
            err[i] = (float) p.error();
        }
        Map<String, float[]> attrs = new LinkedHashMap<>();
        attrs.put("error", err);
        return new PointCloud(pos, null, col, attrs);
    }

    /**
     * The internal camera of an image (OpenCV convention, which is COLMAP's: nothing is flipped).
     * Intrinsics are the model's focal lengths and principal point; the remaining parameters
     * are kept as the camera's distortion under the model's name ({@code PINHOLE} for the two
     * pinhole models).
     *
     * @throws KfFormatException when the image's camera is unknown, or the pose or intrinsics are
     *         not finite, or the quaternion is degenerate
     */
    public kernelfield.engine.data.Camera toCamera(Image image) throws KfFormatException {
        Camera c = cameraById.get(image.cameraId());
        Path where = source;
        String at = "image " + image.id() + " (" + image.name() + "): ";
        if (c == null) throw new KfFormatException(where, at + "camera " + image.cameraId() + " is not in the model");
        double[] p = c.params();
        double fx = p[0], fy = c.model().singleFocal() ? p[0] : p[1];
        double cx = p[c.model().intrinsicCount() - 2], cy = p[c.model().intrinsicCount() - 1];
        for (double v : p) {
            if (!Double.isFinite(v)) throw new KfFormatException(where, at + "camera " + c.id() + " has a non-finite parameter");
        }
        if (!(fx > 0) || !(fy > 0)) throw new KfFormatException(where, at + "camera " + c.id() + " focal length not positive");
        if (c.width() <= 0 || c.height() <= 0) {
            throw new KfFormatException(where, at + "camera " + c.id() + " size " + c.width() + "x" + c.height());
        }
        double[] rot = quaternionToRotation(image.qvec());
        if (rot == null) {
            throw new KfFormatException(where, at + "qvec " + Arrays.toString(image.qvec()) + " is not a finite, non-zero quaternion");
        }
        for (double v : image.tvec()) {
            if (!Double.isFinite(v)) throw new KfFormatException(where, at + "tvec " + Arrays.toString(image.tvec()) + " not finite");
        }
        String model;
        double[] dist;
        if (c.model() == CameraModel.SIMPLE_PINHOLE || c.model() == CameraModel.PINHOLE) {
            model = "PINHOLE";
            dist = null;
        } else {
            model = c.model().name();
            dist = Arrays.copyOfRange(p, c.model().intrinsicCount(), p.length);
        }
        return new kernelfield.engine.data.Camera(image.name(), c.width(), c.height(), fx, fy, cx, cy, rot,
                image.tvec(), model, dist);
    }

    /**
     * Rotation matrix {@code (3, 3)} row-major of a quaternion {@code (qw, qx, qy, qz)} after
     * normalization, or null when it is not finite or (nearly) zero. Allocates the result.
     */
    public static double[] quaternionToRotation(double[] q) {
        double w = q[0], x = q[1], y = q[2], z = q[3];
        double n = Math.sqrt(w * w + x * x + y * y + z * z);
        if (!Double.isFinite(n) || n < 1e-12) return null;
        w /= n;
        x /= n;
        y /= n;
        z /= n;
        return new double[] {
            1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
            2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
            2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)};
    }

    /**
     * Unit quaternion {@code (qw, qx, qy, qz)} with qw >= 0 of a rotation {@code (3, 3)}
     * row-major (Shepperd's method). Allocates the result.
     */
    public static double[] rotationToQuaternion(double[] r) {
        double tr = r[0] + r[4] + r[8];
        double w, x, y, z;
        if (tr > 0) {
            double s = 2 * Math.sqrt(tr + 1);
            w = 0.25 * s;
            x = (r[7] - r[5]) / s;
            y = (r[2] - r[6]) / s;
            z = (r[3] - r[1]) / s;
        } else if (r[0] > r[4] && r[0] > r[8]) {
            double s = 2 * Math.sqrt(1 + r[0] - r[4] - r[8]);
            w = (r[7] - r[5]) / s;
            x = 0.25 * s;
            y = (r[1] + r[3]) / s;
            z = (r[2] + r[6]) / s;
        } else if (r[4] > r[8]) {
            double s = 2 * Math.sqrt(1 + r[4] - r[0] - r[8]);
            w = (r[2] - r[6]) / s;
            x = (r[1] + r[3]) / s;
            y = 0.25 * s;
            z = (r[5] + r[7]) / s;
        } else {
            double s = 2 * Math.sqrt(1 + r[8] - r[0] - r[4]);
            w = (r[3] - r[1]) / s;
            x = (r[2] + r[6]) / s;
            y = (r[5] + r[7]) / s;
            z = 0.25 * s;
        }
        double n = Math.sqrt(w * w + x * x + y * y + z * z);
        if (w < 0) n = -n;
        return new double[] {w / n, x / n, y / n, z / n};
    }

    /**
     * A dataset of this model's images, sorted by name, split as is usual for COLMAP scenes
     * (Mip-NeRF 360): every 8th image (index 0, 8, 16, ...) is {@code test}, the rest
     * {@code train}. The points are {@link #pointCloud()}.
     *
     * @param root the dataset folder
     * @param imageDir folder of the images (usually {@code root/images}); image paths are
     *        {@code imageDir.resolve(name)}
     * @param requireImages when true a missing image file is a KfFormatException
     */
    public CameraDataset toCameraDataset(Path root, Path imageDir, boolean requireImages) throws KfFormatException {
        List<Image> sorted = new ArrayList<>(images);
        sorted.sort(Comparator.comparing(Image::name));
        List<CameraDataset.View> train = new ArrayList<>();
        List<CameraDataset.View> test = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            Image im = sorted.get(i);
            Path file = imageDir.resolve(im.name());
            if (requireImages && !Files.isRegularFile(file)) {
                throw new KfFormatException(file, "image " + im.id() + " of the COLMAP model in " + source
                        + " has no image file");
            }
            CameraDataset.View v = new CameraDataset.View(toCamera(im), file);
            (i % 8 == 0 ? test : train).add(v);
        }
        Map<String, List<CameraDataset.View>> splits = new LinkedHashMap<>();
        splits.put("train", Collections.unmodifiableList(train));
        splits.put("test", Collections.unmodifiableList(test));
        return new CameraDataset(root, Collections.unmodifiableMap(splits), pointCloud());
    }

    /**
     * A copy with cameras, images and points sorted by id (COLMAP writes them in hash-map order,
     * which differs between its text and binary outputs). Shares the records.
     */
    public ColmapModel sortedById() {
        List<Camera> c = new ArrayList<>(cameras);
        c.sort(Comparator.comparingInt(Camera::id));
        List<Image> i = new ArrayList<>(images);
        i.sort(Comparator.comparingInt(Image::id));
        List<Point3D> p = new ArrayList<>(points3D);
        p.sort(Comparator.comparingLong(Point3D::id));
        return new ColmapModel(c, i, p, source);
    }

    /** Equal cameras, images and points, in the same order (see {@link #sortedById()}). */
    @Override
    public boolean equals(Object o) {
        return o instanceof ColmapModel m && m.cameras.equals(cameras) && m.images.equals(images)
                && m.points3D.equals(points3D);
    }

    @Override
    public int hashCode() {
        return Objects.hash(cameras, images, points3D.size());
    }

    @Override
    public String toString() {
        return "ColmapModel[" + cameras.size() + " cameras, " + images.size() + " images, " + points3D.size()
                + " points3D]";
    }
}
