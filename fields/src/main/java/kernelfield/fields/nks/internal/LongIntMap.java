package kernelfield.fields.nks.internal;

/**
 * Open-addressing hash map from non-negative long keys to int values (linear probing, power-of-two
 * capacity, load at most one half). Built once, then read concurrently: {@link #get} is safe from
 * many threads once all {@link #put} calls are done.
 */
public final class LongIntMap {
    private static final long EMPTY = -1L;
    private final long[] keys;
    private final int[] values;
    private final int mask;
    private int size;

    /** A map sized for {@code expected} keys; allocates {@code 12 * capacity} bytes. */
    public LongIntMap(int expected) {
        long cap = Long.highestOneBit(Math.max(4L, 2L * expected - 1)) << 1;
        if (cap > (1 << 30)) throw new IllegalArgumentException("hash map too large for " + expected + " keys");
        keys = new long[(int) cap];
        values = new int[(int) cap];
        java.util.Arrays.fill(keys, EMPTY);
        mask = (int) cap - 1;
    }

    private static int hash(long k) {
        long h = k * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29) ^ (h >>> 47));
    }

    /** Puts {@code key -> value}, replacing any previous value. {@code key >= 0}. */
    public void put(long key, int value) {
        if (key < 0) throw new IllegalArgumentException("negative key " + key);
        int i = hash(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == EMPTY) {
                if (2 * (size + 1) > keys.length) throw new IllegalStateException("map full");
                keys[i] = key;
                values[i] = value;
                size++;
                return;
            }
            if (k == key) {
                values[i] = value;
                return;
            }
            i = (i + 1) & mask;
        }
    }

    /** The value of {@code key}, or -1 when absent. Allocates nothing. */
    public int get(long key) {
        int i = hash(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == key) return values[i];
            if (k == EMPTY) return -1;
            i = (i + 1) & mask;
        }
    }

    public int size() {
        return size;
    }
}
