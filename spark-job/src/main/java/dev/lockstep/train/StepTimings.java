package dev.lockstep.train;


/**
 * Where one step's wall time went, in nanoseconds. {@code ship} is encoding the parameters (and broadcasting them,
 * for a model too large to ride in the task: see {@link dev.lockstep.train.step.ShippedParameters}). {@code job} is
 * the Spark job from submission to the last result; the slowest task's {@code fetch} (reading the parameters) and
 * {@code compute} happen inside it, and the rest of it is scheduling, task launch and returning the gradients.
 */
public record StepTimings(long ship, long job, long slowestFetch, long slowestCompute, long combine, long update,
                          long total) {
    /** Job time not spent fetching parameters or computing: scheduling, task launch, result transfer. */
    public long schedulingAndReturn() {
        return Math.max(0, job - slowestFetch - slowestCompute);
    }
}
