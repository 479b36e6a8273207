package dev.lockstep.bench;

import dev.lockstep.data.LabeledImages;
import dev.lockstep.data.RowBlock;
import dev.lockstep.train.TrainConfig;
import dev.lockstep.train.rows.CachedRows;
import dev.lockstep.train.rows.InMemoryRows;
import dev.lockstep.train.rows.PartitionJob;
import dev.lockstep.train.step.EpochSteps;
import dev.lockstep.train.step.Placement;
import dev.lockstep.train.step.ShippedParameters;
import dev.lockstep.train.step.SyncStep;
import dev.lockstep.train.step.TaskLifetime;
import dev.lockstep.train.timing.StepTime;
import dev.lockstep.train.timing.StepTime.Part;
import dev.lockstep.train.timing.StepTimeSamples;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.RDDInfo;

/**
 * The training steps on Spark, measured: the same {@link SyncStep} and {@link dev.lockstep.train.ParameterUpdate} as
 * {@link dev.lockstep.train.Trainer}, with every part of every step timed, in two phases. First the steps alone, as
 * training runs them: their throughput and medians. Where training's tasks live for an epoch ({@link TaskLifetime}),
 * the epochs of this phase alternate between resident tasks and a job per step, so that both are measured in the same
 * JVM, on the same data, at the same point of its warm-up. Then more steps, each with a job of its own, with empty
 * jobs on the same cached RDD after every fourth (so steps and empty jobs see the same load and the same warm JVM):
 * the comparison of a step's overhead with Spark's floor. Kept apart so that the throughput is that of steps run back
 * to back, as training runs them: the side jobs change the timing of the steps around them (BENCHMARKS.md). Also the
 * CPU the JVM's threads used during the steps alone ({@link ThreadCpu}), the bytes the cached training rows take, and
 * the driver's heap after a full GC at two points of the run.
 */
public final class SparkStepBench {
    /** The steps alone of one task lifetime: their throughput, median milliseconds per part and CPU per step. */
    public record StepsAlone(
            TaskLifetime lifetime,
            int steps,
            double examplesPerSecond,
            Map<String, Double> stepMillis,
            Map<String, Double> cpuMillisPerStep) {}

    /** Medians in milliseconds; heap in bytes. {@code alone} starts with the lifetime training uses. */
    public record Report(
            int partitions,
            int partitionsPerTask,
            int batch,
            List<StepsAlone> alone,
            String cpuSource,
            int compareSteps,
            double interleavedExamplesPerSecond,
            Map<String, Double> interleavedStepMillis,
            double emptyJobMillis,
            double broadcastAndEmptyJobMillis,
            double taskCarriedEmptyJobMillis,
            double collectEmptyJobMillis,
            double oneTaskEmptyJobMillis,
            double returningEmptyJobMillis,
            double manyTasksEmptyJobMillis,
            int manyTasks,
            Map<String, Double> wireStepMillis,
            double cachedBytesPerRow,
            long cachedBytes,
            int heapFirstStep,
            long heapAtFirst,
            int heapLastStep,
            long heapAtLast) {
        /** The steps alone as training runs them. */
        public StepsAlone training() {
            return alone.get(0);
        }
    }

    private SparkStepBench() {}

    /**
     * Runs {@code warmupSteps + steps} steps, then {@code compareSteps} steps interleaved with empty jobs; the
     * throughput and medians of the steps alone cover the {@code steps}. Heap is read after step
     * {@code heapFirstStep} (counted from 1, warm-up included) and after the last of the steps alone.
     */
    public static Report run(
            JavaSparkContext sc,
            LabeledImages data,
            TrainConfig config,
            int partitions,
            int warmupSteps,
            int steps,
            int compareSteps,
            int heapFirstStep) {
        return run(sc, data, config, partitions, warmupSteps, steps, compareSteps, heapFirstStep, new float[0][]);
    }

