package dev.lockstep.train;

import dev.lockstep.train.step.Evaluation;
import dev.lockstep.train.timing.StepTimeMedians;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One epoch's outcome, one line of history.jsonl. {@code epoch} counts from 1.
 *
 * @param eval          the evaluation after the epoch; null when the run has no evaluation rows (its loss and
 *                      accuracy then read NaN in {@link #toMap()})
 * @param trainAccuracy fraction of the epoch's (augmented) training rows that the parameters of their step
 *                      predicted right, before that step's update; NaN when unknown (read from an older checkpoint)
 * @param learningRate  the rate of the epoch's last step
 * @param stepTimes     median step-time split over the epoch's steps run in this process (a resumed epoch
 *                      counts only the steps after the resume)
 */
public record EpochSummary(
        int epoch,
        long steps,
        double trainLoss,
        Evaluation eval,
        double seconds,
        double examplesPerSecond,
        double trainAccuracy,
        double learningRate,
        StepTimeMedians stepTimes) {

    /** The fields version-1 checkpoints held; the rest unknown. */
    public EpochSummary(
            int epoch, long steps, double trainLoss, Evaluation eval, double seconds, double examplesPerSecond) {
        this(epoch, steps, trainLoss, eval, seconds, examplesPerSecond, Double.NaN, Double.NaN, StepTimeMedians.NONE);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", epoch);
        m.put("steps", steps);
        m.put("train_loss", trainLoss);
        m.put("test_loss", eval == null ? Double.NaN : eval.loss());
        m.put("test_accuracy", eval == null ? Double.NaN : eval.accuracy());
        m.put("seconds", seconds);
        m.put("examples_per_second", examplesPerSecond);
        m.put("train_accuracy", trainAccuracy);
        m.put("learning_rate", learningRate);
        m.put("step_time_ms", stepTimes.toMap());
        return m;
    }
}
