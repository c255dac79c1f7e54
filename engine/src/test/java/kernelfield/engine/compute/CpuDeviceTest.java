package kernelfield.engine.compute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class CpuDeviceTest {
    private static final int[] THREADS = {1, 2, 3, 7};

    @Test
    void parallelForVisitsEveryIndexOnceWithFixedChunks() {
        for (int t : THREADS) {
            try (CpuDevice dev = CpuDevice.withThreads(t)) {
                for (int n : new int[] {0, 1, 5, 64, 1000, 1001}) {
                    AtomicIntegerArray hits = new AtomicIntegerArray(n);
                    int grain = 64;
                    dev.parallelFor(n, grain, (c, s, e) -> {
                        assertEquals(c * grain, s);
                        assertEquals(Math.min(n, (c + 1) * grain), e);
                        for (int i = s; i < e; i++) hits.incrementAndGet(i);
                    });
                    for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "index " + i + " threads " + t);
                }
            }
        }
    }

    @Test
    void sumIsBitIdenticalForAnyThreadCount() {
        double[] x = new double[100_003];
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < x.length; i++) x[i] = rnd.nextDouble(-1, 1) * Math.pow(10, rnd.nextInt(-8, 8));
        Double ref = null;
        for (int t : THREADS) {
            try (CpuDevice dev = CpuDevice.withThreads(t)) {
                double s = dev.sum(x.length, 1000, (a, b) -> {
                    double acc = 0;
                    for (int i = a; i < b; i++) acc += x[i];
                    return acc;
                });
                if (ref == null) ref = s;
                assertEquals(Double.doubleToRawLongBits(ref), Double.doubleToRawLongBits(s), "threads " + t);
            }
        }
        // The chunked sum is indeed a (re-associated) sum of x.
        double plain = 0;
        for (double v : x) plain += v;
        assertEquals(plain, ref, 1e-6 * Math.abs(plain) + 1e-9);
    }

    @Test
    void slottedScatterAndReductionAreBitIdenticalForAnyThreadCount() {
        int n = 50_000;
        int targets = 97;
        int[] where = new int[n];
        float[] what = new float[n];
        SplittableRandom rnd = new SplittableRandom(2);
        for (int i = 0; i < n; i++) {
            where[i] = rnd.nextInt(targets);
            what[i] = (float) (rnd.nextDouble(-1, 1) * Math.pow(10, rnd.nextInt(-4, 4)));
        }
        float[] ref = null;
        for (int t : THREADS) {
            try (CpuDevice dev = CpuDevice.withThreads(t)) {
                GradientBuffers buf = new GradientBuffers(16, targets);
                buf.zero(dev);
                dev.parallelForSlots(n, 256, buf.slots(), (slot, s, e) -> {
                    float[] b = buf.buffer(slot);
                    for (int i = s; i < e; i++) b[where[i]] += what[i];
                });
                float[] grad = new float[targets];
                grad[3] = 1.5f;
                buf.reduceInto(grad, dev);
                if (ref == null) ref = grad;
                for (int k = 0; k < targets; k++) {
                    assertEquals(Float.floatToRawIntBits(ref[k]), Float.floatToRawIntBits(grad[k]), "target " + k + ", threads " + t);
                }
            }
        }
        double[] exact = new double[targets];
        exact[3] = 1.5;
        for (int i = 0; i < n; i++) exact[where[i]] += what[i];
        for (int k = 0; k < targets; k++) assertEquals(exact[k], ref[k], 1e-3 * (1 + Math.abs(exact[k])));
    }

    @Test
    void slotsCoverTheRangeInOrder() {
        try (CpuDevice dev = CpuDevice.withThreads(3)) {
            int n = 1000;
            int[][] ranges = new int[5][];
            dev.parallelForSlots(n, 64, 5, (slot, s, e) -> ranges[slot] = new int[] {s, e});
            assertEquals(0, ranges[0][0]);
            for (int s = 1; s < 5; s++) assertEquals(ranges[s - 1][1], ranges[s][0]);
            assertEquals(n, ranges[4][1]);
            // More slots than chunks: some slots are empty, the cover is still exact.
            int[] covered = new int[1];
            dev.parallelForSlots(10, 4, 8, (slot, s, e) -> {
                synchronized (covered) {
                    covered[0] += e - s;
                }
            });
            assertEquals(10, covered[0]);
        }
    }

    @Test
    void exceptionsPropagateAndNestedLoopsWork() {
        try (CpuDevice dev = CpuDevice.withThreads(3)) {
            RuntimeException ex = assertThrows(IllegalStateException.class,
                    () -> dev.parallelFor(100, 1, (c, s, e) -> {
                        if (c == 42) throw new IllegalStateException("chunk 42");
                    }));
            assertTrue(ex.getMessage().contains("chunk 42"));
            double[] out = new double[8];
            dev.parallelFor(8, 1, (c, s, e) -> out[c] = dev.sum(1000, 10, (a, b) -> b - a));
            for (double v : out) assertEquals(1000, v);
        }
        assertThrows(IllegalArgumentException.class, () -> CpuDevice.withThreads(0));
        assertThrows(IllegalArgumentException.class, () -> CpuDevice.shared().parallelFor(10, 0, (c, s, e) -> { }));
        assertThrows(IllegalArgumentException.class, () -> CpuDevice.shared().parallelFor(-1, 1, (c, s, e) -> { }));
    }

    @Test
    void sharedDeviceUsesAllCores() {
        assertEquals(Runtime.getRuntime().availableProcessors(), CpuDevice.shared().threads());
        CpuDevice.shared().close(); // does nothing
        assertEquals(10, CpuDevice.shared().sum(10, 3, (a, b) -> b - a));
    }

    @Test
    void cudaProbeSaysNoCleanlyWhereThereIsNoGpu() {
        boolean a = Cuda.available(); // must not throw
        String status = Cuda.status();
        assertNotNull(status);
        assertFalse(status.contains("\n"), status);
        assertEquals(a, Cuda.available()); // cached
        if (!a) {
            assertTrue(status.startsWith("no CUDA: "), status);
            assertEquals(0, Cuda.deviceCount());
        } else {
            assertTrue(Cuda.deviceCount() > 0);
        }
        System.out.println(status);
    }
}
