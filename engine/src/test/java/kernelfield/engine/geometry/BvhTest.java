package kernelfield.engine.geometry;

import static kernelfield.engine.geometry.TestMeshes.cross;
import static kernelfield.engine.geometry.TestMeshes.dot;
import static kernelfield.engine.geometry.TestMeshes.sub;
import static kernelfield.engine.geometry.TestMeshes.vert;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import kernelfield.engine.data.TriangleMesh;
import kernelfield.engine.testing.SharedData;
import org.junit.jupiter.api.Test;

class BvhTest {

    private static void checkClosest(TriangleMesh mesh, Bvh bvh, double[] q, Bvh.ClosestHit h) {
        float[] v = mesh.vertices();
        int[] t = mesh.triangles();
        double brute = Double.POSITIVE_INFINITY;
        for (int f = 0; f < mesh.triangleCount(); f++) brute = Math.min(brute, TestMeshes.bruteDistance(v, t, f, q));
        assertTrue(bvh.closestPoint(q[0], q[1], q[2], h));
        assertEquals(brute, h.distance, 1e-9 + 1e-7 * brute, "distance at " + q[0] + "," + q[1] + "," + q[2]);
        // the reported point is on the reported triangle, at the reported distance
        double[] a = vert(v, t[3 * h.triangle]), b = vert(v, t[3 * h.triangle + 1]), c = vert(v, t[3 * h.triangle + 2]);
        assertEquals(1, h.b0 + h.b1 + h.b2, 1e-12);
        assertTrue(h.b0 >= -1e-9 && h.b1 >= -1e-9 && h.b2 >= -1e-9, h.toString());
        for (int k = 0; k < 3; k++) {
            double p = h.b0 * a[k] + h.b1 * b[k] + h.b2 * c[k];
            assertEquals(p, k == 0 ? h.x : k == 1 ? h.y : h.z, 1e-9);
        }
        double dx = h.x - q[0], dy = h.y - q[1], dz = h.z - q[2];
        assertEquals(h.distance, Math.sqrt(dx * dx + dy * dy + dz * dz), 1e-9);
    }

    @Test
    void closestPointMatchesBruteForceOnRandomSoup() {
        TriangleMesh mesh = TestMeshes.randomSoup(600, 1);
        Bvh bvh = Bvh.build(mesh);
        assertTrue(bvh.nodeCount() <= 2 * 600 - 1);
        Random r = new Random(2);
        Bvh.ClosestHit h = new Bvh.ClosestHit();
        for (int i = 0; i < 1500; i++) {
            checkClosest(mesh, bvh, new double[] {3 * r.nextDouble() - 1, 3 * r.nextDouble() - 1, 3 * r.nextDouble() - 1}, h);
        }
    }

    @Test
    void closestPointOnSphere() {
        TriangleMesh mesh = TestMeshes.icosphere(3);
        Bvh bvh = Bvh.build(mesh);
        Random r = new Random(3);
        Bvh.ClosestHit h = new Bvh.ClosestHit();
        for (int i = 0; i < 1000; i++) {
            double[] d = TestMeshes.normalize(new double[] {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()});
            double rad = 2 * r.nextDouble();
            double[] q = {rad * d[0], rad * d[1], rad * d[2]};
            checkClosest(mesh, bvh, q, h);
            assertEquals(Math.abs(rad - 1), h.distance, 0.02);
        }
        // a vertex is its own closest point
        float[] v = mesh.vertices();
        assertTrue(bvh.closestPoint(v[30], v[31], v[32], h));
        assertEquals(0, h.distance, 0);
    }

    @Test
    void maxDistanceLimitsTheSearch() {
        Bvh bvh = Bvh.build(TestMeshes.icosphere(2));
        Bvh.ClosestHit h = new Bvh.ClosestHit();
        assertFalse(bvh.closestPoint(3, 0, 0, 1.5, h));
        assertEquals(-1, h.triangle);
        assertTrue(bvh.closestPoint(3, 0, 0, 2.5, h));
        assertEquals(2, h.distance, 1e-6);
    }

