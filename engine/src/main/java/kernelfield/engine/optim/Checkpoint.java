package kernelfield.engine.optim;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import kernelfield.engine.io.AtomicFiles;
import kernelfield.engine.io.KfFormatException;
import kernelfield.engine.optim.internal.LeInput;
import kernelfield.engine.io.internal.LeOutput;

/**
 * A training checkpoint: every parameter block with its Adam moments and step count, the training
 * step, the elapsed training time, the random generator's state and named opaque extras (the state
 * of {@link Checkpointable} strategies and objectives). Learning-rate schedules are pure functions
 * of the step, so the step is their position. Gradients are not stored (they are zeroed at the
 * start of every step).
 *
 * <h2>File format, version 1</h2>
 * All numbers little-endian; strings are an int32 byte length then UTF-8 bytes.
 * <pre>
 * bytes[8]   magic "KFCKPT\r\n"
 * int32      version (1)
 * int64      step: the next step to run
 * float64    elapsed training seconds before this checkpoint
 * int64[4]   random generator state (xoshiro256**)
 * int32      block count B
 * B times:
 *   string   name
 *   string   learning-rate group
 *   uint8    1 if differentiable, 0 if not
 *   int32    rows R, int32 cols C
 *   int64    Adam step count
 *   float32[R*C] value
 *   float32[R*C] m, float32[R*C] v   (only when differentiable)
 * int32      extra count E
 * E times:   string key, int32 length L, bytes[L]
 * int32      CRC-32 of every byte before it
 * </pre>
 * Files are written atomically ({@link AtomicFiles}). Reading checks every count against the
 * bytes left before allocating, and the CRC at the end.
 */
public final class Checkpoint {
    /** Format version written by this class. */
    public static final int VERSION = 1;
    private static final byte[] MAGIC = "KFCKPT\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_NAME = 4096;

    private final long step;
    private final double elapsedSeconds;
    private final long[] rngState;
    private final List<BlockState> blocks;
    private final Map<String, byte[]> extras;
    private final Path source;

    private record BlockState(String name, String lrGroup, boolean differentiable, int rows, int cols,
            long adamSteps, float[] value, float[] m, float[] v) {
    }

    private Checkpoint(long step, double elapsedSeconds, long[] rngState, List<BlockState> blocks,
            Map<String, byte[]> extras, Path source) {
        this.source = source;
        this.step = step;
        this.elapsedSeconds = elapsedSeconds;
        this.rngState = rngState;
        this.blocks = blocks;
        this.extras = extras;
    }

    /** The file this checkpoint was read from. */
    public Path source() {
        return source;
    }

    /** The next step to run. */
    public long step() {
        return step;
    }

    /** Training seconds elapsed before the checkpoint. */
    public double elapsedSeconds() {
        return elapsedSeconds;
    }

    /** Random generator state, four longs; a copy. */
    public long[] rngState() {
        return rngState.clone();
    }

    /** Names of the stored blocks, in file order. */
    public List<String> blockNames() {
        List<String> names = new ArrayList<>();
        for (BlockState b : blocks) names.add(b.name);
        return names;
    }

    /** The named extras; unmodifiable (the arrays are not copied). */
    public Map<String, byte[]> extras() {
        return Collections.unmodifiableMap(extras);
    }

