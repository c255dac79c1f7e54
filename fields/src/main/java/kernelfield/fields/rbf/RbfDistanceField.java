package kernelfield.fields.rbf;

import kernelfield.engine.compute.CpuDevice;
import kernelfield.fields.DistanceField;

/**
 * A signed distance field given by a 3D {@link RbfField} with one output: the value at a point is
 * the field's output, its gradient the analytic gradient with respect to the point. Evaluation is
 * parallel over chunks of points on a {@link CpuDevice}; each thread keeps its own workspace.
 */
public final class RbfDistanceField implements DistanceField {
    private static final int CHUNK = 256;

    private final RbfField field;
    private final CpuDevice device;
    private final ThreadLocal<Scratch> scratch;

    private final class Scratch {
        final RbfField.Workspace ws = field.workspace(CHUNK);
        final float[] dOut = new float[CHUNK];
        final float[] grad = new float[field.gradientLength()];

        Scratch() {
            java.util.Arrays.fill(dOut, 1f);
        }
    }

    /**
     * @param field a field with {@code dim == 3} and one output
     * @param device where evaluation runs
     */
    public RbfDistanceField(RbfField field, CpuDevice device) {
        if (field.config().dim() != 3 || field.config().outputs() != 1) {
            throw new IllegalArgumentException("a distance field needs a 3D field with one output, got " + field.config());
        }
        this.field = field;
        this.device = device;
        this.scratch = ThreadLocal.withInitial(Scratch::new);
    }

    /** The underlying field. */
    public RbfField field() {
        return field;
    }

    @Override
    public boolean signed() {
        return true;
    }

    /**
     * Values at {@code points (M, 3)} into {@code values (M)} and, when not null, gradients with
     * respect to the points into {@code gradients (M, 3)}. Allocates one workspace per thread on
     * first use (the gradient path also a scratch parameter gradient, discarded).
     */
    @Override
    public void evaluate(float[] points, float[] values, float[] gradients) {
        int m = points.length / 3;
        if (values.length < m) throw new IllegalArgumentException("values holds fewer than " + m + " floats");
        if (gradients != null && gradients.length < 3 * m) throw new IllegalArgumentException("gradients holds fewer than " + 3 * m + " floats");
        device.parallelFor(m, 4 * CHUNK, (c, start, end) -> {
            Scratch s = scratch.get();
            for (int i = start; i < end; i += CHUNK) {
                int n = Math.min(CHUNK, end - i);
                field.forward(s.ws, points, 3 * i, n);
                System.arraycopy(s.ws.output(), 0, values, i, n);
                if (gradients != null) field.backward(s.ws, points, 3 * i, n, s.dOut, s.grad, gradients, 3 * i);
            }
        });
    }
}
