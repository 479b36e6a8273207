package dev.lockstep.train;

import dev.lockstep.train.exchange.Exchange;
import dev.lockstep.train.step.TaskLifetime;
import dev.lockstep.train.timing.StepTime;

/**
 * Hooks around the training loop. Progress, history and checkpoints live in listeners, not in the loop (early
 * stopping is a rule of the loop's, {@link EpochSelection}, since it decides the model). A listener that throws
 * stops the run.
 */
public interface TrainingListener {
    default void onStart(RunInfo run) {}

    default void onStep(StepInfo step) {}

    default void onEpoch(EpochSummary epoch) {}

    default void onEnd(TrainingResult result) {}

    /** Something the user should know that does not stop the run (the run goes on, its model unchanged). */
    default void onWarning(String message) {}

    /** What a run is about to do; {@code resumedAtStep} is 0 for a fresh run. */
    record RunInfo(
            TrainConfig config,
            long trainRows,
            long evalRows,
            String evalName,
            int partitions,
            int partitionsPerTask,
            TaskLifetime taskLifetime,
            Exchange exchange,
            int stepsPerEpoch,
            long resumedAtStep) {}

    /**
     * A finished step: {@code epoch} and {@code step} count from 1, {@code globalStep} from 1 over the whole run.
     * {@code state} can snapshot the run as it stands after this step's update.
     */
    record StepInfo(
            int epoch,
            int step,
            long globalStep,
            int stepsPerEpoch,
            double loss,
            double learningRate,
            StepTime time,
            TrainingState state) {}

    /** The run's state between steps. */
    interface TrainingState {
        /** A deep copy: parameters, optimizer state, position and history, enough to resume exactly. */
        Checkpoint snapshot();
    }
}