    @Test
    void degenerateAndEmptyMeshes() {
        // collinear and point triangles
        float[] v = {0, 0, 0, 1, 0, 0, 2, 0, 0, 5, 5, 5};
        TriangleMesh m = new TriangleMesh(v, new int[] {0, 1, 2, 3, 3, 3});
        Bvh bvh = Bvh.build(m);
        Bvh.ClosestHit h = new Bvh.ClosestHit();
        assertTrue(bvh.closestPoint(1.5, 1, 0, h));
        assertEquals(1, h.distance, 1e-12);
        assertEquals(1.5, h.x, 1e-12);
        assertTrue(bvh.closestPoint(5, 5, 6, h));
        assertEquals(1, h.distance, 1e-12);
        assertEquals(1, h.triangle);
        Bvh.RayHit rh = new Bvh.RayHit();
        assertFalse(bvh.raycast(1, -1, 0, 0, 1, 0, 0, 10, rh), "a zero-area triangle is not hit");

        Bvh empty = Bvh.build(new TriangleMesh(new float[0], new int[0]));
        assertFalse(empty.closestPoint(0, 0, 0, h));
        assertEquals(Double.POSITIVE_INFINITY, h.distance);
        assertFalse(empty.raycast(0, 0, 0, 1, 0, 0, 0, 1, rh));
    }

    @Test
    void manyIdenticalTrianglesStayShallow() {
        int n = 5000;
        float[] v = {0, 0, 0, 1, 0, 0, 0, 1, 0};
        int[] t = new int[3 * n];
        for (int i = 0; i < n; i++) {
            t[3 * i + 1] = 1;
            t[3 * i + 2] = 2;
        }
        Bvh bvh = Bvh.build(new TriangleMesh(v, t));
        assertTrue(bvh.depth() < 20, "depth " + bvh.depth());
        Bvh.ClosestHit h = new Bvh.ClosestHit();
        assertTrue(bvh.closestPoint(0.2, 0.2, 1, h));
        assertEquals(1, h.distance, 1e-12);
    }

    /** Nearest hit by brute force: plane intersection and an inside test (independent of Möller-Trumbore). */
    private static double bruteRay(TriangleMesh mesh, double[] o, double[] d, int[] triOut) {
        float[] v = mesh.vertices();
        int[] t = mesh.triangles();
        double best = Double.POSITIVE_INFINITY;
        triOut[0] = -1;
        for (int f = 0; f < mesh.triangleCount(); f++) {
            double[] a = vert(v, t[3 * f]), b = vert(v, t[3 * f + 1]), c = vert(v, t[3 * f + 2]);
            double[] n = cross(sub(b, a), sub(c, a));
            double dn = dot(d, n);
            if (dn == 0) continue;
            double s = dot(sub(a, o), n) / dn;
            if (s < 0 || s >= best) continue;
            double[] p = {o[0] + s * d[0], o[1] + s * d[1], o[2] + s * d[2]};
            if (dot(cross(sub(b, a), sub(p, a)), n) >= 0 && dot(cross(sub(c, b), sub(p, b)), n) >= 0
                    && dot(cross(sub(a, c), sub(p, c)), n) >= 0) {
                best = s;
                triOut[0] = f;
            }
        }
        return best;
    }

