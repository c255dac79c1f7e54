package kernelfield.engine.io;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import kernelfield.engine.data.CameraDataset;
import kernelfield.engine.data.FloatImage;

/**
 * Valid files mutated (truncations, bit flips, byte and count edits; fixed seeds): each
 * mutant must either be read or be rejected with a {@link KfFormatException}, quickly.
 */
class CameraFormatMutationTest {
    private static final int MUTANTS = 32;
    private static final Duration LIMIT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @FunctionalInterface
    interface Reader {
        void read(Path dir) throws IOException;
    }

    /** Counts of outcomes, to check that the mutations do reach the error paths. */
    private int accepted, rejected;

    private void check(String what, Path work, Reader reader) {
        try {
            assertTimeoutPreemptively(LIMIT, () -> {
                try {
                    reader.read(work);
                    accepted++;
                } catch (KfFormatException e) {
                    assertTrue(e.getMessage() != null && e.file() != null, what + ": message and file: " + e);
                    rejected++;
                }
            }, what);
        } catch (AssertionError e) {
            throw e;
        } catch (Throwable t) {
            fail(what + ": " + t, t);
        }
    }

    private static byte[] mutateBytes(byte[] orig, SplittableRandom r, int kind, StringBuilder what) {
        byte[] b = orig.clone();
        switch (kind) {
            case 0 -> {
                int cut = r.nextInt(orig.length);
                what.append("truncated to ").append(cut);
                return Arrays.copyOf(orig, cut);
            }
            case 1 -> {
                int flips = 1 + r.nextInt(3);
                for (int k = 0; k < flips; k++) {
                    int pos = r.nextInt(b.length), bit = r.nextInt(8);
                    b[pos] ^= (byte) (1 << bit);
                    what.append("bit ").append(bit).append(" of byte ").append(pos).append("; ");
                }
            }
            default -> {
                int pos = r.nextInt(b.length);
                b[pos] = (byte) r.nextInt(256);
                what.append("byte ").append(pos).append(" set to ").append(b[pos] & 0xff);
            }
        }
        return b;
    }

    private static final long[] COUNTS = {0, 1, 2, 3, 255, 1L << 31, 1L << 32, 1_000_000_000_000L, Long.MAX_VALUE, -1L};

    /** A u64 count at the start, or at a random 8-byte-aligned place, set to an interesting value. */
    private static byte[] editCount(byte[] orig, SplittableRandom r, StringBuilder what) {
        byte[] b = orig.clone();
        if (b.length < 8) return b;
        int pos = r.nextBoolean() ? 0 : r.nextInt(b.length - 7);
        long v = COUNTS[r.nextInt(COUNTS.length)];
        if (r.nextInt(4) == 0) {
            v = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(pos) + (r.nextBoolean() ? 1 : -1);
        }
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(pos, v);
        what.append("u64 at ").append(pos).append(" set to ").append(Long.toUnsignedString(v));
        return b;
    }

