package kernelfield.engine.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Bad input: a file that is truncated, corrupt, empty, inconsistent or absurd. The message
 * always names the file, where in it the problem is (element, line or byte offset) and what was
 * expected, so that the CLI can print it as one line.
 */
public class KfFormatException extends IOException {
    private final transient Path file;

    public KfFormatException(Path file, String what) {
        super(prefix(file) + what);
        this.file = file;
    }

    public KfFormatException(Path file, String what, Throwable cause) {
        super(prefix(file) + what, cause);
        this.file = file;
    }

    private static String prefix(Path file) {
        return file == null ? "" : file + ": ";
    }

    /** The file at fault, or null when the input did not come from a file. */
    public Path file() {
        return file;
    }
}
