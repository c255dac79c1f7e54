package kernelfield.engine.io;

import java.nio.file.Path;
import java.util.List;

import kernelfield.engine.data.Bounds;

/**
 * What {@code kf info} prints about a file: its format, its elements (name, count, properties as
 * {@code "type name"}), the bounding box of its positions and any comments.
 */
public record FileSummary(Path file, String format, List<Element> elements, Bounds bounds, List<String> comments) {

    /** An element of a file (vertex, face, point), its count and its properties. */
    public record Element(String name, long count, List<String> properties) {
    }

    public FileSummary {
        elements = List.copyOf(elements);
        comments = List.copyOf(comments);
    }

    /** Count of the element named {@code name}, or -1. */
    public long count(String name) {
        for (Element e : elements) {
            if (e.name.equals(name)) return e.count;
        }
        return -1;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        b.append(file).append('\n').append("  format: ").append(format).append('\n');
        for (Element e : elements) {
            b.append("  element ").append(e.name).append(": ").append(e.count).append('\n');
            for (String p : e.properties) b.append("    ").append(p).append('\n');
        }
        b.append("  bounds: ").append(bounds).append('\n');
        for (String c : comments) b.append("  comment: ").append(c).append('\n');
        return b.toString();
    }
}
