/**
 * Point-cloud and mesh file formats.
 *
 * <ul>
 *   <li>{@link kernelfield.engine.io.PointCloudIO} and {@link kernelfield.engine.io.MeshIO}: read and
 *       write by file extension ({@code .ply .obj .off .xyz .pwn .xyzn .pcd}); {@code describe} gives a
 *       {@link kernelfield.engine.io.FileSummary} for {@code kf info}.</li>
 *   <li>{@link kernelfield.engine.io.PlyFile}: the general PLY model (any elements, scalar and list
 *       properties of every type, ascii and both binary encodings), column-wise storage; the
 *       3D Gaussian splatting layout round-trips bit-exactly.</li>
 *   <li>{@link kernelfield.engine.io.PlyIO}, {@link kernelfield.engine.io.ObjIO},
 *       {@link kernelfield.engine.io.OffIO}, {@link kernelfield.engine.io.XyzIO},
 *       {@link kernelfield.engine.io.PcdIO}: one class per format, mapping files to
 *       {@link kernelfield.engine.data.PointCloud} and {@link kernelfield.engine.data.TriangleMesh}.</li>
 * </ul>
 *
 * Every reader maps the file read-only and checks header counts against the file size before it
 * allocates; bad input of any kind is a {@link kernelfield.engine.io.KfFormatException} naming the
 * file, the line or element row, and what was expected. Writers go through
 * {@link kernelfield.engine.io.AtomicFiles}. Text output uses the shortest decimal that reads back
 * to the same float, and text input is parsed with correct rounding, so text round trips are exact.
 */
package kernelfield.engine.io;