    /** As above; also leaves the parameters after the last step in {@code finalParameters[0]}, for tests. */
    static Report run(
            JavaSparkContext sc,
            LabeledImages data,
            TrainConfig config,
            int partitions,
            int warmupSteps,
            int steps,
            int compareSteps,
            int heapFirstStep,
            float[][] finalParameters) {
        if (steps < 1 || compareSteps < 1 || warmupSteps < 0) {
            throw new IllegalArgumentException("steps and compare steps must be positive, warm-up steps 0 or more");
        }
        int compareFrom = warmupSteps + steps;
        int total = compareFrom + compareSteps;
        BenchLoop loop = new BenchLoop(config, data.count(), data.rows(), data.cols(), total);
        SyncStep step = new SyncStep(sc, loop.arch, loop.config.transfer(), loop.config.exchange());
        // On a local master the steps keep their bytes in this JVM; the same step with them sent through Spark, on
        // the same parameters and rows, shows what that saves (and must give the same bits).
        SyncStep wireStep = sc.isLocal()
                ? new SyncStep(
                        sc,
                        loop.arch,
                        loop.config.transfer(),
                        ShippedParameters.MAX_IN_TASK_BYTES,
                        SyncStep.Layout.SENT,
                        Optional.empty())
                : null;
        Map<TaskLifetime, StepTimeSamples> aloneTimes = new EnumMap<>(TaskLifetime.class);
        StepTimeSamples interleavedTimes = new StepTimeSamples(PARTS);
        StepTimeSamples wireTimes = new StepTimeSamples(WIRE_PARTS);
        int emptyJobs = 0;
        long[] empty = new long[compareSteps / 4 + 1];
        long[] broadcastEmpty = new long[compareSteps / 4 + 1];
        long[] collectEmpty = new long[compareSteps / 4 + 1];
        long[] carriedEmpty = new long[compareSteps / 4 + 1];
        long[] oneTaskEmpty = new long[compareSteps / 4 + 1];
        long[] returningEmpty = new long[compareSteps / 4 + 1];
        long[] manyEmpty = new long[compareSteps / 4 + 1];
        JavaRDD<Integer> many = sc.parallelize(Collections.nCopies(MANY_TASKS, 0), MANY_TASKS);
        long heapAtFirst = -1;
        long heapAtLast = -1;
        int perTask = Placement.partitionsPerTask(sc, config.partitionsPerTask(), partitions);
        try (CachedRows rows = CachedRows.cache(sc, new InMemoryRows(data), partitions, perTask, "lockstep-bench")) {
            long cachedBytes = cachedBytes(sc, rows.rdd().id());
            TaskLifetime trained = Placement.taskLifetime(
                    sc,
                    config.taskLifetime(),
                    partitions,
                    rows.layout().tasks(),
                    warning -> System.err.println("[bench] warning: " + warning));
            List<TaskLifetime> kinds =
                    trained == TaskLifetime.EPOCH ? List.of(TaskLifetime.EPOCH, TaskLifetime.STEP) : List.of(trained);
            TaskLifetime[] lifetimeOf = new TaskLifetime[total];
            for (int s = 0; s < total; s++) {
                lifetimeOf[s] = s >= compareFrom
                        ? TaskLifetime.STEP
                        : kinds.get(Math.floorMod(loop.epochOf(s) - loop.epochOf(warmupSteps), kinds.size()));
            }
            Map<TaskLifetime, Long> measuredNanos = new EnumMap<>(TaskLifetime.class);
            Map<TaskLifetime, ThreadCpu.Tally> cpu = new EnumMap<>(TaskLifetime.class);
            long interleavedNanos = 0;
            ThreadCpu.Snapshot window = null; // the CPU reading where the current run of one kind of step began
            // The full GCs of a heap reading among the steps alone are not the steps': their GC and driver CPU is left
            // out.
            ThreadCpu.Snapshot[] heapReading = null;
            EpochSteps epochSteps = null;
            int openEpoch = -1;
            try {
                for (int s = 0; s < total; s++) {
                    if (s == warmupSteps) window = ThreadCpu.snapshot();
                    int epoch = loop.epochOf(s);
                    if (epochSteps == null || epoch != openEpoch || s > 0 && lifetimeOf[s] != lifetimeOf[s - 1]) {
                        EpochSteps ended = epochSteps;
                        epochSteps = null; // closed once, even if closing throws
                        if (ended != null) ended.close();
                        epochSteps = step.epoch(
                                lifetimeOf[s],
                                rows,
                                epoch,
                                loop.input,
                                "lockstep bench epoch " + (epoch + 1) + " (resident tasks)",
                                warning -> System.err.println("[bench] warning: " + warning));
                        openEpoch = epoch;
                    }
                    long t0 = System.nanoTime();
                    SyncStep.Result r = epochSteps.gradient(
                            loop.params, loop.batch(s), "lockstep bench step " + (s + 1) + "/" + total);
                    long t1 = System.nanoTime();
                    boolean sideJobs = s >= compareFrom && (s - compareFrom) % 4 == 0;
                    if (sideJobs && wireStep != null) {
                        wireTimes.add(sameStepThroughSpark(wireStep, r, rows, loop, s, epoch, total));
                    }
                    long tu = System.nanoTime();
                    loop.update.apply(
                            loop.params,
                            loop.optimizer,
                            r.gradientSum(),
                            r.lossSum(),
                            r.rows(),
                            s,
                            epoch,
                            loop.stepOf(s));
                    long t2 = System.nanoTime();
                    long stepNanos = (t1 - t0) + (t2 - tu);
                    if (s >= warmupSteps && s < compareFrom) measuredNanos.merge(lifetimeOf[s], stepNanos, Long::sum);
                    if (s >= compareFrom) interleavedNanos += stepNanos;
                    StepTime time = r.time().with(Part.UPDATE, t2 - tu).with(Part.TOTAL, stepNanos);
                    if (s >= warmupSteps && s < compareFrom) {
                        aloneTimes
                                .computeIfAbsent(lifetimeOf[s], k -> new StepTimeSamples(PARTS))
                                .add(time);
                    }
                    if (s >= compareFrom) interleavedTimes.add(time);
                    if (sideJobs) {
                        byte[] encoded = loop.config.transfer().encode(loop.params);
                        empty[emptyJobs] = emptyJob(sc, rows, null, false);
                        broadcastEmpty[emptyJobs] = emptyJob(sc, rows, encoded, true);
                        carriedEmpty[emptyJobs] = emptyJob(sc, rows, encoded, false);
                        oneTaskEmpty[emptyJobs] =
                                timed(() -> new EmptyTask(null, null, 0).runOn(sc, rows.rdd(), byte[].class, 1));
                        returningEmpty[emptyJobs] = timed(
                                () -> new EmptyTask(null, null, encoded.length).runOn(sc, rows.rdd(), byte[].class));
                        manyEmpty[emptyJobs] = timed(() -> new NothingTask().runOn(sc, many, Integer.class));
                        collectEmpty[emptyJobs++] = collectEmptyJob(rows);
                    }
                    boolean amongStepsAlone = s >= warmupSteps && s < compareFrom;
                    if (s + 1 == heapFirstStep) {
                        ThreadCpu.Snapshot before = amongStepsAlone ? ThreadCpu.snapshot() : null;
                        heapAtFirst = heapAfterGc();
                        if (amongStepsAlone) heapReading = new ThreadCpu.Snapshot[] {before, ThreadCpu.snapshot()};
                    }
                    if (amongStepsAlone && (s + 1 == compareFrom || lifetimeOf[s + 1] != lifetimeOf[s])) {
                        ThreadCpu.Snapshot end = ThreadCpu.snapshot();
                        if (heapReading != null)
                            end = ThreadCpu.less(end, heapReading[0], heapReading[1], List.of("gc_and_vm", "driver"));
                        cpu.computeIfAbsent(lifetimeOf[s], k -> new ThreadCpu.Tally())
                                .add(window, end);
                        heapReading = null;
                        window = ThreadCpu.snapshot();
                    }
                    // The second reading ends the steps alone: the side jobs after it leave their own trail in Spark's
                    // bookkeeping (a 64-task stage retains 64 tasks' records), which says nothing about the steps.
                    if (s + 1 == compareFrom) heapAtLast = heapAfterGc();
                }
            } catch (RuntimeException | Error e) {
                // The step's failure is the news; one the epoch's close adds goes with it, not in its place.
                if (epochSteps != null) {
                    try {
                        epochSteps.close();
                    } catch (RuntimeException c) {
                        e.addSuppressed(c);
                    }
                }
                throw e;
            }
            if (epochSteps != null) epochSteps.close();
            if (finalParameters.length > 0) finalParameters[0] = loop.params.clone();
            List<StepsAlone> alone = new ArrayList<>();
            for (TaskLifetime kind : kinds) {
                StepTimeSamples times = aloneTimes.get(kind);
                if (times == null) continue;
                int measured = times.count();
                alone.add(new StepsAlone(
                        kind,
                        measured,
                        (double) measured * loop.plan.batchSize() / (measuredNanos.get(kind) / 1e9),
                        times.medians().byName(),
                        cpu.get(kind).millisPerStep(measured)));
            }
            Map<String, Double> interleaved = interleavedTimes.medians().byName();
            Map<String, Double> wireMedians =
                    wireStep != null ? wireTimes.medians().byName() : new LinkedHashMap<>();
            return new Report(
                    partitions,
                    rows.partitionsPerTask(),
                    loop.plan.batchSize(),
                    alone,
                    ThreadCpu.source(),
                    compareSteps,
                    (double) compareSteps * loop.plan.batchSize() / (interleavedNanos / 1e9),
                    interleaved,
                    BenchLoop.medianMillis(empty, 0, emptyJobs),
                    BenchLoop.medianMillis(broadcastEmpty, 0, emptyJobs),
                    BenchLoop.medianMillis(carriedEmpty, 0, emptyJobs),
                    BenchLoop.medianMillis(collectEmpty, 0, emptyJobs),
                    BenchLoop.medianMillis(oneTaskEmpty, 0, emptyJobs),
                    BenchLoop.medianMillis(returningEmpty, 0, emptyJobs),
                    BenchLoop.medianMillis(manyEmpty, 0, emptyJobs),
                    MANY_TASKS,
                    wireMedians,
                    (double) cachedBytes / data.count(),
                    cachedBytes,
                    heapFirstStep,
                    heapAtFirst,
                    compareFrom,
                    heapAtLast);
        }
    }

