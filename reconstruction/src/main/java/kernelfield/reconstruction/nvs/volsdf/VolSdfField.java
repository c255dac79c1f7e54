package kernelfield.reconstruction.nvs.volsdf;

import kernelfield.engine.compute.CpuDevice;
import kernelfield.engine.optim.ParamBlock;
import kernelfield.fields.rbf.RbfField;

/**
 * The scene of {@link VolSdfTraining}: an {@link RbfField} in 3D whose output 0 is the signed
 * distance {@code d(x)} and whose outputs {@code 1..} are the colour's spherical-harmonic
 * coefficients (channel-major: output {@code 1 + 4 c + k} is coefficient {@code k} of channel
 * {@code c} for SH degree 1, output {@code 1 + c} for degree 0), and the Laplace scale
 * {@code beta = exp(logBeta)} of the VolSDF density.
 *
 * <p>Colour of a sample seen along the unit direction {@code v}:
 * {@code c = sigmoid(sum_k Y_k(v) h_{c,k})}, {@code Y = (0.2821, -0.4886 v_y, 0.4886 v_z, -0.4886 v_x)}.
 */
public final class VolSdfField {
    static final float Y0 = 0.28209479f;
    static final float Y1 = 0.48860251f;

    private final RbfField field;
    private final ParamBlock logBeta;
    private final int shDegree;
    private final float betaMin;
    private final ThreadLocal<RbfField.Workspace> workspaces;
    static final int CHUNK = 256;

    VolSdfField(RbfField field, double beta0, float betaMin, int shDegree) {
        this.field = field;
        this.shDegree = shDegree;
        this.betaMin = betaMin;
        this.logBeta = ParamBlock.of("volsdf.log_beta", 1, "beta", true, new float[] {(float) Math.log(beta0)});
        this.workspaces = ThreadLocal.withInitial(() -> field.workspace(CHUNK));
    }

    /** The neural field (outputs: distance, then colour coefficients). */
    public RbfField field() {
        return field;
    }

    /** The block {@code volsdf.log_beta (1, 1)}, learning-rate group {@code beta}. */
    public ParamBlock logBeta() {
        return logBeta;
    }

    /** The current {@code beta}. */
    public double beta() {
        return Math.exp(logBeta.value()[0]);
    }

    /** Keeps {@code beta} at or above its floor. */
    void clampBeta() {
        float lb = (float) Math.log(betaMin);
        if (logBeta.value()[0] < lb) logBeta.value()[0] = lb;
    }

    /** SH degree of the colour (0 or 1). */
    public int shDegree() {
        return shDegree;
    }

    /** Parameter values, the field's and beta. */
    public long parameterCount() {
        return field.parameterCount() + 1;
    }

    /**
     * Evaluates the field at {@code pts (m, 3)} in parallel; output {@code o} of each point into
     * {@code out (m)}, or every output into {@code out (m, outputs)} when {@code o < 0}. Allocates a
     * workspace per thread on first use.
     */
    public void evaluate(float[] pts, int m, int o, float[] out, CpuDevice device) {
        int outs = field.config().outputs();
        device.parallelFor(m, 4 * CHUNK, (c, start, end) -> {
            RbfField.Workspace ws = workspaces.get();
            for (int i = start; i < end; i += CHUNK) {
                int k = Math.min(CHUNK, end - i);
                field.forward(ws, pts, 3 * i, k);
                float[] y = ws.output();
                if (o < 0) {
                    System.arraycopy(y, 0, out, i * outs, k * outs);
                } else {
                    for (int t = 0; t < k; t++) out[i + t] = y[t * outs + o];
                }
            }
        });
    }

    /**
     * The colour of one sample: the sigmoid of the SH sum of outputs {@code y[yo + 1 ..]} for the
     * view direction {@code (dx, dy, dz)}, into {@code rgb[ro .. ro + 3)}.
     */
    void colour(float[] y, int yo, float dx, float dy, float dz, double[] rgb, int ro) {
        for (int c = 0; c < 3; c++) {
            double z;
            if (shDegree == 0) {
                z = y[yo + 1 + c];
            } else {
                int b = yo + 1 + 4 * c;
                z = Y0 * y[b] - Y1 * dy * y[b + 1] + Y1 * dz * y[b + 2] - Y1 * dx * y[b + 3];
            }
            rgb[ro + c] = 1 / (1 + Math.exp(-z));
        }
    }

    /**
     * The chain rule of {@link #colour}: from {@code dL/drgb} at {@code dRgb[ro..]} and the colour
     * {@code rgb[ro..]} to {@code dL/dy} at {@code dOut[yo + 1 ..]}.
     */
    void colourBackward(double[] rgb, double[] dRgb, int ro, float dx, float dy, float dz, float[] dOut, int yo) {
        for (int c = 0; c < 3; c++) {
            double s = rgb[ro + c];
            float dz0 = (float) (dRgb[ro + c] * s * (1 - s));
            if (shDegree == 0) {
                dOut[yo + 1 + c] = dz0;
            } else {
                int b = yo + 1 + 4 * c;
                dOut[b] = Y0 * dz0;
                dOut[b + 1] = -Y1 * dy * dz0;
                dOut[b + 2] = Y1 * dz * dz0;
                dOut[b + 3] = -Y1 * dx * dz0;
            }
        }
    }
}
