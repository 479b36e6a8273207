package dev.lockstep.train;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Collects every step's {@link StepTimings} and summarises them as medians: where a step's time goes
 * (broadcast, scheduling and result return, parameter fetch, compute, combine, update). Medians, because the
 * first steps of a JVM run in the interpreter and GC pauses hit a few steps hard.
 */
public final class StepTimingListener implements TrainingListener {
    private long[][] samples = new long[7][1024];
    private int count;

    @Override public void onStep(StepInfo step) {
        if (count == samples[0].length) {
            for (int i = 0; i < samples.length; i++) samples[i] = Arrays.copyOf(samples[i], count * 2);
        }
        StepTimings t = step.timings();
        long[] values = {t.total(), t.broadcast(), t.schedulingAndReturn(), t.slowestFetch(), t.slowestCompute(), t.combine(), t.update()};
        for (int i = 0; i < values.length; i++) samples[i][count] = values[i];
        count++;
    }

    public int steps() { return count; }

    /** Median milliseconds per part, in the order: total, broadcast, scheduling_and_return, fetch, compute, combine, update. */
    public Map<String, Object> medianMillis() {
        String[] names = {"total", "broadcast", "scheduling_and_return", "fetch", "compute", "combine", "update"};
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("steps", count);
        for (int i = 0; i < names.length; i++) m.put(names[i], count == 0 ? null : median(samples[i], count) / 1e6);
        return m;
    }

    public String describe() {
        Map<String, Object> m = medianMillis();
        return String.format(Locale.ROOT, "per step (median of %d): %.1f ms = broadcast %.1f + scheduling/return %.1f + fetch %.1f "
                        + "+ compute %.1f (slowest partition) + combine %.1f + update %.1f",
                count, m.get("total"), m.get("broadcast"), m.get("scheduling_and_return"), m.get("fetch"), m.get("compute"),
                m.get("combine"), m.get("update"));
    }

    private static double median(long[] v, int n) {
        long[] s = Arrays.copyOf(v, n);
        Arrays.sort(s);
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
    }
}
