package dev.lockstep.optim;

import java.util.Arrays;
import java.util.Comparator;

/**
 * L2 weight decay folded into the gradient before the optimizer step: {@code g[i] += lambda * p[i]} for every
 * index in the given [from, to) ranges. The caller passes the weight ranges (e.g. {@code Architecture.weightRanges()})
 * so biases are not decayed. With lambda 0 it does nothing.
 */
public final class WeightDecay {
    private final float lambda;
    private final int[] from;
    private final int[] to;
    private final int end; // largest 'to'; params must be at least this long

    /**
     * @param lambda decay coefficient, finite and >= 0
     * @param ranges [from, to) index pairs, non-negative, non-overlapping (overlap would decay twice)
     */
    public WeightDecay(float lambda, int[][] ranges) {
        if (!(lambda >= 0f) || Float.isInfinite(lambda)) {
            throw new IllegalArgumentException("weight decay must be finite and >= 0, got " + lambda);
        }
        if (ranges == null) throw new IllegalArgumentException("weight decay ranges are required (may be empty)");
        int[][] sorted = new int[ranges.length][];
        for (int r = 0; r < ranges.length; r++) {
            int[] range = ranges[r];
            if (range == null || range.length != 2 || range[0] < 0 || range[1] < range[0]) {
                throw new IllegalArgumentException("weight decay range " + r
                        + " must be [from, to) with 0 <= from <= to, got " + Arrays.toString(range));
            }
            sorted[r] = range.clone();
        }
        Arrays.sort(sorted, Comparator.comparingInt((int[] a) -> a[0]));
        for (int r = 1; r < sorted.length; r++) {
            if (sorted[r][0] < sorted[r - 1][1]) {
                throw new IllegalArgumentException("weight decay ranges overlap: " + Arrays.toString(sorted[r - 1])
                        + " and " + Arrays.toString(sorted[r]));
            }
        }
        this.lambda = lambda;
        this.from = new int[sorted.length];
        this.to = new int[sorted.length];
        int max = 0;
        for (int r = 0; r < sorted.length; r++) {
            from[r] = sorted[r][0];
            to[r] = sorted[r][1];
            max = Math.max(max, to[r]);
        }
        this.end = max;
    }

    /** Adds {@code lambda * params[i]} to {@code gradient[i]} inside the ranges; params are not changed. */
    public void apply(float[] params, float[] gradient) {
        if (params == null || gradient == null || params.length != gradient.length) {
            throw new IllegalArgumentException("weight decay needs params and gradient of the same length");
        }
        if (end > params.length) {
            throw new IllegalArgumentException(
                    "weight decay ranges reach index " + end + " but there are only " + params.length + " parameters");
        }
        if (lambda == 0f) return;
        final float l = lambda;
        for (int r = 0; r < from.length; r++) {
            for (int i = from[r], e = to[r]; i < e; i++) {
                gradient[i] += l * params[i];
            }
        }
    }

    public float lambda() {
        return lambda;
    }

    /** True when {@link #apply} changes nothing. */
    public boolean isNoOp() {
        return lambda == 0f || end == 0;
    }

    /** The ranges, sorted by start, as fresh arrays. */
    public int[][] ranges() {
        int[][] r = new int[from.length][];
        for (int i = 0; i < from.length; i++) r[i] = new int[] {from[i], to[i]};
        return r;
    }

    @Override
    public String toString() {
        long count = 0;
        for (int r = 0; r < from.length; r++) count += to[r] - from[r];
        return "weight decay " + lambda + " on " + count + " parameters in " + from.length + " ranges";
    }
}
