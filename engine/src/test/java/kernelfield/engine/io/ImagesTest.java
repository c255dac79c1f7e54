package kernelfield.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import kernelfield.engine.data.FloatImage;
import kernelfield.engine.testing.SharedData;

class ImagesTest {
    @TempDir
    Path dir;

    static FloatImage random(int w, int h, int c, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] d = new float[w * h * c];
        for (int i = 0; i < d.length; i++) d[i] = (float) r.nextDouble();
        return new FloatImage(w, h, c, d);
    }

    @Test
    void pngRoundTripsAllChannelCountsAndDepths() throws IOException {
        for (int depth : new int[] {8, 16}) {
            float levels = depth == 8 ? 255 : 65535;
            for (int c = 1; c <= 4; c++) {
                FloatImage img = random(13, 7, c, 100 * depth + c);
                Path f = dir.resolve("rt" + depth + "_" + c + ".png");
                Images.writePng(f, img, depth);
                FloatImage back = Images.read(f);
                assertEquals(13, back.width());
                assertEquals(7, back.height());
                assertEquals(c, back.channels(), "channels, depth " + depth);
                for (int i = 0; i < img.data().length; i++) {
                    float expect = Math.round(img.data()[i] * levels) / levels;
                    assertEquals(expect, back.data()[i], 1e-6f, "depth " + depth + " c " + c + " i " + i);
                }
                // Written again, the same values come back exactly.
                Images.writePng(f, back, depth);
                assertArrayEquals(back.data(), Images.read(f).data());
                assertArrayEquals(new int[] {13, 7}, Images.readSize(f));
            }
        }
    }

    @Test
    void writingClampsAndRounds() throws IOException {
        FloatImage img = new FloatImage(5, 1, 1, new float[] {-1f, 2f, Float.NaN, 0.5f, 0.5f / 255f - 1e-4f});
        Path f = dir.resolve("clamp.png");
        Images.writePng(f, img);
        float[] d = Images.read(f).data();
        assertArrayEquals(new float[] {0, 1, 0, 128 / 255f, 0}, d, 1e-7f);
    }

    @Test
    void palettePngsBecomeRgbRgbaOrGrey() throws IOException {
        byte[] r = {(byte) 255, 0, 0, 10}, g = {0, (byte) 255, 0, 20}, b = {0, 0, (byte) 255, 30};
        byte[] a = {(byte) 255, (byte) 128, 0, (byte) 255};
        for (boolean alpha : new boolean[] {false, true}) {
            IndexColorModel icm = alpha ? new IndexColorModel(2, 4, r, g, b, a) : new IndexColorModel(2, 4, r, g, b);
            BufferedImage bi = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_BINARY, icm);
            for (int x = 0; x < 4; x++) bi.getRaster().setSample(x, 0, 0, x);
            Path f = dir.resolve("pal" + alpha + ".png");
            assertTrue(ImageIO.write(bi, "png", f.toFile()));
            FloatImage img = Images.read(f);
            assertEquals(alpha ? 4 : 3, img.channels());
            for (int x = 0; x < 4; x++) {
                assertEquals((r[x] & 0xff) / 255f, img.get(x, 0, 0), 1e-7f);
                assertEquals((g[x] & 0xff) / 255f, img.get(x, 0, 1), 1e-7f);
                assertEquals((b[x] & 0xff) / 255f, img.get(x, 0, 2), 1e-7f);
                if (alpha) assertEquals((a[x] & 0xff) / 255f, img.get(x, 0, 3), 1e-7f);
            }
        }
        // A 2-bit grey PNG: levels k / 3.
        byte[] ramp = {0, 85, (byte) 170, (byte) 255};
        BufferedImage bi = new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_BINARY, new IndexColorModel(2, 4, ramp, ramp, ramp));
        for (int x = 0; x < 4; x++) bi.getRaster().setSample(x, 1, 0, x);
        Path f = dir.resolve("grey2.png");
        assertTrue(ImageIO.write(bi, "png", f.toFile()));
        FloatImage img = Images.read(f);
        assertEquals(1, img.channels());
        for (int x = 0; x < 4; x++) {
            assertEquals(x / 3f, img.get(x, 1, 0), 1e-6f);
            assertEquals(0f, img.get(x, 0, 0));
        }
    }

    @Test
    void greyPngIsNotGammaConverted() throws IOException {
        BufferedImage bi = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
        bi.getRaster().setSample(0, 0, 0, 10);
        bi.getRaster().setSample(1, 0, 0, 128);
        bi.getRaster().setSample(2, 0, 0, 250);
        Path f = dir.resolve("grey.png");
        assertTrue(ImageIO.write(bi, "png", f.toFile()));
        assertArrayEquals(new float[] {10 / 255f, 128 / 255f, 250 / 255f}, Images.read(f).data(), 1e-7f);
    }

    @Test
    void jpegColourAndGrey() throws IOException {
        for (int c : new int[] {1, 3}) {
            FloatImage img = new FloatImage(32, 16, c);
            for (int y = 0; y < 16; y++) {
                for (int x = 0; x < 32; x++) {
                    for (int k = 0; k < c; k++) img.set(x, y, k, (x + 2 * y + 10 * k) / 80f);
                }
            }
            BufferedImage bi = Images.toBufferedImage(img);
            if (c == 3) { // the JPEG writer wants a standard type
                BufferedImage rgb = new BufferedImage(32, 16, BufferedImage.TYPE_INT_RGB);
                rgb.getGraphics().drawImage(bi, 0, 0, null);
                bi = rgb;
            }
            Path f = dir.resolve("j" + c + ".jpg");
            assertTrue(ImageIO.write(bi, "jpeg", f.toFile()));
            FloatImage back = Images.read(f);
            assertEquals(c, back.channels());
            assertArrayEquals(new int[] {32, 16}, Images.readSize(f));
            double err = 0;
            for (int i = 0; i < img.data().length; i++) err = Math.max(err, Math.abs(img.data()[i] - back.data()[i]));
            assertTrue(err < 0.06, "JPEG max error " + err);
        }
    }

    @Test
    void realRgbaRenderMatchesAnIndependentDecoder() throws IOException {
        Path f = SharedData.require("nvs/car/train/r_0.png");
        FloatImage img = Images.read(f);
        assertEquals(256, img.width());
        assertEquals(256, img.height());
        assertEquals(4, img.channels());
        // Sums of the 8-bit samples per channel and two pixels, from libpng (open3d).
        long[] expected = {1232325, 1062677, 884934, 2167009};
        long[] sums = new long[4];
        for (int i = 0; i < img.data().length; i++) sums[i % 4] += Math.round(img.data()[i] * 255);
        assertArrayEquals(expected, sums);
        assertEquals(184 / 255f, img.get(128, 128, 0), 1e-7f);
        assertEquals(156 / 255f, img.get(128, 128, 2), 1e-7f);
        assertEquals(0f, img.get(0, 0, 3));
    }

    static byte[] png(int w, int h) throws IOException {
        BufferedImage bi = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        java.io.ByteArrayOutputStream bos = new java.io.ByteArrayOutputStream();
        ImageIO.write(bi, "png", bos);
        return bos.toByteArray();
    }

    /** Sets the IHDR size and fixes its CRC, so that only the size is wrong. */
    static byte[] withIhdrSize(byte[] png, int w, int h) {
        byte[] b = png.clone();
        ByteBuffer bb = ByteBuffer.wrap(b);
        bb.putInt(16, w);
        bb.putInt(20, h);
        CRC32 crc = new CRC32();
        crc.update(b, 12, 17);
        bb.putInt(29, (int) crc.getValue());
        return b;
    }

    @Test
    void hugeHeadersAreRejectedBeforeDecoding() throws IOException {
        byte[] ok = png(8, 8);
        Path f = dir.resolve("huge.png");
        Files.write(f, withIhdrSize(ok, 100000, 100000));
        KfFormatException e = assertThrows(KfFormatException.class, () -> Images.read(f));
        assertTrue(e.getMessage().contains("huge.png") && e.getMessage().contains("100000x100000"), e.getMessage());
        assertThrows(KfFormatException.class, () -> Images.readSize(f));
        // Within the pixel limit, but far more pixels than the data could hold.
        Files.write(f, withIhdrSize(ok, 10000, 10000));
        e = assertThrows(KfFormatException.class, () -> Images.read(f));
        assertTrue(e.getMessage().contains("only"), e.getMessage());
    }

    @Test
    void corruptFilesGiveFormatErrorsNamingTheFile() throws IOException {
        byte[] good = Files.readAllBytes(writeSample());
        Path f = dir.resolve("bad.png");
        // empty
        Files.write(f, new byte[0]);
        assertNamed(f);
        // truncated at several places
        for (int cut : new int[] {4, 20, 40, good.length / 2, good.length - 5}) {
            Files.write(f, Arrays.copyOf(good, cut));
            assertNamed(f);
        }
        // a flipped bit inside the image data (CRC mismatch)
        byte[] flip = good.clone();
        flip[good.length / 2] ^= 0x10;
        Files.write(f, flip);
        assertNamed(f);
        // not an image at all
        Files.writeString(f, "hello, this is not an image");
        assertNamed(f);
        // missing
        assertNamed(dir.resolve("missing.png"));
        // truncated JPEG
        BufferedImage bi = Images.toBufferedImage(random(64, 64, 1, 3));
        Path j = dir.resolve("t.jpg");
        assertTrue(ImageIO.write(bi, "jpeg", j.toFile()));
        byte[] jb = Files.readAllBytes(j);
        Files.write(j, Arrays.copyOf(jb, jb.length * 2 / 3));
        assertNamed(j);
        Files.write(j, Arrays.copyOf(jb, 30));
        assertNamed(j);
    }

    private Path writeSample() throws IOException {
        Path f = dir.resolve("sample.png");
        Images.writePng(f, random(40, 30, 3, 7));
        return f;
    }

    private static void assertNamed(Path f) {
        KfFormatException e = assertThrows(KfFormatException.class, () -> Images.read(f));
        assertTrue(e.getMessage().contains(f.getFileName().toString()), e.getMessage());
        assertEquals(f, e.file());
    }
}
