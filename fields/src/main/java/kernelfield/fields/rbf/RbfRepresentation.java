package kernelfield.fields.rbf;

import java.util.Set;

import kernelfield.fields.DistanceField;
import kernelfield.fields.Representation;

/**
 * The {@code rbf} representation: NeuRBF-style adaptive radial basis functions with a grid and a
 * small MLP decoder ({@link RbfField}); as a signed distance field, {@link RbfDistanceField}.
 */
public final class RbfRepresentation implements Representation {
    @Override
    public String name() {
        return "rbf";
    }

    @Override
    public String summary() {
        return "adaptive radial basis functions + multi-resolution grid + small MLP (NeuRBF); images and signed distance fields";
    }

    @Override
    public Set<Class<?>> capabilities() {
        return Set.of(DistanceField.class);
    }
}
