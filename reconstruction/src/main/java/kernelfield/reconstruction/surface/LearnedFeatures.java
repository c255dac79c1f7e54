package kernelfield.reconstruction.surface;

import java.util.Objects;

import kernelfield.engine.compute.CpuDevice;
import kernelfield.fields.nks.KernelFeatures;
import kernelfield.fields.nks.NksSolver;
import kernelfield.fields.nks.VoxelHierarchy;

/**
 * Whether and how {@link SurfaceReconstruction} scales its kernels by learned per-voxel features
 * ({@link KernelFeatures}): {@link Mode#OFF}, {@link Mode#ON}, or {@link Mode#AUTO} (the default:
 * on where {@link #autoApplies} says they measurably help).
 *
 * @param mode  off, on or automatic
 * @param model the model, or null for the learned one ({@link KernelFeatures.Model#learned()})
 */
public record LearnedFeatures(Mode mode, KernelFeatures.Model model) {
    /** Off, on, or chosen from the input ({@link #autoApplies}). */
    public enum Mode {
        OFF, ON, AUTO
    }

    public LearnedFeatures {
        Objects.requireNonNull(mode, "mode");
    }

    public static LearnedFeatures off() {
        return new LearnedFeatures(Mode.OFF, null);
    }

    public static LearnedFeatures on() {
        return new LearnedFeatures(Mode.ON, null);
    }

    public static LearnedFeatures auto() {
        return new LearnedFeatures(Mode.AUTO, null);
    }

    /** On with a given model (the trainer's candidates). */
    public static LearnedFeatures on(KernelFeatures.Model model) {
        return new LearnedFeatures(Mode.ON, Objects.requireNonNull(model, "model"));
    }

    /** Parses {@code off}, {@code on} or {@code auto} (case-insensitive). */
    public static LearnedFeatures parse(String s) {
        return switch (s.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "off", "false" -> off();
            case "on", "true" -> on();
            case "auto" -> auto();
            default -> throw new IllegalArgumentException("features must be off, on or auto, got '" + s + "'");
        };
    }

    /**
     * Whether {@link Mode#AUTO} applies the features to an input of estimated noise {@code noise}
     * at finest voxel size {@code h0}: from {@link #AUTO_FROM}, i.e. where the voxel size is set by
     * the noise (noise / h0 = 1 / 4.5 there). Measured on the benchmark's held-out inputs
     * (bench/recon/results.md, "Learned kernel features"): on the four noisy bunny rows (noise / h0
     * 0.22) the exact distance to the bunny drops by 3 to 11% and Chamfer-L1 and NC improve; on the
     * rows below (bun0 0.02, the clean bunny 0.02, kitten 0.10, table 0.09) the features cost bun0
     * and kitten F-score and the clean bunny 67% of its exact distance, so they stay off there.
     */
    static boolean autoApplies(double noise, double h0) {
        return noise / h0 >= AUTO_FROM;
    }

    /** Noise over finest voxel size from which {@link Mode#AUTO} applies the features. */
    static final double AUTO_FROM = 0.15;

    /**
     * The features for the solve, per level {@code (V_l)}, or null when they are off (or
     * {@link Mode#AUTO} decides so). Allocates the result and the descriptors.
     */
    float[][] features(VoxelHierarchy hier, NksSolver.Samples samples, double noise, double h0, CpuDevice device) {
        if (mode == Mode.OFF || (mode == Mode.AUTO && !autoApplies(noise, h0))) return null;
        return KernelFeatures.features(hier, samples, noise, model != null ? model : KernelFeatures.Model.learned(), device);
    }
}
