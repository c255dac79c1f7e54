package kernelfield.fields;

import java.util.Set;

/**
 * A representation: a family of kernels with its parameters, kernels and exports, registered with
 * {@link java.util.ServiceLoader} under a short stable name ({@code rbf}, {@code splat}, {@code soup},
 * {@code nks}, {@code udf}). The same name is the CLI flag value, the config key and the doc heading.
 *
 * <p>Implementations are stateless descriptors; models are created by each representation's own
 * API. A provider must have a public no-argument constructor and be listed in
 * {@code META-INF/services/kernelfield.fields.Representation}.
 */
public interface Representation {

    /** The short stable name, lower case, e.g. {@code splat}. */
    String name();

    /** One line on what it is, for {@code --help} and docs. */
    String summary();

    /**
     * The capability interfaces its models implement: some of {@link ImageFormation},
     * {@link DistanceField}, {@link SurfaceSource}.
     */
    Set<Class<?>> capabilities();
}
