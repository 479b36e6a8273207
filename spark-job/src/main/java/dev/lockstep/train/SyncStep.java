package dev.lockstep.train;

import dev.lockstep.nn.Architecture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * One synchronous data-parallel step and one distributed evaluation. Partial results are added in the fixed
 * order of {@link SumTree}, by partition index, never in arrival order or by which task held what, so a retried
 * task, a recomputed partition or another number of partitions per task changes nothing. The parameters travel
 * as {@link ShippedParameters}; on a local master, parameters and gradients stay in this JVM
 * ({@link ExchangedBytes}) and only their keys go through Spark.
 */
final class SyncStep {
    private final JavaSparkContext sc;
    private final Architecture arch;
    private final WirePrecision wire;
    private final int maxInTaskBytes;
    private final Layout layout;

    /** How a step runs its partitions and moves its bytes; every layout gives the same bits. */
    enum Layout {
        /** Parameters and gradients go through Spark. Any master. */
        SENT,
        /** Bytes stay in this JVM ({@link ExchangedBytes}). Local masters only. */
        HELD;

        static Layout defaultFor(JavaSparkContext sc) {
            return sc.isLocal() ? HELD : SENT;
        }
    }

    SyncStep(JavaSparkContext sc, Architecture arch, WirePrecision wire) {
        this(sc, arch, wire, ShippedParameters.MAX_IN_TASK_BYTES, Layout.defaultFor(sc));
    }

    /** For tests and the bench: where parameters stop riding in the task and get a broadcast of their own; the layout. */
    SyncStep(JavaSparkContext sc, Architecture arch, WirePrecision wire, int maxInTaskBytes, Layout layout) {
        if (layout != Layout.SENT && !sc.isLocal()) throw new IllegalArgumentException(layout + " needs a local master");
        this.sc = sc;
        this.arch = arch;
        this.wire = wire;
        this.maxInTaskBytes = maxInTaskBytes;
        this.layout = layout;
    }

    /**
     * Sums of gradient and loss over one batch, its row count, the rows predicted right before the update, and the
     * step's timings so far (no update yet).
     */
    record Result(float[] gradientSum, double lossSum, int rows, int correct, long shipNanos, long jobNanos,
                  long slowestFetchNanos, long slowestComputeNanos, long combineNanos, long launchNanos, long returnNanos, long firstLaunchNanos) {}

    /** @param description names the job in the Spark UI, e.g. "lockstep train epoch 3/10 step 41/78" */
    Result gradient(CachedRows data, float[] parameters, int[] batchRows, int epoch, InputTransform input, String description) {
        long t0 = System.nanoTime();
        long exchange = layout != Layout.SENT ? ExchangedBytes.openExchange() : 0;
        ShippedParameters shipped = ShippedParameters.ship(sc, wire.encode(parameters), maxInTaskBytes, exchange);
        long t1 = System.nanoTime();
        long submitted = WallClock.micros();
        try {
            sc.setJobGroup("lockstep-train-epoch-" + (epoch + 1), description, false);
            PartitionLayout layout = data.layout();
            List<PartialGradient> parts = new GradientTask(shipped, arch, wire, batchRows, epoch, input, layout, exchange)
                    .runOn(sc, data.rdd(), PartialGradient.class);
            long t2 = System.nanoTime();
            long collected = WallClock.micros();
            Map<SumTree.Node, NodeSum> sums = new HashMap<>();
            Map<SumTree.Node, Double> losses = new HashMap<>();
            int rows = 0;
            int correct = 0;
            PartialGradient slowest = parts.get(0);
            long lastStart = submitted;
            long firstStart = Long.MAX_VALUE;
            long lastEnd = 0;
            for (PartialGradient p : parts) {
                for (int i = 0; i < p.gradients.length; i++) {
                    SumTree.Node node = p.node(i);
                    sums.put(node, NodeSum.encoded(p.gradients[i].bytes(), node.isLeaf() ? wire : WirePrecision.FLOAT32, arch.parameterCount()));
                    losses.put(node, p.losses[i]);
                }
                rows += p.rows;
                correct += p.correct;
                if (p.fetchNanos + p.computeNanos > slowest.fetchNanos + slowest.computeNanos) slowest = p;
                lastStart = Math.max(lastStart, p.startMicros);
                firstStart = Math.min(firstStart, p.startMicros);
                lastEnd = Math.max(lastEnd, p.endMicros);
            }
            float[] sum = NodeSum.total(layout.partitions(), sums);
            double loss = SumTree.totalLoss(layout.partitions(), losses);
            long t3 = System.nanoTime();
            return new Result(sum, loss, rows, correct, t1 - t0, t2 - t1, slowest.fetchNanos, slowest.computeNanos, t3 - t2,
                    (lastStart - submitted) * 1000, Math.max(0, collected - lastEnd) * 1000, (firstStart - submitted) * 1000);
        } finally {
            sc.clearJobGroup();
            shipped.release();
            if (exchange != 0) ExchangedBytes.closeExchange(exchange);
        }
    }

    /** @param description names the job in the Spark UI, e.g. "lockstep evaluate validation after epoch 3/10" */
    Evaluation evaluate(CachedRows data, float[] parameters, InputTransform input, String description) {
        long exchange = layout != Layout.SENT ? ExchangedBytes.openExchange() : 0;
        ShippedParameters shipped = ShippedParameters.ship(sc, WirePrecision.FLOAT32.encode(parameters), maxInTaskBytes, exchange);
        try {
            sc.setJobGroup("lockstep-evaluate", description, false);
            List<Evaluation> perPartition = new ArrayList<>(data.partitions());
            for (Evaluation[] task : new EvaluationTask(shipped, arch, input, data.layout()).runOn(sc, data.rdd(), Evaluation[].class)) {
                perPartition.addAll(Arrays.asList(task));
            }
            return Evaluation.sum(perPartition, arch.outputSize());
        } finally {
            sc.clearJobGroup();
            shipped.release();
            if (exchange != 0) ExchangedBytes.closeExchange(exchange);
        }
    }
}
