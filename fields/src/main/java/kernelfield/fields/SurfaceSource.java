package kernelfield.fields;

import kernelfield.engine.data.TriangleMesh;

/** A model from which a triangle mesh can be extracted. */
public interface SurfaceSource {

    /** Extracts the surface as a mesh; allocates the mesh. */
    TriangleMesh extractMesh();
}
