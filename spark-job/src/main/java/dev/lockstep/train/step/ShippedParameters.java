package dev.lockstep.train.step;

import dev.lockstep.train.exchange.ExchangedBytes;
import java.io.Serializable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * A job's encoded parameters on their way to the tasks, one of three ways:
 * <ul>
 *   <li>held in this JVM ({@link ExchangedBytes}) when the tasks run in it, a local master: nothing is copied;
 *   <li>up to {@link #MAX_IN_TASK_BYTES}, in the task itself: the stage's task binary, which Spark broadcasts once
 *       per job anyway (TorrentBroadcast), so a broadcast of our own would be a second one (about 1 ms more per
 *       step on {@code local[2]}, measured by {@code lockstep bench});
 *   <li>above that, where Spark would warn of a large task binary on every step, in a broadcast of their own.
 * </ul>
 */
public final class ShippedParameters implements Serializable {
    private static final long serialVersionUID = 1L;
    /**
     * Below Spark's large-task-binary warning (1,000 KiB) with 24 KiB for the rest of the task; 784-256-128-10 in
     * float32 is 919 KiB.
     */
    public static final int MAX_IN_TASK_BYTES = 976 * 1024;

    private final ExchangedBytes carried;
    private final Broadcast<byte[]> broadcast;

    private ShippedParameters(ExchangedBytes carried, Broadcast<byte[]> broadcast) {
        this.carried = carried;
        this.broadcast = broadcast;
    }

    static ShippedParameters ship(JavaSparkContext sc, byte[] encoded) {
        return ship(sc, encoded, MAX_IN_TASK_BYTES, 0);
    }

    /** @param exchange an open {@link ExchangedBytes} exchange to hold them in this JVM, or 0 to send them */
    static ShippedParameters ship(JavaSparkContext sc, byte[] encoded, int maxInTaskBytes, long exchange) {
        if (exchange != 0)
            return new ShippedParameters(ExchangedBytes.hold(exchange, ExchangedBytes.DRIVER, encoded), null);
        return encoded.length <= maxInTaskBytes
                ? new ShippedParameters(ExchangedBytes.inline(encoded), null)
                : new ShippedParameters(null, sc.broadcast(encoded));
    }

    /** On an executor: the encoded parameters. */
    byte[] bytes() {
        return carried != null ? carried.bytes() : broadcast.value();
    }

    boolean isBroadcast() {
        return broadcast != null;
    }

    /** On the driver, once the job is done: only one step's parameters are ever held, however many steps run. */
    void release() {
        if (broadcast != null) broadcast.destroy();
    }
}
