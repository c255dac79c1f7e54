package kernelfield.engine.util;

import java.util.Arrays;

/** A growable {@code int} array (amortized doubling). */
public final class IntList {
    private int[] data;
    private int size;

    public IntList(int capacity) {
        data = new int[Math.max(4, capacity)];
    }

    public void add(int v) {
        if (size == data.length) data = Arrays.copyOf(data, FloatList.grow(data.length, 1));
        data[size++] = v;
    }

    public void add3(int a, int b, int c) {
        if (size + 3 > data.length) data = Arrays.copyOf(data, FloatList.grow(data.length, 3));
        data[size] = a;
        data[size + 1] = b;
        data[size + 2] = c;
        size += 3;
    }

    public int size() {
        return size;
    }

    public int get(int i) {
        return data[i];
    }

    /** Forgets the contents, keeping the capacity. */
    public void clear() {
        size = 0;
    }

    /** A copy trimmed to the size. */
    public int[] toArray() {
        return Arrays.copyOf(data, size);
    }
}
