package kernelfield.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import kernelfield.engine.compute.CpuDevice;
import kernelfield.engine.data.Bounds;
import kernelfield.fields.DistanceField;
import kernelfield.fields.nks.NksDistanceField;
import kernelfield.fields.nks.NksField;
import kernelfield.fields.nks.VoxelHierarchy;

/** Baking distance fields into the sparse brick grid, on the CPU. */
class SdfBrickGridTest {
    /** A sphere's exact signed distance. */
    record SphereSdf(double cx, double cy, double cz, double r) implements DistanceField {
        @Override
        public boolean signed() {
            return true;
        }

        @Override
        public void evaluate(float[] p, float[] v, float[] g) {
            for (int i = 0; i < p.length / 3; i++) {
                double x = p[3 * i] - cx, y = p[3 * i + 1] - cy, z = p[3 * i + 2] - cz, n = Math.sqrt(x * x + y * y + z * z);
                v[i] = (float) (n - r);
                if (g != null) {
                    g[3 * i] = (float) (x / n);
                    g[3 * i + 1] = (float) (y / n);
                    g[3 * i + 2] = (float) (z / n);
                }
            }
        }
    }

    static final Bounds CUBE = new Bounds(-1.5, -1.5, -1.5, 1.5, 1.5, 1.5);

    @Test
    void sphereBricksHoldTheSurfaceOnly() {
        SdfBrickGrid g = SdfBrickGrid.bake(new SphereSdf(0, 0, 0, 1), CUBE, 64);
        double h = g.voxelSize();
        assertEquals(3.0 / 64, h, 1e-12);
        int[] b = g.brickCounts();
        assertEquals(10, b[0]); // ceil(64 / 7)
        // every surface brick straddles the sphere, every sphere point lies in a surface brick
        Bounds sb = g.surfaceBounds();
        assertTrue(sb.minX() <= -1 && sb.maxX() >= 1, sb.toString());
        double e = SdfBrickGrid.CELLS * h, halfDiag = 0.5 * Math.sqrt(3) * e;
        double[] o = g.origin();
        int surface = 0;
        for (int k = 0, n = 0; k < b[2]; k++) {
            for (int j = 0; j < b[1]; j++) {
                for (int i = 0; i < b[0]; i++, n++) {
                    double x = o[0] + (i + 0.5) * e, y = o[1] + (j + 0.5) * e, z = o[2] + (k + 0.5) * e;
                    double d = Math.sqrt(x * x + y * y + z * z) - 1;
                    int s = g.index()[n];
                    if (s >= 0) {
                        surface++;
                        assertTrue(Math.abs(d) <= halfDiag + 1e-9, "surface brick far from the sphere: " + d);
                    } else {
                        assertEquals(d < 0 ? SdfBrickGrid.EMPTY_INSIDE : SdfBrickGrid.EMPTY_OUTSIDE, s, "brick " + i + " " + j + " " + k);
                        assertTrue(Math.abs(d) > 0.5 * e - 1e-9, "empty brick crossing the sphere: " + d);
                    }
                }
            }
        }
        assertEquals(surface, g.surfaceBricks());
        // the interpolated field is close to the exact distance on the surface and near it
        SplittableRandom rnd = new SplittableRandom(3);
        for (int t = 0; t < 2000; t++) {
            double th = Math.acos(rnd.nextDouble(-1, 1)), ph = rnd.nextDouble(0, 2 * Math.PI), r = 1 + rnd.nextDouble(-0.5, 0.5) * h;
            double x = r * Math.sin(th) * Math.cos(ph), y = r * Math.sin(th) * Math.sin(ph), z = r * Math.cos(th);
            double v = g.sample(x, y, z);
            assertEquals(r - 1, v, 0.5 * h * h / 0.9 + 1e-5, "at radius " + r);
        }
        assertTrue(Double.isNaN(g.sample(0, 0, 0)), "the centre brick is empty");
        assertTrue(Double.isNaN(g.sample(9, 0, 0)), "outside the grid");
    }

    @Test
    void atlasHoldsEveryBrickOnce() {
        SdfBrickGrid g = SdfBrickGrid.bake(new SphereSdf(0.1, -0.2, 0.05, 0.9), CUBE, 100);
        int[] a = g.atlasSlots();
        assertTrue((long) a[0] * a[1] * a[2] >= g.surfaceBricks());
        assertEquals(512L * a[0] * a[1] * a[2], g.atlas().length);
        boolean[] seen = new boolean[g.surfaceBricks()];
        for (int s : g.index()) {
            if (s >= 0) {
                assertTrue(!seen[s], "slot " + s + " used twice");
                seen[s] = true;
            }
        }
        for (boolean s : seen) assertTrue(s);
    }

