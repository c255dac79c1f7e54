package kernelfield.engine.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Posed views of a scene: each a camera and the path of its image, grouped in splits
 * ({@code train}, {@code test}, {@code val}), plus the sparse points where the source has them
 * (COLMAP's points3D) and the scene's background when it is known.
 *
 * @param root the dataset folder
 * @param splits views by split name, in file order
 * @param points sparse points with colours, or null
 */
public record CameraDataset(Path root, Map<String, List<View>> splits, PointCloud points) {

    /** One posed image; {@code image} is resolved against the dataset root. */
    public record View(Camera camera, Path image) {
    }

    /** The views of {@code split}, or an empty list. */
    public List<View> split(String split) {
        return splits.getOrDefault(split, List.of());
    }

    public int viewCount() {
        return splits.values().stream().mapToInt(List::size).sum();
    }
}
