package dev.lockstep.data;

import dev.lockstep.LockstepException;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * How much more this JVM may allocate for data it is about to read: the heap still free below its maximum
 * ({@code -Xmx}), less a reserve for everything else the command does. Readers size the data from its header (or
 * as it grows) and ask here first, so a file too large for the heap is refused with its size instead of ending in
 * an {@code OutOfMemoryError}.
 */
public final class HeapBudget {
    /** What a user does about it: every data file is read by the driver (or, for {@code predict}, this JVM). */
    public static final String RAISE =
            "raise the driver's heap with LOCKSTEP_DRIVER_MEMORY (spark-submit: --driver-memory)";

    private static final long MB = 1L << 20;
    /** Kept back for the rest of the command: an eighth of the heap, at least 16 MB. */
    private static final int RESERVE_FRACTION = 8;

    private static final long MIN_RESERVE = 16 * MB;

    /** This JVM's heap. */
    public static final HeapBudget JVM =
            new HeapBudget(HeapBudget::freeHeap, Runtime.getRuntime().maxMemory(), true);

    private final LongSupplier free;
    private final long max;
    private final boolean collectFirst;

    private HeapBudget(LongSupplier free, long max, boolean collectFirst) {
        this.free = free;
        this.max = max;
        this.collectFirst = collectFirst;
    }

    /** A fixed budget: for tests of what happens on a small heap. */
    public static HeapBudget fixed(long bytes) {
        return new HeapBudget(() -> bytes, bytes, false);
    }

    /**
     * True when {@code bytes} more can be allocated. Garbage still counts as used until it is collected, so a
     * shortfall is measured again after a collection before it is believed.
     */
    public boolean fits(long bytes) {
        if (bytes <= free.getAsLong()) return true;
        if (!collectFirst) return false;
        System.gc();
        return bytes <= free.getAsLong();
    }

    /**
     * Refuses {@code bytes} that do not fit, with {@link Exceeded}: the file is fine, this JVM is too small for it.
     *
     * @param what what needs them, as the message starts: {@code "checkpoint hdfs://.../ckpt-200: reading it"}
     */
    public void require(long bytes, String what) {
        if (!fits(bytes))
            throw new Exceeded(what + " needs " + mb(bytes) + ", more than the " + describe() + "; " + RAISE);
    }

    /** More heap asked for than this JVM has free: a matter of the machine, not of the data. */
    public static final class Exceeded extends LockstepException {
        Exceeded(String message) {
            super(message);
        }
    }

    /** The limit in a user's words: {@code 190 MB of heap free (of 256 MB)}. */
    public String describe() {
        return mb(free.getAsLong()) + " of heap free (of " + mb(max) + ")";
    }

    /** Bytes in whole megabytes (MiB, as {@code -Xmx} counts them), rounded up: {@code 748 MB}. */
    public static String mb(long bytes) {
        return String.format(Locale.ROOT, "%,d MB", (bytes + MB - 1) / MB);
    }

    private static long freeHeap() {
        Runtime runtime = Runtime.getRuntime();
        long max = runtime.maxMemory();
        long used = runtime.totalMemory() - runtime.freeMemory();
        return Math.max(0, max - used - Math.max(MIN_RESERVE, max / RESERVE_FRACTION));
    }
}