    /** The parts of the steps alone and interleaved, in the order of the report's JSON. */
    private static final List<Part> PARTS = List.of(
            Part.TOTAL,
            Part.SHIP,
            Part.LAUNCH,
            Part.LAUNCH_FIRST,
            Part.FETCH,
            Part.COMPUTE,
            Part.RETURN,
            Part.COMBINE,
            Part.UPDATE,
            Part.OVERHEAD);
    /** The parts of the same steps through Spark, in the order of the report's JSON. */
    private static final List<Part> WIRE_PARTS =
            List.of(Part.TOTAL, Part.LAUNCH, Part.LAUNCH_FIRST, Part.COMPUTE, Part.RETURN, Part.COMBINE, Part.OVERHEAD);

    /**
     * Step {@code s} again, before its update, with its bytes sent through Spark: its time, the whole of it as the
     * total. Its gradient must equal the step's own, bit for bit; it is then dropped.
     */
    private static StepTime sameStepThroughSpark(
            SyncStep wireStep, SyncStep.Result kept, CachedRows rows, BenchLoop loop, int s, int epoch, int total) {
        long start = System.nanoTime();
        SyncStep.Result sent = wireStep.gradient(
                rows,
                loop.params,
                loop.batch(s),
                epoch,
                loop.input,
                "lockstep bench step " + (s + 1) + "/" + total + " through Spark");
        long nanos = System.nanoTime() - start;
        if (!Arrays.equals(sent.gradientSum(), kept.gradientSum())) {
            throw new IllegalStateException(
                    "step " + (s + 1) + ": the gradient sent through Spark differs from the one kept in process");
        }
        return sent.time().with(Part.TOTAL, nanos);
    }