    /** Text edits: a digit changed, a line dropped or repeated, a token replaced. */
    private static byte[] editText(byte[] orig, SplittableRandom r, StringBuilder what) {
        String s = new String(orig, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(Arrays.asList(s.split("\n", -1)));
        int li = r.nextInt(lines.size());
        switch (r.nextInt(4)) {
            case 0 -> {
                what.append("line ").append(li + 1).append(" dropped");
                lines.remove(li);
            }
            case 1 -> {
                what.append("line ").append(li + 1).append(" repeated");
                lines.add(li, lines.get(li));
            }
            case 2 -> {
                char[] c = lines.get(li).toCharArray();
                for (int k = 0; k < c.length; k++) {
                    int at = (k + r.nextInt(Math.max(1, c.length))) % c.length;
                    if (Character.isDigit(c[at])) {
                        c[at] = (char) ('0' + r.nextInt(10));
                        break;
                    }
                }
                what.append("a digit of line ").append(li + 1).append(" changed");
                lines.set(li, new String(c));
            }
            default -> {
                String[] tok = lines.get(li).split(" ");
                String[] repl = {"", "nan", "-1", "1e400", "x", "99999999999999999999", "0", "-0.5"};
                if (tok.length > 0) tok[r.nextInt(tok.length)] = repl[r.nextInt(repl.length)];
                what.append("a token of line ").append(li + 1).append(" replaced");
                lines.set(li, String.join(" ", tok));
            }
        }
        return String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
    }

    private void mutateFolder(Path orig, String file, Reader reader, long seed, boolean binary, boolean text) throws IOException {
        byte[] bytes = Files.readAllBytes(orig.resolve(file));
        SplittableRandom r = new SplittableRandom(seed);
        Path work = dir.resolve("m" + seed);
        Files.createDirectories(work);
        try (var s = Files.list(orig)) {
            for (Path p : s.toList()) if (Files.isRegularFile(p)) Files.copy(p, work.resolve(p.getFileName()));
        }
        for (int i = 0; i < MUTANTS; i++) {
            StringBuilder what = new StringBuilder(file + ", mutant " + i + ": ");
            int kind = i % 4;
            byte[] m;
            if (kind == 3 && binary) {
                m = editCount(bytes, r, what);
            } else if (kind == 3 && text) {
                m = editText(bytes, r, what);
            } else {
                m = mutateBytes(bytes, r, kind, what);
            }
            Files.write(work.resolve(file), m);
            check(what.toString(), work, reader);
        }
    }

    private static void readColmap(Path d) throws IOException {
        ColmapModel m = ColmapModel.read(d);
        CameraDataset ds = m.toCameraDataset(d, d.resolve("images"), false);
        ds.viewCount();
    }

    @Test
    void colmapBinary() throws IOException {
        Path orig = dir.resolve("orig");
        ColmapFixtures.model(8, 20, 11).writeBinary(orig);
        long seed = 100;
        for (String f : new String[] {"cameras.bin", "images.bin", "points3D.bin"}) {
            mutateFolder(orig, f, CameraFormatMutationTest::readColmap, seed++, true, false);
        }
        assertTrue(rejected >= 30 && accepted >= 5, "accepted " + accepted + ", rejected " + rejected);
    }

    @Test
    void colmapText() throws IOException {
        Path orig = dir.resolve("orig");
        ColmapFixtures.model(8, 20, 12).writeText(orig);
        long seed = 200;
        for (String f : new String[] {"cameras.txt", "images.txt", "points3D.txt"}) {
            mutateFolder(orig, f, d -> {
                ColmapModel m = ColmapModel.readText(d);
                m.toCameraDataset(d, d.resolve("images"), false);
            }, seed++, false, true);
        }
        assertTrue(rejected >= 30 && accepted >= 5, "accepted " + accepted + ", rejected " + rejected);
    }

    @Test
    void transformsJson() throws IOException {
        Path orig = dir.resolve("orig");
        List<CameraDataset.View> views = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 4; i++) {
            Path img = orig.resolve("v" + i + ".png");
            Images.writePng(img, new FloatImage(8, 6, 3));
            double[] rot = ColmapModel.quaternionToRotation(new double[] {r.nextDouble(), r.nextDouble(), 0.1, 0.2});
            views.add(new CameraDataset.View(kernelfield.engine.data.Camera.pinhole("v" + i, 8, 6, 7, 7, 4, 3, rot,
                    new double[] {0, 0, 4}), img));
        }
        TransformsJson.write(orig.resolve("transforms.json"), views);
        mutateFolder(orig, "transforms.json", d -> TransformsJson.read(d.resolve("transforms.json"), false), 300, false, true);
        // a sparser file: no w/h, so the size comes from the first image
        String text = Files.readString(orig.resolve("transforms.json")).replaceAll("\"[wh]\" : \\d+,", "");
        Files.writeString(orig.resolve("transforms.json"), text);
        mutateFolder(orig, "transforms.json", d -> CameraDatasets.open(d), 301, false, true);
        // and a mutated first image
        mutateFolder(orig, "v0.png", d -> TransformsJson.read(d.resolve("transforms.json"), false), 302, false, false);
        assertTrue(rejected >= 30 && accepted >= 5, "accepted " + accepted + ", rejected " + rejected);
    }

    @Test
    void png() throws IOException {
        Path orig = dir.resolve("orig");
        for (int c = 1; c <= 4; c++) {
            SplittableRandom r = new SplittableRandom(c);
            FloatImage img = new FloatImage(24, 16, c);
            for (int i = 0; i < img.data().length; i++) img.data()[i] = (float) r.nextDouble();
            Images.writePng(orig.resolve("i.png"), img, c % 2 == 0 ? 16 : 8);
            mutateFolder(orig, "i.png", d -> Images.read(d.resolve("i.png")), 400 + c, false, false);
            Files.delete(orig.resolve("i.png"));
        }
        // Mutations with the chunk CRCs fixed, so that the decoder itself meets the damage.
        Path p = orig.resolve("j.png");
        Images.writePng(p, new FloatImage(24, 16, 3));
        byte[] good = Files.readAllBytes(p);
        SplittableRandom r = new SplittableRandom(9);
        for (int i = 0; i < 2 * MUTANTS; i++) {
            byte[] b = good.clone();
            StringBuilder what = new StringBuilder("j.png, CRC-fixed mutant " + i + ": ");
            if (i % 3 == 0) {
                ByteBuffer.wrap(b).putInt(16 + 4 * r.nextInt(2), 1 + r.nextInt(i % 2 == 0 ? 100 : 100000));
                what.append("IHDR size edited");
            } else {
                int pos = 8 + r.nextInt(b.length - 8);
                b[pos] ^= (byte) (1 << r.nextInt(8));
                what.append("bit flipped in byte ").append(pos);
            }
            fixCrcs(b);
            Path w = dir.resolve("crc");
            Files.createDirectories(w);
            Files.write(w.resolve("j.png"), b);
            check(what.toString(), w, d -> Images.read(d.resolve("j.png")));
        }
        assertTrue(rejected >= 30 && accepted >= 5, "accepted " + accepted + ", rejected " + rejected);
    }

    /** Recomputes the CRC of every chunk whose length still fits. */
    private static void fixCrcs(byte[] b) {
        ByteBuffer bb = ByteBuffer.wrap(b);
        int pos = 8;
        CRC32 crc = new CRC32();
        while (pos + 12 <= b.length) {
            long len = bb.getInt(pos) & 0xffffffffL;
            if (len > b.length - pos - 12) break;
            crc.reset();
            crc.update(b, pos + 4, (int) len + 4);
            bb.putInt(pos + 8 + (int) len, (int) crc.getValue());
            pos += 12 + (int) len;
        }
    }
}
