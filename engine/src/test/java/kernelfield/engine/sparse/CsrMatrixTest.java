package kernelfield.engine.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import kernelfield.engine.compute.CpuDevice;
import org.junit.jupiter.api.Test;

class CsrMatrixTest {
    /** Random triplets with many duplicates; also returns the dense sum in {@code dense}. */
    static CsrMatrix random(int rows, int cols, int count, long seed, double[][] dense) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] ri = new int[count];
        int[] ci = new int[count];
        double[] v = new double[count];
        for (int k = 0; k < count; k++) {
            ri[k] = rnd.nextInt(rows);
            // Some rows get long (> 32 entries) to exercise both sorts.
            ci[k] = ri[k] % 7 == 0 ? rnd.nextInt(cols) : rnd.nextInt(Math.min(cols, 5));
            v[k] = rnd.nextDouble(-1, 1);
            dense[ri[k]][ci[k]] += v[k];
        }
        return CsrMatrix.fromTriplets(rows, cols, ri, ci, v, count);
    }

    @Test
    void tripletsAreSummedAndSorted() {
        int[] ri = {0, 2, 0, 1, 0, 2, 2};
        int[] ci = {3, 0, 1, 1, 3, 3, 0};
        double[] v = {1, 2, 3, 4, 5, 6, 7};
        CsrMatrix m = CsrMatrix.fromTriplets(3, 4, ri, ci, v, 7);
        assertArrayEquals(new int[] {0, 2, 3, 5}, m.rowPointers());
        assertArrayEquals(new int[] {1, 3, 1, 0, 3}, m.columnIndices());
        assertArrayEquals(new double[] {3, 6, 4, 9, 6}, m.doubleValues());
        assertEquals(6, m.get(0, 3));
        assertEquals(0, m.get(1, 0));
        assertArrayEquals(new double[] {0, 4, 0}, m.diagonal());
        // Only the first `count` triplets are used.
        CsrMatrix part = CsrMatrix.fromTriplets(3, 4, ri, ci, v, 2);
        assertEquals(2, part.nnz());
    }

    @Test
    void productsMatchDense() {
        int rows = 300;
        int cols = 170;
        double[][] d = new double[rows][cols];
        CsrMatrix m = random(rows, cols, 5000, 7, d);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) assertEquals(d[r][c], m.get(r, c), 1e-12);
        }
        SplittableRandom rnd = new SplittableRandom(8);
        double[] x = rnd.doubles(cols, -1, 1).toArray();
        double[] xt = rnd.doubles(rows, -1, 1).toArray();
        double[] y = new double[rows];
        double[] yt = new double[cols];
        m.multiply(x, y);
        m.multiplyTranspose(xt, yt, CpuDevice.shared());
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int c = 0; c < cols; c++) s += d[r][c] * x[c];
            assertEquals(s, y[r], 1e-12);
        }
        for (int c = 0; c < cols; c++) {
            double s = 0;
            for (int r = 0; r < rows; r++) s += d[r][c] * xt[r];
            assertEquals(s, yt[c], 1e-12);
        }
        // Transpose structure, and its transpose is the original.
        CsrMatrix t = m.transpose();
        assertEquals(cols, t.rows());
        assertEquals(m.nnz(), t.nnz());
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) assertEquals(m.get(r, c), t.get(c, r));
        }
        assertSame(m, t.transpose());
        // Float storage and float vectors.
        CsrMatrix f = m.toFloat();
        assertTrue(f.isFloat());
        assertNull(f.doubleValues());
        float[] xf = new float[cols];
        for (int c = 0; c < cols; c++) xf[c] = (float) x[c];
        float[] yf = new float[rows];
        f.multiply(xf, yf, CpuDevice.shared());
        for (int r = 0; r < rows; r++) assertEquals(y[r], yf[r], 1e-5);
    }

    @Test
    void floatTripletsSumInDouble() {
        float[] v = {1e8f, 1f, -1e8f};
        CsrMatrix m = CsrMatrix.fromTriplets(1, 1, new int[3], new int[3], v, 3);
        assertEquals(1.0, m.get(0, 0));
        assertTrue(m.isFloat());
    }

    @Test
    void blocks() {
        int rows = 40;
        int cols = 30;
        double[][] d = new double[rows][cols];
        CsrMatrix m = random(rows, cols, 400, 9, d);
        CsrMatrix b = m.rowBlock(10, 25);
        assertEquals(15, b.rows());
        for (int r = 0; r < 15; r++) {
            for (int c = 0; c < cols; c++) assertEquals(d[10 + r][c], b.get(r, c), 1e-15);
        }
        double[] out = new double[6 * 4];
        m.denseBlock(7, 13, 2, 6, out);
        for (int r = 0; r < 6; r++) {
            for (int c = 0; c < 4; c++) assertEquals(d[7 + r][2 + c], out[r * 4 + c], 1e-15);
        }
        assertEquals(0, m.rowBlock(5, 5).rows());
    }

    @Test
    void spmvIsBitIdenticalAcrossThreadCounts() {
        CsrMatrix m = Laplacians.grid3d(30, 20, 25);
        double[][] d = new double[1][1];
        SplittableRandom rnd = new SplittableRandom(10);
        double[] x = rnd.doubles(m.cols(), -1, 1).toArray();
        double[] ref = null;
        double[] refT = null;
        for (int t : new int[] {1, 2, 3, 7}) {
            try (CpuDevice dev = CpuDevice.withThreads(t)) {
                double[] y = new double[m.rows()];
                double[] yt = new double[m.cols()];
                m.multiply(x, y, dev);
                m.multiplyTranspose(x, yt, dev);
                if (ref == null) {
                    ref = y;
                    refT = yt;
                } else {
                    assertArrayEquals(ref, y, 0.0, "threads " + t);
                    assertArrayEquals(refT, yt, 0.0, "threads " + t);
                }
            }
        }
        assertEquals(0.0, d[0][0]);
    }

    @Test
    void badInputIsRejectedWithAMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CsrMatrix.fromTriplets(2, 2, new int[] {0, 1}, new int[] {0, 1}, new double[] {1, Double.NaN}, 2));
        assertTrue(e.getMessage().contains("triplet 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> CsrMatrix.fromTriplets(2, 2, new int[] {0, 2}, new int[] {0, 1}, new double[] {1, 1}, 2));
        assertTrue(e.getMessage().contains("row 2 out of range"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> CsrMatrix.fromTriplets(2, 2, new int[] {0, 1}, new int[] {0, -1}, new float[] {1, 1}, 2));
        assertTrue(e.getMessage().contains("column -1"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> CsrMatrix.fromTriplets(2, 2, new int[] {0}, new int[] {0}, new double[] {1}, 5));
        e = assertThrows(IllegalArgumentException.class,
                () -> CsrMatrix.wrap(2, 2, new int[] {0, 2, 3}, new int[] {1, 0, 1}, new double[] {1, 1, 1}));
        assertTrue(e.getMessage().contains("not strictly increasing"), e.getMessage());
        CsrMatrix rect = CsrMatrix.fromTriplets(2, 3, new int[] {0}, new int[] {2}, new double[] {1}, 1);
        assertThrows(IllegalArgumentException.class, () -> rect.multiply(new double[2], new double[2]));
        double[] same = new double[3];
        CsrMatrix sq = CsrMatrix.identity(3, 1);
        assertThrows(IllegalArgumentException.class, () -> sq.multiply(same, same));
    }
}
