package kernelfield.engine.io.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class LzfTest {
    static void roundTrip(byte[] in) throws Lzf.CorruptException {
        byte[] z = Lzf.compress(in, in.length);
        assertTrue(z.length <= Lzf.maxCompressedSize(in.length));
        byte[] out = new byte[in.length];
        Lzf.decompress(z, 0, z.length, out, out.length);
        assertArrayEquals(in, out);
    }

    @Test
    void roundTrips() throws Lzf.CorruptException {
        Random rnd = new Random(1);
        roundTrip(new byte[0]);
        roundTrip(new byte[] {1});
        roundTrip(new byte[] {1, 2});
        roundTrip(new byte[100_000]); // long runs: overlapping copies
        for (int t = 0; t < 50; t++) {
            byte[] b = new byte[rnd.nextInt(40_000)];
            int alphabet = 1 + rnd.nextInt(256);
            for (int i = 0; i < b.length; i++) b[i] = (byte) rnd.nextInt(alphabet);
            // repeated phrases at varied distances
            for (int i = 100; i + 300 < b.length; i += 1 + rnd.nextInt(500)) System.arraycopy(b, i - 1 - rnd.nextInt(Math.min(i, 9000)), b, i, rnd.nextInt(300));
            roundTrip(b);
        }
    }

    @Test
    void compressesRepetitiveData() {
        byte[] b = new byte[64_000];
        for (int i = 0; i < b.length; i++) b[i] = (byte) (i % 7);
        assertTrue(Lzf.compress(b, b.length).length < b.length / 20);
    }

    @Test
    void decodesAHandWrittenStream() throws Lzf.CorruptException {
        // literal "ab" (ctrl 1), then a back reference of length 4 at distance 2: "abab" -> "ababab"
        byte[] z = {1, 'a', 'b', (byte) (2 << 5), 1};
        byte[] out = new byte[6];
        Lzf.decompress(z, 0, z.length, out, 6);
        assertArrayEquals("ababab".getBytes(), out);
    }

    @Test
    void rejectsCorruptStreams() {
        byte[] out = new byte[8];
        assertThrows(Lzf.CorruptException.class, () -> Lzf.decompress(new byte[] {5, 1, 2}, 0, 3, out, 8)); // literal past input
        assertThrows(Lzf.CorruptException.class, () -> Lzf.decompress(new byte[] {0, 1, 0x20, 5}, 0, 4, out, 8)); // ref before start
        assertThrows(Lzf.CorruptException.class, () -> Lzf.decompress(new byte[] {0, 1, (byte) 0xe0}, 0, 3, out, 8)); // cut off
        assertThrows(Lzf.CorruptException.class, () -> Lzf.decompress(new byte[] {0, 1}, 0, 2, out, 8)); // too short output
        assertThrows(Lzf.CorruptException.class, () -> Lzf.decompress(new byte[] {0, 1, (byte) 0xe0, 10, 0}, 0, 5, out, 8)); // overflow
    }
}
