package kernelfield.engine.geometry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import kernelfield.engine.data.Bounds;
import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.testing.SharedData;
import org.junit.jupiter.api.Test;

class WindingNumberTest {

    private static double[] randomPoint(Random r, double radius) {
        double[] d = TestMeshes.normalize(new double[] {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()});
        return new double[] {radius * d[0], radius * d[1], radius * d[2]};
    }

    @Test
    void closedSphereIsOneInsideZeroOutside() {
        WindingNumber wn = WindingNumber.of(TestMeshes.icosphere(3));
        Random r = new Random(1);
        for (int i = 0; i < 300; i++) {
            double[] p = randomPoint(r, 0.95 * r.nextDouble());
            assertEquals(1, wn.exact(p[0], p[1], p[2]), 1e-9);
            assertEquals(1, wn.evaluate(p[0], p[1], p[2]), 1e-2);
            assertTrue(wn.inside(p[0], p[1], p[2]));
            double[] q = randomPoint(r, 1.01 + 3 * r.nextDouble());
            assertEquals(0, wn.exact(q[0], q[1], q[2]), 1e-9);
            assertEquals(0, wn.evaluate(q[0], q[1], q[2]), 1e-2);
            assertFalse(wn.inside(q[0], q[1], q[2]));
        }
    }

    @Test
    void halfOnTheSurface() {
        TriangleMesh m = TestMeshes.icosphere(2);
        WindingNumber wn = WindingNumber.of(m);
        float[] v = m.vertices();
        int[] t = m.triangles();
        for (int f = 0; f < m.triangleCount(); f += 7) {
            double x = 0, y = 0, z = 0;
            for (int k = 0; k < 3; k++) {
                x += v[3 * t[3 * f + k]] / 3.0;
                y += v[3 * t[3 * f + k] + 1] / 3.0;
                z += v[3 * t[3 * f + k] + 2] / 3.0;
            }
            assertEquals(0.5, wn.exact(x, y, z), 1e-6, "face " + f);
            assertEquals(0.5, wn.evaluate(x, y, z), 1e-2, "face " + f);
        }
    }

    @Test
    void reversedOrientationGivesMinusOne() {
        TriangleMesh m = TestMeshes.icosphere(1);
        int[] t = m.triangles().clone();
        for (int i = 0; i < t.length; i += 3) {
            int s = t[i + 1];
            t[i + 1] = t[i + 2];
            t[i + 2] = s;
        }
        WindingNumber wn = WindingNumber.of(new TriangleMesh(m.vertices(), t));
        assertEquals(-1, wn.exact(0.1, 0.2, -0.1), 1e-9);
        assertEquals(-1, wn.evaluate(0.1, 0.2, -0.1), 1e-2);
    }

    @Test
    void sphereWithHolesStillSeparatesInsideFromOutside() {
        TriangleMesh full = TestMeshes.icosphere(3);
        Random r = new Random(2);
        int[] drop = new int[40];
        for (int i = 0; i < drop.length; i++) drop[i] = (i * 131 + 17) % full.triangleCount();
        TriangleMesh holed = TestMeshes.without(full, drop);
        assertTrue(MeshTopology.boundaryEdgeCount(holed) > 0);
        WindingNumber wn = WindingNumber.of(holed);
        for (int i = 0; i < 400; i++) {
            double[] p = randomPoint(r, 0.8 * r.nextDouble());
            double w = wn.exact(p[0], p[1], p[2]);
            assertTrue(w > 0.5 && w < 1, "inside " + w);
            assertEquals(w, wn.evaluate(p[0], p[1], p[2]), 1e-2);
            assertTrue(wn.inside(p[0], p[1], p[2]));
            double[] q = randomPoint(r, 1.2 + 2 * r.nextDouble());
            w = wn.exact(q[0], q[1], q[2]);
            assertTrue(w < 0.5, "outside " + w);
            assertEquals(w, wn.evaluate(q[0], q[1], q[2]), 1e-2);
            assertFalse(wn.inside(q[0], q[1], q[2]));
        }
    }

    @Test
    void signedDistanceOfSphere() {
        WindingNumber wn = WindingNumber.of(TestMeshes.icosphere(4));
        Random r = new Random(3);
        int m = 3000;
        float[] p = new float[3 * m];
        double[] rad = new double[m];
        for (int i = 0; i < m; i++) {
            rad[i] = 2 * r.nextDouble();
            double[] x = randomPoint(r, rad[i]);
            for (int k = 0; k < 3; k++) p[3 * i + k] = (float) x[k];
        }
        float[] sd = wn.signedDistance(p);
        float[] w = new float[m];
        wn.evaluate(p, w);
        for (int i = 0; i < m; i++) {
            assertEquals(rad[i] - 1, sd[i], 0.005, "radius " + rad[i]);
            assertEquals((float) wn.evaluate(p[3 * i], p[3 * i + 1], p[3 * i + 2]), w[i]);
        }
    }

