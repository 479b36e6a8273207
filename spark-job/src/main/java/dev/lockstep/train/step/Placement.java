package dev.lockstep.train.step;

import dev.lockstep.LockstepException;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.spark.api.java.JavaSparkContext;

/** Where a run's work goes on the master at hand: how many partitions a task takes, and how long tasks live. */
public final class Placement {
    private Placement() {}

    /**
     * Partitions per task: {@code requested} when present; empty leaves it to the master, as many as it has cores,
     * capped at the partition count. On a local master that is one task per step when the partitions are the
     * cores (the default), its threads using the cores; on a cluster, {@code spark.executor.cores} when set (one
     * task and one result per executor instead of one per core: BENCHMARKS.md), else one.
     */
    public static int partitionsPerTask(JavaSparkContext sc, OptionalInt requested, int partitions) {
        if (requested.isPresent()) return requested.getAsInt();
        int cores = sc.isLocal() ? sc.defaultParallelism() : sc.getConf().getInt("spark.executor.cores", 1);
        return Math.max(1, Math.min(partitions, cores));
    }

    /** The lifetime of a run's training tasks: {@link TaskLifetime#resolve}, its refusal as the user's error. */
    public static TaskLifetime taskLifetime(JavaSparkContext sc, Optional<TaskLifetime> requested, int tasks) {
        try {
            return TaskLifetime.resolve(sc, requested, tasks);
        } catch (IllegalArgumentException e) {
            throw new LockstepException(e.getMessage());
        }
    }
}
