/**
 * Novel-view synthesis pipelines, images to scene: Gaussian splatting training
 * ({@link kernelfield.reconstruction.nvs.SplatTraining} with its
 * {@link kernelfield.reconstruction.nvs.SplatTrainingOptions}, the 3DGS densification and the MCMC
 * strategies) and the image metrics of held-out views
 * ({@link kernelfield.reconstruction.nvs.NvsEvaluation}).
 */
package kernelfield.reconstruction.nvs;
