package dev.lockstep.train.timing;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * Where one step's wall time went, in nanoseconds per {@link Part}: a task fills in its own parts, the driver's step
 * adds the job's, the loop the update's and the total. A part nobody measured reads 0.
 *
 * <p>Immutable; serializable because a task's share travels back in its
 * {@link dev.lockstep.train.exchange.PartialGradient}.
 */
public final class StepTime implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * The one table of part names: {@link #key} is the name in history.jsonl, metrics.json and the bench's JSON.
     * {@link #SCHEDULING_AND_RETURN} and {@link #OVERHEAD} are derived from the others, never set.
     */
    public enum Part {
        /** The whole step, from shipping the parameters to the end of the update. */
        TOTAL("total"),
        /** Encoding the parameters (and broadcasting them, for a model too large to ride in the task). */
        SHIP("ship"),
        /** The job's time not spent fetching parameters or computing: scheduling, task launch, result transfer. */
        SCHEDULING_AND_RETURN("scheduling_and_return"),
        /** Reading the parameters, in the slowest task (of a task: its own). */
        FETCH("fetch"),
        /**
         * Assembling rows, forward and backward on all of a task's threads, in the slowest task (of a task: its own).
         */
        COMPUTE("compute"),
        /** Adding the partial gradients up on the driver. */
        COMBINE("combine"),
        /** The driver's parameter update. */
        UPDATE("update"),
        /** The Spark job (or the resident tasks' round) from hand-over to the last result. */
        JOB("job"),
        /** From hand-over until the last task began. */
        LAUNCH("launch"),
        /** From hand-over until the first task began. */
        LAUNCH_FIRST("launch_first"),
        /** From the last task's end until the driver had its result. */
        RETURN("return"),
        /** The step less the slowest task's compute. */
        OVERHEAD("overhead"),
        /**
         * Not a duration: the wall clock when a task took up the step, in nanoseconds since the Unix epoch (to the
         * microsecond). With the driver's own clock (same host) it splits the job into {@link #LAUNCH} and the rest.
         */
        TASK_START("task_start"),
        /**
         * Not a duration: the wall clock when a task finished the step, as {@link #TASK_START}; gives {@link #RETURN}.
         */
        TASK_END("task_end");

        public final String key;

        Part(String key) {
            this.key = key;
        }
    }

    /** The parts a training run reports per epoch, in the order of its JSON and of checkpoint files. */
    public static final List<Part> REPORTED = List.of(
            Part.TOTAL, Part.SHIP, Part.SCHEDULING_AND_RETURN, Part.FETCH, Part.COMPUTE, Part.COMBINE, Part.UPDATE);

    public static final StepTime NONE = new StepTime(new long[Part.values().length]);

    private final long[] nanos;

    private StepTime(long[] nanos) {
        this.nanos = nanos;
    }

    /** Nanoseconds of {@code part}; a derived part from the parts it is made of. */
    public long nanos(Part part) {
        return switch (part) {
            case SCHEDULING_AND_RETURN -> Math.max(0, get(Part.JOB) - get(Part.FETCH) - get(Part.COMPUTE));
            case OVERHEAD -> get(Part.TOTAL) - get(Part.COMPUTE);
            default -> get(part);
        };
    }

    private long get(Part part) {
        return nanos[part.ordinal()];
    }

    /** This time with {@code part} set to {@code value} nanoseconds. */
    public StepTime with(Part part, long value) {
        if (part == Part.SCHEDULING_AND_RETURN || part == Part.OVERHEAD)
            throw new IllegalArgumentException(part + " is derived");
        long[] copy = nanos.clone();
        copy[part.ordinal()] = value;
        return new StepTime(copy);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StepTime t && Arrays.equals(nanos, t.nanos);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(nanos);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("StepTime[");
        for (Part p : Part.values())
            s.append(p.key).append('=').append(nanos(p)).append(p.ordinal() + 1 < nanos.length ? ", " : "]");
        return s.toString();
    }
}
