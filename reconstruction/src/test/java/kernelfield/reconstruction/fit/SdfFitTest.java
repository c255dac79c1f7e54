package kernelfield.reconstruction.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import kernelfield.engine.data.TriangleMesh;

class SdfFitTest {
    /** A UV sphere of radius r about (0.2, -0.1, 0.3), outward-facing triangles. */
    static TriangleMesh sphere(double r, int rings, int segs) {
        int nv = 2 + (rings - 1) * segs;
        float[] v = new float[3 * nv];
        double cx = 0.2, cy = -0.1, cz = 0.3;
        v[0] = (float) cx;
        v[1] = (float) cy;
        v[2] = (float) (cz + r);
        int o = 3;
        for (int i = 1; i < rings; i++) {
            double th = Math.PI * i / rings;
            for (int j = 0; j < segs; j++) {
                double ph = 2 * Math.PI * j / segs;
                v[o++] = (float) (cx + r * Math.sin(th) * Math.cos(ph));
                v[o++] = (float) (cy + r * Math.sin(th) * Math.sin(ph));
                v[o++] = (float) (cz + r * Math.cos(th));
            }
        }
        v[o++] = (float) cx;
        v[o++] = (float) cy;
        v[o] = (float) (cz - r);
        int south = nv - 1;
        java.util.List<int[]> t = new java.util.ArrayList<>();
        for (int j = 0; j < segs; j++) t.add(new int[] {0, 1 + j, 1 + (j + 1) % segs});
        for (int i = 0; i < rings - 2; i++) {
            for (int j = 0; j < segs; j++) {
                int a = 1 + i * segs + j, b = 1 + i * segs + (j + 1) % segs;
                int c = a + segs, d = b + segs;
                t.add(new int[] {a, c, d});
                t.add(new int[] {a, d, b});
            }
        }
        int last = 1 + (rings - 2) * segs;
        for (int j = 0; j < segs; j++) t.add(new int[] {last + j, south, last + (j + 1) % segs});
        int[] f = new int[3 * t.size()];
        for (int i = 0; i < t.size(); i++) System.arraycopy(t.get(i), 0, f, 3 * i, 3);
        return new TriangleMesh(v, f);
    }

    static SdfFit.Options small(int threads) {
        return SdfFit.Options.defaults().withBudget(0, 100).withSize(256, 8_000, 2048).withResolution(64).withIouSamples(5_000)
                .withThreads(threads).withSeed(1);
    }

    @Test
    void fitsASphereAndScoresItsSurface() {
        TriangleMesh gt = sphere(0.5, 24, 48);
        SdfFit.Result r = SdfFit.fit(gt, small(2));
        assertEquals(100, r.steps());
        assertTrue(r.mesh().triangleCount() > 100, "triangles " + r.mesh().triangleCount());
        assertTrue(r.metrics().fscore(0.01) > 0.9, "F-score@1% " + r.metrics().fscore(0.01));
        assertTrue(r.iou() > 0.9, "IoU " + r.iou());
        assertTrue(r.metrics().normalConsistency() > 0.9, "normal consistency " + r.metrics().normalConsistency());
        assertTrue(r.meanAbsError() < 0.02, "mean |error| / diag " + r.meanAbsError());
    }

    @Test
    void bitIdenticalForOneAndTwoThreads() {
        TriangleMesh gt = sphere(0.5, 12, 24);
        SdfFit.Options o = small(1).withBudget(0, 20).withIouSamples(0).withResolution(16);
        SdfFit.Result a = SdfFit.fit(gt, o);
        SdfFit.Result b = SdfFit.fit(gt, o.withThreads(2));
        for (var block : a.field().field().params().blocks()) {
            assertArrayEquals(block.value(), b.field().field().params().get(block.name()).value(), block.name());
        }
        assertArrayEquals(a.mesh().vertices(), b.mesh().vertices());
    }
}
