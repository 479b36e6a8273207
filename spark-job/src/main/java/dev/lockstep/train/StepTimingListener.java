package dev.lockstep.train;

import dev.lockstep.train.timing.StepTime;
import dev.lockstep.train.timing.StepTimeMedians;
import dev.lockstep.train.timing.StepTimeSamples;
import java.util.Map;

/** Collects every step's {@link StepTime} over the whole run and summarises them as medians per part. */
public final class StepTimingListener implements TrainingListener {
    private final StepTimeSamples samples = new StepTimeSamples();

    @Override
    public void onStep(StepInfo step) {
        samples.add(step.time());
    }

    public int steps() {
        return samples.count();
    }

    public StepTimeMedians breakdown() {
        return samples.medians();
    }

    /**
     * Median milliseconds per part, in the order: total, broadcast, scheduling_and_return, fetch, compute, combine,
     * update.
     */
    public Map<String, Object> medianMillis() {
        return breakdown().toMap();
    }

    public String describe() {
        return breakdown().describe();
    }
}
