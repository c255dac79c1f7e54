package kernelfield.engine.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AdamTest {
    /** A gradient that changes with the step and the element, with mixed signs and scales. */
    private static float gradAt(int step, int i) {
        return (float) (Math.sin(0.7 * i + 1.3 * step) * Math.pow(10, (i % 5) - 2));
    }

    @Test
    void matchesFloat64ReferenceForAFewSteps() {
        int n = 37; // not a multiple of any vector length: exercises the tail
        double b1 = 0.9, b2 = 0.999, eps = 1e-8, lr = 0.05;
        ParamBlock b = new ParamBlock("x", n, 1, "g", true);
        double[] p = new double[n], m = new double[n], v = new double[n];
        for (int i = 0; i < n; i++) {
            b.value()[i] = (float) (0.1 * i - 1);
            p[i] = b.value()[i];
        }
        Adam adam = new Adam(b1, b2, eps);
        for (int t = 1; t <= 6; t++) {
            for (int i = 0; i < n; i++) {
                float g = gradAt(t, i);
                b.grad()[i] = g;
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mh = m[i] / (1 - Math.pow(b1, t));
                double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
                p[i] -= lr * m[i] / (1 - Math.pow(b1, t)) / denom;
                assertTrue(Double.isFinite(mh));
            }
            adam.step(b, lr);
            assertEquals(t, b.adamSteps());
            for (int i = 0; i < n; i++) {
                assertEquals(p[i], b.value()[i], 1e-5 * Math.max(1, Math.abs(p[i])), "value " + i + " at step " + t);
                double scale = Math.pow(10, (i % 5) - 2); // the gradient's magnitude
                assertEquals(m[i], b.m()[i], 1e-6 * scale, "m " + i + " at step " + t);
                assertEquals(v[i], b.v()[i], 1e-6 * scale * scale, "v " + i + " at step " + t);
            }
        }
        // The first Adam step moves every element by about lr (sign of the gradient), the classic check.
        ParamBlock fresh = new ParamBlock("y", 3, 1, "g", true);
        fresh.grad()[0] = 5;
        fresh.grad()[1] = -1e-3f;
        fresh.grad()[2] = 0;
        new Adam().step(fresh, 0.01);
        assertEquals(-0.01f, fresh.value()[0], 1e-7);
        assertEquals(0.01f, fresh.value()[1], 1e-7);
        assertEquals(0f, fresh.value()[2]);
    }

    @Test
    void vectorParallelAndScalarPathsGiveTheSameBits() {
        // Every length up to a few vectors (scalar, masked and full-vector paths), then the parallel path.
        for (int n = 1; n <= 70; n++) checkAgainstScalarFloat(n, 2);
        checkAgainstScalarFloat(Adam.PARALLEL_THRESHOLD * 3 + 13, 3);
    }

    /** The update written out in scalar float arithmetic, in the documented order, must match bit for bit. */
    private static void checkAgainstScalarFloat(int n, int steps) {
        ParamBlock b = new ParamBlock("x", n, 1, "g", true);
        float[] p = new float[n], m = new float[n], v = new float[n];
        SeededRandom rnd = new SeededRandom(7 + n);
        for (int i = 0; i < n; i++) p[i] = b.value()[i] = rnd.nextFloat() - 0.5f;
        Adam adam = new Adam();
        for (int t = 1; t <= steps; t++) {
            float bb1 = 0.9f, omb1 = (float) (1 - 0.9), bb2 = 0.999f, omb2 = (float) (1 - 0.999);
            float stepSize = (float) (1e-3 / (1 - Math.pow(0.9, t)));
            float inv = (float) (1 / Math.sqrt(1 - Math.pow(0.999, t)));
            float eps = (float) 1e-15;
            for (int i = 0; i < n; i++) {
                float g = b.grad()[i] = (float) rnd.nextGaussian();
                m[i] = m[i] * bb1 + g * omb1;
                v[i] = v[i] * bb2 + g * g * omb2;
                p[i] = p[i] - m[i] * stepSize / ((float) Math.sqrt(v[i]) * inv + eps);
            }
            adam.step(b, 1e-3);
            assertArrayEquals(p, b.value(), "values differ from the scalar float path, n " + n + ", step " + t);
            assertArrayEquals(m, b.m(), "m, n " + n);
            assertArrayEquals(v, b.v(), "v, n " + n);
        }
    }

    @Test
    void minimizesAnIllConditionedQuadratic() {
        // f(x) = sum_i a_i (x_i - c_i)^2, curvatures over 4 orders of magnitude.
        int n = 20;
        float[] a = new float[n], c = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) Math.pow(10, -2 + 4.0 * i / (n - 1));
            c[i] = (float) Math.cos(i);
        }
        ParamBlock x = new ParamBlock("x", n, 1, "x", true);
        Adam adam = new Adam().setSchedule("x", LearningRateSchedule.exponential(0.1, 1e-4, 3000));
        ParamSet set = ParamSet.of(x);
        for (int it = 0; it < 3000; it++) {
            for (int i = 0; i < n; i++) x.grad()[i] = 2 * a[i] * (x.value()[i] - c[i]);
            adam.step(set, it);
        }
        for (int i = 0; i < n; i++) assertEquals(c[i], x.value()[i], 2e-3, "x" + i);
    }

    @Test
    void minimizesRosenbrock() {
        ParamBlock xy = ParamBlock.of("xy", 2, "xy", true, new float[] {-1.5f, 2f});
        Adam adam = new Adam().setSchedule("xy", LearningRateSchedule.exponential(0.02, 2e-4, 20000));
        ParamSet set = ParamSet.of(xy);
        for (int it = 0; it < 20000; it++) {
            double x = xy.value()[0], y = xy.value()[1];
            xy.grad()[0] = (float) (-2 * (1 - x) - 400 * x * (y - x * x));
            xy.grad()[1] = (float) (200 * (y - x * x));
            adam.step(set, it);
        }
        assertEquals(1, xy.value()[0], 1e-2);
        assertEquals(1, xy.value()[1], 2e-2);
    }

    @Test
    void sparseStepLeavesInvisibleRowsUntouched() {
        int[][] shapes = {{9, 3}, {50, 1}, {Adam.PARALLEL_THRESHOLD / 2 + 5, 3}}; // serial and parallel paths
        for (int[] shape : shapes) {
            int rows = shape[0], cols = shape[1];
            ParamBlock sparse = new ParamBlock("means", rows, cols, "means", true);
            ParamBlock dense = new ParamBlock("means", rows, cols, "means", true);
            SeededRandom rnd = new SeededRandom(3);
            for (int i = 0; i < rows * cols; i++) {
                sparse.value()[i] = dense.value()[i] = rnd.nextFloat();
                sparse.m()[i] = dense.m()[i] = 0.01f * rnd.nextFloat();
                sparse.v()[i] = dense.v()[i] = 0.001f * rnd.nextFloat();
            }
            boolean[] visible = new boolean[rows];
            for (int r = 0; r < rows; r++) visible[r] = rnd.nextInt(3) != 0;
            float[] v0 = sparse.value().clone(), m0 = sparse.m().clone(), s0 = sparse.v().clone();
            for (int i = 0; i < rows * cols; i++) sparse.grad()[i] = dense.grad()[i] = (float) rnd.nextGaussian();
            Adam adam = new Adam();
            adam.stepSparse(sparse, 0.01, visible);
            adam.step(dense, 0.01);
            assertEquals(1, sparse.adamSteps(), "the step count follows the global step");
            int touched = 0;
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    int i = r * cols + c;
                    if (visible[r]) {
                        // Visible rows: exactly the dense update.
                        assertEquals(dense.value()[i], sparse.value()[i], 0f);
                        assertEquals(dense.m()[i], sparse.m()[i], 0f);
                        assertEquals(dense.v()[i], sparse.v()[i], 0f);
                        if (sparse.value()[i] != v0[i]) touched++;
                    } else {
                        // Invisible rows: values and moments bit-for-bit as they were, despite a gradient.
                        assertEquals(Float.floatToRawIntBits(v0[i]), Float.floatToRawIntBits(sparse.value()[i]));
                        assertEquals(Float.floatToRawIntBits(m0[i]), Float.floatToRawIntBits(sparse.m()[i]));
                        assertEquals(Float.floatToRawIntBits(s0[i]), Float.floatToRawIntBits(sparse.v()[i]));
                    }
                }
            }
            assertTrue(touched > 0);
        }
    }

    @Test
    void setStepAppliesTheMaskToKernelBlocksAndSkipsNonDifferentiable() {
        ParamBlock means = new ParamBlock("means", 4, 3, "means", true);
        ParamBlock weights = new ParamBlock("mlp", 2, 5, "mlp", true);
        ParamBlock stats = new ParamBlock("grad_accum", 4, 1, "none", false);
        ParamSet set = ParamSet.of(means, weights, stats);
        java.util.Arrays.fill(means.grad(), 1f);
        java.util.Arrays.fill(weights.grad(), 1f);
        stats.value()[2] = 42;
        Adam adam = new Adam().setLearningRate("means", 0.1).setLearningRate("mlp", 0.2);
        adam.step(set, 0, new boolean[] {true, false, true, false});
        assertEquals(-0.1f, means.get(0, 0), 1e-6);
        assertEquals(0f, means.get(1, 2));
        assertEquals(-0.2f, weights.get(1, 4), 1e-6); // other row count: dense
        assertEquals(42f, stats.value()[2]);
        assertEquals(0, stats.adamSteps());
        assertEquals(1, means.adamSteps());
    }

    @Test
    void reportsMissingGroupAndBadInput() {
        ParamSet set = ParamSet.of(new ParamBlock("opacity", 2, 1, "opacity", true));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new Adam().setLearningRate("means", 1).step(set, 0));
        assertTrue(e.getMessage().contains("opacity"), e.getMessage());
        ParamBlock nd = new ParamBlock("n", 2, 1, "g", false);
        assertThrows(IllegalArgumentException.class, () -> new Adam().step(nd, 0.1));
        ParamBlock d = new ParamBlock("d", 2, 1, "g", true);
        assertThrows(IllegalArgumentException.class, () -> new Adam().stepSparse(d, 0.1, new boolean[3]));
        assertThrows(IllegalArgumentException.class, () -> new Adam(1.0, 0.999, 1e-15));
        assertThrows(IllegalArgumentException.class, () -> new Adam().step(d, Double.NaN));
        assertNotEquals(0, new Adam().eps());
    }
}
