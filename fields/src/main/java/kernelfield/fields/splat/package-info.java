/**
 * Gaussian splats (3DGS, with the GES and Mip-Splatting variants): the parameters
 * ({@link kernelfield.fields.splat.GaussianSet}) and the differentiable CPU rasterizer
 * ({@link kernelfield.fields.splat.SplatRasterCpu}), the reference of every other device.
 */
package kernelfield.fields.splat;
