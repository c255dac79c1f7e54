package kernelfield.engine.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import kernelfield.engine.data.Bounds;
import kernelfield.engine.data.PointCloud;
import kernelfield.engine.data.TriangleMesh;

/** Builds {@link FileSummary} values for any supported file (reads the whole file for the bounds). */
public final class FileSummaries {
    private FileSummaries() {
    }

    /** Describes {@code file}: format, elements and properties, bounding box, comments. */
    public static FileSummary describe(Path file) throws IOException {
        FileFormat fmt = FileFormat.require(file, false);
        switch (fmt) {
            case PLY -> {
                PlyFile ply = PlyFile.read(file);
                List<FileSummary.Element> els = new ArrayList<>();
                for (PlyElement e : ply.elements()) {
                    List<String> ps = new ArrayList<>();
                    for (PlyProperty p : e.properties()) ps.add(p.toString());
                    els.add(new FileSummary.Element(e.name(), e.count(), ps));
                }
                Bounds b = ply.element("vertex") != null ? PlyIO.toPointCloud(file, ply).bounds() : Bounds.EMPTY;
                List<String> comments = new ArrayList<>(ply.comments());
                for (String o : ply.objInfo()) comments.add("obj_info " + o);
                return new FileSummary(file, "PLY " + ply.encoding().headerName() + " " + ply.version(), els, b, comments);
            }
            case PCD -> {
                PcdIO.Result r = PcdIO.read(file);
                PcdIO.Header h = r.header();
                List<String> ps = new ArrayList<>();
                for (PcdIO.Field f : h.fields()) ps.add(String.valueOf(f.type()) + (f.size() * 8) + (f.count() > 1 ? "[" + f.count() + "]" : "") + " " + f.name());
                List<FileSummary.Element> els = List.of(new FileSummary.Element("point", h.points(), ps));
                List<String> notes = new ArrayList<>();
                notes.add("WIDTH " + h.width() + " HEIGHT " + h.height());
                if (r.droppedNonFinite() > 0) notes.add(r.droppedNonFinite() + " points with non-finite coordinates (dropped when read)");
                return new FileSummary(file, "PCD " + h.version() + " DATA " + h.encoding().headerName(), els, r.cloud().bounds(), notes);
            }
            case XYZ, PWN -> {
                PointCloud pc = XyzIO.read(file, fmt == FileFormat.PWN);
                List<String> ps = new ArrayList<>(List.of("x", "y", "z"));
                if (pc.hasNormals()) ps.addAll(List.of("nx", "ny", "nz"));
                return new FileSummary(file, fmt == FileFormat.PWN ? "PWN (x y z nx ny nz text)" : "XYZ text",
                        List.of(new FileSummary.Element("point", pc.size(), ps)), pc.bounds(), List.of());
            }
            default -> {
                TriangleMesh m = fmt == FileFormat.OBJ ? ObjIO.readMesh(file) : OffIO.readMesh(file);
                List<String> vp = new ArrayList<>(List.of("x", "y", "z"));
                if (m.normals() != null) vp.addAll(List.of("nx", "ny", "nz"));
                if (m.colors() != null) vp.addAll(List.of("red", "green", "blue"));
                List<FileSummary.Element> els = List.of(new FileSummary.Element("vertex", m.vertexCount(), vp),
                        new FileSummary.Element("triangle", m.triangleCount(), List.of("v0 v1 v2 (polygons fan-triangulated)")));
                return new FileSummary(file, fmt == FileFormat.OBJ ? "OBJ text" : "OFF text", els, m.bounds(), List.of());
            }
        }
    }
}
