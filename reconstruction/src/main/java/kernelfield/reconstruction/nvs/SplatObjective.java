package kernelfield.reconstruction.nvs;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import kernelfield.engine.data.Camera;
import kernelfield.engine.data.FloatImage;
import kernelfield.engine.image.DssimLoss;
import kernelfield.engine.image.ImageLoss;
import kernelfield.engine.image.L1Loss;
import kernelfield.engine.optim.Objective;
import kernelfield.engine.optim.StepContext;
import kernelfield.engine.optim.StepResult;
import kernelfield.fields.splat.GaussianSet;
import kernelfield.fields.splat.SplatFrame;
import kernelfield.fields.splat.SplatRasterCpu;

/**
 * The photometric objective of splat training: each step renders one training view, drawn
 * uniformly with the run's random generator, and back-propagates
 * {@code (1 - lambda) L1 + lambda D-SSIM} against its image. The active SH degree is
 * {@code min(maxDegree, (step + 1) / interval)} (3DGS raises it at iterations 1000, 2000, 3000).
 * Optionally (MCMC) adds {@code wo mean(opacity) + ws mean(scale)}, the regularizers of
 * 3DGS-MCMC. Reports the visible splats (screen radius {@code > 0}) for the row-sparse Adam update,
 * and keeps the step's frame for the strategies ({@link #frame()}).
 *
 * <p>Allocates per step only when the splat count changed (the visibility mask) and the first time
 * an image size is seen (its loss workspace).
 */
public final class SplatObjective implements Objective {
    private final GaussianSet gaussians;
    private final SplatRasterCpu raster;
    private final List<Camera> cameras;
    private final List<FloatImage> targets;
    private final float[] background;
    private final double ssimWeight;
    private final int maxShDegree;
    private final int shInterval;
    private final double opacityReg;
    private final double scaleReg;
    private final boolean sparse;
    private final SplatFrame frame = new SplatFrame();
    private final Map<Long, ImageLoss> losses = new HashMap<>();
    private float[] dImage = new float[0];
    private boolean[] visible = new boolean[0];
    private int lastView = -1;

    /**
     * @param cameras    training cameras
     * @param targets    their RGB images {@code (H, W, 3)}, background already composited
     * @param background (3) the render background
     * @param opacityReg MCMC opacity regularizer weight (0: none)
     * @param scaleReg   MCMC scale regularizer weight (0: none)
     * @param sparse     report visible rows for the row-sparse Adam update
     */
    public SplatObjective(GaussianSet gaussians, SplatRasterCpu raster, List<Camera> cameras, List<FloatImage> targets,
                          float[] background, double ssimWeight, int maxShDegree, int shInterval,
                          double opacityReg, double scaleReg, boolean sparse) {
        if (cameras.size() != targets.size() || cameras.isEmpty()) {
            throw new IllegalArgumentException(cameras.size() + " cameras and " + targets.size() + " images: expected as many, at least one");
        }
        for (int i = 0; i < cameras.size(); i++) {
            Camera c = cameras.get(i);
            FloatImage t = targets.get(i);
            if (t.width() != c.width() || t.height() != c.height() || t.channels() != 3) {
                throw new IllegalArgumentException("view " + i + ": image " + t + " does not match camera " + c.width() + "x" + c.height() + " RGB");
            }
        }
        this.gaussians = gaussians;
        this.raster = raster;
        this.cameras = List.copyOf(cameras);
        this.targets = List.copyOf(targets);
        this.background = background.clone();
        this.ssimWeight = ssimWeight;
        this.maxShDegree = maxShDegree;
        this.shInterval = shInterval;
        this.opacityReg = opacityReg;
        this.scaleReg = scaleReg;
        this.sparse = sparse;
    }

    /** The frame of the last step (radii, view-space gradient norms); live. */
    public SplatFrame frame() {
        return frame;
    }

    /** Index of the view of the last step. */
    public int lastView() {
        return lastView;
    }

    /** The splats trained. */
    public GaussianSet gaussians() {
        return gaussians;
    }

    @Override
    public StepResult evaluate(StepContext ctx) {
        long step = ctx.step();
        gaussians.setActiveShDegree((int) Math.min(maxShDegree, (step + 1) / shInterval));
        int v = ctx.random().nextInt(cameras.size());
        lastView = v;
        Camera cam = cameras.get(v);
        FloatImage target = targets.get(v);
        raster.forward(gaussians, cam, background, frame);
        int len = cam.width() * cam.height() * 3;
        if (dImage.length != len) dImage = new float[len];
        else java.util.Arrays.fill(dImage, 0f);
        ImageLoss loss = lossFor(cam.width(), cam.height());
        float[] pred = frame.rgb();
        if (pred.length != len) pred = java.util.Arrays.copyOf(pred, len);
        float[] grad = dImage;
        double value = loss.backward(pred, target.data(), grad, 1f);
        double mse = 0;
        float[] t = target.data();
        for (int i = 0; i < len; i++) {
            double d = pred[i] - t[i];
            mse += d * d;
        }
        mse /= len;
        raster.backward(frame, grad);
        int n = gaussians.size();
        value += regularize(n);
        if (visible.length != n) visible = new boolean[n];
        int[] radii = frame.radii();
        int nVisible = 0;
        for (int i = 0; i < n; i++) {
            visible[i] = radii[i] > 0;
            if (visible[i]) nVisible++;
        }
        Map<String, Double> metrics = new java.util.LinkedHashMap<>();
        metrics.put("psnr", -10 * Math.log10(Math.max(mse, 1e-20)));
        metrics.put("splats", (double) n);
        metrics.put("visible", (double) nVisible);
        metrics.put("sh_degree", (double) gaussians.activeShDegree());
        return new StepResult(value, metrics, sparse ? visible : null);
    }

    /** Adds the MCMC regularizers' gradients; returns their loss. */
    private double regularize(int n) {
        if (n == 0 || (opacityReg == 0 && scaleReg == 0)) return 0;
        double loss = 0;
        if (opacityReg != 0) {
            float[] ol = gaussians.opacityLogits().value(), g = gaussians.opacityLogits().grad();
            double sum = 0;
            float w = (float) (opacityReg / n);
            for (int i = 0; i < n; i++) {
                double s = 1 / (1 + Math.exp(-ol[i]));
                sum += s;
                g[i] += (float) (w * s * (1 - s));
            }
            loss += opacityReg * sum / n;
        }
        if (scaleReg != 0) {
            float[] ls = gaussians.logScales().value(), g = gaussians.logScales().grad();
            double sum = 0;
            double w = scaleReg / (3.0 * n);
            for (int i = 0; i < 3 * n; i++) {
                double s = Math.exp(ls[i]);
                sum += s;
                g[i] += (float) (w * s);
            }
            loss += scaleReg * sum / (3.0 * n);
        }
        return loss;
    }

    private ImageLoss lossFor(int w, int h) {
        return losses.computeIfAbsent(((long) w << 32) | h, k -> ImageLoss.weighted(
                new L1Loss(w, h, 3), 1 - ssimWeight, new DssimLoss(w, h, 3), ssimWeight));
    }
}
