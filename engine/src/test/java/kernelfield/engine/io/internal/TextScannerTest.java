package kernelfield.engine.io.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

import kernelfield.engine.io.KfFormatException;

class TextScannerTest {
    static TextScanner of(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return new TextScanner(null, MemorySegment.ofArray(b), 0, b.length, 1);
    }

    static float parseF(String s) throws KfFormatException {
        TextScanner sc = of(s);
        sc.token("x");
        return sc.tokenFloat();
    }

    static double parseD(String s) throws KfFormatException {
        TextScanner sc = of(s);
        sc.token("x");
        return sc.tokenDouble();
    }

    @Test
    void floatsAgreeWithTheJdkBitForBit() throws KfFormatException {
        Random rnd = new Random(11);
        for (int i = 0; i < 50_000; i++) {
            String s = switch (i % 5) {
                case 0 -> Float.toString(Float.intBitsToFloat(rnd.nextInt()));
                case 1 -> String.format("%.6f", rnd.nextGaussian() * 100);
                case 2 -> String.format("%." + rnd.nextInt(12) + "e", rnd.nextGaussian() * Math.pow(10, rnd.nextInt(80) - 40));
                case 3 -> Double.toString(rnd.nextDouble());
                default -> {
                    // near float midpoints: the decimal expansion of (f + next(f)) / 2, cut to some digits
                    float f = (float) rnd.nextGaussian();
                    BigDecimal mid = new BigDecimal(f).add(new BigDecimal(Math.nextUp(f))).divide(BigDecimal.valueOf(2));
                    String m = mid.toPlainString();
                    yield m.substring(0, Math.min(m.length(), 3 + rnd.nextInt(20)));
                }
            };
            if (s.contains("NaN") || s.contains("Infinity")) continue;
            float want = Float.parseFloat(s);
            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(parseF(s)), s);
            assertEquals(Double.doubleToRawLongBits(Double.parseDouble(s)), Double.doubleToRawLongBits(parseD(s)), s);
        }
    }

    @Test
    void exactMidpointsRoundToEven() throws KfFormatException {
        // 1 + 2^-24 is exactly halfway between 1 and the next float: ties to even gives 1
        assertEquals(1.0f, parseF("1.000000059604644775390625"));
        assertEquals(Math.nextUp(1.0f), parseF("1.000000059604644775390626"));
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(parseF("-0")));
        assertEquals(Float.MIN_VALUE, parseF("1.4e-45"));
        assertEquals(0.0f, parseF("1e-50"));
        assertEquals(Float.POSITIVE_INFINITY, parseF("1e39"));
    }

    @Test
    void specialsAndErrors() throws KfFormatException {
        assertTrue(Double.isNaN(parseD("nan")));
        assertTrue(Double.isNaN(parseD("-NaN")));
        assertEquals(Double.NEGATIVE_INFINITY, parseD("-inf"));
        assertEquals(Double.POSITIVE_INFINITY, parseD("Infinity"));
        assertEquals(0.5, parseD(".5"));
        assertEquals(5.0, parseD("5."));
        assertEquals(1e300, parseD("1e300"));
        for (String bad : new String[] {"1..2", "abc", "-", ".", "1e", "1e+", "0x10", "1f", "1,5", "--1", "nanx"}) {
            KfFormatException e = assertThrows(KfFormatException.class, () -> parseD(bad), bad);
            assertTrue(e.getMessage().contains("line 1"), e.getMessage());
        }
    }

    @Test
    void integersAndLines() throws KfFormatException {
        TextScanner sc = of("# c\n  12 -7\n\n x 3");
        sc.hashComments(true);
        assertEquals(12, sc.nextLong("a", 0, 100));
        assertEquals(-7, sc.nextLong("b", -10, 0));
        sc.token("c");
        assertEquals(4, sc.line());
        KfFormatException e = assertThrows(KfFormatException.class, () -> sc.tokenLong(0, 9));
        assertTrue(e.getMessage().contains("line 4"), e.getMessage());
        assertThrows(KfFormatException.class, () -> sc.nextLong("d", 0, 2));
        assertThrows(KfFormatException.class, () -> sc.nextLong("e", 0, 2));
    }
}
