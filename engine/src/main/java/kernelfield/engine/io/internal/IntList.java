package kernelfield.engine.io.internal;

import java.util.Arrays;

/** A growable int array (amortized doubling). */
public final class IntList {
    private int[] a;
    private int n;

    public IntList(int capacity) {
        a = new int[Math.max(16, capacity)];
    }

    public void add(int v) {
        if (n == a.length) a = Arrays.copyOf(a, (int) Math.min(2L * n, Integer.MAX_VALUE - 16));
        a[n++] = v;
    }

    public int size() {
        return n;
    }

    public int get(int i) {
        return a[i];
    }

    public void clear() {
        n = 0;
    }

    /** A trimmed copy (allocates {@code (size)}). */
    public int[] toArray() {
        return Arrays.copyOf(a, n);
    }
}
