package dev.lockstep.data;

import java.util.Arrays;

/** A byte array that grows by doubling, for data whose final size is unknown (CSV rows). */
final class GrowableBytes {
    private byte[] bytes;
    private int size;

    GrowableBytes(int initialCapacity) {
        bytes = new byte[Math.max(16, initialCapacity)];
    }

    int size() {
        return size;
    }

    /** Makes room for {@code more} bytes; false when the total would exceed a Java array's limit. */
    boolean ensureRoom(int more) {
        long needed = (long) size + more;
        if (needed > IdxHeader.MAX_PAYLOAD_BYTES) {
            return false;
        }
        if (needed > bytes.length) {
            bytes = Arrays.copyOf(bytes, (int) Math.min(IdxHeader.MAX_PAYLOAD_BYTES,
                    Math.max(needed, 2L * bytes.length)));
        }
        return true;
    }

    /** Appends without a bounds check: call {@link #ensureRoom} first. */
    void add(int value) {
        bytes[size++] = (byte) value;
    }

    byte[] toArray() {
        return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
    }
}
