package kernelfield.engine.compute;

/**
 * Per-slot float accumulation buffers, {@code buffers (slots, length)}, reduced into a target in a
 * fixed slot order. Used with {@link CpuDevice#parallelForSlots}: slot {@code s} scatters into
 * {@link #buffer(int) buffer(s)} only, then {@link #reduceInto} adds the slots in order
 * {@code 0, 1, ..., slots - 1}. The number of slots is fixed by the caller (not the thread count),
 * so results are bit-identical for any thread count.
 *
 * <p>Allocates its {@code slots * length} floats once, at construction. Not thread-safe as a
 * whole; distinct slots may be written by distinct threads.
 */
public final class GradientBuffers {
    private static final int GRAIN = 1 << 14;
    private final float[][] buffers;
    private final int length;

    /**
     * @param slots  number of buffers, {@code >= 1} (e.g. 16: enough for the cores, independent of them)
     * @param length floats per buffer
     */
    public GradientBuffers(int slots, int length) {
        if (slots < 1) throw new IllegalArgumentException("slot count must be >= 1, got " + slots);
        if (length < 0) throw new IllegalArgumentException("buffer length must be >= 0, got " + length);
        this.length = length;
        this.buffers = new float[slots][length];
    }

    public int slots() {
        return buffers.length;
    }

    public int length() {
        return length;
    }

    /** The buffer of {@code slot}, the array itself ({@code length} floats). */
    public float[] buffer(int slot) {
        return buffers[slot];
    }

    /** Sets every buffer to zero, in parallel on {@code device}. Allocates nothing beyond the loop tasks. */
    public void zero(CpuDevice device) {
        device.parallelFor(length, GRAIN, (c, s, e) -> {
            for (float[] b : buffers) java.util.Arrays.fill(b, s, e, 0f);
        });
    }

    /**
     * {@code target[i] += ((b0[i] + b1[i]) + b2[i]) + ...} for every {@code i}, the slots added in
     * index order first, then the total added to the target. Parallel over {@code i}; each element's
     * order of additions is fixed, so the result does not depend on the thread count. Modifies
     * {@code target} only.
     *
     * @param target {@code (length)}
     */
    public void reduceInto(float[] target, CpuDevice device) {
        if (target.length < length) {
            throw new IllegalArgumentException("target has " + target.length + " floats, buffers have " + length);
        }
        device.parallelFor(length, GRAIN, (c, s, e) -> {
            float[] b0 = buffers[0];
            for (int i = s; i < e; i++) {
                float acc = b0[i];
                for (int k = 1; k < buffers.length; k++) acc += buffers[k][i];
                target[i] += acc;
            }
        });
    }
}
