package kernelfield.engine.io.internal;

import java.util.Arrays;

/** A growable float array (amortized doubling). */
public final class FloatList {
    private float[] a;
    private int n;

    public FloatList(int capacity) {
        a = new float[Math.max(16, capacity)];
    }

    public void add(float v) {
        if (n == a.length) a = Arrays.copyOf(a, (int) Math.min(2L * n, Integer.MAX_VALUE - 16));
        a[n++] = v;
    }

    public int size() {
        return n;
    }

    public float get(int i) {
        return a[i];
    }

    /** A trimmed copy (allocates {@code (size)}). */
    public float[] toArray() {
        return Arrays.copyOf(a, n);
    }
}
