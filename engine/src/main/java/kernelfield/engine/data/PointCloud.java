package kernelfield.engine.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A point cloud in structure-of-arrays layout.
 *
 * <ul>
 *   <li>{@code positions (N, 3)} float32, interleaved x y z;</li>
 *   <li>{@code normals (N, 3)} or null;</li>
 *   <li>{@code colors (N, 3)} linear 0..1 floats, or null;</li>
 *   <li>any other per-point scalar attribute by name, {@code (N)} floats (for instance
 *       {@code intensity}, {@code opacity}, {@code f_dc_0}).</li>
 * </ul>
 *
 * The arrays are held, not copied: the caller must not modify them after construction unless it
 * owns the cloud.
 */
public final class PointCloud {
    private final int size;
    private final float[] positions;
    private final float[] normals;
    private final float[] colors;
    private final Map<String, float[]> attributes;

    public PointCloud(float[] positions, float[] normals, float[] colors, Map<String, float[]> attributes) {
        Objects.requireNonNull(positions, "positions");
        if (positions.length % 3 != 0) {
            throw new IllegalArgumentException("positions length " + positions.length + " is not a multiple of 3");
        }
        this.size = positions.length / 3;
        check("normals", normals, 3 * size);
        check("colors", colors, 3 * size);
        LinkedHashMap<String, float[]> attrs = new LinkedHashMap<>();
        if (attributes != null) {
            for (Map.Entry<String, float[]> e : attributes.entrySet()) {
                check(e.getKey(), e.getValue(), size);
                attrs.put(e.getKey(), e.getValue());
            }
        }
        this.positions = positions;
        this.normals = normals;
        this.colors = colors;
        this.attributes = Collections.unmodifiableMap(attrs);
    }

    public PointCloud(float[] positions, float[] normals) {
        this(positions, normals, null, null);
    }

    private static void check(String name, float[] a, int expected) {
        if (a != null && a.length != expected) {
            throw new IllegalArgumentException(name + " has length " + a.length + ", expected " + expected);
        }
    }

    /** Number of points N. */
    public int size() {
        return size;
    }

    /** Positions {@code (N, 3)}, the array itself. */
    public float[] positions() {
        return positions;
    }

    /** Normals {@code (N, 3)} or null. */
    public float[] normals() {
        return normals;
    }

    public boolean hasNormals() {
        return normals != null;
    }

    /** Colours {@code (N, 3)} in 0..1, or null. */
    public float[] colors() {
        return colors;
    }

    public boolean hasColors() {
        return colors != null;
    }

    /** Extra per-point scalar attributes {@code (N)} by name, in file order. */
    public Map<String, float[]> attributes() {
        return attributes;
    }

    public PointCloud withNormals(float[] newNormals) {
        return new PointCloud(positions, newNormals, colors, attributes);
    }

    public PointCloud withColors(float[] newColors) {
        return new PointCloud(positions, normals, newColors, attributes);
    }

    /** Axis-aligned bounds of the positions. */
    public Bounds bounds() {
        return Bounds.of(positions);
    }

    @Override
    public String toString() {
        return "PointCloud[" + size + " points" + (normals != null ? ", normals" : "")
                + (colors != null ? ", colors" : "") + (attributes.isEmpty() ? "" : ", " + attributes.keySet()) + "]";
    }
}
