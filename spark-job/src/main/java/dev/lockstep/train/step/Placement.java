package dev.lockstep.train.step;

import dev.lockstep.LockstepException;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;

/** Where a run's work goes on the master at hand: how many partitions a task takes, and how long tasks live. */
public final class Placement {
    private Placement() {}

    /**
     * Partitions per task for training: {@code requested} when present, else {@link #grouping} of the master's
     * cores and task slots, so that every task of a step can stay resident. On a cluster the slots are counted once
     * the executors asked for have registered ({@link TaskSlots#await}), since the rows are cached by task.
     */
    public static int partitionsPerTask(JavaSparkContext sc, OptionalInt requested, int partitions) {
        if (requested.isPresent()) return requested.getAsInt();
        int cores = coresPerTask(sc);
        if (sc.isLocal()) return grouping(partitions, cores, TaskLifetime.localCores(sc.master()));
        int enough = ceilDiv(partitions, Math.max(1, Math.min(partitions, cores)));
        return grouping(partitions, cores, TaskSlots.await(sc, enough));
    }

    /**
     * Partitions per task where tasks need not be resident (evaluation): {@link #grouping} with no slot count, so
     * without waiting for executors.
     */
    public static int partitionsPerTaskNow(JavaSparkContext sc, int partitions) {
        return grouping(partitions, coresPerTask(sc), 0);
    }

    /**
     * Auto's rule: {@code cores} partitions per task (one task per step on a local master whose cores are the
     * partitions, its threads using the cores; on a cluster one task and one result per executor of
     * {@code spark.executor.cores}: BENCHMARKS.md), or more where the tasks would outnumber the {@code slots}:
     * {@code ceil(partitions / slots)} consecutive partitions a task, so that every task has a slot and can stay
     * resident. Between 1 and {@code partitions}; {@code slots} below 1: not known, cores alone.
     */
    static int grouping(int partitions, int cores, int slots) {
        int perTask = Math.max(1, Math.min(partitions, cores));
        if (slots >= 1) perTask = Math.max(perTask, ceilDiv(partitions, slots));
        return Math.min(partitions, perTask);
    }

    /** The master's cores on a local master; on a cluster {@code spark.executor.cores}, else 1. */
    private static int coresPerTask(JavaSparkContext sc) {
        return sc.isLocal() ? sc.defaultParallelism() : sc.getConf().getInt("spark.executor.cores", 1);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /**
     * The lifetime of a run's training tasks: {@link TaskLifetime#resolve}, its refusal as the user's error.
     *
     * @param warnings told, in one line, when auto falls back to a job per step and what that costs
     */
    public static TaskLifetime taskLifetime(
            JavaSparkContext sc,
            Optional<TaskLifetime> requested,
            int partitions,
            int tasks,
            Consumer<String> warnings) {
        try {
            return TaskLifetime.resolve(sc, requested, partitions, tasks, warnings);
        } catch (IllegalArgumentException e) {
            throw new LockstepException(e.getMessage());
        }
    }
}
