package kernelfield.cli;

import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import kernelfield.engine.io.KfFormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code kf} command: entry point and error reporting. */
@Command(name = "kf", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Kernelfield: 3D reconstruction and novel-view synthesis from kernels.",
        subcommands = {CommandLine.HelpCommand.class, InfoCommand.class, ConvertCommand.class, SampleCommand.class,
                EvalCommand.class, ReconstructCommand.class, TrainCommand.class, FitCommand.class,
                RenderCommand.class, ViewCommand.class, DemoCommand.class},
        sortOptions = false)
public final class Main implements Runnable {

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print stack traces on errors.")
    boolean verbose;

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs {@code kf} with the given arguments and returns the exit code (0 ok, 1 failure, 2 usage). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        // Colours only on a real terminal (System.console() is non-null for pipes too since JDK 22).
        java.io.Console console = System.console();
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(
                console != null && console.isTerminal() ? CommandLine.Help.Ansi.AUTO : CommandLine.Help.Ansi.OFF));
        cl.setExecutionExceptionHandler((ex, line, parseResult) -> {
            boolean verbose = parseResult.hasMatchedOption("--verbose")
                    || parseResult.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose"));
            PrintWriter err = line.getErr();
            err.println("kf: error: " + describe(ex));
            if (verbose) ex.printStackTrace(err);
            err.flush();
            return 1;
        });
        return cl;
    }

    /** One line for an exception: the message as the user should read it. */
    static String describe(Throwable ex) {
        if (ex instanceof NoSuchFileException e) return e.getFile() + ": no such file";
        if (ex instanceof java.nio.file.AccessDeniedException e) return e.getFile() + ": permission denied";
        if (ex instanceof KfFormatException || ex instanceof IllegalArgumentException) return ex.getMessage();
        if (ex instanceof OutOfMemoryError) return "out of memory (raise it with KF_JAVA_OPTS=-Xmx...)";
        String msg = ex.getMessage();
        return msg == null ? ex.getClass().getSimpleName() : msg;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"kf " + (v == null ? "0.1.0-SNAPSHOT" : v) + " (Java " + Runtime.version() + ")"};
        }
    }
}
