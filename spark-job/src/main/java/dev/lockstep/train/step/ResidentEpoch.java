package dev.lockstep.train.step;

import dev.lockstep.train.exchange.AnswerShape;
import dev.lockstep.train.exchange.Exchange;
import dev.lockstep.train.exchange.PartialGradient;
import dev.lockstep.train.exchange.StepBoard;
import dev.lockstep.train.exchange.StepChannel;
import dev.lockstep.train.exchange.StepOrder;
import dev.lockstep.train.rows.CachedRows;
import dev.lockstep.train.sum.WirePrecision;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * An epoch's steps on resident tasks: one Spark job whose tasks ({@link ResidentTask}) stay for the epoch, each
 * step's parameters handed to them and their partial gradients handed back through a {@link StepChannel}: in
 * this JVM on a local master, over the driver's Spark RPC endpoint on a cluster. A step then costs a hand-over, not
 * a Spark job (scheduling, task launch and result return: BENCHMARKS.md). The partial gradients, and the order
 * they are added in ({@link SyncStep#combine}), are those of a job per step, so the model is the same bit for bit.
 * The job starts with the first step and ends when the epoch is closed.
 *
 * <p>Resident tasks need a task slot each, all at once. Where that fails (the registered executors have too few
 * slots when the epoch starts, or no task answers a step for {@link #STALL_MILLIS}: a lost executor whose task
 * finds no free slot), the job is cancelled and the epoch goes on with a job per step from the step it had
 * reached, with a warning; the bits are the same.
 */
final class ResidentEpoch implements EpochSteps {
    static final long STALL_MILLIS = TimeUnit.SECONDS.toMillis(60);
    /**
     * How long the tasks get to return once the epoch is over, before their job is cancelled (at most the stall time).
     */
    static final long JOB_END_MILLIS = TimeUnit.SECONDS.toMillis(10);

    private final JavaSparkContext sc;
    private final CachedRows data;
    private final TaskGradient work;
    private final WirePrecision wire;
    private final int parameterCount;
    private final int epoch;
    private final String group;
    private final String description;
    private final EpochSteps perStep;
    private final Consumer<String> warnings;
    private final long stallMillis;
    private final Runnable onStall;
    private StepChannel channel;
    private Thread job;
    private volatile Throwable failure;
    private boolean failureReported;
    private boolean onPerStep;
    private Exchange exchange; // null: auto
    private long nextId;

    /**
     * @param perStep the same epoch with a job per step, for when resident tasks cannot go on
     * @param warnings told when that happens, and why
     * @param onStall run after a stall, so that the rest of the run can keep to a job per step
     */
    ResidentEpoch(
            JavaSparkContext sc,
            CachedRows data,
            TaskGradient work,
            WirePrecision wire,
            int parameterCount,
            int epoch,
            String group,
            String description,
            EpochSteps perStep,
            Consumer<String> warnings,
            long stallMillis,
            Runnable onStall) {
        this.sc = sc;
        this.data = data;
        this.work = work;
        this.wire = wire;
        this.parameterCount = parameterCount;
        this.epoch = epoch;
        this.group = group;
        this.description = description;
        this.perStep = perStep;
        this.warnings = warnings;
        this.stallMillis = stallMillis;
        this.onStall = onStall;
    }

    /** How gradients reach the driver ({@link Exchange}); null for auto. Before the first step. */
    ResidentEpoch over(Exchange e) {
        exchange = e;
        return this;
    }

    /** Whether the epoch went on with a job per step. */
    boolean fellBack() {
        return onPerStep;
    }

    @Override
    public SyncStep.Result gradient(float[] parameters, int[] batchRows, String stepDescription) {
        start();
        if (onPerStep) return perStep.gradient(parameters, batchRows, stepDescription);
        long t0 = System.nanoTime();
        StepOrder order = new StepOrder(nextId++, epoch, batchRows, wire.encode(parameters));
        long t1 = System.nanoTime();
        long published = WallClock.micros();
        channel.publish(order);
        PartialGradient[] parts;
        try {
            parts = channel.await(stallMillis);
        } catch (RuntimeException e) {
            failureReported = true;
            throw e;
        }
        String refused = channel.refusals();
        if (refused != null) warnings.accept(refused);
        if (parts == null) {
            onStall.run();
            abandon(String.format(
                    Locale.ROOT,
                    "no resident task answered step %d of epoch %d for %s (a task without a free slot?)",
                    order.id() + 1,
                    epoch + 1,
                    Duration.ofMillis(stallMillis).toString().substring(2).toLowerCase(Locale.ROOT)));
            return perStep.gradient(parameters, batchRows, stepDescription);
        }
        long t2 = System.nanoTime();
        return SyncStep.combine(
                Arrays.asList(parts),
                data.partitions(),
                wire,
                parameterCount,
                t1 - t0,
                t2 - t1,
                published,
                WallClock.micros());
    }

    /**
     * Starts the job, on a thread of its own (Spark's local properties, such as the scheduler pool, are inherited).
     * Once: the first step does, later ones find it started (or given up); tests may call it earlier.
     */
    void start() {
        if (onPerStep || channel != null) return;
        int tasks = data.layout().tasks();
        if (!sc.isLocal()) {
            int slots = TaskSlots.now(sc);
            if (slots < tasks) {
                onPerStep = true;
                warnings.accept(String.format(
                        Locale.ROOT,
                        "epoch %d: %d tasks per step but %d task slots now; " + "this epoch runs a job per step",
                        epoch + 1,
                        tasks,
                        slots));
                return;
            }
        }
        AnswerShape shape = new AnswerShape(data.layout(), wire, parameterCount);
        channel = Exchange.open(exchange, sc.isLocal(), shape, wire);
        ResidentTask task = new ResidentTask(channel.endpoint(), work);
        StepChannel ch = channel;
        job = new Thread(
                () -> {
                    Throwable failed = null;
                    try {
                        sc.setJobGroup(group, description, true);
                        task.runOn(sc, data.rdd(), Long.class);
                    } catch (Throwable t) {
                        failed = t;
                        failure = t;
                    } finally {
                        sc.clearJobGroup();
                        ch.jobEnded(failed);
                    }
                },
                "lockstep-resident-epoch-" + (epoch + 1));
        job.setDaemon(true);
        job.start();
    }

    /** Cancels the job and goes on with a job per step; the cancelled job's failure is expected, not reported. */
    private void abandon(String why) {
        warnings.accept(why + "; the rest of this epoch runs a job per step");
        onPerStep = true;
        failureReported = true;
        sc.cancelJobGroup(group);
        stopJob();
    }

    /** Ends the epoch: the tasks return and the job ends; a failure no step has reported yet is thrown now. */
    @Override
    public void close() {
        if (channel == null) return;
        stopJob();
        if (failure != null && !failureReported) throw StepBoard.endedEarly(nextId - 1, failure, channel.refusals());
    }

    /**
     * Ends the channel and waits for the job, cancelling it if its tasks do not return in time: a task that never
     * got a slot (a lost executor) would otherwise keep the job, and this thread, waiting forever.
     */
    private void stopJob() {
        try {
            channel.end();
            if (job == null) return;
            long wait = Math.min(stallMillis, JOB_END_MILLIS);
            if (!joined(job, wait)) {
                failureReported = true; // the job's failure is then this cancel, not news
                sc.cancelJobGroup(group);
                // A cancelled job ends as soon as Spark has interrupted its tasks; on a loaded machine that may take
                // longer than a short stall wait, so this wait is the full bound.
                if (!joined(job, JOB_END_MILLIS)) {
                    warnings.accept("the Spark job of epoch " + (epoch + 1)
                            + "'s resident tasks did not end when cancelled; left to Spark");
                }
            }
        } finally {
            channel.close();
        }
    }

    /** Waits up to {@code millis} for the thread to end, keeping (not swallowing) an interrupt. */
    private static boolean joined(Thread thread, long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        boolean interrupted = false;
        try {
            while (thread.isAlive()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                try {
                    TimeUnit.NANOSECONDS.timedJoin(thread, left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            return true;
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }
}
