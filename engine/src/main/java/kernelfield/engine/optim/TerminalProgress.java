package kernelfield.engine.optim;

import java.io.Console;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Training progress for a person: on a terminal, a progress bar with throughput, ETA and the
 * latest loss; elsewhere (a log file, CI), one line every few seconds such as
 * {@code train: step 1200/30000 (4.0%) 118.2 it/s ETA 0:04:03 loss 0.012345 psnr 24.10}, and a
 * last line at the end.
 */
public final class TerminalProgress implements ProgressListener {
    private final String task;
    private final PrintStream out;
    private final boolean interactive;
    private final long lineIntervalNanos;

    private ProgressBar bar;
    private long firstStep;
    private long maxSteps;
    private double budgetSeconds;
    private long startNanos;
    private long lastLineNanos;
    private boolean closed;

    /** Progress on standard error: a bar when the console is a terminal, else a line every 5 s. */
    public TerminalProgress(String task) {
        this(task, System.err, isTerminal(), Duration.ofSeconds(5));
    }

    /**
     * @param task         name shown in front
     * @param out          where to print
     * @param interactive  true for a redrawn progress bar, false for periodic lines
     * @param lineInterval time between lines in line mode
     */
    public TerminalProgress(String task, PrintStream out, boolean interactive, Duration lineInterval) {
        this.task = task;
        this.out = out;
        this.interactive = interactive;
        this.lineIntervalNanos = lineInterval.toNanos();
    }

    /** Whether standard output and error go to a terminal. */
    public static boolean isTerminal() {
        Console c = System.console();
        return c != null && c.isTerminal();
    }

    @Override
    public void onStart(long firstStep, long maxSteps, double timeBudgetSeconds, double elapsedBeforeSeconds) {
        this.firstStep = firstStep;
        this.maxSteps = maxSteps;
        this.budgetSeconds = timeBudgetSeconds;
        this.startNanos = System.nanoTime();
        this.lastLineNanos = startNanos;
        if (interactive) {
            bar = new ProgressBarBuilder()
                    .setTaskName(task)
                    .setInitialMax(maxSteps == Long.MAX_VALUE ? -1 : maxSteps)
                    .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                    .setConsumer(new ConsoleProgressBarConsumer(out))
                    .setUpdateIntervalMillis(200)
                    .setUnit(" it", 1)
                    .showSpeed()
                    .startsFrom(firstStep, Duration.ofNanos((long) (elapsedBeforeSeconds * 1e9)))
                    .build();
        }
    }

    @Override
    public void onStep(StepReport r) {
        if (bar != null) {
            bar.stepTo(r.step() + 1);
            bar.setExtraMessage(metricsText(r));
            return;
        }
        long now = System.nanoTime();
        if (now - lastLineNanos >= lineIntervalNanos) {
            lastLineNanos = now;
            out.println(line(r.step() + 1, now, r));
        }
    }

    @Override
    public void onFinish(TrainResult result) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        out.println(String.format(Locale.ROOT, "%s: stopped (%s) at step %d after %s, loss %.6g",
                task, result.reason().name().toLowerCase(Locale.ROOT).replace('_', ' '), result.nextStep(),
                clock(result.elapsedSeconds()), result.lastLoss()));
    }

    private String line(long done, long now, StepReport r) {
        StringBuilder sb = new StringBuilder(task).append(": step ").append(done);
        double secs = (now - startNanos) * 1e-9;
        double rate = secs > 0 ? (done - firstStep) / secs : 0;
        if (maxSteps != Long.MAX_VALUE) {
            sb.append('/').append(maxSteps)
                    .append(String.format(Locale.ROOT, " (%.1f%%)", 100.0 * done / maxSteps));
        }
        sb.append(String.format(Locale.ROOT, " %.1f it/s", rate));
        double eta = Double.POSITIVE_INFINITY;
        if (maxSteps != Long.MAX_VALUE && rate > 0) eta = (maxSteps - done) / rate;
        if (Double.isFinite(budgetSeconds)) eta = Math.min(eta, Math.max(0, budgetSeconds - secs));
        if (Double.isFinite(eta)) sb.append(" ETA ").append(clock(eta));
        sb.append(' ').append(metricsText(r));
        return sb.toString();
    }

    private static String metricsText(StepReport r) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "loss %.6g", r.loss()));
        for (Map.Entry<String, Double> e : r.metrics().entrySet()) {
            sb.append(' ').append(e.getKey()).append(String.format(Locale.ROOT, " %.4g", e.getValue()));
        }
        return sb.toString();
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (bar != null) bar.close();
        out.flush();
    }
}
