package dev.lockstep.train;

import dev.lockstep.nn.Architecture;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * One synchronous data-parallel step and one distributed evaluation. Partial results come back from
 * {@code runJob} in partition order and are summed in that order, never in arrival order, so a retried task
 * or a recomputed partition changes nothing. The parameters travel as {@link ShippedParameters}.
 */
final class SyncStep {
    private final JavaSparkContext sc;
    private final Architecture arch;
    private final WirePrecision wire;
    private final int maxInTaskBytes;

    SyncStep(JavaSparkContext sc, Architecture arch, WirePrecision wire) {
        this(sc, arch, wire, ShippedParameters.MAX_IN_TASK_BYTES);
    }

    /** For tests: where parameters stop riding in the task and get a broadcast of their own. */
    SyncStep(JavaSparkContext sc, Architecture arch, WirePrecision wire, int maxInTaskBytes) {
        this.sc = sc;
        this.arch = arch;
        this.wire = wire;
        this.maxInTaskBytes = maxInTaskBytes;
    }

    /**
     * Sums of gradient and loss over one batch, its row count, the rows predicted right before the update, and the
     * step's timings so far (no update yet).
     */
    record Result(float[] gradientSum, double lossSum, int rows, int correct, long shipNanos, long jobNanos,
                  long slowestFetchNanos, long slowestComputeNanos, long combineNanos, long launchNanos, long returnNanos) {}

    /** @param description names the job in the Spark UI, e.g. "lockstep train epoch 3/10 step 41/78" */
    Result gradient(CachedRows data, float[] parameters, int[] batchRows, int epoch, InputTransform input, String description) {
        long t0 = System.nanoTime();
        ShippedParameters shipped = ShippedParameters.ship(sc, wire.encode(parameters), maxInTaskBytes);
        long t1 = System.nanoTime();
        long submitted = WallClock.micros();
        try {
            sc.setJobGroup("lockstep-train-epoch-" + (epoch + 1), description, false);
            List<PartialGradient> parts = new GradientTask(shipped, arch, wire, batchRows, epoch, input)
                    .runOn(sc, data.rdd(), PartialGradient.class);
            long t2 = System.nanoTime();
            long collected = WallClock.micros();
            float[] sum = new float[arch.parameterCount()];
            double loss = 0;
            int rows = 0;
            int correct = 0;
            PartialGradient slowest = parts.get(0);
            long lastStart = submitted;
            long lastEnd = 0;
            for (PartialGradient p : parts) {
                wire.addTo(p.gradient, sum);
                loss += p.loss;
                rows += p.rows;
                correct += p.correct;
                if (p.fetchNanos + p.computeNanos > slowest.fetchNanos + slowest.computeNanos) slowest = p;
                lastStart = Math.max(lastStart, p.startMicros);
                lastEnd = Math.max(lastEnd, p.endMicros);
            }
            long t3 = System.nanoTime();
            return new Result(sum, loss, rows, correct, t1 - t0, t2 - t1, slowest.fetchNanos, slowest.computeNanos, t3 - t2,
                    (lastStart - submitted) * 1000, Math.max(0, collected - lastEnd) * 1000);
        } finally {
            sc.clearJobGroup();
            shipped.release();
        }
    }

    /** @param description names the job in the Spark UI, e.g. "lockstep evaluate validation after epoch 3/10" */
    Evaluation evaluate(CachedRows data, float[] parameters, InputTransform input, String description) {
        ShippedParameters shipped = ShippedParameters.ship(sc, WirePrecision.FLOAT32.encode(parameters), maxInTaskBytes);
        try {
            sc.setJobGroup("lockstep-evaluate", description, false);
            List<Evaluation> parts = new EvaluationTask(shipped, arch, input).runOn(sc, data.rdd(), Evaluation.class);
            return Evaluation.sum(parts, arch.outputSize());
        } finally {
            sc.clearJobGroup();
            shipped.release();
        }
    }
}
