package dev.lockstep.bench;

import dev.lockstep.nn.Architecture;
import dev.lockstep.nn.Initializer;
import dev.lockstep.optim.Optimizer;
import dev.lockstep.train.BatchPlan;
import dev.lockstep.train.ParameterUpdate;
import dev.lockstep.train.TrainConfig;
import dev.lockstep.train.step.InputTransform;
import dev.lockstep.train.timing.StepTimeSamples;
import java.util.Arrays;

/**
 * What the benchmark loops share with {@link dev.lockstep.train.Trainer}: the batch plan, the initial parameters, the
 * optimizer and the update, for a run of {@code totalSteps} steps that wraps around epochs. No evaluation, no
 * listeners: the loops measure the steps and nothing else.
 */
final class BenchLoop {
    final TrainConfig config;
    final Architecture arch;
    final BatchPlan plan;
    final float[] params;
    final Optimizer optimizer;
    final ParameterUpdate update;
    final InputTransform input;
    private int epoch = -1;
    private int[] permutation;

    BenchLoop(TrainConfig config, long rows, int height, int width, long totalSteps) {
        this.config = config.forTrainingRows(rows);
        this.arch = this.config.architecture();
        this.plan = new BatchPlan(this.config.seed(), rows, this.config.batchSize());
        this.params = Initializer.initialize(arch, this.config.seed());
        this.optimizer = this.config.optimizer().create(arch.parameterCount());
        this.update = ParameterUpdate.forRun(this.config, totalSteps, plan.stepsPerEpoch());
        this.input = InputTransform.forTraining(
                arch.inputSize(), this.config.seed(), this.config.augmentShift(), height, width);
    }

    int epochOf(long globalStep) {
        return (int) (globalStep / plan.stepsPerEpoch());
    }

    int stepOf(long globalStep) {
        return (int) (globalStep % plan.stepsPerEpoch());
    }

    /** The sorted global rows of a step. */
    int[] batch(long globalStep) {
        int e = epochOf(globalStep);
        if (e != epoch) {
            permutation = plan.permutation(e);
            epoch = e;
        }
        return plan.batch(permutation, stepOf(globalStep));
    }

    /** Median of {@code nanos[from, to)}, in milliseconds; NaN for none. */
    static double medianMillis(long[] nanos, int from, int to) {
        return to <= from ? Double.NaN : StepTimeSamples.median(Arrays.copyOfRange(nanos, from, to), to - from) / 1e6;
    }
}
