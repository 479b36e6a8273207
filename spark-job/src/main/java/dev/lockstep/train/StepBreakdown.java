package dev.lockstep.train;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Median milliseconds per part of a step over {@code steps} steps: where a step's time goes. Medians, because the
 * first steps of a JVM run in the interpreter and GC pauses hit a few steps hard. Parts are NaN when no step ran.
 */
public record StepBreakdown(int steps, double total, double ship, double schedulingAndReturn, double fetch,
                            double compute, double combine, double update) {
    /** Field names in metrics.json and history.jsonl, in the order of {@link #values()}. */
    public static final String[] NAMES = {"total", "ship", "scheduling_and_return", "fetch", "compute", "combine", "update"};

    public static final StepBreakdown NONE = of(0, new double[NAMES.length]);

    public static StepBreakdown of(int steps, double[] v) {
        if (steps == 0) v = new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN};
        return new StepBreakdown(steps, v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
    }

    public double[] values() { return new double[] {total, ship, schedulingAndReturn, fetch, compute, combine, update}; }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("steps", steps);
        double[] v = values();
        for (int i = 0; i < NAMES.length; i++) m.put(NAMES[i], steps == 0 ? null : v[i]);
        return m;
    }

    public String describe() {
        return String.format(Locale.ROOT, "per step (median of %d): %.1f ms = ship %.1f + scheduling/return %.1f + fetch %.1f "
                        + "+ compute %.1f (slowest partition) + combine %.1f + update %.1f",
                steps, total, ship, schedulingAndReturn, fetch, compute, combine, update);
    }
}
