package dev.lockstep.train;

import dev.lockstep.optim.OptimizerState;
import java.util.List;

/**
 * Everything needed to continue a run exactly where it stopped: the parameters, the optimizer's state, the
 * position in the batch plan, and what the finished epochs measured. Batches and augmentation are functions of
 * (seed, epoch, step), so nothing else is needed for the continued run to compute the same bits.
 *
 * @param configFingerprint the resolved settings of the run that wrote it; a resume must use the same
 * @param epoch 0-based epoch the next step belongs to
 * @param nextStep 0-based step within {@code epoch} to run next ({@code stepsPerEpoch} when only its evaluation is left)
 */
public record Checkpoint(
        String configFingerprint,
        int epoch,
        int nextStep,
        long globalStep,
        double epochLossSum,
        double trainSeconds,
        List<EpochSummary> history,
        float[] parameters,
        OptimizerState optimizer) {

    public Checkpoint {
        history = List.copyOf(history);
    }
}
