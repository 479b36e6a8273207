package dev.lockstep.train.step;

import dev.lockstep.nn.Architecture;
import dev.lockstep.train.exchange.Exchange;
import dev.lockstep.train.exchange.ExchangedBytes;
import dev.lockstep.train.exchange.PartialGradient;
import dev.lockstep.train.exchange.Slices;
import dev.lockstep.train.rows.CachedRows;
import dev.lockstep.train.sum.NodeSum;
import dev.lockstep.train.sum.SumTree;
import dev.lockstep.train.sum.WirePrecision;
import dev.lockstep.train.timing.StepTime;
import dev.lockstep.train.timing.StepTime.Part;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * One synchronous data-parallel step and one distributed evaluation. Partial results are added in the fixed
 * order of {@link SumTree}, by partition index, never in arrival order or by which task held what, so a retried
 * task, a recomputed partition or another number of partitions per task changes nothing. The parameters travel
 * as {@link ShippedParameters}; on a local master, parameters and gradients stay in this JVM
 * ({@link ExchangedBytes}) and only their keys go through Spark.
 */
public final class SyncStep {
    private final JavaSparkContext sc;
    private final Architecture arch;
    private final WirePrecision wire;
    private final int maxInTaskBytes;
    private final Layout layout;
    private final Exchange exchange; // null: auto
    /** Set once resident tasks stalled: the rest of the run takes a job per step. */
    private boolean residentGivenUp;

    /** How a step runs its partitions and moves its bytes; every layout gives the same bits. */
    public enum Layout {
        /** Parameters and gradients go through Spark. Any master. */
        SENT,
        /** Bytes stay in this JVM ({@link ExchangedBytes}). Local masters only. */
        HELD;

        static Layout defaultFor(JavaSparkContext sc) {
            return sc.isLocal() ? HELD : SENT;
        }
    }

    public SyncStep(JavaSparkContext sc, Architecture arch, WirePrecision wire) {
        this(sc, arch, wire, Optional.empty());
    }

    /** @param exchange how resident tasks' gradients reach the driver; empty for auto ({@link Exchange}) */
    public SyncStep(JavaSparkContext sc, Architecture arch, WirePrecision wire, Optional<Exchange> exchange) {
        this(sc, arch, wire, ShippedParameters.MAX_IN_TASK_BYTES, Layout.defaultFor(sc), exchange);
    }

    /**
     * For tests and the bench: where parameters stop riding in the task and get a broadcast of their own; the layout.
     */
    public SyncStep(
            JavaSparkContext sc,
            Architecture arch,
            WirePrecision wire,
            int maxInTaskBytes,
            Layout layout,
            Optional<Exchange> exchange) {
        if (layout != Layout.SENT && !sc.isLocal())
            throw new IllegalArgumentException(layout + " needs a local master");
        this.sc = sc;
        this.arch = arch;
        this.wire = wire;
        this.maxInTaskBytes = maxInTaskBytes;
        this.layout = layout;
        this.exchange = exchange.orElse(null);
    }

    /**
     * Sums of gradient and loss over one batch, its row count, the rows predicted right before the update, and the
     * step's time so far (no update yet): ship, job, the slowest task's fetch and compute, combine, launch, first
     * launch and return.
     */
    public record Result(float[] gradientSum, double lossSum, int rows, int correct, StepTime time) {}

    /** @param description names the job in the Spark UI, e.g. "lockstep train epoch 3/10 step 41/78" */
    public Result gradient(
            CachedRows data, float[] parameters, int[] batchRows, int epoch, InputTransform input, String description) {
        long t0 = System.nanoTime();
        long exchange = layout != Layout.SENT ? ExchangedBytes.openExchange() : 0;
        ShippedParameters shipped = ShippedParameters.ship(sc, wire.encode(parameters), maxInTaskBytes, exchange);
        long t1 = System.nanoTime();
        long submitted = WallClock.micros();
        try {
            sc.setJobGroup(jobGroup(epoch), description, false);
            TaskGradient work = new TaskGradient(arch, wire, input, data.layout());
            List<PartialGradient> parts = new GradientTask(shipped, work, batchRows, epoch, exchange)
                    .runOn(sc, data.rdd(), PartialGradient.class);
            long t2 = System.nanoTime();
            return combine(
                    parts,
                    data.partitions(),
                    wire,
                    arch.parameterCount(),
                    t1 - t0,
                    t2 - t1,
                    submitted,
                    WallClock.micros());
        } finally {
            sc.clearJobGroup();
            shipped.release();
            if (exchange != 0) ExchangedBytes.closeExchange(exchange);
        }
    }

    /**
     * The steps of one epoch on {@code data} with tasks of the given lifetime.
     *
     * @param epochDescription names a resident epoch's job in the Spark UI
     */
    public EpochSteps epoch(
            TaskLifetime lifetime,
            CachedRows data,
            int epoch,
            InputTransform input,
            String epochDescription,
            Consumer<String> warnings) {
        return epoch(lifetime, data, epoch, input, epochDescription, warnings, ResidentEpoch.STALL_MILLIS);
    }