    /**
     * Writes a checkpoint atomically. Reads the blocks; modifies nothing.
     *
     * @param rngState four longs ({@link SeededRandom#state()})
     * @param extras   named opaque states, may be empty
     */
    public static void write(Path file, long step, double elapsedSeconds, long[] rngState, ParamSet params,
            Map<String, byte[]> extras) throws IOException {
        if (rngState.length != 4) throw new IllegalArgumentException("random state needs 4 longs, got " + rngState.length);
        AtomicFiles.write(file, os -> {
            LeOutput out = new LeOutput(os);
            out.bytes(MAGIC);
            out.i32(VERSION);
            out.i64(step);
            out.f64(elapsedSeconds);
            for (long s : rngState) out.i64(s);
            List<ParamBlock> list = params.blocks();
            out.i32(list.size());
            for (ParamBlock b : list) {
                out.string(b.name());
                out.string(b.lrGroup());
                out.u8(b.differentiable() ? 1 : 0);
                out.i32(b.rows());
                out.i32(b.cols());
                out.i64(b.adamSteps());
                out.floats(b.value(), 0, b.size());
                if (b.differentiable()) {
                    out.floats(b.m(), 0, b.size());
                    out.floats(b.v(), 0, b.size());
                }
            }
            out.i32(extras.size());
            for (Map.Entry<String, byte[]> e : extras.entrySet()) {
                out.string(e.getKey());
                out.i32(e.getValue().length);
                out.bytes(e.getValue());
            }
            int crc = out.crc();
            out.i32(crc);
            out.flush();
        });
    }

    /**
     * Reads a checkpoint. Allocates the stored arrays.
     *
     * @throws KfFormatException when the file is not a checkpoint, is truncated, inconsistent or
     *                           fails its CRC; the message names the file and byte offset
     */
    public static Checkpoint read(Path file) throws IOException {
        long size = Files.size(file);
        try (InputStream is = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            LeInput in = new LeInput(is, file, size);
            byte[] magic = in.bytes(MAGIC.length, "magic");
            if (!Arrays.equals(magic, MAGIC)) {
                throw new KfFormatException(file, "byte 0: not a Kernelfield checkpoint (expected magic KFCKPT)");
            }
            int version = in.i32("version");
            if (version != VERSION) {
                throw new KfFormatException(file, "byte 8: checkpoint version " + version + ", expected " + VERSION);
            }
            long step = in.i64("step");
            if (step < 0) throw new KfFormatException(file, "byte 12: step " + step + ", expected >= 0");
            double elapsed = in.f64("elapsed seconds");
            long[] rng = new long[4];
            for (int i = 0; i < 4; i++) rng[i] = in.i64("random state");
            if ((rng[0] | rng[1] | rng[2] | rng[3]) == 0) {
                throw new KfFormatException(file, "byte 28: random state is all zero (not a valid state)");
            }
            long at = in.offset();
            int count = in.i32("block count");
            // A block takes at least 4+4+1+4+4+8 bytes.
            if (count < 0 || (long) count * 25 > in.remaining()) {
                throw new KfFormatException(file, "byte " + at + ": block count " + count + " does not fit the "
                        + in.remaining() + " bytes left");
            }
            List<BlockState> blocks = new ArrayList<>(count);
            Set<String> seen = new HashSet<>();
            for (int k = 0; k < count; k++) {
                String where = "block " + k;
                long start = in.offset();
                String name = in.string(MAX_NAME, where + " name");
                if (name.isEmpty() || !seen.add(name)) {
                    throw new KfFormatException(file, "byte " + start + ": " + where + " name \"" + name
                            + "\" is empty or repeated");
                }
                where = "block " + k + " (" + name + ")";
                String group = in.string(MAX_NAME, where + " group");
                long flagAt = in.offset();
                int flag = in.u8(where + " differentiable flag");
                if (flag > 1) throw new KfFormatException(file, "byte " + flagAt + ": " + where + " differentiable flag " + flag + ", expected 0 or 1");
                long shapeAt = in.offset();
                int rows = in.i32(where + " rows");
                int cols = in.i32(where + " cols");
                long steps = in.i64(where + " adam steps");
                long n = (long) rows * cols;
                if (rows < 0 || cols < 1 || n > Integer.MAX_VALUE - 16 || steps < 0) {
                    throw new KfFormatException(file, "byte " + shapeAt + ": " + where + " shape (" + rows + ", " + cols
                            + ") with " + steps + " adam steps, expected rows >= 0, cols >= 1, steps >= 0");
                }
                int arrays = flag == 1 ? 3 : 1;
                in.require(4 * n * arrays, where + " data (" + rows + ", " + cols + ") x " + arrays);
                float[] value = new float[(int) n];
                in.floats(value, (int) n, where + " value");
                float[] m = null;
                float[] v = null;
                if (flag == 1) {
                    m = new float[(int) n];
                    in.floats(m, (int) n, where + " m");
                    v = new float[(int) n];
                    in.floats(v, (int) n, where + " v");
                }
                blocks.add(new BlockState(name, group, flag == 1, rows, cols, steps, value, m, v));
            }
            at = in.offset();
            int extraCount = in.i32("extra count");
            if (extraCount < 0 || (long) extraCount * 8 > in.remaining()) {
                throw new KfFormatException(file, "byte " + at + ": extra count " + extraCount + " does not fit the "
                        + in.remaining() + " bytes left");
            }
            Map<String, byte[]> extras = new LinkedHashMap<>();
            for (int k = 0; k < extraCount; k++) {
                String key = in.string(MAX_NAME, "extra " + k + " key");
                at = in.offset();
                int len = in.i32("extra " + key + " length");
                if (len < 0) throw new KfFormatException(file, "byte " + at + ": extra " + key + " length " + len + " < 0");
                extras.put(key, in.bytes(len, "extra " + key));
            }
            int crc = in.crcSoFar();
            at = in.offset();
            int stored = in.i32("CRC-32");
            if (stored != crc) {
                throw new KfFormatException(file, "byte " + at + ": CRC-32 mismatch (stored " + Integer.toHexString(stored)
                        + ", computed " + Integer.toHexString(crc) + "): corrupt checkpoint");
            }
            if (in.remaining() != 0) {
                throw new KfFormatException(file, "byte " + in.offset() + ": " + in.remaining()
                        + " bytes after the end of the checkpoint");
            }
            return new Checkpoint(step, elapsed, rng, blocks, extras, file);
        }
    }

