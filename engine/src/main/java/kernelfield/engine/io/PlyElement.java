package kernelfield.engine.io;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/** A PLY element: a name, a row count and its properties in file order. */
public final class PlyElement {
    private final String name;
    private final int count;
    private final List<PlyProperty> properties = new ArrayList<>();

    public PlyElement(String name, int count) {
        this.name = Objects.requireNonNull(name, "name");
        if (count < 0) throw new IllegalArgumentException("element " + name + ": negative count " + count);
        this.count = count;
    }

    public String name() {
        return name;
    }

    /** Number of rows. */
    public int count() {
        return count;
    }

    /** The properties in file order (unmodifiable view). */
    public List<PlyProperty> properties() {
        return Collections.unmodifiableList(properties);
    }

    /** Appends {@code p}; its name must be new in this element. Returns this. */
    public PlyElement add(PlyProperty p) {
        if (property(p.name()) != null) throw new IllegalArgumentException("element " + name + " already has a property " + p.name());
        properties.add(p);
        return this;
    }

    /** The property named {@code n}, or null. */
    public PlyProperty property(String n) {
        for (PlyProperty p : properties) {
            if (p.name().equals(n)) return p;
        }
        return null;
    }

    @Override
    public String toString() {
        return "element " + name + " " + count + " " + properties;
    }
}
