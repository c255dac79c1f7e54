package kernelfield.engine.geometry.internal;

import kernelfield.engine.util.FloatList;
import kernelfield.engine.util.IntList;
import kernelfield.engine.geometry.SampleGrid;

/**
 * The per-cell polygonization shared by the dense and the sparse marching cubes, so that both
 * create the same vertices in the same order and agree bit for bit.
 */
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

    /** Finds or creates the vertex on edge {@code e} (0..11) of the current cell; returns its id. */
    public interface EdgeVertices {
        int vertex(int e);
    }

    /**
     * Appends the triangles of table entry {@code entry} (see {@link McTables#lookup}) to
     * {@code tris}; edge vertices come from {@code edges} in first-use order, centre vertices (if
     * any) are appended to {@code verts} when first used.
     */
    public static void polygonize(int entry, EdgeVertices edges, FloatList verts, IntList tris, int[] scratch) {
        int c0 = McTables.CENTRE_OFFSET[entry];
        int centres = c0 == McTables.CENTRE_OFFSET[entry + 1] ? 0 : countCentres(c0, McTables.CENTRE_OFFSET[entry + 1]);
        for (int c = 0; c < centres; c++) scratch[3 + c] = -1;
        int end = McTables.OFFSET[entry + 1];
        for (int q = McTables.OFFSET[entry]; q < end; q += 3) {
            for (int r = 0; r < 3; r++) {
                int code = McTables.EDGES[q + r];
                if (code < 12) {
                    scratch[r] = edges.vertex(code);
                } else {
                    int c = code - 12;
                    if (scratch[3 + c] < 0) scratch[3 + c] = centre(c0, c, edges, verts);
                    scratch[r] = scratch[3 + c];
                }
            }
            tris.add3(scratch[0], scratch[1], scratch[2]);
        }
    }

    private static int countCentres(int from, int to) {
        int n = 0;
        for (int i = from; i < to; i += 1 + McTables.CENTRES[i]) n++;
        return n;
    }

    private static int centre(int from, int c, EdgeVertices edges, FloatList verts) {
        int i = from;
        for (int k = 0; k < c; k++) i += 1 + McTables.CENTRES[i];
        int len = McTables.CENTRES[i];
        double x = 0, y = 0, z = 0;
        for (int k = 1; k <= len; k++) {
            int id = edges.vertex(McTables.CENTRES[i + k]);
            x += verts.get(3 * id);
            y += verts.get(3 * id + 1);
            z += verts.get(3 * id + 2);
        }
        int id = verts.size() / 3;
        verts.add3((float) (x / len), (float) (y / len), (float) (z / len));
        return id;
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
