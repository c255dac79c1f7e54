package kernelfield.render.internal;

import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;

import kernelfield.render.gl.Gl;

/**
 * The GPU data of the drawables a pass draws, by drawable identity: each entry is uploaded once
 * per drawable version, marked used when drawn, and freed when a frame did not draw it
 * ({@link #evictUnused()}) or on {@link #release()}.
 *
 * @param <D> drawable type (compared by identity)
 * @param <G> GPU data of one drawable
 */
final class GpuCache<D, G extends GpuCache.Entry> {
    /** GPU data of one drawable: the version uploaded, whether drawn since the last eviction. */
    abstract static class Entry {
        int version;
        boolean used;

        /** Deletes the GL objects of this entry. */
        abstract void free(Gl gl);
    }

    private final Gl gl;
    private final Map<D, G> map = new IdentityHashMap<>();

    GpuCache(Gl gl) {
        this.gl = gl;
    }

    /** The entry of {@code d}, or null. */
    G get(D d) {
        return map.get(d);
    }

    /**
     * The entry of {@code d} when it holds {@code version}; otherwise frees and forgets any older
     * entry of {@code d} and returns null.
     */
    G current(D d, int version) {
        G g = map.get(d);
        if (g != null && g.version == version) return g;
        drop(d);
        return null;
    }

    /** Frees and forgets the entry of {@code d}, if any. */
    void drop(D d) {
        G g = map.remove(d);
        if (g != null) g.free(gl);
    }

    /** Adds the entry of {@code d} (after {@link #current} or {@link #drop} left none). */
    void put(D d, G g) {
        map.put(d, g);
    }

    /** Number of entries. */
    int size() {
        return map.size();
    }

    /** Frees the entries not drawn since the last call and clears the used mark of the others. */
    void evictUnused() {
        for (Iterator<G> it = map.values().iterator(); it.hasNext(); ) {
            G g = it.next();
            if (!g.used) {
                g.free(gl);
                it.remove();
            } else {
                g.used = false;
            }
        }
    }

    /** Frees every entry. */
    void release() {
        for (G g : map.values()) g.free(gl);
        map.clear();
    }
}
