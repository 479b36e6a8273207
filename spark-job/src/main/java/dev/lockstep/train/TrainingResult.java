package dev.lockstep.train;

import dev.lockstep.nn.Architecture;
import dev.lockstep.train.step.Evaluation;
import dev.lockstep.train.step.TaskLifetime;
import java.util.List;

/** The trained parameters and what was measured on the way. */
public record TrainingResult(
        Architecture architecture,
        float[] parameters,
        Evaluation finalEvaluation,
        List<EpochSummary> history,
        long steps,
        long examples,
        double trainSeconds,
        int partitions,
        int partitionsPerTask,
        TaskLifetime taskLifetime) {

    public double examplesPerSecond() {
        return trainSeconds > 0 ? examples / trainSeconds : 0;
    }
}
