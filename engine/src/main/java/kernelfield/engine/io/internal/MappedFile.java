package kernelfield.engine.io.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A whole file mapped read-only into memory (any size, also above 2 GiB). Close it to unmap; it
 * must be closed by the thread that opened it.
 */
public final class MappedFile implements AutoCloseable {
    private static final MemorySegment EMPTY = MemorySegment.ofArray(new byte[0]);

    private final Path path;
    private final Arena arena;
    private final MemorySegment segment;

    private MappedFile(Path path, Arena arena, MemorySegment segment) {
        this.path = path;
        this.arena = arena;
        this.segment = segment;
    }

    /** Maps {@code path}. Allocates nothing on the Java heap beyond this object. */
    public static MappedFile open(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) return new MappedFile(path, null, EMPTY);
            Arena arena = Arena.ofConfined();
            try {
                return new MappedFile(path, arena, ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena));
            } catch (IOException | RuntimeException e) {
                arena.close();
                throw e;
            }
        }
    }

    public Path path() {
        return path;
    }

    /** The mapped bytes; valid until {@link #close()}. */
    public MemorySegment segment() {
        return segment;
    }

    public long size() {
        return segment.byteSize();
    }

    @Override
    public void close() {
        if (arena != null) arena.close();
    }
}
