package kernelfield.engine.optim;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * A JSON-lines training log: one object per logged step,
 * {@code {"step":120,"time_s":3.52,"loss":0.0123,"metrics":{"psnr":24.1}}}, each line flushed as
 * written, so the log can be tailed and survives a crash. {@code step} is the 0-based step index,
 * {@code time_s} the training seconds since the start of training. Non-finite numbers are written
 * as the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"} to keep every line valid JSON.
 * A final line {@code {"event":"finish","reason":..,"next_step":..,"time_s":..}} closes a run.
 */
public final class JsonLinesLog implements ProgressListener {
    private static final JsonFactory FACTORY = new JsonFactory();

    private final OutputStream out;
    private final boolean ownsStream;
    private final long every;
    private JsonGenerator gen;
    private boolean closed;

    /**
     * Appends to a log file (created if absent; a resumed run continues the same log).
     *
     * @param every log one step in {@code every} (and always the last), {@code >= 1}
     */
    public JsonLinesLog(Path file, long every) throws IOException {
        this(open(file), true, every);
    }

    /** Writes to a stream it does not close; logs every step. */
    public JsonLinesLog(OutputStream out) {
        this(out, false, 1);
    }

    private JsonLinesLog(OutputStream out, boolean ownsStream, long every) {
        if (every < 1) throw new IllegalArgumentException("log interval " + every + " < 1");
        this.out = out;
        this.ownsStream = ownsStream;
        this.every = every;
        try {
            this.gen = FACTORY.createGenerator(out, JsonEncoding.UTF8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        gen.setRootValueSeparator(null);
    }

    private static OutputStream open(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        return Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Override
    public void onStep(StepReport r) {
        boolean last = r.step() + 1 >= r.maxSteps();
        if (r.step() % every != 0 && !last) return;
        try {
            gen.writeStartObject();
            gen.writeNumberField("step", r.step());
            number("time_s", r.timeSeconds());
            number("loss", r.loss());
            gen.writeObjectFieldStart("metrics");
            for (Map.Entry<String, Double> e : r.metrics().entrySet()) number(e.getKey(), e.getValue());
            gen.writeEndObject();
            gen.writeEndObject();
            endLine();
        } catch (IOException e) {
            throw new UncheckedIOException("writing the training log", e);
        }
    }

    @Override
    public void onFinish(TrainResult result) {
        try {
            gen.writeStartObject();
            gen.writeStringField("event", "finish");
            gen.writeStringField("reason", result.reason().name());
            gen.writeNumberField("next_step", result.nextStep());
            number("time_s", result.elapsedSeconds());
            number("loss", result.lastLoss());
            gen.writeEndObject();
            endLine();
        } catch (IOException e) {
            throw new UncheckedIOException("writing the training log", e);
        }
    }

    private void number(String name, double x) throws IOException {
        if (Double.isFinite(x)) gen.writeNumberField(name, x);
        else gen.writeStringField(name, Double.toString(x));
    }

    private void endLine() throws IOException {
        gen.flush();
        out.write('\n');
        out.flush();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            gen.close();
            if (ownsStream) out.close();
            else out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("closing the training log", e);
        }
    }

}
