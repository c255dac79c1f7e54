package kernelfield.engine.io.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import kernelfield.engine.io.AtomicFiles;
import kernelfield.engine.io.ColmapModel;

/**
 * COLMAP's binary model, little-endian:
 * <pre>
 * cameras.bin   u64 n; n x { u32 camera_id, i32 model_id, u64 width, u64 height, f64 params[model] }
 * images.bin    u64 n; n x { u32 image_id, f64 qvec[4], f64 tvec[3], u32 camera_id, char name[] NUL,
 *                            u64 m, m x { f64 x, f64 y, i64 point3D_id } }
 * points3D.bin  u64 n; n x { u64 point3D_id, f64 xyz[3], u8 rgb[3], f64 error, u64 l,
 *                            l x { u32 image_id, u32 point2D_idx } }
 * </pre>
 * Every count is checked against the bytes left before anything is allocated, and every file
 * must end exactly after its last record.
 */
public final class ColmapBinary {
    private static final int MAX_NAME = 1 << 16;

    private ColmapBinary() {
    }

    public static ColmapModel read(Path dir) throws IOException {
        Path cf = dir.resolve("cameras.bin"), imf = dir.resolve("images.bin"), pf = dir.resolve("points3D.bin");
        List<ColmapModel.Camera> cams = readCameras(cf);
        List<ColmapModel.Image> ims = readImages(imf);
        List<ColmapModel.Point3D> pts = readPoints(pf);
        ColmapChecks.check(cams, ims, pts, cf, imf, pf);
        return new ColmapModel(cams, ims, pts, dir);
    }

    static List<ColmapModel.Camera> readCameras(Path file) throws IOException {
        try (LeInput in = new LeInput(file)) {
            int n = in.readCount("number of cameras", 24 + 3 * 8);
            List<ColmapModel.Camera> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                in.at("camera", i);
                int id = in.readU32AsInt("camera_id");
                in.at("camera", id);
                int modelId = in.readI32("model_id");
                ColmapModel.CameraModel model = ColmapModel.CameraModel.byId(modelId);
                if (model == null) throw in.error("unknown camera model id " + modelId + " (expected 0..11)");
                long w = in.readU64("width"), h = in.readU64("height");
                if (w > Integer.MAX_VALUE || h > Integer.MAX_VALUE) throw in.error("size " + w + "x" + h + " too large");
                double[] params = new double[model.paramCount()];
                for (int k = 0; k < params.length; k++) params[k] = in.readF64("params");
                out.add(new ColmapModel.Camera(id, model, (int) w, (int) h, params));
            }
            in.expectEnd(n + " cameras");
            return out;
        }
    }

    static List<ColmapModel.Image> readImages(Path file) throws IOException {
        try (LeInput in = new LeInput(file)) {
            int n = in.readCount("number of images", 4 + 7 * 8 + 4 + 1 + 8);
            List<ColmapModel.Image> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                in.at("image", i);
                int id = in.readU32AsInt("image_id");
                in.at("image", id);
                double[] q = new double[4];
                double[] t = new double[3];
                for (int k = 0; k < 4; k++) q[k] = in.readF64("qvec");
                for (int k = 0; k < 3; k++) t[k] = in.readF64("tvec");
                int cam = in.readU32AsInt("camera_id");
                String name = in.readCString("name", MAX_NAME);
                if (name.isBlank()) throw in.error("empty image name");
                int m = in.readCount("number of points2D", 24);
                double[] xy = new double[2 * m];
                long[] ids = new long[m];
                for (int k = 0; k < m; k++) {
                    xy[2 * k] = in.readF64("points2D x");
                    xy[2 * k + 1] = in.readF64("points2D y");
                    ids[k] = in.readI64("point3D_id");
                    if (ids[k] < -1) throw in.error("point2D " + k + ": point3D id " + Long.toUnsignedString(ids[k]) + " invalid");
                }
                out.add(new ColmapModel.Image(id, q, t, cam, name, xy, ids));
            }
            in.expectEnd(n + " images");
            return out;
        }
    }

    static List<ColmapModel.Point3D> readPoints(Path file) throws IOException {
        try (LeInput in = new LeInput(file)) {
            int n = in.readCount("number of points3D", 8 + 24 + 3 + 8 + 8);
            List<ColmapModel.Point3D> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                in.at("point3D", i);
                long id = in.readU64("point3D_id");
                in.at("point3D", id);
                double x = in.readF64("x"), y = in.readF64("y"), z = in.readF64("z");
                int r = in.readU8("r"), g = in.readU8("g"), b = in.readU8("b");
                double err = in.readF64("error");
                int l = in.readCount("track length", 8);
                int[] ti = new int[l];
                int[] tk = new int[l];
                for (int k = 0; k < l; k++) {
                    ti[k] = in.readU32AsInt("track image_id");
                    tk[k] = in.readU32AsInt("track point2D_idx");
                }
                out.add(new ColmapModel.Point3D(id, x, y, z, r, g, b, err, ti, tk));
            }
            in.expectEnd(n + " points3D");
            return out;
        }
    }

    public static void write(ColmapModel model, Path dir) throws IOException {
        AtomicFiles.write(dir.resolve("cameras.bin"), os -> {
            LeOutput o = new LeOutput(os);
            o.i64(model.cameras().size());
            for (ColmapModel.Camera c : model.cameras()) {
                o.i32(c.id());
                o.i32(c.model().id());
                o.i64(c.width());
                o.i64(c.height());
                for (double p : c.params()) o.f64(p);
            }
            o.flush();
        });
        AtomicFiles.write(dir.resolve("images.bin"), os -> {
            LeOutput o = new LeOutput(os);
            o.i64(model.images().size());
            for (ColmapModel.Image im : model.images()) {
                o.i32(im.id());
                for (double v : im.qvec()) o.f64(v);
                for (double v : im.tvec()) o.f64(v);
                o.i32(im.cameraId());
                o.cString(im.name());
                double[] xy = im.points2D();
                long[] ids = im.point3DIds();
                o.i64(ids.length);
                for (int k = 0; k < ids.length; k++) {
                    o.f64(xy[2 * k]);
                    o.f64(xy[2 * k + 1]);
                    o.i64(ids[k]);
                }
            }
            o.flush();
        });
        AtomicFiles.write(dir.resolve("points3D.bin"), os -> {
            LeOutput o = new LeOutput(os);
            o.i64(model.points3D().size());
            for (ColmapModel.Point3D p : model.points3D()) {
                o.i64(p.id());
                o.f64(p.x());
                o.f64(p.y());
                o.f64(p.z());
                o.u8(p.r());
                o.u8(p.g());
                o.u8(p.b());
                o.f64(p.error());
                int[] ti = p.trackImageIds(), tk = p.trackPoint2DIndices();
                o.i64(ti.length);
                for (int k = 0; k < ti.length; k++) {
                    o.i32(ti[k]);
                    o.i32(tk[k]);
                }
            }
            o.flush();
        });
    }
}
