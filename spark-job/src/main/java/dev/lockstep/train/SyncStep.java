package dev.lockstep.train;

import dev.lockstep.nn.Architecture;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * One synchronous data-parallel step and one distributed evaluation. Partial results come back from
 * {@code collect()} in partition order and are summed in that order, never in arrival order, so a retried task
 * or a recomputed partition changes nothing. Each step's broadcast is destroyed once the step's job is done:
 * only one is alive at a time, however many steps run.
 */
final class SyncStep {
    private final JavaSparkContext sc;
    private final Architecture arch;

    SyncStep(JavaSparkContext sc, Architecture arch) {
        this.sc = sc;
        this.arch = arch;
    }

    /** Sums of gradient and loss over one batch, plus its row count. */
    record Result(float[] gradientSum, double lossSum, int rows) {}

    Result gradient(CachedRows data, float[] parameters, int[] batchRows, int epoch, InputTransform input) {
        Broadcast<float[]> bc = sc.broadcast(parameters);
        try {
            List<PartialGradient> parts = data.rdd()
                    .mapPartitions(new GradientTask(bc, arch, batchRows, epoch, input), true)
                    .collect();
            float[] sum = new float[arch.parameterCount()];
            double loss = 0;
            int rows = 0;
            for (PartialGradient p : parts) {
                float[] g = p.gradient;
                for (int i = 0; i < sum.length; i++) sum[i] += g[i];
                loss += p.loss;
                rows += p.rows;
            }
            return new Result(sum, loss, rows);
        } finally {
            bc.destroy();
        }
    }

    Evaluation evaluate(CachedRows data, float[] parameters, InputTransform input) {
        Broadcast<float[]> bc = sc.broadcast(parameters);
        try {
            List<Evaluation> parts = data.rdd().mapPartitions(new EvaluationTask(bc, arch, input), true).collect();
            return Evaluation.sum(parts, arch.outputSize());
        } finally {
            bc.destroy();
        }
    }
}
