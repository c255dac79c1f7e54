package kernelfield.engine.geometry.internal;

/**
 * An open-addressing hash map from {@code long} keys to non-negative {@code int} values (linear
 * probing, power-of-two capacity, load factor at most 1/2). {@link #get} returns -1 for a missing
 * key. Not thread-safe.
 */
public final class LongIntHashMap {
    private long[] keys;
    private int[] values;
    private boolean[] used;
    private int size;
    private int mask;

    public LongIntHashMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected) * 2 - 1) << 1;
        alloc(cap);
    }

    private void alloc(int cap) {
        keys = new long[cap];
        values = new int[cap];
        used = new boolean[cap];
        mask = cap - 1;
    }

    private static int mix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return (int) k;
    }

    /** The value of {@code key}, or -1. */
    public int get(long key) {
        int i = mix(key) & mask;
        while (used[i]) {
            if (keys[i] == key) return values[i];
            i = (i + 1) & mask;
        }
        return -1;
    }

    /** Sets {@code key} to {@code value} (value must be &gt;= 0). */
    public void put(long key, int value) {
        if (2 * (size + 1) > keys.length) rehash();
        int i = mix(key) & mask;
        while (used[i]) {
            if (keys[i] == key) {
                values[i] = value;
                return;
            }
            i = (i + 1) & mask;
        }
        used[i] = true;
        keys[i] = key;
        values[i] = value;
        size++;
    }

    public int size() {
        return size;
    }

    private void rehash() {
        long[] k = keys;
        int[] v = values;
        boolean[] u = used;
        if (k.length >= 1 << 30) throw new OutOfMemoryError("hash map too large");
        alloc(k.length * 2);
        size = 0;
        for (int i = 0; i < k.length; i++) {
            if (u[i]) put(k[i], v[i]);
        }
    }
}
