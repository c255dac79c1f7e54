package kernelfield.engine.compute;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The CPU compute device: a fork-join pool with a chosen number of threads, and loops over
 * <em>fixed chunks</em>.
 *
 * <p>Determinism contract: {@link #parallelFor} cuts {@code [0, n)} into chunks
 * {@code [k * grain, min(n, (k + 1) * grain))} that depend only on {@code n} and {@code grain},
 * never on the thread count. Work that writes per-chunk (or per-slot) partial results and reduces
 * them in chunk order ({@link #sum}, {@link GradientBuffers}) is therefore bit-identical for any
 * thread count, 1 included. Which thread runs a chunk is not defined.
 *
 * <p>A device is thread-safe. {@link #shared()} lives as long as the JVM; a device from
 * {@link #withThreads} owns its pool and should be {@link #close() closed}.
 */
public final class CpuDevice implements AutoCloseable {
    private static final class Holder {
        static final CpuDevice SHARED = new CpuDevice(Runtime.getRuntime().availableProcessors(), true);
    }

    private final int threads;
    private final ForkJoinPool pool;
    private final boolean shared;

    private CpuDevice(int threads, boolean shared) {
        this.threads = threads;
        this.shared = shared;
        // With one thread everything runs inline on the caller: no pool.
        this.pool = threads > 1 ? new ForkJoinPool(threads, DaemonFactory.INSTANCE, null, false) : null;
    }

    /** The device using all cores, created on first use; {@link #close()} on it does nothing. */
    public static CpuDevice shared() {
        return Holder.SHARED;
    }

    /**
     * A new device with its own pool of {@code threads} daemon threads ({@code threads == 1} runs
     * every loop on the calling thread).
     *
     * @throws IllegalArgumentException if {@code threads < 1}
     */
    public static CpuDevice withThreads(int threads) {
        if (threads < 1) throw new IllegalArgumentException("thread count must be >= 1, got " + threads);
        return new CpuDevice(threads, false);
    }

    /** Number of threads of this device. */
    public int threads() {
        return threads;
    }

    /** Number of chunks {@code ceil(n / grain)} that {@link #parallelFor} cuts {@code [0, n)} into. */
    public static int chunkCount(int n, int grain) {
        checkRange(n, grain);
        return (int) (((long) n + grain - 1) / grain);
    }

    /** Body of a chunked loop: handles indices {@code [start, end)} of chunk number {@code chunk}. */
    @FunctionalInterface
    public interface ChunkBody {
        void run(int chunk, int start, int end);
    }

    /** Body of a chunked reduction: returns the partial result of indices {@code [start, end)}. */
    @FunctionalInterface
    public interface ChunkSum {
        double apply(int start, int end);
    }

    /** Body of a slotted loop, see {@link #parallelForSlots}. */
    @FunctionalInterface
    public interface SlotBody {
        void run(int slot, int start, int end);
    }

    /**
     * Runs {@code body} over the fixed chunks of {@code [0, n)} of size {@code grain} (the last one
     * may be shorter), in parallel, and returns when all are done. Chunks may run in any order and
     * on any thread; the first exception thrown by a body is rethrown here. Allocates a few small
     * task objects per call when more than one thread is used; nothing otherwise.
     *
     * @throws IllegalArgumentException if {@code n < 0} or {@code grain < 1}
     */
    public void parallelFor(int n, int grain, ChunkBody body) {
        int chunks = chunkCount(n, grain);
        if (chunks == 0) return;
        int workers = Math.min(threads, chunks);
        if (workers <= 1) {
            for (int c = 0; c < chunks; c++) {
                int s = c * grain;
                body.run(c, s, (int) Math.min(n, (long) s + grain));
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        ChunkWorker[] tasks = new ChunkWorker[workers];
        for (int i = 0; i < workers; i++) tasks[i] = new ChunkWorker(next, chunks, n, grain, body);
        if (ForkJoinTask.getPool() == pool) {
            ForkJoinTask.invokeAll(tasks);
        } else {
            pool.invoke(new RecursiveAction() {
                @Override
                protected void compute() {
                    ForkJoinTask.invokeAll(tasks);
                }
            });
        }
    }

    /**
     * Deterministic sum: {@code f} gives one partial per fixed chunk (as in {@link #parallelFor}),
     * and the partials are added in chunk order, so the result is bit-identical for any thread
     * count. Allocates one {@code double[chunkCount(n, grain)]}.
     */
    public double sum(int n, int grain, ChunkSum f) {
        int chunks = chunkCount(n, grain);
        if (chunks == 0) return 0.0;
        if (chunks == 1) return f.apply(0, n);
        double[] partial = new double[chunks];
        parallelFor(n, grain, (c, s, e) -> partial[c] = f.apply(s, e));
        double total = 0.0;
        for (double p : partial) total += p;
        return total;
    }

    /**
     * Runs {@code body} over {@code slots} fixed, contiguous groups of the chunks of
     * {@code [0, n)}: slot {@code s} gets the index range made of chunks
     * {@code [s * chunks / slots, (s + 1) * chunks / slots)} and handles it in one call on one
     * thread. Meant for scatter work (gradients) where each slot accumulates into its own buffer
     * (see {@link GradientBuffers}): since slot ranges depend only on {@code n}, {@code grain} and
     * {@code slots}, the buffers and their ordered reduction are bit-identical for any thread
     * count. Slots with an empty range are called with {@code start == end}.
     *
     * @throws IllegalArgumentException if {@code slots < 1}, {@code n < 0} or {@code grain < 1}
     */
    public void parallelForSlots(int n, int grain, int slots, SlotBody body) {
        if (slots < 1) throw new IllegalArgumentException("slot count must be >= 1, got " + slots);
        int chunks = chunkCount(n, grain);
        parallelFor(slots, 1, (s, unused, unused2) -> {
            long c0 = (long) s * chunks / slots;
            long c1 = (long) (s + 1) * chunks / slots;
            int start = (int) Math.min(n, c0 * grain);
            int end = (int) Math.min(n, c1 * grain);
            body.run(s, start, end);
        });
    }

    /** Shuts down the pool of a device made by {@link #withThreads}; does nothing on {@link #shared()}. */
    @Override
    public void close() {
        if (!shared && pool != null) pool.shutdown();
    }

    @Override
    public String toString() {
        return "CpuDevice[" + threads + " threads" + (shared ? ", shared" : "") + "]";
    }

    private static void checkRange(int n, int grain) {
        if (n < 0) throw new IllegalArgumentException("loop length must be >= 0, got " + n);
        if (grain < 1) throw new IllegalArgumentException("grain must be >= 1, got " + grain);
    }

    private static final class ChunkWorker extends RecursiveAction {
        private final AtomicInteger next;
        private final int chunks;
        private final int n;
        private final int grain;
        private final ChunkBody body;

        ChunkWorker(AtomicInteger next, int chunks, int n, int grain, ChunkBody body) {
            this.next = next;
            this.chunks = chunks;
            this.n = n;
            this.grain = grain;
            this.body = body;
        }

        @Override
        protected void compute() {
            int c;
            while ((c = next.getAndIncrement()) < chunks) {
                int s = c * grain;
                body.run(c, s, (int) Math.min(n, (long) s + grain));
            }
        }
    }

    private static final class DaemonFactory implements ForkJoinPool.ForkJoinWorkerThreadFactory {
        static final DaemonFactory INSTANCE = new DaemonFactory();
        private static final AtomicInteger COUNT = new AtomicInteger();

        @Override
        public java.util.concurrent.ForkJoinWorkerThread newThread(ForkJoinPool pool) {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            t.setDaemon(true);
            t.setName("kf-cpu-" + COUNT.incrementAndGet());
            return t;
        }
    }
}
