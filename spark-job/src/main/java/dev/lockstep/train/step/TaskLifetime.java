package dev.lockstep.train.step;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * How long a training task lives. Either way the driver sums the same partial gradients in the same order, so the
 * model is the same bit for bit; only what a step costs besides its arithmetic differs.
 */
public enum TaskLifetime {
    /** One Spark job per step: each step's tasks are scheduled, run once and end (any master). */
    STEP("step"),
    /**
     * One Spark job per epoch: its tasks stay resident, take each step's parameters from the driver and hand their
     * gradients back ({@link ResidentEpoch}), so a step costs a hand-over instead of a job. Needs every task of the
     * job running at once.
     */
    EPOCH("epoch");

    private final String displayName;

    TaskLifetime(String displayName) {
        this.displayName = displayName;
    }

    public String displayName() {
        return displayName;
    }

    /** "step", "epoch", or null for auto. */
    public static TaskLifetime parse(String s) {
        if (s == null || s.equalsIgnoreCase("auto")) return null;
        for (TaskLifetime t : values()) if (t.displayName.equals(s.toLowerCase(Locale.ROOT))) return t;
        throw new IllegalArgumentException("task lifetime must be step, epoch or auto, got '" + s + "'");
    }

    /**
     * The lifetime for a run of {@code tasks} tasks per step over {@code partitions} partitions: {@code requested}
     * (empty: auto) when the master can hold it, else STEP for auto, with one warning saying what that costs. Resident
     * tasks wait for each other, so all of them must run at once: on a local master, as many tasks as it has cores
     * at most; on a cluster, as many as its executors have task slots now.
     *
     * @param warnings told when auto falls back to a job per step; not when the user asked for {@code step}
     * @throws IllegalArgumentException when EPOCH is asked for where it cannot run
     */
    static TaskLifetime resolve(
            JavaSparkContext sc,
            Optional<TaskLifetime> requested,
            int partitions,
            int tasks,
            Consumer<String> warnings) {
        int slots = sc.isLocal() ? localCores(sc.master()) : TaskSlots.now(sc);
        if (tasks <= slots) return requested.orElse(EPOCH);
        String where = sc.isLocal() ? sc.master() + "'s " + slots + " cores" : slots + " task slots";
        if (requested.isEmpty()) {
            warnings.accept(jobPerStepWarning(tasks, where, sc.isLocal(), partitions, slots));
            return STEP;
        }
        if (requested.get() == EPOCH) {
            throw new IllegalArgumentException(
                    "--task-lifetime epoch: " + tasks + " tasks per step cannot all run at once "
                            + (sc.isLocal() ? "on " + where : "in the " + where + " of the executors registered now"));
        }
        return requested.get();
    }

    /**
     * One line: what falling back to a job per step costs, from the measurements in BENCHMARKS.md, and what would
     * let the tasks stay resident.
     */
    static String jobPerStepWarning(int tasks, String where, boolean local, int partitions, int slots) {
        String cost = local
                ? "about 1.9x the time per step of resident tasks (13.3 against 6.9 ms on local[2], BENCHMARKS.md)"
                : "about 2.8x the time per step of resident tasks (49.0 against 17.5 ms on a standalone cluster of 2 "
                        + "one-core executors, BENCHMARKS.md)";
        int perTask = (partitions + Math.max(1, slots) - 1) / Math.max(1, slots);
        String fix = slots < 1
                ? "start the executors first"
                : "use --partitions-per-task " + perTask + (local ? " or more cores" : " or more executors");
        return String.format(
                Locale.ROOT,
                "%d tasks per step but %s: every step runs as a Spark job of its own, %s; %s",
                tasks,
                where,
                cost,
                fix);
    }

    /** The task slots of a local master: local, local[N], local[*], local[N,F], local[*,F]. */
    public static int localCores(String master) {
        Matcher m = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\s*\\d+)?\\])?").matcher(master.trim());
        if (!m.matches()) throw new IllegalArgumentException("not a local master: " + master);
        if (m.group(1) == null) return 1;
        return m.group(1).equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(m.group(1));
    }
}