    /**
     * One job on the cached rows that returns nothing from each partition, launched the way steps are
     * ({@link PartitionJob}): Spark's floor for a step. With a {@code payload} (the encoded parameters), the task
     * reads it either from a broadcast of its own, or from a field of the task (the stage's task binary, which
     * Spark broadcasts anyway): the two ways a step can ship its parameters.
     */
    private static long emptyJob(JavaSparkContext sc, CachedRows rows, byte[] payload, boolean ownBroadcast) {
        long start = System.nanoTime();
        Broadcast<byte[]> bc = payload != null && ownBroadcast ? sc.broadcast(payload) : null;
        try {
            new EmptyTask(bc, ownBroadcast ? null : payload, 0).runOn(sc, rows.rdd(), byte[].class);
        } finally {
            if (bc != null) bc.destroy();
        }
        return System.nanoTime() - start;
    }

    /** The same empty job written as most Spark code would write it: {@code mapPartitions(...).collect()}. */
    private static long collectEmptyJob(CachedRows rows) {
        long start = System.nanoTime();
        rows.rdd()
                .mapPartitions(it -> Collections.<Integer>emptyIterator(), true)
                .collect();
        return System.nanoTime() - start;
    }

    /** Tasks in the job that measures what each further task costs the scheduler (tasks far outnumber cores). */
    static final int MANY_TASKS = 64;

    private static final class NothingTask extends PartitionJob<Integer, Integer> {
        private static final long serialVersionUID = 1L;

        @Override
        protected Integer call(Iterator<Integer> partition) {
            return 0;
        }
    }

    private static long timed(Runnable job) {
        long start = System.nanoTime();
        job.run();
        return System.nanoTime() - start;
    }

    /** Reads the payload it was given, if any, and returns {@code resultBytes} bytes (a gradient's worth, or none). */
    private static final class EmptyTask extends PartitionJob<RowBlock, byte[]> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<byte[]> broadcast;
        private final byte[] carried;
        private final int resultBytes;

        EmptyTask(Broadcast<byte[]> broadcast, byte[] carried, int resultBytes) {
            this.broadcast = broadcast;
            this.carried = carried;
            this.resultBytes = resultBytes;
        }

        @Override
        protected byte[] call(Iterator<RowBlock> partition) {
            if (broadcast != null) broadcast.value();
            return new byte[resultBytes];
        }
    }

    /**
     * What the cached RDD takes in memory and on disk, or -1. Executors report their cached blocks to the driver
     * asynchronously, so right after caching the RDD may be missing or hold only some of its partitions (both
     * seen on Spark 3.5): ask until every partition is there, for a while.
     */
    private static long cachedBytes(JavaSparkContext sc, int rddId) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        do {
            for (RDDInfo info : sc.sc().getRDDStorageInfo()) {
                if (info.id() == rddId && info.numCachedPartitions() == info.numPartitions())
                    return info.memSize() + info.diskSize();
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        } while (System.nanoTime() < deadline);
        return -1;
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
