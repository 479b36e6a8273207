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
 * @param nextStep 0-based step within {@code epoch} to run next ({@code stepsPerEpoch} when only its evaluation is
 *     left)
 * @param epochCorrect training rows of the current epoch so far that were predicted right (for train accuracy)
 * @param epochRows training rows of the current epoch counted in {@code epochCorrect}
 * @param bestParameters the parameters of the best epoch so far, for a run that keeps the best epoch's; null when
 *     it keeps the last, or before its first epoch ends (the best epoch itself is a function of {@code history})
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
        OptimizerState optimizer,
        long epochCorrect,
        long epochRows,
        float[] bestParameters) {

    public Checkpoint {
        history = List.copyOf(history);
    }

    /** Without the epoch's accuracy counts and the best epoch's parameters, as format version 1 stored it. */
    public Checkpoint(
            String configFingerprint,
            int epoch,
            int nextStep,
            long globalStep,
            double epochLossSum,
            double trainSeconds,
            List<EpochSummary> history,
            float[] parameters,
            OptimizerState optimizer) {
        this(
                configFingerprint,
                epoch,
                nextStep,
                globalStep,
                epochLossSum,
                trainSeconds,
                history,
                parameters,
                optimizer,
                0,
                0,
                null);
    }
}
