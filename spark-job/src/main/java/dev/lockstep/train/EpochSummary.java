package dev.lockstep.train;

import java.util.LinkedHashMap;
import java.util.Map;

/** One epoch's outcome, one line of history.jsonl. {@code epoch} counts from 1. */
public record EpochSummary(int epoch, long steps, double trainLoss, Evaluation eval, double seconds, double examplesPerSecond) {
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", epoch);
        m.put("steps", steps);
        m.put("train_loss", trainLoss);
        m.put("test_loss", eval.loss());
        m.put("test_accuracy", eval.accuracy());
        m.put("seconds", seconds);
        m.put("examples_per_second", examplesPerSecond);
        return m;
    }
}