    /**
     * Restores the stored blocks into {@code params}: every block of the set must be in the
     * checkpoint with the same cols, group and differentiability, and the checkpoint must hold no
     * other block. Rows, values, moments and Adam step counts are replaced (rows may differ, e.g.
     * after densification); gradients are zeroed. Allocates copies of the stored arrays.
     *
     * @throws KfFormatException when the checkpoint does not match the set
     */
    public void restoreInto(ParamSet params) throws KfFormatException {
        Path file = source;
        Map<String, BlockState> byName = new LinkedHashMap<>();
        for (BlockState b : blocks) byName.put(b.name, b);
        for (ParamBlock p : params.blocks()) {
            BlockState b = byName.get(p.name());
            if (b == null) {
                throw new KfFormatException(file, "no block " + p.name() + " in the checkpoint (it has " + byName.keySet() + ")");
            }
            if (b.cols != p.cols() || b.differentiable != p.differentiable() || !b.lrGroup.equals(p.lrGroup())) {
                throw new KfFormatException(file, "block " + p.name() + ": stored (" + b.rows + ", " + b.cols + "), group "
                        + b.lrGroup + (b.differentiable ? "" : ", not differentiable") + "; expected cols " + p.cols()
                        + ", group " + p.lrGroup() + (p.differentiable() ? "" : ", not differentiable"));
            }
        }
        if (byName.size() != params.size()) {
            List<String> extra = new ArrayList<>(byName.keySet());
            for (ParamBlock p : params.blocks()) extra.remove(p.name());
            throw new KfFormatException(file, "checkpoint blocks " + extra + " are not in the model");
        }
        for (ParamBlock p : params.blocks()) {
            BlockState b = byName.get(p.name());
            p.restore(b.rows, b.value.clone(), b.m == null ? null : b.m.clone(), b.v == null ? null : b.v.clone(),
                    b.adamSteps);
        }
    }
}
