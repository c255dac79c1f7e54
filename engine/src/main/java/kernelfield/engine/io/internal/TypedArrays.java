package kernelfield.engine.io.internal;

import java.util.Arrays;

import kernelfield.engine.io.PlyType;

/** Helpers over the typed arrays that hold PLY columns (see {@link PlyType} for which array type). */
public final class TypedArrays {
    private TypedArrays() {
    }

    /** A new zeroed array of {@code n} values of {@code t}. */
    public static Object allocate(PlyType t, int n) {
        return switch (t) {
            case CHAR, UCHAR -> new byte[n];
            case SHORT, USHORT -> new short[n];
            case INT, UINT -> new int[n];
            case FLOAT -> new float[n];
            case DOUBLE -> new double[n];
        };
    }

    /** True when {@code a} is the array type that holds {@code t}. */
    public static boolean matches(PlyType t, Object a) {
        return switch (t) {
            case CHAR, UCHAR -> a instanceof byte[];
            case SHORT, USHORT -> a instanceof short[];
            case INT, UINT -> a instanceof int[];
            case FLOAT -> a instanceof float[];
            case DOUBLE -> a instanceof double[];
        };
    }

    public static int length(Object a) {
        return switch (a) {
            case byte[] b -> b.length;
            case short[] s -> s.length;
            case int[] i -> i.length;
            case float[] f -> f.length;
            case double[] d -> d.length;
            default -> throw new IllegalArgumentException("not a column array: " + a.getClass());
        };
    }

    /** A copy with {@code n} elements (grown with zeros or cut). */
    public static Object resize(Object a, int n) {
        return switch (a) {
            case byte[] b -> Arrays.copyOf(b, n);
            case short[] s -> Arrays.copyOf(s, n);
            case int[] i -> Arrays.copyOf(i, n);
            case float[] f -> Arrays.copyOf(f, n);
            case double[] d -> Arrays.copyOf(d, n);
            default -> throw new IllegalArgumentException("not a column array: " + a.getClass());
        };
    }

    /** Value {@code i} as a long (integer types, unsigned ones zero-extended; floats truncated). */
    public static long getLong(PlyType t, Object a, int i) {
        return switch (t) {
            case CHAR -> ((byte[]) a)[i];
            case UCHAR -> ((byte[]) a)[i] & 0xff;
            case SHORT -> ((short[]) a)[i];
            case USHORT -> ((short[]) a)[i] & 0xffff;
            case INT -> ((int[]) a)[i];
            case UINT -> ((int[]) a)[i] & 0xffffffffL;
            case FLOAT -> (long) ((float[]) a)[i];
            case DOUBLE -> (long) ((double[]) a)[i];
        };
    }

    /** Value {@code i} as a double. */
    public static double getDouble(PlyType t, Object a, int i) {
        return switch (t) {
            case FLOAT -> ((float[]) a)[i];
            case DOUBLE -> ((double[]) a)[i];
            default -> getLong(t, a, i);
        };
    }

    /** Sets value {@code i} of an integer column from {@code v} (already range-checked). */
    public static void setLong(PlyType t, Object a, int i, long v) {
        switch (t) {
            case CHAR, UCHAR -> ((byte[]) a)[i] = (byte) v;
            case SHORT, USHORT -> ((short[]) a)[i] = (short) v;
            case INT, UINT -> ((int[]) a)[i] = (int) v;
            case FLOAT -> ((float[]) a)[i] = v;
            case DOUBLE -> ((double[]) a)[i] = v;
        }
    }

    /** The whole column as floats (allocates {@code (n)}). */
    public static float[] toFloats(PlyType t, Object a, int n) {
        if (a instanceof float[] f) return Arrays.copyOf(f, n);
        float[] r = new float[n];
        for (int i = 0; i < n; i++) r[i] = (float) getDouble(t, a, i);
        return r;
    }
}
