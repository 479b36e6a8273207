package dev.lockstep.train.timing;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Median milliseconds per part of a step over {@code steps} steps: where a step's time goes. Medians, because the
 * first steps of a JVM run in the interpreter and GC pauses hit a few steps hard. Parts are NaN when no step ran.
 */
public final class StepTimeMedians {
    /** No step: the reported parts, all NaN. */
    public static final StepTimeMedians NONE =
            new StepTimeMedians(0, StepTime.REPORTED, new double[StepTime.REPORTED.size()]);

    private final int steps;
    private final List<StepTime.Part> parts;
    private final double[] millis;

    /** @param millis one median per part of {@code parts}, in their order; ignored (NaN) when {@code steps} is 0 */
    public StepTimeMedians(int steps, List<StepTime.Part> parts, double[] millis) {
        if (millis.length != parts.size())
            throw new IllegalArgumentException(millis.length + " medians for " + parts.size() + " parts");
        this.steps = steps;
        this.parts = List.copyOf(parts);
        this.millis = steps == 0 ? nans(parts.size()) : millis.clone();
    }

    /** Medians of the reported parts ({@link StepTime#REPORTED}), in their order: as checkpoint files hold them. */
    public static StepTimeMedians reported(int steps, double[] millis) {
        return new StepTimeMedians(steps, StepTime.REPORTED, millis);
    }

    private static double[] nans(int n) {
        double[] v = new double[n];
        Arrays.fill(v, Double.NaN);
        return v;
    }

    public int steps() {
        return steps;
    }

    public double millis(StepTime.Part part) {
        int i = parts.indexOf(part);
        if (i < 0) throw new IllegalArgumentException(part + " was not sampled");
        return millis[i];
    }

    /** The medians in the order of the parts sampled. */
    public double[] values() {
        return millis.clone();
    }

    /** Part name to median, in the order of the parts sampled. */
    public Map<String, Double> byName() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < parts.size(); i++) m.put(parts.get(i).key, millis[i]);
        return m;
    }

    /** As history.jsonl and metrics.json hold it: the step count, then each part, null when no step ran. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("steps", steps);
        for (int i = 0; i < parts.size(); i++) m.put(parts.get(i).key, steps == 0 ? null : millis[i]);
        return m;
    }

    public String describe() {
        return String.format(
                Locale.ROOT,
                "per step (median of %d): %.1f ms = ship %.1f + scheduling/return %.1f + fetch %.1f "
                        + "+ compute %.1f (slowest partition) + combine %.1f + update %.1f",
                steps,
                millis(StepTime.Part.TOTAL),
                millis(StepTime.Part.SHIP),
                millis(StepTime.Part.SCHEDULING_AND_RETURN),
                millis(StepTime.Part.FETCH),
                millis(StepTime.Part.COMPUTE),
                millis(StepTime.Part.COMBINE),
                millis(StepTime.Part.UPDATE));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StepTimeMedians m
                && steps == m.steps
                && parts.equals(m.parts)
                && Arrays.equals(millis, m.millis);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * steps + parts.hashCode()) + Arrays.hashCode(millis);
    }

    @Override
    public String toString() {
        return "StepTimeMedians[steps=" + steps + ", " + byName() + "]";
    }
}
