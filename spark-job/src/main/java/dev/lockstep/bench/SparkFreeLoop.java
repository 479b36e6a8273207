package dev.lockstep.bench;

import dev.lockstep.data.LabeledImages;
import dev.lockstep.data.RowBlock;
import dev.lockstep.data.RowBlocks;
import dev.lockstep.train.TrainConfig;
import dev.lockstep.train.step.BatchGradient;
import dev.lockstep.train.step.Workspaces;
import dev.lockstep.train.sum.NodeSum;
import dev.lockstep.train.sum.SumTree;
import dev.lockstep.train.timing.StepTime;
import dev.lockstep.train.timing.StepTime.Part;
import dev.lockstep.train.timing.StepTimeMedians;
import dev.lockstep.train.timing.StepTimeSamples;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The training loop with Spark taken out, the baseline Spark's overhead is measured against: the same batches,
 * the same per-partition {@link BatchGradient}, the same {@link SumTree} sum and the same {@link
 * dev.lockstep.train.ParameterUpdate}, with the partitions' work spread over {@code threads} threads of this JVM.
 * Nothing is encoded or sent.
 */
public final class SparkFreeLoop {
    /** Examples per second over the measured steps, and the median step and median slowest-partition compute. */
    public record Throughput(
            int threads,
            int partitions,
            int batch,
            int steps,
            double examplesPerSecond,
            double medianStepMillis,
            double medianComputeMillis) {}

    private SparkFreeLoop() {}

    public static Throughput run(
            LabeledImages data, TrainConfig config, int partitions, int threads, int warmupSteps, int steps)
            throws InterruptedException {
        return run(data, config, partitions, threads, warmupSteps, steps, new float[0][]);
    }

    /** As above; also leaves the parameters after the last step in {@code finalParameters[0]}, for tests. */
    static Throughput run(
            LabeledImages data,
            TrainConfig config,
            int partitions,
            int threads,
            int warmupSteps,
            int steps,
            float[][] finalParameters)
            throws InterruptedException {
        int total = warmupSteps + steps;
        BenchLoop loop = new BenchLoop(config, data.count(), data.rows(), data.cols(), total);
        List<List<RowBlock>> blocks = RowBlocks.byPartition(data, partitions);
        float[][] partial = new float[partitions][loop.arch.parameterCount()];
        StepTimeSamples times = new StepTimeSamples(List.of(Part.TOTAL, Part.COMPUTE));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "lockstep-spark-free");
            t.setDaemon(true);
            return t;
        });
        try {
            long measuredFrom = 0;
            for (int s = 0; s < total; s++) {
                if (s == warmupSteps) measuredFrom = System.nanoTime();
                long t0 = System.nanoTime();
                int[] rows = loop.batch(s);
                int epoch = loop.epochOf(s);
                List<Future<BatchGradient>> parts = new ArrayList<>(partitions);
                long[] partNanos = new long[partitions];
                for (int p = 0; p < partitions; p++) {
                    int part = p;
                    parts.add(pool.submit(() -> {
                        long start = System.nanoTime();
                        Workspaces.Workspace ws = Workspaces.forThread(loop.arch);
                        ws.mlp.setParameters(loop.params);
                        Arrays.fill(partial[part], 0f);
                        BatchGradient g = BatchGradient.accumulate(
                                blocks.get(part).iterator(), ws.mlp, rows, epoch, loop.input, partial[part]);
                        partNanos[part] = System.nanoTime() - start;
                        return g;
                    }));
                }
                Map<SumTree.Node, NodeSum> sums = new HashMap<>();
                Map<SumTree.Node, Double> losses = new HashMap<>();
                int count = 0;
                for (int p = 0; p < partitions; p++) {
                    BatchGradient g = get(parts.get(p));
                    SumTree.Node leaf = new SumTree.Node(p, p + 1);
                    sums.put(leaf, NodeSum.of(partial[p]));
                    losses.put(leaf, g.loss);
                    count += g.rows;
                }
                float[] sum = NodeSum.total(partitions, sums);
                double loss = SumTree.totalLoss(partitions, losses);
                loop.update.apply(loop.params, loop.optimizer, sum, loss, count, s, epoch, loop.stepOf(s));
                if (s >= warmupSteps) {
                    times.add(StepTime.NONE
                            .with(Part.TOTAL, System.nanoTime() - t0)
                            .with(Part.COMPUTE, Arrays.stream(partNanos).max().orElse(0)));
                }
            }
            double seconds = (System.nanoTime() - measuredFrom) / 1e9;
            if (finalParameters.length > 0) finalParameters[0] = loop.params.clone();
            StepTimeMedians medians = times.medians();
            return new Throughput(
                    threads,
                    partitions,
                    loop.plan.batchSize(),
                    steps,
                    (double) steps * loop.plan.batchSize() / seconds,
                    medians.millis(Part.TOTAL),
                    medians.millis(Part.COMPUTE));
        } finally {
            pool.shutdownNow();
        }
    }

    private static BatchGradient get(Future<BatchGradient> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) throw r;
            throw new IllegalStateException(cause);
        }
    }
}