    @Test
    void raycastMatchesBruteForce() {
        for (TriangleMesh mesh : new TriangleMesh[] {TestMeshes.randomSoup(500, 5), TestMeshes.icosphere(3)}) {
            Bvh bvh = Bvh.build(mesh);
            Random r = new Random(6);
            Bvh.RayHit h = new Bvh.RayHit();
            int[] tri = new int[1];
            int hits = 0;
            for (int i = 0; i < 2000; i++) {
                double[] o = {3 * r.nextDouble() - 1, 3 * r.nextDouble() - 1, 3 * r.nextDouble() - 1};
                double[] d = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
                double expected = bruteRay(mesh, o, d, tri);
                boolean hit = bvh.raycast(o[0], o[1], o[2], d[0], d[1], d[2], 0, Double.POSITIVE_INFINITY, h);
                assertEquals(tri[0] >= 0, hit, "ray " + i);
                assertEquals(hit, bvh.anyHit(o[0], o[1], o[2], d[0], d[1], d[2], 0, Double.POSITIVE_INFINITY, new Bvh.RayHit()));
                if (!hit) continue;
                hits++;
                assertEquals(expected, h.t, 1e-9 * (1 + expected));
                // the hit point is where the barycentrics say
                float[] v = mesh.vertices();
                int[] t = mesh.triangles();
                double[] a = vert(v, t[3 * h.triangle]), b = vert(v, t[3 * h.triangle + 1]), c = vert(v, t[3 * h.triangle + 2]);
                for (int k = 0; k < 3; k++) {
                    double p = (1 - h.u - h.v) * a[k] + h.u * b[k] + h.v * c[k];
                    assertEquals(o[k] + h.t * d[k], p, 1e-9);
                }
                // a shorter segment misses
                assertFalse(bvh.anyHit(o[0], o[1], o[2], d[0], d[1], d[2], 0, h.t * (1 - 1e-9), new Bvh.RayHit())
                        && bruteRay(mesh, o, d, tri) < h.t * (1 - 1e-9));
            }
            assertTrue(hits > 200, "too few hits to mean anything: " + hits);
        }
    }

    @Test
    void batchQueriesEqualSingleQueries() {
        TriangleMesh mesh = TestMeshes.icosphere(4);
        Bvh bvh = Bvh.build(mesh);
        Random r = new Random(7);
        int m = 5000;
        float[] q = new float[3 * m], d = new float[3 * m];
        for (int i = 0; i < 3 * m; i++) {
            q[i] = (float) (4 * r.nextDouble() - 2);
            d[i] = (float) r.nextGaussian();
        }
        float[] dist = new float[m], pts = new float[3 * m], t = new float[m];
        int[] tri = new int[m], rtri = new int[m];
        boolean[] any = new boolean[m];
        bvh.closestPoints(q, dist, pts, tri);
        bvh.raycast(q, d, 1e30, t, rtri);
        bvh.anyHit(q, d, 1e30, any);
        Bvh.ClosestHit h = new Bvh.ClosestHit();
        Bvh.RayHit rh = new Bvh.RayHit();
        for (int i = 0; i < m; i++) {
            bvh.closestPoint(q[3 * i], q[3 * i + 1], q[3 * i + 2], h);
            assertEquals((float) h.distance, dist[i]);
            assertEquals(h.triangle, tri[i]);
            assertArrayEquals(new float[] {(float) h.x, (float) h.y, (float) h.z}, new float[] {pts[3 * i], pts[3 * i + 1], pts[3 * i + 2]});
            boolean hit = bvh.raycast(q[3 * i], q[3 * i + 1], q[3 * i + 2], d[3 * i], d[3 * i + 1], d[3 * i + 2], 0, 1e30, rh);
            assertEquals(hit ? (float) rh.t : Float.POSITIVE_INFINITY, t[i]);
            assertEquals(rh.triangle, rtri[i]);
            assertEquals(hit, any[i]);
        }
        // rays from inside the sphere always hit
        float[] zero = new float[3 * m];
        bvh.anyHit(zero, d, 1e30, any);
        for (boolean b : any) assertTrue(b);
    }

    @Test
    void bunnyClosestPointMatchesBruteForce() throws Exception {
        TriangleMesh mesh = TestMeshes.cachedOff(SharedData.require("scans/bunny00.off"));
        Bvh bvh = Bvh.build(mesh);
        assertEquals(mesh.triangleCount(), bvh.triangleCount());
        assertTrue(bvh.depth() < 64, "depth " + bvh.depth());
        var b = mesh.bounds();
        Random r = new Random(8);
        Bvh.ClosestHit h = new Bvh.ClosestHit();
        for (int i = 0; i < 60; i++) {
            double[] q = {b.minX() + 1.2 * b.sizeX() * r.nextDouble() - 0.1 * b.sizeX(),
                    b.minY() + 1.2 * b.sizeY() * r.nextDouble() - 0.1 * b.sizeY(),
                    b.minZ() + 1.2 * b.sizeZ() * r.nextDouble() - 0.1 * b.sizeZ()};
            checkClosest(mesh, bvh, q, h);
        }
    }
}
