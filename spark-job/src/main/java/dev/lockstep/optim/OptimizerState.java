package dev.lockstep.optim;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A snapshot of an {@link Optimizer}'s state: the step count and named float buffers (e.g. "velocity", or "m"
 * and "v"), in the optimizer's order. Arrays are copied in and out, so a snapshot never changes once made.
 * {@link #equals} compares buffers bit for bit.
 */
public final class OptimizerState implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long step;
    private final LinkedHashMap<String, float[]> buffers;

    /** Copies {@code buffers}, keeping its iteration order. */
    public OptimizerState(long step, Map<String, float[]> buffers) {
        if (step < 0) throw new IllegalArgumentException("optimizer step must be >= 0, got " + step);
        if (buffers == null) throw new IllegalArgumentException("optimizer buffers are required (use an empty map)");
        this.step = step;
        this.buffers = new LinkedHashMap<>();
        for (Map.Entry<String, float[]> e : buffers.entrySet()) {
            if (e.getKey() == null || e.getKey().isEmpty()) {
                throw new IllegalArgumentException("optimizer buffer names must be non-empty");
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException("optimizer buffer '" + e.getKey() + "' is null");
            }
            this.buffers.put(e.getKey(), e.getValue().clone());
        }
    }

    /** Convenience for a state without buffers (plain SGD). */
    public static OptimizerState ofStep(long step) {
        return new OptimizerState(step, Map.of());
    }

    /** Number of steps applied when the snapshot was taken. */
    public long step() {
        return step;
    }

    /** Copies of the buffers, in the optimizer's order. */
    public Map<String, float[]> buffers() {
        LinkedHashMap<String, float[]> copy = new LinkedHashMap<>();
        for (Map.Entry<String, float[]> e : buffers.entrySet())
            copy.put(e.getKey(), e.getValue().clone());
        return copy;
    }

    /** Buffer names, in order. */
    public Set<String> bufferNames() {
        return Collections.unmodifiableSet(buffers.keySet());
    }

    /** A copy of one buffer. */
    public float[] buffer(String name) {
        float[] b = buffers.get(name);
        if (b == null)
            throw new IllegalArgumentException("no optimizer buffer '" + name + "' (have " + buffers.keySet() + ")");
        return b.clone();
    }

    /**
     * Checks that this state fits an optimizer with exactly {@code names} (any order) of {@code length} each.
     * Called by restore() before anything is overwritten, so a rejected state leaves the optimizer untouched.
     */
    void checkLayout(String optimizer, int length, String... names) {
        if (!buffers.keySet().equals(Set.of(names))) {
            throw new IllegalArgumentException("cannot restore " + optimizer + " from a state with buffers "
                    + buffers.keySet() + ": expected " + List.of(names));
        }
        for (String n : names) {
            int got = buffers.get(n).length;
            if (got != length) {
                throw new IllegalArgumentException("cannot restore " + optimizer + ": buffer '" + n + "' has " + got
                        + " values, expected " + length + " (one per parameter)");
            }
        }
    }

    /** Copies buffer {@code name} into {@code target}, avoiding the extra copy {@link #buffer} would make. */
    void copyInto(String name, float[] target) {
        System.arraycopy(buffers.get(name), 0, target, 0, target.length);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof OptimizerState s) || s.step != step) return false;
        // Order matters: it is part of the snapshot (checkpoint writers iterate it).
        if (!List.copyOf(buffers.keySet()).equals(List.copyOf(s.buffers.keySet()))) return false;
        for (Map.Entry<String, float[]> e : buffers.entrySet()) {
            if (!Arrays.equals(e.getValue(), s.buffers.get(e.getKey()))) return false;
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = Long.hashCode(step);
        for (Map.Entry<String, float[]> e : buffers.entrySet()) {
            h = 31 * h + e.getKey().hashCode();
            h = 31 * h + Arrays.hashCode(e.getValue());
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("OptimizerState{step=").append(step);
        for (Map.Entry<String, float[]> e : buffers.entrySet()) {
            sb.append(", ")
                    .append(e.getKey())
                    .append("[")
                    .append(e.getValue().length)
                    .append("]");
        }
        return sb.append('}').toString();
    }
}
