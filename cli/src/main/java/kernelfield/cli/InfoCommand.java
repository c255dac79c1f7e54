package kernelfield.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import kernelfield.engine.io.FileSummary;
import kernelfield.engine.io.PointCloudIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code kf info FILE...}: what a file holds. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show what a file holds: format, elements and their counts, attributes, bounding box.")
final class InfoCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Point cloud or mesh files (.ply .obj .off .xyz .pwn .pcd).")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
        for (Path f : files) {
            FileSummary s = PointCloudIO.describe(f);
            System.out.print(s);
            if (!s.bounds().isEmpty()) System.out.printf("  diagonal: %.6g%n", s.bounds().diagonal());
        }
        return 0;
    }
}
