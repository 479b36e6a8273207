package dev.lockstep.train;

import java.util.Arrays;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * An epoch's steps on resident tasks: one Spark job whose tasks ({@link ResidentTask}) stay for the epoch, each
 * step's parameters handed to them and their partial gradients handed back through a {@link StepChannel}. A step
 * then costs a hand-over, not a Spark job (scheduling, task launch and result return: BENCHMARKS.md). The partial
 * gradients, and the order they are added in ({@link SyncStep#combine}), are those of a job per step, so the model
 * is the same bit for bit. The job starts with the first step and ends when the epoch is closed.
 */
final class ResidentEpoch implements EpochSteps {
    private final JavaSparkContext sc;
    private final CachedRows data;
    private final TaskGradient work;
    private final WirePrecision wire;
    private final int parameterCount;
    private final int epoch;
    private final String group;
    private final String description;
    private StepChannel channel;
    private Thread job;
    private volatile Throwable failure;
    private boolean failureReported;
    private long nextId;

    ResidentEpoch(JavaSparkContext sc, CachedRows data, TaskGradient work, WirePrecision wire, int parameterCount, int epoch,
                  String group, String description) {
        this.sc = sc;
        this.data = data;
        this.work = work;
        this.wire = wire;
        this.parameterCount = parameterCount;
        this.epoch = epoch;
        this.group = group;
        this.description = description;
    }

    @Override public SyncStep.Result gradient(float[] parameters, int[] batchRows, String stepDescription) {
        if (channel == null) start();
        long t0 = System.nanoTime();
        StepOrder order = new StepOrder(nextId++, epoch, batchRows, wire.encode(parameters));
        long t1 = System.nanoTime();
        long published = WallClock.micros();
        channel.publish(order);
        PartialGradient[] parts;
        try {
            parts = channel.await();
        } catch (IllegalStateException e) {
            failureReported = true;
            throw e;
        }
        long t2 = System.nanoTime();
        return SyncStep.combine(Arrays.asList(parts), data.partitions(), wire, parameterCount, t1 - t0, t2 - t1, published, WallClock.micros());
    }

    /** The job, on a thread of its own (Spark's local properties, such as the scheduler pool, are inherited). */
    private void start() {
        int tasks = data.layout().tasks();
        channel = sc.isLocal() ? LocalStepChannel.open(tasks) : RpcStepChannel.open(tasks);
        ResidentTask task = new ResidentTask(channel.endpoint(), work);
        StepChannel ch = channel;
        job = new Thread(() -> {
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
        }, "lockstep-resident-epoch-" + (epoch + 1));
        job.setDaemon(true);
        job.start();
    }

    /** Ends the epoch: the tasks return and the job ends; a failure no step has reported yet is thrown now. */
    @Override public void close() {
        if (channel == null) return;
        channel.end();
        boolean interrupted = false;
        while (job.isAlive()) {
            try {
                job.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        channel.close();
        if (failure != null && !failureReported) throw endedEarly(nextId - 1, failure);
    }

    static IllegalStateException endedEarly(long step, Throwable failure) {
        String what = "the Spark job of the epoch's resident tasks ended before step " + (step + 1) + " of the job was answered";
        return new IllegalStateException(failure == null ? what : what + ": " + failure.getMessage(), failure);
    }
}
