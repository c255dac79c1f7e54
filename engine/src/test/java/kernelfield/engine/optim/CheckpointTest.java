package kernelfield.engine.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import kernelfield.engine.io.KfFormatException;

class CheckpointTest {
    @TempDir
    Path dir;

    private static ParamSet model(int n) {
        ParamBlock means = new ParamBlock("means", n, 3, "means", true);
        ParamBlock count = new ParamBlock("denom", n, 1, "none", false);
        SeededRandom r = new SeededRandom(n);
        for (int i = 0; i < 3 * n; i++) {
            means.value()[i] = (float) r.nextGaussian();
            means.m()[i] = r.nextFloat();
            means.v()[i] = r.nextFloat() * 1e-3f;
            means.grad()[i] = 9;
        }
        for (int i = 0; i < n; i++) count.value()[i] = i;
        means.setAdamSteps(123);
        return ParamSet.of(means, count);
    }

    @Test
    void roundTripsEverything() throws IOException {
        ParamSet a = model(20_000); // larger than the IO buffers
        Path f = dir.resolve("run.kfckpt");
        long[] rng = new SeededRandom(9).state();
        Checkpoint.write(f, 777, 12.5, rng, a, Map.of("strategy.0", new byte[] {1, 2, 3}));
        Checkpoint c = Checkpoint.read(f);
        assertEquals(777, c.step());
        assertEquals(12.5, c.elapsedSeconds());
        assertArrayEquals(rng, c.rngState());
        assertEquals(java.util.List.of("means", "denom"), c.blockNames());
        assertArrayEquals(new byte[] {1, 2, 3}, c.extras().get("strategy.0"));
        ParamSet b = model(5); // other row count: restore replaces it
        c.restoreInto(b);
        for (String name : new String[] {"means", "denom"}) {
            ParamBlock x = a.get(name), y = b.get(name);
            assertEquals(x.rows(), y.rows());
            assertArrayEquals(x.value(), y.value());
            assertArrayEquals(x.m(), y.m());
            assertArrayEquals(x.v(), y.v());
            assertEquals(x.adamSteps(), y.adamSteps());
        }
        assertArrayEquals(new float[3 * 20_000], b.get("means").grad(), "gradients are not stored");
        assertTrue(Files.list(dir).allMatch(p -> p.equals(f)), "no temporary file is left");
    }

    @Test
    void rejectsDamagedFilesWithClearMessages() throws IOException {
        Path f = dir.resolve("ok.kfckpt");
        Checkpoint.write(f, 5, 1, new SeededRandom(1).state(), model(50), Map.of());
        byte[] good = Files.readAllBytes(f);

        Path truncated = dir.resolve("truncated.kfckpt");
        Files.write(truncated, Arrays.copyOf(good, good.length - 100));
        KfFormatException e = assertThrows(KfFormatException.class, () -> Checkpoint.read(truncated));
        assertTrue(e.getMessage().startsWith(truncated.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("byte"), e.getMessage());

        Path flipped = dir.resolve("flipped.kfckpt");
        byte[] bad = good.clone();
        bad[good.length / 2] ^= 0x10;
        Files.write(flipped, bad);
        e = assertThrows(KfFormatException.class, () -> Checkpoint.read(flipped));
        assertTrue(e.getMessage().contains("CRC"), e.getMessage());

        Path hugeCount = dir.resolve("huge.kfckpt");
        bad = good.clone();
        // block 0 rows field: magic 8 + version 4 + step 8 + elapsed 8 + rng 32 + count 4, then name and group.
        int rowsAt = 64 + 4 + "means".length() + 4 + "means".length() + 1;
        bad[rowsAt + 3] = 0x7f; // rows ~ 2^31: must be refused before allocating
        Files.write(hugeCount, bad);
        e = assertThrows(KfFormatException.class, () -> Checkpoint.read(hugeCount));
        assertTrue(e.getMessage().contains("block 0 (means)"), e.getMessage());

        Path bigRows = dir.resolve("bigrows.kfckpt");
        bad = good.clone();
        bad[rowsAt + 2] = 0x10; // rows ~ 2^20: a valid shape, but its data would overrun the file
        Files.write(bigRows, bad);
        e = assertThrows(KfFormatException.class, () -> Checkpoint.read(bigRows));
        assertTrue(e.getMessage().contains("block 0 (means) data") && e.getMessage().contains("left"), e.getMessage());

        Path notCkpt = dir.resolve("text.kfckpt");
        Files.writeString(notCkpt, "ply\nformat ascii 1.0\n");
        e = assertThrows(KfFormatException.class, () -> Checkpoint.read(notCkpt));
        assertTrue(e.getMessage().contains("not a Kernelfield checkpoint"), e.getMessage());

        Path empty = dir.resolve("empty.kfckpt");
        Files.write(empty, new byte[0]);
        assertThrows(KfFormatException.class, () -> Checkpoint.read(empty));
    }

    @Test
    void refusesACheckpointOfAnotherModel() throws IOException {
        Path f = dir.resolve("m.kfckpt");
        Checkpoint.write(f, 5, 1, new SeededRandom(1).state(), model(4), Map.of());
        Checkpoint c = Checkpoint.read(f);
        ParamSet other = ParamSet.of(new ParamBlock("means", 4, 4, "means", true), new ParamBlock("denom", 4, 1, "none", false));
        KfFormatException e = assertThrows(KfFormatException.class, () -> c.restoreInto(other));
        assertTrue(e.getMessage().contains("means"), e.getMessage());
        ParamSet fewer = ParamSet.of(new ParamBlock("means", 4, 3, "means", true));
        e = assertThrows(KfFormatException.class, () -> c.restoreInto(fewer));
        assertTrue(e.getMessage().contains("denom"), e.getMessage());
    }
}
