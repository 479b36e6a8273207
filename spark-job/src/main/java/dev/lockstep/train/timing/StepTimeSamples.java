package dev.lockstep.train.timing;

import java.util.Arrays;
import java.util.List;

/**
 * Some parts of many steps' {@link StepTime}s, kept as columns of nanoseconds so that medians can be taken per part.
 */
public final class StepTimeSamples {
    private final List<StepTime.Part> parts;
    private long[][] samples;
    private int count;

    /** Samples of the parts a training run reports ({@link StepTime#REPORTED}). */
    public StepTimeSamples() {
        this(StepTime.REPORTED);
    }

    public StepTimeSamples(List<StepTime.Part> parts) {
        this.parts = List.copyOf(parts);
        this.samples = new long[parts.size()][256];
    }

    public void add(StepTime t) {
        if (count == samples[0].length) {
            for (int i = 0; i < samples.length; i++) samples[i] = Arrays.copyOf(samples[i], count * 2);
        }
        for (int i = 0; i < samples.length; i++) samples[i][count] = t.nanos(parts.get(i));
        count++;
    }

    public int count() {
        return count;
    }

    public void clear() {
        count = 0;
    }

    /** Median milliseconds per part; NaN for every part when there are no samples. */
    public StepTimeMedians medians() {
        double[] v = new double[samples.length];
        for (int i = 0; i < v.length; i++) v[i] = count == 0 ? Double.NaN : median(samples[i], count) / 1e6;
        return new StepTimeMedians(count, parts, v);
    }

    /** Median of the first {@code n} values (sorted in a copy). */
    public static double median(long[] v, int n) {
        long[] s = Arrays.copyOf(v, n);
        Arrays.sort(s);
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
    }
}
