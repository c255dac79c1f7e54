package kernelfield.engine.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an {@link Objective} reports for one step: the loss, named metrics (e.g. {@code psnr},
 * {@code l1}, {@code kernels}) and, optionally, which rows (kernels) were visible, for the
 * row-sparse Adam update (see {@link Adam#step(ParamSet, long, boolean[])}).
 *
 * @param loss        the loss of the step
 * @param metrics     named metrics, in insertion order; unmodifiable
 * @param visibleRows (N) visible rows, or null for a dense update; not copied
 */
public record StepResult(double loss, Map<String, Double> metrics, boolean[] visibleRows) {
    public StepResult {
        metrics = metrics == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /** A result with only a loss. */
    public static StepResult of(double loss) {
        return new StepResult(loss, Map.of(), null);
    }

    /** A copy with one more metric. */
    public StepResult with(String name, double value) {
        Map<String, Double> m = new LinkedHashMap<>(metrics);
        m.put(name, value);
        return new StepResult(loss, m, visibleRows);
    }

    /** A copy with the given visibility mask (N), not copied. */
    public StepResult withVisibleRows(boolean[] visible) {
        return new StepResult(loss, metrics, visible);
    }
}
