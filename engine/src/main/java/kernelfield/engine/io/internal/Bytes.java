package kernelfield.engine.io.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Unaligned little-endian reads from a segment, with an optional byte swap for big-endian data.
 * The layouts are constants so that the JIT compiles each read to a plain load.
 */
public final class Bytes {
    public static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Bytes() {
    }

    public static byte i8(MemorySegment s, long off) {
        return s.get(ValueLayout.JAVA_BYTE, off);
    }

    public static short i16(MemorySegment s, long off, boolean swap) {
        short v = s.get(SHORT_LE, off);
        return swap ? Short.reverseBytes(v) : v;
    }

    public static int i32(MemorySegment s, long off, boolean swap) {
        int v = s.get(INT_LE, off);
        return swap ? Integer.reverseBytes(v) : v;
    }

    public static long i64(MemorySegment s, long off, boolean swap) {
        long v = s.get(LONG_LE, off);
        return swap ? Long.reverseBytes(v) : v;
    }

    public static float f32(MemorySegment s, long off, boolean swap) {
        return Float.intBitsToFloat(i32(s, off, swap));
    }

    public static double f64(MemorySegment s, long off, boolean swap) {
        return Double.longBitsToDouble(i64(s, off, swap));
    }
}
