package kernelfield.engine.geometry;

import java.util.Arrays;
import java.util.Objects;

import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.geometry.internal.FloatList;
import kernelfield.engine.geometry.internal.IntList;
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
        int[] xe0 = new int[ny * (nx - 1)], xe1 = new int[ny * (nx - 1)];
        int[] ye0 = new int[(ny - 1) * nx], ye1 = new int[(ny - 1) * nx];
        int[] ze = new int[ny * nx];
        Arrays.fill(xe0, -1);
        Arrays.fill(ye0, -1);
        float[] v = new float[8];
        int[] off = new int[8];
        for (int c = 0; c < 8; c++) off[c] = (McCell.dz(c) * ny + McCell.dy(c)) * nx + McCell.dx(c);
        int[] ids = new int[12];
        for (int k = 0; k < nz - 1; k++) {
            Arrays.fill(xe1, -1);
            Arrays.fill(ye1, -1);
            Arrays.fill(ze, -1);
            for (int j = 0; j < ny - 1; j++) {
                int base = (k * ny + j) * nx;
                for (int i = 0; i < nx - 1; i++) {
                    for (int c = 0; c < 8; c++) v[c] = values[base + i + off[c]];
                    int t = McTables.lookup(v, iso);
                    if (t < 0) continue;
                    int end = McTables.OFFSET[t + 1];
                    for (int q = McTables.OFFSET[t]; q < end; q += 3) {
                        for (int r = 0; r < 3; r++) {
                            int e = McTables.EDGES[q + r];
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
                            ids[r] = id;
                        }
                        tris.add3(ids[0], ids[1], ids[2]);
                    }
                }
            }
            int[] s = xe0;
            xe0 = xe1;
            xe1 = s;
            s = ye0;
            ye0 = ye1;
            ye1 = s;
        }
        return new TriangleMesh(verts.toArray(), tris.toArray());
    }
}
