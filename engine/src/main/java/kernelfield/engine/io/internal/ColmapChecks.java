package kernelfield.engine.io.internal;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import kernelfield.engine.io.ColmapModel;
import kernelfield.engine.io.KfFormatException;

/** Cross-reference checks shared by the COLMAP text and binary readers. */
public final class ColmapChecks {
    private ColmapChecks() {
    }

    /**
     * Ids are unique; every image's camera exists; every observed 3D point id exists; every
     * track element names an existing image and one of its 2D points.
     */
    public static void check(List<ColmapModel.Camera> cameras, List<ColmapModel.Image> images,
                             List<ColmapModel.Point3D> points, Path cameraFile, Path imageFile, Path pointFile)
            throws KfFormatException {
        Map<Integer, ColmapModel.Camera> cams = new HashMap<>();
        for (ColmapModel.Camera c : cameras) {
            if (cams.put(c.id(), c) != null) throw new KfFormatException(cameraFile, "camera " + c.id() + ": duplicate id");
        }
        long[] pointIds = new long[points.size()];
        for (int i = 0; i < pointIds.length; i++) pointIds[i] = points.get(i).id();
        Arrays.sort(pointIds);
        for (int i = 1; i < pointIds.length; i++) {
            if (pointIds[i] == pointIds[i - 1]) {
                throw new KfFormatException(pointFile, "point3D " + pointIds[i] + ": duplicate id");
            }
        }
        Map<Integer, ColmapModel.Image> ims = new HashMap<>();
        for (ColmapModel.Image im : images) {
            if (ims.put(im.id(), im) != null) throw new KfFormatException(imageFile, "image " + im.id() + ": duplicate id");
            if (!cams.containsKey(im.cameraId())) {
                throw new KfFormatException(imageFile, "image " + im.id() + " (" + im.name() + "): camera "
                        + im.cameraId() + " is not in " + cameraFile.getFileName());
            }
            long[] ids = im.point3DIds();
            for (int k = 0; k < ids.length; k++) {
                long id = ids[k];
                if (id != -1 && Arrays.binarySearch(pointIds, id) < 0) {
                    throw new KfFormatException(imageFile, "image " + im.id() + " point2D " + k + ": point3D " + id
                            + " is not in " + pointFile.getFileName());
                }
            }
        }
        for (ColmapModel.Point3D p : points) {
            int[] ti = p.trackImageIds();
            int[] tk = p.trackPoint2DIndices();
            for (int k = 0; k < ti.length; k++) {
                ColmapModel.Image im = ims.get(ti[k]);
                if (im == null) {
                    throw new KfFormatException(pointFile, "point3D " + p.id() + " track element " + k + ": image "
                            + ti[k] + " is not in " + imageFile.getFileName());
                }
                if (tk[k] < 0 || tk[k] >= im.pointCount()) {
                    throw new KfFormatException(pointFile, "point3D " + p.id() + " track element " + k + ": point2D "
                            + tk[k] + " of image " + ti[k] + " does not exist (it has " + im.pointCount() + ")");
                }
            }
        }
    }
}