    /** As above; resident tasks fall back to a job per step after {@code stallMillis} without an answer. */
    EpochSteps epoch(
            TaskLifetime lifetime,
            CachedRows data,
            int epoch,
            InputTransform input,
            String epochDescription,
            Consumer<String> warnings,
            long stallMillis) {
        EpochSteps perStep = perStep(data, epoch, input);
        if (lifetime == TaskLifetime.EPOCH && !residentGivenUp) {
            return new ResidentEpoch(
                            sc,
                            data,
                            new TaskGradient(arch, wire, input, data.layout()),
                            wire,
                            arch.parameterCount(),
                            epoch,
                            jobGroup(epoch),
                            epochDescription,
                            perStep,
                            warnings,
                            stallMillis,
                            () -> residentGivenUp = true)
                    .over(exchange);
        }
        return perStep;
    }

    private EpochSteps perStep(CachedRows data, int epoch, InputTransform input) {
        return new EpochSteps() {
            @Override
            public Result gradient(float[] parameters, int[] batchRows, String description) {
                return SyncStep.this.gradient(data, parameters, batchRows, epoch, input, description);
            }

            @Override
            public void close() {}
        };
    }

    static String jobGroup(int epoch) {
        return "lockstep-train-epoch-" + (epoch + 1);
    }

    /**
     * Adds a step's partial results up in the tree's order, with the step's timings: {@code shipNanos} and
     * {@code jobNanos} as the caller measured them, launch and return from the tasks' wall clocks against the
     * driver's when it handed the step over ({@code submittedMicros}) and got the last result ({@code
     * collectedMicros}).
     */
    static Result combine(
            List<PartialGradient> parts,
            int partitions,
            WirePrecision wire,
            int parameterCount,
            long shipNanos,
            long jobNanos,
            long submittedMicros,
            long collectedMicros) {
        long start = System.nanoTime();
        Map<SumTree.Node, NodeSum> sums = new HashMap<>();
        Map<SumTree.Node, Double> losses = new HashMap<>();
        int rows = 0;
        int correct = 0;
        PartialGradient slowest = parts.get(0);
        long submitted = submittedMicros * 1000;
        long lastStart = submitted;
        long firstStart = Long.MAX_VALUE;
        long lastEnd = 0;
        for (PartialGradient p : parts) {
            for (int i = 0; i < p.losses.length; i++) {
                SumTree.Node node = p.node(i);
                if (p.slice == null) {
                    sums.put(
                            node,
                            NodeSum.encoded(
                                    p.gradients[i].bytes(),
                                    node.isLeaf() ? wire : WirePrecision.FLOAT32,
                                    parameterCount));
                }
                losses.put(node, p.losses[i]);
            }
            rows += p.rows;
            correct += p.correct;
            if (busy(p) > busy(slowest)) slowest = p;
            lastStart = Math.max(lastStart, p.time.nanos(Part.TASK_START));
            firstStart = Math.min(firstStart, p.time.nanos(Part.TASK_START));
            lastEnd = Math.max(lastEnd, p.time.nanos(Part.TASK_END));
        }
        float[] sum =
                parts.get(0).slice != null ? Slices.assemble(parts, parameterCount) : NodeSum.total(partitions, sums);
        double loss = SumTree.totalLoss(partitions, losses);
        long end = System.nanoTime();
        StepTime time = StepTime.NONE
                .with(Part.SHIP, shipNanos)
                .with(Part.JOB, jobNanos)
                .with(Part.FETCH, slowest.time.nanos(Part.FETCH))
                .with(Part.COMPUTE, slowest.time.nanos(Part.COMPUTE))
                .with(Part.COMBINE, end - start)
                .with(Part.LAUNCH, lastStart - submitted)
                .with(Part.RETURN, Math.max(0, collectedMicros * 1000 - lastEnd))
                .with(Part.LAUNCH_FIRST, firstStart - submitted);
        return new Result(sum, loss, rows, correct, time);
    }

    /** A task's time reading parameters and computing: the slowest task's sets the step's pace. */
    private static long busy(PartialGradient p) {
        return p.time.nanos(Part.FETCH) + p.time.nanos(Part.COMPUTE);
    }

    /** @param description names the job in the Spark UI, e.g. "lockstep evaluate validation after epoch 3/10" */
    public Evaluation evaluate(CachedRows data, float[] parameters, InputTransform input, String description) {
        long exchange = layout != Layout.SENT ? ExchangedBytes.openExchange() : 0;
        ShippedParameters shipped =
                ShippedParameters.ship(sc, WirePrecision.FLOAT32.encode(parameters), maxInTaskBytes, exchange);
        try {
            sc.setJobGroup("lockstep-evaluate", description, false);
            List<Evaluation> perPartition = new ArrayList<>(data.partitions());
            for (Evaluation[] task :
                    new EvaluationTask(shipped, arch, input, data.layout()).runOn(sc, data.rdd(), Evaluation[].class)) {
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
