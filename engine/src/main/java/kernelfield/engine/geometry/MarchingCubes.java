package kernelfield.engine.geometry;

import java.util.Arrays;
import java.util.Objects;

import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.util.FloatList;
import kernelfield.engine.util.IntList;
import kernelfield.engine.geometry.internal.McCell;
import kernelfield.engine.geometry.internal.McTables;

/**
 * Marching cubes on a dense grid of samples: extracts the level set {@code value = iso} as a
 * {@link TriangleMesh}.
 *
 * <ul>
 *   <li>Vertices lie on lattice edges (linear interpolation) and are shared by all cells that touch
 *       the edge, so the mesh is welded.</li>
 *   <li>Orientation: the region below the iso level is inside; triangles are counter-clockwise seen
 *       from above the level, so normals point outward for a field that is negative inside (a
 *       signed distance).</li>
 *   <li>Ambiguous faces are resolved by the asymptotic decider, the same way in both cells that
 *       share the face (see {@link McTables}); a level set that stays inside the grid gives a
 *       closed, edge-manifold mesh. Surfaces that reach the grid's outer layer are open there.</li>
 *   <li>A vertex may coincide with a sample exactly on the level (zero-area triangles); use
 *       {@link MeshTopology#weldVertices} and {@link MeshTopology#removeDegenerateFaces} if needed.</li>
 * </ul>
 *
 * Sequential and deterministic. Memory besides the output: three layers of {@code nx ny} ints.
 */
public final class MarchingCubes {
    private MarchingCubes() {
    }

    /**
     * Extracts the level set {@code iso} of dense samples.
     *
     * @param values samples {@code (nz, ny, nx)} over {@code grid}; not modified. A NaN sample
     *     counts as above the level.
     * @return a new mesh (no normals); empty when the grid has fewer than 2 samples on an axis
     */
    public static TriangleMesh extract(float[] values, SampleGrid grid, float iso) {
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(grid, "grid");
        if (values.length != grid.sampleCount()) {
            throw new IllegalArgumentException("values has length " + values.length + ", expected nx ny nz = "
                    + grid.nx() + " x " + grid.ny() + " x " + grid.nz() + " = " + grid.sampleCount());
        }
        int nx = grid.nx(), ny = grid.ny(), nz = grid.nz();
        FloatList verts = new FloatList(1024);
        IntList tris = new IntList(2048);
        if (nx < 2 || ny < 2 || nz < 2) return new TriangleMesh(new float[0], new int[0]);
        Slabs e = new Slabs(grid, iso, verts);
        int[] off = new int[8];
        for (int c = 0; c < 8; c++) off[c] = (McCell.dz(c) * ny + McCell.dy(c)) * nx + McCell.dx(c);
        int[] scratch = new int[8];
        float[] v = e.v;
        for (int k = 0; k < nz - 1; k++) {
            e.nextLayer(k);
            for (int j = 0; j < ny - 1; j++) {
                int base = (k * ny + j) * nx;
                for (int i = 0; i < nx - 1; i++) {
                    for (int c = 0; c < 8; c++) v[c] = values[base + i + off[c]];
                    int t = McTables.lookup(v, iso);
                    if (t < 0) continue;
                    e.i = i;
                    e.j = j;
                    McCell.polygonize(t, e, verts, tris, scratch);
                }
            }
        }
        return new TriangleMesh(verts.toArray(), tris.toArray());
    }

    /** Vertex ids of the lattice edges of two sample layers (x and y edges) and between them (z edges). */
    private static final class Slabs implements McCell.EdgeVertices {
        final SampleGrid grid;
        final float iso;
        final FloatList verts;
        final int nx;
        int[] xe0, xe1, ye0, ye1;
        final int[] ze;
        final float[] v = new float[8];
        int i, j, k;

        Slabs(SampleGrid grid, float iso, FloatList verts) {
            this.grid = grid;
            this.iso = iso;
            this.verts = verts;
            nx = grid.nx();
            int ny = grid.ny();
            xe0 = new int[ny * (nx - 1)];
            xe1 = new int[ny * (nx - 1)];
            ye0 = new int[(ny - 1) * nx];
            ye1 = new int[(ny - 1) * nx];
            ze = new int[ny * nx];
            Arrays.fill(xe1, -1);
            Arrays.fill(ye1, -1);
        }

        /** Moves to the cells between sample layers k and k + 1. */
        void nextLayer(int k) {
            this.k = k;
            int[] s = xe0;
            xe0 = xe1;
            xe1 = s;
            s = ye0;
            ye0 = ye1;
            ye1 = s;
            Arrays.fill(xe1, -1);
            Arrays.fill(ye1, -1);
            Arrays.fill(ze, -1);
        }

        @Override
        public int vertex(int e) {
            int c0 = McTables.EDGE_C0[e], axis = McTables.EDGE_AXIS[e];
            int dx = McCell.dx(c0), dy = McCell.dy(c0), dz = McCell.dz(c0);
            int[] arr;
            int slot;
            if (axis == 0) {
                arr = dz == 0 ? xe0 : xe1;
                slot = (j + dy) * (nx - 1) + i;
            } else if (axis == 1) {
                arr = dz == 0 ? ye0 : ye1;
                slot = j * nx + i + dx;
            } else {
                arr = ze;
                slot = (j + dy) * nx + i + dx;
            }
            int id = arr[slot];
            if (id < 0) {
                id = verts.size() / 3;
                McCell.emit(verts, grid, i + dx, j + dy, k + dz, axis, v[c0], v[c0 | 1 << axis], iso);
                arr[slot] = id;
            }
            return id;
        }
    }
}
