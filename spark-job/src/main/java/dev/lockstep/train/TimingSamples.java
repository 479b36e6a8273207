package dev.lockstep.train;

import java.util.Arrays;

/** Every step's {@link StepTimings}, kept as columns of nanoseconds so that medians can be taken per part. */
public final class TimingSamples {
    private long[][] samples = new long[StepBreakdown.NAMES.length][256];
    private int count;

    void add(StepTimings t) {
        if (count == samples[0].length) {
            for (int i = 0; i < samples.length; i++) samples[i] = Arrays.copyOf(samples[i], count * 2);
        }
        long[] values = {t.total(), t.ship(), t.schedulingAndReturn(), t.slowestFetch(), t.slowestCompute(), t.combine(), t.update()};
        for (int i = 0; i < values.length; i++) samples[i][count] = values[i];
        count++;
    }

    int count() { return count; }

    void clear() { count = 0; }

    StepBreakdown medians() {
        double[] v = new double[samples.length];
        for (int i = 0; i < v.length; i++) v[i] = count == 0 ? Double.NaN : median(samples[i], count) / 1e6;
        return StepBreakdown.of(count, v);
    }

    /** Median of the first {@code n} values (sorted in a copy). */
    public static double median(long[] v, int n) {
        long[] s = Arrays.copyOf(v, n);
        Arrays.sort(s);
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
    }
}
