package kernelfield.engine.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ParamBlockTest {
    /** A block whose row r holds r*10+c in value, -(r*10+c+1) in m, (r*10+c)/1000 in v. */
    private static ParamBlock tagged(int rows, int cols) {
        ParamBlock b = new ParamBlock("b", rows, cols, "g", true);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int i = r * cols + c;
                b.value()[i] = r * 10 + c;
                b.m()[i] = -(r * 10 + c + 1);
                b.v()[i] = (r * 10 + c) / 1000f;
                b.grad()[i] = 1;
            }
        }
        return b;
    }

    @Test
    void keepRowsKeepsMomentsAlignedWithValues() {
        ParamBlock b = tagged(6, 3);
        b.setAdamSteps(17);
        int kept = b.keepRows(new boolean[] {true, false, false, true, true, false});
        assertEquals(3, kept);
        assertEquals(3, b.rows());
        assertEquals(9, b.value().length);
        assertEquals(9, b.m().length);
        assertEquals(9, b.v().length);
        assertEquals(9, b.grad().length);
        int[] expectRows = {0, 3, 4};
        for (int k = 0; k < 3; k++) {
            for (int c = 0; c < 3; c++) {
                float tag = expectRows[k] * 10 + c;
                assertEquals(tag, b.get(k, c));
                assertEquals(-tag - 1, b.m()[k * 3 + c]);
                assertEquals(tag / 1000f, b.v()[k * 3 + c]);
            }
        }
        assertEquals(17, b.adamSteps(), "pruning keeps the step count");
        assertThrows(IllegalArgumentException.class, () -> b.keepRows(new boolean[4]));
        assertEquals(0, b.keepRows(new boolean[3]));
        assertEquals(0, b.value().length);
    }

    @Test
    void appendRowsZeroesTheirMoments() {
        ParamBlock b = tagged(2, 2);
        int first = b.appendRows(new float[] {7, 8, 9, 10});
        assertEquals(2, first);
        assertEquals(4, b.rows());
        assertArrayEquals(new float[] {0, 1, 10, 11, 7, 8, 9, 10}, b.value());
        assertArrayEquals(new float[] {-1, -2, -11, -12, 0, 0, 0, 0}, b.m());
        assertArrayEquals(new float[] {0, 0.001f, 0.010f, 0.011f, 0, 0, 0, 0}, b.v());
        assertArrayEquals(new float[] {1, 1, 1, 1, 0, 0, 0, 0}, b.grad());
        assertThrows(IllegalArgumentException.class, () -> b.appendRows(new float[3]));
    }

    @Test
    void appendCopiesClonesValuesNotMoments() {
        ParamBlock b = tagged(3, 2);
        b.appendCopiesOf(new int[] {2, 0, 2});
        assertEquals(6, b.rows());
        assertArrayEquals(new float[] {20, 21, 0, 1, 20, 21}, java.util.Arrays.copyOfRange(b.value(), 6, 12));
        assertArrayEquals(new float[6], java.util.Arrays.copyOfRange(b.m(), 6, 12));
        assertArrayEquals(new float[6], java.util.Arrays.copyOfRange(b.v(), 6, 12));
        assertEquals(-22f, b.m()[5]);
        assertThrows(IndexOutOfBoundsException.class, () -> b.appendCopiesOf(new int[] {6}));
    }

    @Test
    void resizeAndMomentResets() {
        ParamBlock b = tagged(3, 2);
        b.resize(2);
        assertArrayEquals(new float[] {0, 1, 10, 11}, b.value());
        assertArrayEquals(new float[] {-1, -2, -11, -12}, b.m());
        b.resize(3);
        assertArrayEquals(new float[] {0, 1, 10, 11, 0, 0}, b.value());
        b.zeroMoments(new boolean[] {false, true, false});
        assertArrayEquals(new float[] {-1, -2, 0, 0, 0, 0}, b.m());
        b.zeroMoments();
        assertArrayEquals(new float[6], b.v());
    }

    @Test
    void nonDifferentiableBlockHasNoGradientNorMoments() {
        ParamBlock b = new ParamBlock("count", 4, 1, "none", false);
        assertEquals(0, b.grad().length);
        assertEquals(0, b.m().length);
        b.zeroGrad();
        b.value()[3] = 5;
        b.appendRows(new float[] {1, 2});
        b.keepRows(new boolean[] {false, false, false, true, true, true});
        assertArrayEquals(new float[] {5, 1, 2}, b.value());
        assertEquals(0, b.m().length);
    }

    @Test
    void checksShapesAndNames() {
        assertThrows(IllegalArgumentException.class, () -> new ParamBlock("x", -1, 3, "g", true));
        assertThrows(IllegalArgumentException.class, () -> new ParamBlock("x", 1, 0, "g", true));
        assertThrows(IllegalArgumentException.class, () -> new ParamBlock("x", Integer.MAX_VALUE, 3, "g", true));
        assertThrows(IllegalArgumentException.class, () -> ParamBlock.of("x", 3, "g", true, new float[4]));
        ParamBlock b = new ParamBlock("x", 2, 3, "g", true);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> b.get(2, 0));
        assertTrue(e.getMessage().contains("x"));
        ParamSet set = ParamSet.of(b);
        assertThrows(IllegalArgumentException.class, () -> set.add(new ParamBlock("x", 1, 1, "g", true)));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> set.get("y"));
        assertTrue(missing.getMessage().contains("[x]"), missing.getMessage());
    }

    @Test
    void randomStateRestoresTheSequence() {
        SeededRandom a = new SeededRandom(42);
        for (int i = 0; i < 10; i++) a.nextLong();
        long[] s = a.state();
        long x = a.nextLong();
        float f = a.nextFloat();
        SeededRandom b = new SeededRandom(1);
        b.setState(s);
        assertEquals(x, b.nextLong());
        assertEquals(f, b.nextFloat());
        int[] hist = new int[7];
        for (int i = 0; i < 70_000; i++) hist[b.nextInt(7)]++;
        for (int h : hist) assertTrue(h > 9_000 && h < 11_000, "nextInt(7) histogram " + java.util.Arrays.toString(hist));
        assertEquals(new SeededRandom(5).nextLong(), new SeededRandom(5).nextLong());
    }
}
