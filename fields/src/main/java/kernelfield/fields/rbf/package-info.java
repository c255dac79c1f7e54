/**
 * The {@code rbf} representation: NeuRBF-style neural fields. {@link kernelfield.fields.rbf.RbfBasis}
 * (adaptive anisotropic radial bases with a smooth support-limited neighbour lookup),
 * {@link kernelfield.fields.rbf.GridEncoding} (multi-resolution dense feature grid),
 * {@link kernelfield.fields.rbf.RbfField} (the hybrid with sinusoidal composition and a fused
 * Vector API decoder, analytic forward and backward), {@link kernelfield.fields.rbf.KMeansInit}
 * (weighted k-means placement).
 */
package kernelfield.fields.rbf;