    @Test
    void rejectsBadArguments() {
        SphereSdf f = new SphereSdf(0, 0, 0, 1);
        assertThrows(IllegalArgumentException.class, () -> SdfBrickGrid.bake(f, Bounds.EMPTY, 64));
        assertThrows(IllegalArgumentException.class, () -> SdfBrickGrid.bake(f, CUBE, 4));
        assertThrows(IllegalArgumentException.class, () -> SdfBrickGrid.bake(f, CUBE, 5000));
        assertThrows(IllegalArgumentException.class, () -> SdfBrickGrid.bake(f, CUBE, 64, 0.5));
    }

    /**
     * An NKS field of a sphere (one level; coefficients = the distance at the voxel centres, which
     * the quadratic B-spline smooths into an approximate distance) exports through
     * {@link NksDistanceField} and bakes: its zero set lies within a fraction of a voxel of the sphere.
     */
    static NksDistanceField nksSphere(double radius, double h0) {
        int n = 4000;
        float[] samples = new float[3 * n];
        double golden = Math.PI * (3 - Math.sqrt(5));
        for (int i = 0; i < n; i++) {
            double y = 1 - 2.0 * (i + 0.5) / n, r = Math.sqrt(1 - y * y), th = golden * i;
            samples[3 * i] = (float) (radius * r * Math.cos(th));
            samples[3 * i + 1] = (float) (radius * y);
            samples[3 * i + 2] = (float) (radius * r * Math.sin(th));
        }
        CpuDevice dev = CpuDevice.shared();
        VoxelHierarchy hier = VoxelHierarchy.build(samples, new double[] {-2, -2, -2}, h0, 1, 2, true, dev);
        VoxelHierarchy.Level lv = hier.level(0);
        double[] alpha = new double[lv.size()];
        for (int v = 0; v < alpha.length; v++) {
            long key = lv.keys()[v];
            double x = hier.originX() + (VoxelHierarchy.mortonX(key) + 0.5) * h0;
            double y = hier.originY() + (VoxelHierarchy.mortonY(key) + 0.5) * h0;
            double z = hier.originZ() + (VoxelHierarchy.mortonZ(key) + 0.5) * h0;
            alpha[v] = Math.sqrt(x * x + y * y + z * z) - radius;
        }
        return new NksDistanceField(new NksField(hier, new double[][] {alpha}), dev);
    }

    @Test
    void nksFieldExportsToTheBrickGrid() {
        NksDistanceField f = nksSphere(1, 0.1);
        assertTrue(f.signed());
        Bounds dom = f.domain();
        assertTrue(dom.minX() < -1 && dom.maxX() > 1 && dom.minY() < -1 && dom.maxZ() > 1, dom.toString());
        // values and gradients through the interface
        float[] p = {1.1f, 0, 0, 0, 0.9f, 0}, v = new float[2], gr = new float[6];
        f.evaluate(p, v, gr);
        assertTrue(v[0] > 0.07 && v[0] < 0.13, "outside: " + v[0]);
        assertTrue(v[1] < -0.07 && v[1] > -0.13, "inside: " + v[1]);
        assertTrue(gr[0] > 0.8 && Math.abs(gr[1]) < 0.1, "gradient points outwards");
        assertTrue(gr[4] > 0.8, "gradient points outwards");
        SdfBrickGrid g = SdfBrickGrid.bake(f, dom, 64);
        assertTrue(g.surfaceBricks() > 50);
        SplittableRandom rnd = new SplittableRandom(5);
        for (int t = 0; t < 500; t++) {
            double th = Math.acos(rnd.nextDouble(-1, 1)), ph = rnd.nextDouble(0, 2 * Math.PI);
            double x = Math.sin(th) * Math.cos(ph), y = Math.sin(th) * Math.sin(ph), z = Math.cos(th);
            double vIn = g.sample(0.97 * x, 0.97 * y, 0.97 * z), vOut = g.sample(1.03 * x, 1.03 * y, 1.03 * z);
            assertTrue(vIn < 0 && vOut > 0, "no sign change across the sphere at " + x + " " + y + " " + z + ": " + vIn + " " + vOut);
        }
    }
}
