package dev.lockstep.train;

import java.util.Map;

/** Collects every step's {@link StepTimings} over the whole run and summarises them as medians per part. */
public final class StepTimingListener implements TrainingListener {
    private final TimingSamples samples = new TimingSamples();

    @Override public void onStep(StepInfo step) {
        samples.add(step.timings());
    }

    public int steps() { return samples.count(); }

    public StepBreakdown breakdown() { return samples.medians(); }

    /** Median milliseconds per part, in the order: total, broadcast, scheduling_and_return, fetch, compute, combine, update. */
    public Map<String, Object> medianMillis() { return breakdown().toMap(); }

    public String describe() { return breakdown().describe(); }
}
