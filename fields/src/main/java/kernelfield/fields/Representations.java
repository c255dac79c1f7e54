package kernelfield.fields;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The registered representations, found with {@link ServiceLoader}. */
public final class Representations {
    private Representations() {
    }

    private static final class Holder {
        static final Map<String, Representation> BY_NAME = load();

        private static Map<String, Representation> load() {
            Map<String, Representation> m = new TreeMap<>();
            for (Representation r : ServiceLoader.load(Representation.class, Representations.class.getClassLoader())) {
                Representation old = m.put(r.name(), r);
                if (old != null) {
                    throw new IllegalStateException("two representations named '" + r.name() + "': "
                            + old.getClass().getName() + " and " + r.getClass().getName());
                }
            }
            return Map.copyOf(m);
        }
    }

    /** All registered representations, by name. */
    public static List<Representation> all() {
        return Holder.BY_NAME.values().stream().sorted((a, b) -> a.name().compareTo(b.name())).toList();
    }

    /**
     * The representation named {@code name}.
     *
     * @throws IllegalArgumentException naming the known representations when there is none by that name
     */
    public static Representation get(String name) {
        Representation r = Holder.BY_NAME.get(name);
        if (r == null) {
            throw new IllegalArgumentException("unknown representation '" + name + "', expected one of "
                    + String.join(", ", new TreeMap<>(Holder.BY_NAME).keySet()));
        }
        return r;
    }
}