    /** Inside by ray parity: number of crossings of a ray, counted with the BVH. */
    private static boolean parityInside(Bvh bvh, double[] p, double[] d) {
        Bvh.RayHit h = new Bvh.RayHit();
        int crossings = 0;
        double t0 = 0;
        while (bvh.raycast(p[0], p[1], p[2], d[0], d[1], d[2], t0, Double.POSITIVE_INFINITY, h)) {
            crossings++;
            t0 = h.t + 1e-7;
        }
        return (crossings & 1) == 1;
    }

    private static double[] inBox(Random r, Bounds b, double margin) {
        return new double[] {b.minX() - margin * b.sizeX() + (1 + 2 * margin) * b.sizeX() * r.nextDouble(),
                b.minY() - margin * b.sizeY() + (1 + 2 * margin) * b.sizeY() * r.nextDouble(),
                b.minZ() - margin * b.sizeZ() + (1 + 2 * margin) * b.sizeZ() * r.nextDouble()};
    }

    @Test
    void bunnyAgreesWithRayParityAndExact() throws Exception {
        TriangleMesh bunny = TestMeshes.cachedOff(SharedData.require("scans/bunny00.off"));
        WindingNumber wn = WindingNumber.of(bunny);
        Random r = new Random(4);
        Bounds b = bunny.bounds();
        int agree = 0, n = 400, inside = 0;
        for (int i = 0; i < n; i++) {
            double[] p = inBox(r, b, 0.05);
            double w = wn.evaluate(p[0], p[1], p[2]);
            // two random rays must agree for the parity to be trusted
            boolean p1 = parityInside(wn.bvh(), p, new double[] {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()});
            boolean p2 = parityInside(wn.bvh(), p, new double[] {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()});
            if (p1 != p2) continue;
            agree++;
            if (p1) inside++;
            assertEquals(p1, w > 0.5, "point " + p[0] + "," + p[1] + "," + p[2] + " w " + w);
            if (i < 100) assertEquals(wn.exact(p[0], p[1], p[2]), w, 1e-2);
        }
        assertTrue(agree > 0.95 * n);
        assertTrue(inside > 20, "inside " + inside);
    }

    @Test
    void bunnyWithHolesKeepsItsInside() throws Exception {
        TriangleMesh bunny = TestMeshes.cachedOff(SharedData.require("scans/bunny00.off"));
        int[] drop = new int[300];
        for (int i = 0; i < drop.length; i++) drop[i] = (int) ((i * 7919L + 3) % bunny.triangleCount());
        WindingNumber closed = WindingNumber.of(bunny);
        WindingNumber holed = WindingNumber.of(TestMeshes.without(bunny, drop));
        Bvh.ClosestHit h = new Bvh.ClosestHit();
        Random r = new Random(5);
        Bounds b = bunny.bounds();
        int tested = 0;
        for (int i = 0; i < 300; i++) {
            double[] p = inBox(r, b, 0.05);
            // stay away from the surface, where a missing triangle matters
            if (closed.bvh().distance(p[0], p[1], p[2], h) < 0.01 * b.diagonal()) continue;
            tested++;
            double wc = closed.evaluate(p[0], p[1], p[2]);
            double wh = holed.evaluate(p[0], p[1], p[2]);
            assertEquals(wc > 0.5, wh > 0.5, "point " + i + ": closed " + wc + ", holed " + wh);
        }
        assertTrue(tested > 100);
    }

    @Test
    void holesMeshFastAgreesWithExact() throws Exception {
        TriangleMesh m = TestMeshes.cachedOff(SharedData.require("scans/holes.off"));
        assertTrue(MeshTopology.boundaryEdgeCount(m) > 0, "holes.off has holes");
        WindingNumber wn = WindingNumber.of(m);
        Random r = new Random(6);
        Bounds b = m.bounds();
        int m3 = 300;
        float[] pts = new float[3 * m3];
        for (int i = 0; i < m3; i++) {
            double[] p = inBox(r, b, 0.1);
            for (int k = 0; k < 3; k++) pts[3 * i + k] = (float) p[k];
        }
        float[] w = new float[m3];
        wn.evaluate(pts, w);
        double maxErr = 0;
        for (int i = 0; i < m3; i++) {
            double e = wn.exact(pts[3 * i], pts[3 * i + 1], pts[3 * i + 2]);
            maxErr = Math.max(maxErr, Math.abs(e - w[i]));
        }
        assertTrue(maxErr < 1e-2, "max error " + maxErr);
    }
}
