package kernelfield.engine.compute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Every kernel against plain scalar code, for all lengths up to several vectors (tails) and odd offsets. */
class VectorOpsTest {
    private static final int MAX = 3 * 16 + 7;

    private static float[] rf(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextDouble(-2, 2);
        return a;
    }

    private static double[] rd(SplittableRandom r, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = r.nextDouble(-2, 2);
        return a;
    }

    @Test
    void floatKernelsMatchScalar() {
        SplittableRandom r = new SplittableRandom(3);
        for (int n = 0; n <= MAX; n++) {
            for (int off : new int[] {0, 3}) {
                float[] x = rf(r, n + off + 2);
                float[] y = rf(r, n + off + 2);
                float a = (float) r.nextDouble(-3, 3);
                float b = (float) r.nextDouble(-3, 3);

                float[] y1 = y.clone();
                float[] y2 = y.clone();
                VectorOps.axpy(a, x, off, y1, 1, n);
                for (int i = 0; i < n; i++) y2[1 + i] += a * x[off + i];
                assertArrayEquals(y2, y1, "axpy n=" + n);

                y1 = y.clone();
                y2 = y.clone();
                VectorOps.axpby(a, x, off, b, y1, off, n);
                for (int i = 0; i < n; i++) y2[off + i] = a * x[off + i] + b * y2[off + i];
                assertArrayEquals(y2, y1, "axpby n=" + n);

                y1 = y.clone();
                y2 = y.clone();
                VectorOps.scale(a, y1, off, n);
                for (int i = 0; i < n; i++) y2[off + i] *= a;
                assertArrayEquals(y2, y1, "scale n=" + n);

                y1 = y.clone();
                y2 = y.clone();
                VectorOps.mul(x, off, y, 0, y1, 1, n);
                for (int i = 0; i < n; i++) y2[1 + i] = x[off + i] * y[i];
                assertArrayEquals(y2, y1, "mul n=" + n);

                y1 = y.clone();
                VectorOps.fill(y1, off, n, 7f);
                for (int i = 0; i < y1.length; i++) assertEquals(i >= off && i < off + n ? 7f : y[i], y1[i]);

                double dot = 0;
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    dot += (double) x[off + i] * y[1 + i];
                    sum += x[off + i];
                }
                assertEquals(dot, VectorOps.dot(x, off, y, 1, n), 1e-5 * (1 + n), "dot n=" + n);
                assertEquals(sum, VectorOps.sum(x, off, n), 1e-5 * (1 + n), "sum n=" + n);

                y1 = y.clone();
                VectorOps.expAffine(-0.5f, x, off, 0.25f, y1, 0, n);
                for (int i = 0; i < n; i++) {
                    double e = Math.exp(-0.5f * x[off + i] + 0.25f);
                    assertEquals(e, y1[i], 4 * Math.ulp((float) e), "exp n=" + n);
                }
                for (int i = n; i < y1.length; i++) assertEquals(y[i], y1[i], "exp wrote past the range");
            }
        }
        float[] p = {1, 2, 3};
        float[] q = {4, 5, 6};
        assertEquals(32f, VectorOps.dot(p, q));
        VectorOps.axpy(2f, p, q);
        assertArrayEquals(new float[] {6, 9, 12}, q);
    }

    @Test
    void doubleKernelsMatchScalar() {
        SplittableRandom r = new SplittableRandom(4);
        for (int n = 0; n <= MAX; n++) {
            for (int off : new int[] {0, 5}) {
                double[] x = rd(r, n + off + 2);
                double[] y = rd(r, n + off + 2);
                double a = r.nextDouble(-3, 3);
                double b = r.nextDouble(-3, 3);

                double[] y1 = y.clone();
                double[] y2 = y.clone();
                VectorOps.axpy(a, x, off, y1, 2, n);
                for (int i = 0; i < n; i++) y2[2 + i] += a * x[off + i];
                assertArrayEquals(y2, y1, "axpy n=" + n);

                y1 = y.clone();
                y2 = y.clone();
                VectorOps.axpby(a, x, 0, b, y1, off, n);
                for (int i = 0; i < n; i++) y2[off + i] = a * x[i] + b * y2[off + i];
                assertArrayEquals(y2, y1, "axpby n=" + n);

                y1 = y.clone();
                y2 = y.clone();
                VectorOps.scale(a, y1, off, n);
                for (int i = 0; i < n; i++) y2[off + i] *= a;
                assertArrayEquals(y2, y1, "scale n=" + n);

                y1 = y.clone();
                y2 = y.clone();
                VectorOps.mul(x, 0, y, off, y1, 0, n);
                for (int i = 0; i < n; i++) y2[i] = x[i] * y[off + i];
                assertArrayEquals(y2, y1, "mul n=" + n);

                y1 = y.clone();
                VectorOps.fill(y1, off, n, -1.0);
                for (int i = 0; i < y1.length; i++) assertEquals(i >= off && i < off + n ? -1.0 : y[i], y1[i]);

                double dot = 0;
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    dot += x[off + i] * y[i];
                    sum += y[off + i];
                }
                assertEquals(dot, VectorOps.dot(x, off, y, 0, n), 1e-13 * (1 + n), "dot n=" + n);
                assertEquals(sum, VectorOps.sum(y, off, n), 1e-13 * (1 + n), "sum n=" + n);
            }
        }
        assertTrue(VectorOps.doubleLanes() >= 1 && VectorOps.floatLanes() >= VectorOps.doubleLanes());
    }
}
