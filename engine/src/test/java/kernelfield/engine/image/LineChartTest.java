package kernelfield.engine.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineChartTest {
    @TempDir
    Path dir;

    @Test
    void drawsTheCurveOnAxesThatCoverIt() throws Exception {
        Path f = dir.resolve("curve.png");
        LineChart.writePng(f, "PSNR against time", "seconds", "PSNR (dB)",
                List.of(new double[] {1, 20}, new double[] {10, 38}, new double[] {20, 44}, new double[] {30, Double.NaN}));
        BufferedImage img = ImageIO.read(f.toFile());
        assertEquals(720, img.getWidth());
        assertEquals(440, img.getHeight());
        int blue = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                int r = (rgb >> 16) & 255, g = (rgb >> 8) & 255, b = rgb & 255;
                if (b > 150 && r < 90 && g > 90 && g < 150) blue++;
            }
        }
        assertTrue(blue > 300, "line pixels " + blue);
    }

    @Test
    void ticksAreRoundAndCoverTheRange() {
        assertArrayEquals(new double[] {0, 5, 10, 15, 20, 25, 30}, LineChart.ticks(0, 30));
        double[] t = LineChart.ticks(38.3, 50.5);
        assertTrue(t[0] <= 38.3 && t[t.length - 1] >= 50.5 && t.length >= 4 && t.length <= 11, java.util.Arrays.toString(t));
        assertTrue(LineChart.ticks(5, 5).length >= 2);
    }

    @Test
    void noFinitePointIsAnErrorAndWritesNothing() {
        Path f = dir.resolve("empty.png");
        assertThrows(IllegalArgumentException.class,
                () -> LineChart.writePng(f, "t", "x", "y", List.of(new double[] {Double.NaN, 1})));
        assertFalse(Files.exists(f));
    }
}
