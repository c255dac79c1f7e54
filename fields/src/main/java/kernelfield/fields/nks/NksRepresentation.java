package kernelfield.fields.nks;

import java.util.Set;
import kernelfield.fields.DistanceField;
import kernelfield.fields.Representation;

/**
 * The {@code nks} representation: neural kernel surfaces, a sparse hierarchy of quadratic B-spline
 * kernels fitted to points and normals; its field is a {@link DistanceField} through
 * {@link NksDistanceField}.
 */
public final class NksRepresentation implements Representation {
    @Override
    public String name() {
        return "nks";
    }

    @Override
    public String summary() {
        return "neural kernel surfaces: B-spline kernels on a sparse voxel hierarchy, point cloud to surface";
    }

    @Override
    public Set<Class<?>> capabilities() {
        return Set.of(DistanceField.class);
    }
}
