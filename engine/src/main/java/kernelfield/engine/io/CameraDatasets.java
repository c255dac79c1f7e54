package kernelfield.engine.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import kernelfield.engine.data.CameraDataset;

/**
 * Opens a posed-image dataset folder, whatever its layout. Every camera comes out in the
 * internal OpenCV convention (see {@link TransformsJson} and {@link ColmapModel} for the
 * conversions), and every image file must exist.
 */
public final class CameraDatasets {
    private CameraDatasets() {
    }

    /** The layouts {@link #open} recognizes. */
    public enum Layout {
        /** {@code transforms_train.json}, {@code transforms_val.json}, {@code transforms_test.json}. */
        NERF_SYNTHETIC,
        /** One {@code transforms.json}. */
        NERFSTUDIO,
        /** A COLMAP sparse model in {@code sparse/0}, {@code sparse} or the folder itself; images in {@code images/}. */
        COLMAP
    }

    /**
     * The layout of {@code path}, or null when it is none of them. A {@code .json} file is
     * taken as a nerfstudio {@code transforms.json}.
     */
    public static Layout detect(Path path) {
        if (Files.isRegularFile(path) && path.getFileName().toString().endsWith(".json")) return Layout.NERFSTUDIO;
        if (Files.isRegularFile(path.resolve("transforms_train.json"))) return Layout.NERF_SYNTHETIC;
        if (Files.isRegularFile(path.resolve("transforms.json"))) return Layout.NERFSTUDIO;
        return colmapDir(path) != null ? Layout.COLMAP : null;
    }

    private static Path colmapDir(Path dir) {
        for (Path d : new Path[] {dir.resolve("sparse").resolve("0"), dir.resolve("sparse"), dir}) {
            if (Files.isRegularFile(d.resolve("cameras.bin")) || Files.isRegularFile(d.resolve("cameras.txt"))) return d;
        }
        return null;
    }

    /**
     * Opens a dataset:
     * <ul>
     *   <li>NeRF-synthetic: splits {@code train}, {@code val}, {@code test} from the files present;
     *       no points.</li>
     *   <li>nerfstudio: the splits listed in the file ({@code train_filenames}, {@code val_filenames},
     *       {@code test_filenames}) when it has them; otherwise the frames sorted by image path,
     *       every 8th ({@code 0, 8, 16, ...}) {@code test} and the rest {@code train}; no points.</li>
     *   <li>COLMAP: see {@link ColmapModel#toCameraDataset}, images under {@code images/}.</li>
     * </ul>
     *
     * @param path a dataset folder, or a {@code transforms.json} file
     * @throws KfFormatException when the layout is unknown, a file is bad or an image is missing
     */
    public static CameraDataset open(Path path) throws IOException {
        Layout layout = detect(path);
        if (layout == null) {
            throw new KfFormatException(path, "not a camera dataset: expected transforms_train.json, transforms.json, "
                    + "or a COLMAP model (sparse/0/cameras.bin or cameras.txt)");
        }
        return switch (layout) {
            case NERF_SYNTHETIC -> nerfSynthetic(path);
            case NERFSTUDIO -> nerfstudio(Files.isRegularFile(path) ? path : path.resolve("transforms.json"));
            case COLMAP -> {
                ColmapModel model = ColmapModel.read(colmapDir(path));
                yield model.toCameraDataset(path, path.resolve("images"), true);
            }
        };
    }

    private static CameraDataset nerfSynthetic(Path dir) throws IOException {
        Map<String, List<CameraDataset.View>> splits = new LinkedHashMap<>();
        for (String split : new String[] {"train", "val", "test"}) {
            Path f = dir.resolve("transforms_" + split + ".json");
            if (Files.isRegularFile(f)) splits.put(split, List.copyOf(TransformsJson.read(f)));
        }
        return new CameraDataset(dir, Collections.unmodifiableMap(splits), null);
    }

    private static CameraDataset nerfstudio(Path json) throws IOException {
        TransformsJson.Parsed p = TransformsJson.parse(json, true);
        Map<String, List<CameraDataset.View>> splits = new LinkedHashMap<>();
        if (!p.splitFiles().isEmpty()) {
            Map<Path, CameraDataset.View> byFile = new HashMap<>();
            for (CameraDataset.View v : p.views()) byFile.put(v.image().normalize(), v);
            for (Map.Entry<String, List<Path>> e : p.splitFiles().entrySet()) {
                List<CameraDataset.View> list = new ArrayList<>();
                for (Path f : e.getValue()) {
                    CameraDataset.View v = byFile.get(f);
                    if (v == null) {
                        throw new KfFormatException(json, "\"" + e.getKey() + "_filenames\" lists " + f
                                + ", which no frame has");
                    }
                    list.add(v);
                }
                splits.put(e.getKey(), List.copyOf(list));
            }
        } else {
            List<CameraDataset.View> sorted = new ArrayList<>(p.views());
            sorted.sort(Comparator.comparing(v -> v.image().toString()));
            List<CameraDataset.View> train = new ArrayList<>(), test = new ArrayList<>();
            for (int i = 0; i < sorted.size(); i++) (i % 8 == 0 ? test : train).add(sorted.get(i));
            splits.put("train", List.copyOf(train));
            splits.put("test", List.copyOf(test));
        }
        Path root = json.toAbsolutePath().getParent();
        return new CameraDataset(root, Collections.unmodifiableMap(splits), null);
    }
}
