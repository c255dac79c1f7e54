package kernelfield.fields.nks;

import java.util.Objects;

import kernelfield.engine.compute.CpuDevice;
import kernelfield.engine.data.Bounds;
import kernelfield.fields.DistanceField;

/**
 * An {@link NksField} seen as a signed {@link DistanceField} (negative inside), evaluated in
 * parallel on a {@link CpuDevice}; for consumers that take any distance field (the renderer's
 * sparse brick grid, mesh extraction). Holds the field, does not copy it; safe to share between
 * threads like the field.
 */
public final class NksDistanceField implements DistanceField {
    private final NksField field;
    private final CpuDevice device;

    /** The field on {@code device}. */
    public NksDistanceField(NksField field, CpuDevice device) {
        this.field = Objects.requireNonNull(field, "field");
        this.device = Objects.requireNonNull(device, "device");
    }

    /** The field on {@link CpuDevice#shared()}. */
    public NksDistanceField(NksField field) {
        this(field, CpuDevice.shared());
    }

    /** The wrapped field. */
    public NksField field() {
        return field;
    }

    @Override
    public boolean signed() {
        return true;
    }

    /**
     * {@code f} at {@code points (M, 3)} into {@code values (M)} and, when not null,
     * {@code grad f} into {@code gradients (M, 3)}. Allocates only loop tasks.
     */
    @Override
    public void evaluate(float[] points, float[] values, float[] gradients) {
        int m = points.length / 3;
        if (values.length < m) throw new IllegalArgumentException("values has " + values.length + " slots for " + m + " points");
        if (gradients == null) {
            field.evaluate(points, values, device);
        } else {
            if (gradients.length < 3 * m) {
                throw new IllegalArgumentException("gradients has " + gradients.length + " slots for (" + m + ", 3)");
            }
            field.evaluate(points, values, gradients, device);
        }
    }

    /**
     * The box where the field has a sign: the union of the coarsest level's voxels (dense over the
     * input when the hierarchy was built with a dense coarsest level). Allocates the result.
     */
    public Bounds domain() {
        VoxelHierarchy h = field.hierarchy();
        VoxelHierarchy.Level top = h.level(h.levelCount() - 1);
        long[] keys = top.keys();
        if (keys.length == 0) return Bounds.EMPTY;
        int x0 = Integer.MAX_VALUE, y0 = Integer.MAX_VALUE, z0 = Integer.MAX_VALUE, x1 = -1, y1 = -1, z1 = -1;
        for (long k : keys) {
            int x = VoxelHierarchy.mortonX(k), y = VoxelHierarchy.mortonY(k), z = VoxelHierarchy.mortonZ(k);
            x0 = Math.min(x0, x);
            y0 = Math.min(y0, y);
            z0 = Math.min(z0, z);
            x1 = Math.max(x1, x);
            y1 = Math.max(y1, y);
            z1 = Math.max(z1, z);
        }
        double s = top.voxelSize();
        return new Bounds(h.originX() + x0 * s, h.originY() + y0 * s, h.originZ() + z0 * s,
                h.originX() + (x1 + 1) * s, h.originY() + (y1 + 1) * s, h.originZ() + (z1 + 1) * s);
    }
}
