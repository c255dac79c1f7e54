/**
 * Point cloud to surface: {@link kernelfield.reconstruction.surface.SurfaceReconstruction}, the
 * library call behind {@code kf reconstruct}, with the {@code nks} kernel surface of
 * {@link kernelfield.fields.nks}.
 */
package kernelfield.reconstruction.surface;
