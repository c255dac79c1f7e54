/**
 * Image losses and metrics with analytic gradients on {@code (H, W, C)} float images: L1, MSE,
 * SSIM / D-SSIM (11 x 11 Gaussian window, sigma 1.5; the 3DGS zero-padded convention or the
 * scikit-image "valid" one) and PSNR. Losses implement {@link kernelfield.engine.image.ImageLoss}:
 * {@code value(pred, target)} and {@code backward(pred, target, grad, weight)}, which adds
 * {@code weight * dLoss/dPred} into {@code grad}.
 */
package kernelfield.engine.image;
