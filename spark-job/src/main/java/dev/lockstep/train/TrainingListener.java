package dev.lockstep.train;

/**
 * Hooks around the training loop. Progress, history, checkpoints and early stopping live in listeners, not in
 * the loop. A listener that throws stops the run.
 */
public interface TrainingListener {
    default void onStart(RunInfo run) {}

    default void onStep(StepInfo step) {}

    default void onEpoch(EpochSummary epoch) {}

    default void onEnd(TrainingResult result) {}

    /** What a run is about to do. */
    record RunInfo(TrainConfig config, long trainRows, long evalRows, String evalName, int partitions, int stepsPerEpoch) {}

    /** A finished step: {@code globalStep} counts from 1 over the whole run. */
    record StepInfo(int epoch, int step, long globalStep, int stepsPerEpoch, double loss, double learningRate) {}
}
