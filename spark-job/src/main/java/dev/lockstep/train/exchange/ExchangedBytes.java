package dev.lockstep.train.exchange;

import java.io.Serializable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes a step moves between the driver and its tasks: the encoded parameters out, each task's gradient sums back.
 * Between JVMs they travel inline, serialized with the task or with its result. When the tasks run in the driver's
 * own JVM (a local master) that serialization is copying and nothing else, about 1 MB each way per task per step;
 * there the bytes stay in a table of this JVM and only their key travels (measured by {@code lockstep bench}).
 *
 * <p>Held bytes belong to an exchange, one per job: its tasks put their results under the first partition of
 * each {@link dev.lockstep.train.sum.SumTree} node they send (a retried attempt puts the same bytes again), and
 * closing the exchange drops whatever it still holds, also when the job failed.
 */
public final class ExchangedBytes implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final ConcurrentHashMap<Slot, byte[]> HELD = new ConcurrentHashMap<>();
    private static final AtomicLong EXCHANGES = new AtomicLong();
    /** The index the driver's own bytes (the parameters) are held under; tasks use their partition's. */
    public static final int DRIVER = -1;

    private record Slot(long exchange, int index) {}

    private final byte[] inline; // null when held in this JVM
    private final long exchange;
    private final int index;

    private ExchangedBytes(byte[] inline, long exchange, int index) {
        this.inline = inline;
        this.exchange = exchange;
        this.index = index;
    }

    public static ExchangedBytes inline(byte[] bytes) {
        return new ExchangedBytes(bytes, 0, 0);
    }

    /** A new exchange for one job's held bytes; never 0. */
    public static long openExchange() {
        return EXCHANGES.incrementAndGet();
    }

    /** Keeps {@code bytes} in this JVM under ({@code exchange}, {@code index}); only the key is serialized. */
    public static ExchangedBytes hold(long exchange, int index, byte[] bytes) {
        if (exchange <= 0) throw new IllegalArgumentException("no exchange open: " + exchange);
        HELD.put(new Slot(exchange, index), bytes);
        return new ExchangedBytes(null, exchange, index);
    }

    /** Drops every byte array the exchange still holds. */
    public static void closeExchange(long exchange) {
        HELD.keySet().removeIf(s -> s.exchange() == exchange);
    }

    /** Byte arrays held in this JVM, over all open exchanges (tests check that closing drops them). */
    public static int heldCount() {
        return HELD.size();
    }

    boolean isHeld() {
        return inline == null;
    }

    /** The bytes; they stay where they are (every task of a job, and any retry, reads the same parameters). */
    public byte[] bytes() {
        if (inline != null) return inline;
        byte[] held = HELD.get(new Slot(exchange, index));
        if (held == null) {
            throw new IllegalStateException(
                    "bytes " + index + " of exchange " + exchange + " are not held in this JVM: "
                            + "the exchange was closed, or a task ran in another JVM than the driver (only local "
                            + "masters hold bytes in process)");
        }
        return held;
    }
}
