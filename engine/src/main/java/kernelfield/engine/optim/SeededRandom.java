package kernelfield.engine.optim;

/**
 * A small, fast, seedable random generator whose whole state can be read and restored, so a
 * checkpointed run continues with the same numbers. The algorithm is xoshiro256** (Blackman and
 * Vigna), seeded by expanding a 64-bit seed with SplitMix64; the sequence for a seed is fixed and
 * part of the checkpoint contract. Not thread-safe: give each thread its own ({@link #split()}).
 */
public final class SeededRandom {
    private long s0;
    private long s1;
    private long s2;
    private long s3;

    /** A generator seeded from {@code seed}. */
    public SeededRandom(long seed) {
        long x = seed;
        x += 0x9E3779B97F4A7C15L;
        s0 = mix(x);
        x += 0x9E3779B97F4A7C15L;
        s1 = mix(x);
        x += 0x9E3779B97F4A7C15L;
        s2 = mix(x);
        x += 0x9E3779B97F4A7C15L;
        s3 = mix(x);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The next 64 random bits. */
    public long nextLong() {
        long result = Long.rotateLeft(s1 * 5, 7) * 9;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /** A uniform int in {@code [0, bound)}, unbiased; {@code bound > 0}. */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound " + bound + " must be > 0");
        // Lemire's multiply-and-reject on 32 random bits.
        long r = (nextLong() >>> 32) * bound;
        if ((r & 0xFFFFFFFFL) < bound) {
            long threshold = (0x100000000L - bound) % bound;
            while ((r & 0xFFFFFFFFL) < threshold) {
                r = (nextLong() >>> 32) * bound;
            }
        }
        return (int) (r >>> 32);
    }

    /** A uniform float in {@code [0, 1)} (24 random bits). */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** A uniform double in {@code [0, 1)} (53 random bits). */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** A standard normal sample (Box-Muller; uses two uniforms per call, no cached spare). */
    public double nextGaussian() {
        double u1 = 1.0 - nextDouble(); // (0, 1]
        double u2 = nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** A new generator seeded from this one's next output (advances this one by one step). */
    public SeededRandom split() {
        return new SeededRandom(nextLong());
    }

    /** The state, four longs; a copy. */
    public long[] state() {
        return new long[] {s0, s1, s2, s3};
    }

    /**
     * Restores a state read by {@link #state()}.
     *
     * @throws IllegalArgumentException when it is not four longs or all zero (not a valid state)
     */
    public void setState(long[] state) {
        if (state.length != 4) throw new IllegalArgumentException("random state needs 4 longs, got " + state.length);
        if ((state[0] | state[1] | state[2] | state[3]) == 0) throw new IllegalArgumentException("random state is all zero");
        s0 = state[0];
        s1 = state[1];
        s2 = state[2];
        s3 = state[3];
    }
}
