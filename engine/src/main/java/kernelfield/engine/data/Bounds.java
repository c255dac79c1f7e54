package kernelfield.engine.data;

/** An axis-aligned bounding box. Empty when min &gt; max. */
public record Bounds(double minX, double minY, double minZ, double maxX, double maxY, double maxZ) {

    public static final Bounds EMPTY = new Bounds(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY,
            Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY);

    /** Bounds of interleaved {@code (N, 3)} coordinates. */
    public static Bounds of(float[] xyz) {
        double x0 = Double.POSITIVE_INFINITY, y0 = x0, z0 = x0;
        double x1 = Double.NEGATIVE_INFINITY, y1 = x1, z1 = x1;
        for (int i = 0; i + 2 < xyz.length; i += 3) {
            float x = xyz[i], y = xyz[i + 1], z = xyz[i + 2];
            if (x < x0) x0 = x;
            if (x > x1) x1 = x;
            if (y < y0) y0 = y;
            if (y > y1) y1 = y;
            if (z < z0) z0 = z;
            if (z > z1) z1 = z;
        }
        return new Bounds(x0, y0, z0, x1, y1, z1);
    }

    public boolean isEmpty() {
        return minX > maxX || minY > maxY || minZ > maxZ;
    }

    public double sizeX() {
        return maxX - minX;
    }

    public double sizeY() {
        return maxY - minY;
    }

    public double sizeZ() {
        return maxZ - minZ;
    }

    /** Length of the diagonal, 0 when empty. */
    public double diagonal() {
        return isEmpty() ? 0 : Math.sqrt(sizeX() * sizeX() + sizeY() * sizeY() + sizeZ() * sizeZ());
    }

    public double centerX() {
        return 0.5 * (minX + maxX);
    }

    public double centerY() {
        return 0.5 * (minY + maxY);
    }

    public double centerZ() {
        return 0.5 * (minZ + maxZ);
    }

    public Bounds union(Bounds o) {
        return new Bounds(Math.min(minX, o.minX), Math.min(minY, o.minY), Math.min(minZ, o.minZ),
                Math.max(maxX, o.maxX), Math.max(maxY, o.maxY), Math.max(maxZ, o.maxZ));
    }

    /** Grown by {@code margin} on every side. */
    public Bounds expand(double margin) {
        return new Bounds(minX - margin, minY - margin, minZ - margin, maxX + margin, maxY + margin, maxZ + margin);
    }

    @Override
    public String toString() {
        if (isEmpty()) return "[empty]";
        return String.format("[%.6g %.6g %.6g] .. [%.6g %.6g %.6g]", minX, minY, minZ, maxX, maxY, maxZ);
    }
}
