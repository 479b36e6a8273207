package dev.lockstep.train;

import java.io.Serializable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * A job's encoded parameters on their way to the tasks. Up to {@link #MAX_IN_TASK_BYTES} they ride in the task
 * itself: the stage's task binary, which Spark broadcasts once per job anyway (TorrentBroadcast), so a broadcast of
 * our own would be a second one (about 1 ms more per step on {@code local[2]}, measured by {@code lockstep bench}).
 * Above it, Spark would warn of a large task binary on every step, so they go in a broadcast of their own.
 */
final class ShippedParameters implements Serializable {
    private static final long serialVersionUID = 1L;
    /**
     * Below Spark's large-task-binary warning (1,000 KiB) with 24 KiB for the rest of the task; 784-256-128-10 in
     * float32 is 919 KiB.
     */
    static final int MAX_IN_TASK_BYTES = 976 * 1024;

    private final byte[] inTask;
    private final Broadcast<byte[]> broadcast;

    private ShippedParameters(byte[] inTask, Broadcast<byte[]> broadcast) {
        this.inTask = inTask;
        this.broadcast = broadcast;
    }

    static ShippedParameters ship(JavaSparkContext sc, byte[] encoded) {
        return ship(sc, encoded, MAX_IN_TASK_BYTES);
    }

    static ShippedParameters ship(JavaSparkContext sc, byte[] encoded, int maxInTaskBytes) {
        return encoded.length <= maxInTaskBytes ? new ShippedParameters(encoded, null) : new ShippedParameters(null, sc.broadcast(encoded));
    }

    /** On an executor: the encoded parameters. */
    byte[] bytes() {
        return inTask != null ? inTask : broadcast.value();
    }

    boolean isBroadcast() { return broadcast != null; }

    /** On the driver, once the job is done: only one step's parameters are ever held, however many steps run. */
    void release() {
        if (broadcast != null) broadcast.destroy();
    }
}
