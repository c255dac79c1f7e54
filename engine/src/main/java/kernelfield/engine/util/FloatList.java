package kernelfield.engine.util;

import java.util.Arrays;

/** A growable {@code float} array (amortized doubling). */
public final class FloatList {
    private float[] data;
    private int size;

    public FloatList(int capacity) {
        data = new float[Math.max(4, capacity)];
    }

    public void add(float v) {
        if (size == data.length) data = Arrays.copyOf(data, grow(data.length, 1));
        data[size++] = v;
    }

    public void add3(float a, float b, float c) {
        if (size + 3 > data.length) data = Arrays.copyOf(data, grow(data.length, 3));
        data[size] = a;
        data[size + 1] = b;
        data[size + 2] = c;
        size += 3;
    }

    public int size() {
        return size;
    }

    public float get(int i) {
        return data[i];
    }

    /** Forgets the contents, keeping the capacity. */
    public void clear() {
        size = 0;
    }

    /** A copy trimmed to the size. */
    public float[] toArray() {
        return Arrays.copyOf(data, size);
    }

    static int grow(int cap, int need) {
        long n = Math.max((long) cap * 2, (long) cap + need);
        if (n > Integer.MAX_VALUE - 16) {
            if ((long) cap + need > Integer.MAX_VALUE - 16) throw new OutOfMemoryError("list too large");
            n = Integer.MAX_VALUE - 16;
        }
        return (int) n;
    }
}
