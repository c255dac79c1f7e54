package kernelfield.fields.splat;

import java.util.Set;
import kernelfield.fields.ImageFormation;
import kernelfield.fields.Representation;

/** The {@code splat} representation: 3D Gaussian splats, optionally with the generalized exponential kernel. */
public final class SplatRepresentation implements Representation {
    @Override
    public String name() {
        return "splat";
    }

    @Override
    public String summary() {
        return "3D Gaussian splats (3DGS; the generalized exponential kernel as an option)";
    }

    @Override
    public Set<Class<?>> capabilities() {
        return Set.of(ImageFormation.class);
    }
}
