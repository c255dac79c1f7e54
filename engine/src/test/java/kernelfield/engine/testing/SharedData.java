package kernelfield.engine.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real data of {@code ../shared/data} (beside the repository). Tests that use it call
 * {@link #require} and are skipped, with the reason shown, where it is absent.
 */
public final class SharedData {
    private SharedData() {
    }

    /** The shared data folder: the {@code kf.shared.data} system property, else {@code ../shared/data}. */
    public static Path root() {
        String p = System.getProperty("kf.shared.data");
        return p != null ? Path.of(p) : Path.of("..", "..", "shared", "data").toAbsolutePath().normalize();
    }

    /** The file at {@code relative} under the shared data, or the test is skipped. */
    public static Path require(String relative) {
        Path f = root().resolve(relative);
        assumeTrue(Files.exists(f), "shared data not present: " + f + " (tests on real data skipped)");
        return f;
    }
}
