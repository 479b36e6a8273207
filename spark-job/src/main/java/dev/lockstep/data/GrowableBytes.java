package dev.lockstep.data;

import java.util.Arrays;
import java.util.function.LongFunction;

/**
 * A byte array that grows by doubling, for data whose final size is unknown (CSV rows). Every allocation is
 * checked first against a Java array's limit and the heap free, so input larger than memory is refused, not an
 * {@code OutOfMemoryError}.
 */
final class GrowableBytes {
    private final HeapBudget budget;
    /** Builds the error for an array of the given size that cannot be had: the caller names the file and line. */
    private final LongFunction<RuntimeException> refusal;

    private byte[] bytes;
    private int size;

    GrowableBytes(int initialCapacity, HeapBudget budget, LongFunction<RuntimeException> refusal) {
        this.budget = budget;
        this.refusal = refusal;
        bytes = allocate(Math.max(16, initialCapacity));
    }

    int size() {
        return size;
    }

    /** Makes room for {@code more} bytes, or throws the refusal when the array limit or the heap is in the way. */
    void ensureRoom(int more) {
        long needed = (long) size + more;
        if (needed > IdxHeader.MAX_PAYLOAD_BYTES) {
            throw refusal.apply(needed);
        }
        if (needed > bytes.length) {
            bytes = Arrays.copyOf(
                    bytes, allocationSize(Math.min(IdxHeader.MAX_PAYLOAD_BYTES, Math.max(needed, 2L * bytes.length))));
        }
    }

    /** Appends without a bounds check: call {@link #ensureRoom} first. */
    void add(int value) {
        bytes[size++] = (byte) value;
    }

    byte[] toArray() {
        return size == bytes.length ? bytes : Arrays.copyOf(bytes, allocationSize(size));
    }

    private byte[] allocate(long length) {
        return new byte[allocationSize(length)];
    }

    private int allocationSize(long length) {
        if (!budget.fits(length)) {
            throw refusal.apply(length);
        }
        return (int) length;
    }
}
