package kernelfield.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import kernelfield.engine.data.FloatImage;
import kernelfield.engine.io.Images;
import picocli.CommandLine;

/** The viewer opens a window (under Xvfb) and its screenshot shows the model. */
class ViewCommandTest {
    /** Entry point of the viewer subprocess: {@code kf ARGS}. */
    public static void main(String[] args) {
        System.exit(Main.commandLine().execute(args));
    }

    /** Runs {@code kf args} in a window under Xvfb; returns its output, or skips where there is no xvfb-run. */
    static String runUnderXvfb(Path dir, String... args) throws Exception {
        Assumptions.assumeTrue(onPath("xvfb-run"), "no xvfb-run: windowed test skipped");
        List<String> cmd = new ArrayList<>(List.of("xvfb-run", "-a", "-s", "-screen 0 640x480x24",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Dorg.lwjgl.system.memoryBackend=ffm",
                "--add-modules=jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), ViewCommandTest.class.getName()));
        cmd.addAll(List.of(args));
        Path logFile = dir.resolve("log.txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("kf did not exit: " + Files.readString(logFile));
        }
        String log = Files.readString(logFile);
        assertEquals(0, p.exitValue(), log);
        return log;
    }

    @Test
    void trainingIsShownLiveAsItTrains(@TempDir Path dir) throws Exception {
        Path car = TrainCommandTest.car();
        String log = runUnderXvfb(dir, "train", "--data", car.toString(), "-o", dir.resolve("out").toString(),
                "--time-budget", "4", "--resolution-scale", "0.25", "--view", "--view-close");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("viewer: (\\d+) live updates shown").matcher(log);
        assertTrue(m.find(), log);
        assertTrue(Integer.parseInt(m.group(1)) >= 1, log);
        assertTrue(Files.exists(dir.resolve("out/model.ply")), log);
    }

    static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) return true;
        }
        return false;
    }

    @Test
    void screenshotOfTheWindowShowsTheModel(@TempDir Path dir) throws Exception {
        Path shot = dir.resolve("shot.png");
        String mesh = RenderCommandTest.repo().resolve("assets/fandisk.off").toString();
        String[] args = {mesh, "--screenshot", shot.toString(), "--size", "200x150", "--frames", "3"};
        if (onPath("xvfb-run")) {
            String[] kfArgs = new String[args.length + 1];
            kfArgs[0] = "view";
            System.arraycopy(args, 0, kfArgs, 1, args.length);
            runUnderXvfb(dir, kfArgs);
        } else {
            Assumptions.assumeTrue(System.getenv("DISPLAY") != null, "neither xvfb-run nor a DISPLAY: viewer test skipped");
            assertEquals(0, new CommandLine(new ViewCommand()).execute(args));
        }
        FloatImage img = Images.read(shot);
        assertEquals(200, img.width());
        assertEquals(150, img.height());
        assertEquals(1f, img.get(1, 1, 0), "white background in the corner");
        int model = 0;
        for (int y = 0; y < 150; y++) {
            for (int x = 0; x < 200; x++) if (img.get(x, y, 0) < 0.9f) model++;
        }
        assertTrue(model > 200 * 150 / 20, model + " pixels show the model");
    }
}
