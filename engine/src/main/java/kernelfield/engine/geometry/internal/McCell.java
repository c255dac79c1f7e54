package kernelfield.engine.geometry.internal;

import kernelfield.engine.geometry.SampleGrid;

/** The vertex placement shared by the dense and the sparse marching cubes, so that both agree bit for bit. */
public final class McCell {
    private McCell() {
    }

    /** Corner offsets (dx, dy, dz) of corner c are (c &amp; 1, c &gt;&gt; 1 &amp; 1, c &gt;&gt; 2 &amp; 1). */
    public static int dx(int c) {
        return c & 1;
    }

    public static int dy(int c) {
        return c >> 1 & 1;
    }

    public static int dz(int c) {
        return c >> 2 & 1;
    }

    /**
     * Appends the vertex on the lattice edge from sample {@code (i, j, k)} along {@code axis}, where
     * the field goes from {@code v0} to {@code v1}, by linear interpolation of the iso level.
     */
    public static void emit(FloatList out, SampleGrid g, int i, int j, int k, int axis, float v0, float v1, float iso) {
        double t = ((double) iso - v0) / ((double) v1 - v0);
        if (!(t >= 0)) t = 0;
        if (t > 1) t = 1;
        double x = i, y = j, z = k;
        if (axis == 0) x += t;
        else if (axis == 1) y += t;
        else z += t;
        out.add3((float) g.x(x), (float) g.y(y), (float) g.z(z));
    }
}
