package kernelfield.engine.io;

import java.util.Objects;

import kernelfield.engine.io.internal.TypedArrays;

/**
 * One property of a PLY element, with its values stored column-wise in one primitive array.
 *
 * <ul>
 *   <li>A scalar property holds {@code (count)} values of {@link #type()} in the array type given
 *       by {@link PlyType} ({@code float[]} for float, {@code byte[]} for uchar, ...).</li>
 *   <li>A list property has a {@link #countType()}; row {@code r} holds the items
 *       {@code items[offsets[r] .. offsets[r + 1])}: {@code offsets (count + 1)}, items of
 *       {@link #type()}.</li>
 * </ul>
 * Arrays are held, not copied. A property read by {@link PlyFile#readHeader} has no data.
 */
public final class PlyProperty {
    private final String name;
    private final PlyType type;
    private final PlyType countType;
    private final String typeName;
    private final String countTypeName;
    private Object data;
    private int[] offsets;

    /**
     * A property without data. {@code typeName} and {@code countTypeName} are the spellings
     * written to headers (null: the PLY 1.0 names).
     */
    public PlyProperty(String name, PlyType type, PlyType countType, String typeName, String countTypeName) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
        this.countType = countType;
        if (countType != null && !countType.isInteger()) {
            throw new IllegalArgumentException("list count type must be an integer type, not " + countType);
        }
        this.typeName = typeName != null ? typeName : type.plyName();
        this.countTypeName = countType == null ? null : countTypeName != null ? countTypeName : countType.plyName();
    }

    /** A scalar property holding {@code values}, whose array type must match {@code type}. */
    public static PlyProperty scalar(String name, PlyType type, Object values) {
        PlyProperty p = new PlyProperty(name, type, null, null, null);
        p.setData(values, null);
        return p;
    }

    /** A float property holding {@code values (N)}. */
    public static PlyProperty ofFloats(String name, float[] values) {
        return scalar(name, PlyType.FLOAT, values);
    }

    /** A list property: {@code offsets (N + 1)} into {@code items}. */
    public static PlyProperty list(String name, PlyType countType, PlyType itemType, int[] offsets, Object items) {
        PlyProperty p = new PlyProperty(name, itemType, countType, null, null);
        p.setData(items, offsets);
        return p;
    }

    /** Sets the values (and, for a list, the offsets). Held, not copied. */
    public void setData(Object values, int[] listOffsets) {
        if (values != null && !TypedArrays.matches(type, values)) {
            throw new IllegalArgumentException("property " + name + ": " + values.getClass().getSimpleName() + " cannot hold " + type);
        }
        if ((countType != null) != (listOffsets != null) && values != null) {
            throw new IllegalArgumentException("property " + name + ": offsets " + (countType != null ? "required for a list" : "given for a scalar"));
        }
        this.data = values;
        this.offsets = listOffsets;
    }

    public String name() {
        return name;
    }

    /** The value type, or the item type of a list. */
    public PlyType type() {
        return type;
    }

    /** The list count type, or null for a scalar property. */
    public PlyType countType() {
        return countType;
    }

    public boolean isList() {
        return countType != null;
    }

    /** The type as spelled in the header ({@code float} or {@code float32}). */
    public String typeName() {
        return typeName;
    }

    /** The count type as spelled in the header, or null. */
    public String countTypeName() {
        return countTypeName;
    }

    public boolean hasData() {
        return data != null;
    }

    /** The value array itself (scalar) or the item array (list); see the class comment for its type. */
    public Object data() {
        return data;
    }

    /** List offsets {@code (count + 1)}, the array itself; null for a scalar. */
    public int[] offsets() {
        return offsets;
    }

    /** The stored {@code float[]}; throws when the type is not float. */
    public float[] floats() {
        if (!(data instanceof float[] f)) throw new IllegalStateException("property " + name + " is " + type + ", not float");
        return f;
    }

    /** Scalar value of row {@code row} as a double. */
    public double getDouble(int row) {
        return TypedArrays.getDouble(type, data, row);
    }

    /** Scalar value of row {@code row} as a long (unsigned types zero-extended). */
    public long getLong(int row) {
        return TypedArrays.getLong(type, data, row);
    }

    /** Number of items in list row {@code row}. */
    public int listSize(int row) {
        return offsets[row + 1] - offsets[row];
    }

    /** Item {@code k} of list row {@code row} as a long. */
    public long getListLong(int row, int k) {
        return TypedArrays.getLong(type, data, offsets[row] + k);
    }

    /** Item {@code k} of list row {@code row} as a double. */
    public double getListDouble(int row, int k) {
        return TypedArrays.getDouble(type, data, offsets[row] + k);
    }

    /** The first {@code n} scalar values as floats; allocates {@code (n)}. */
    public float[] toFloats(int n) {
        return TypedArrays.toFloats(type, data, n);
    }

    /** The header line, without the line end. */
    public String headerLine() {
        return countType == null ? "property " + typeName + " " + name
                : "property list " + countTypeName + " " + typeName + " " + name;
    }

    @Override
    public String toString() {
        return countType == null ? typeName + " " + name : "list " + countTypeName + " " + typeName + " " + name;
    }
}
