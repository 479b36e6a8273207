package dev.lockstep.ml;

import dev.lockstep.UsageException;
import dev.lockstep.nn.Activation;
import dev.lockstep.optim.OptimizerSpec;
import dev.lockstep.optim.ScheduleSpec;
import dev.lockstep.train.TrainConfig;
import dev.lockstep.train.step.TaskLifetime;
import dev.lockstep.train.sum.WirePrecision;

/** The {@link TrainConfig} the parameters stand for: what {@code train} builds from the same settings as flags. */
final class TrainSettings {
    private TrainSettings() {}

    /**
     * @throws UsageException when the layers are not set, or the settings do not go together
     */
    static TrainConfig config(LockstepParams p) {
        return config(p, null);
    }

    /**
     * As {@link #config(LockstepParams)}, with the training tasks' lifetime (where the work runs, never what it
     * computes).
     *
     * @param lifetime null: auto
     */
    static TrainConfig config(LockstepParams p, TaskLifetime lifetime) {
        if (!p.isDefined(p.layers())) {
            throw new UsageException("set layers: the layer sizes, input first and classes last, e.g. [4, 16, 3]");
        }
        TrainConfig.Builder b = TrainConfig.builder()
                .layers(p.getLayers())
                .activation(Activation.parse(p.getActivation()))
                .epochs(p.getMaxIter())
                .batchSize(p.getBlockSize() > 0 ? p.getBlockSize() : null)
                .optimizer(OptimizerSpec.parse(p.getOptimizer()))
                .learningRate(p.getStepSize() > 0 ? p.getStepSize() : null)
                .schedule(ScheduleSpec.parse(p.getSchedule()))
                .weightDecay(p.getWeightDecay())
                .seed(p.getSeed())
                .partitions(p.getNumPartitions() > 0 ? p.getNumPartitions() : null)
                .augmentShift(p.getAugmentShift() >= 0 ? p.getAugmentShift() : null)
                .transfer(WirePrecision.parse(p.getTransfer()))
                .standardization(p.getStandardization())
                .taskLifetime(lifetime);
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
