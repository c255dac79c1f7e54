package kernelfield.reconstruction.fit;

import kernelfield.fields.DistanceField;
import kernelfield.fields.rbf.RbfDistanceField;

/**
 * A signed distance field made of a sphere's distance plus a learned residual:
 * {@code f(x) = |x - c| - r + net(x)}. With the residual near zero at the start this is the
 * geometric initialisation of SAL and IGR: the field starts as a valid distance field, negative
 * inside, positive out to the box's corners, and training only deforms it, so no spurious zero
 * level set appears far from the data.
 */
public final class SphereResidualField implements DistanceField {
    private final RbfDistanceField net;
    private final float cx, cy, cz, radius;

    /**
     * @param net    the residual, a 3D field with one output
     * @param centre (3) the sphere's centre; copied
     * @param radius the sphere's radius
     */
    public SphereResidualField(RbfDistanceField net, float[] centre, float radius) {
        this.net = net;
        this.cx = centre[0];
        this.cy = centre[1];
        this.cz = centre[2];
        this.radius = radius;
    }

    /** The residual network. */
    public RbfDistanceField residual() {
        return net;
    }

    /** The sphere's centre {@code (3)}; a copy. */
    public float[] centre() {
        return new float[] {cx, cy, cz};
    }

    public float radius() {
        return radius;
    }

    @Override
    public boolean signed() {
        return true;
    }

    /**
     * The sphere's distance {@code |x - c| - r} at {@code p[o..o+3)}; its gradient, the unit vector
     * from the centre, into {@code g[go..go+3)} when {@code g} is not null (zero at the centre).
     */
    float prior(float[] p, int o, float[] g, int go) {
        float dx = p[o] - cx, dy = p[o + 1] - cy, dz = p[o + 2] - cz;
        float l = (float) Math.sqrt(dx * dx + dy * dy + dz * dz);
        if (g != null) {
            float inv = l > 0f ? 1f / l : 0f;
            g[go] += dx * inv;
            g[go + 1] += dy * inv;
            g[go + 2] += dz * inv;
        }
        return l - radius;
    }

    /**
     * Values at {@code points (M, 3)} into {@code values (M)} and, when not null, gradients into
     * {@code gradients (M, 3)}. Allocates what {@link RbfDistanceField#evaluate} allocates.
     */
    @Override
    public void evaluate(float[] points, float[] values, float[] gradients) {
        net.evaluate(points, values, gradients);
        int m = points.length / 3;
        for (int i = 0; i < m; i++) values[i] += prior(points, 3 * i, gradients, 3 * i);
    }
}
