package dev.lockstep.train.step;

import java.util.Locale;
import java.util.Optional;
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
     * The lifetime for a run of {@code tasks} tasks per step: {@code requested} (null: auto) when the master can
     * hold it, else STEP for auto. Resident tasks wait for each other, so all of them must run at once: on a local
     * master, as many tasks as it has cores at most; on a cluster, as many as its executors have task slots now.
     *
     * @throws IllegalArgumentException when EPOCH is asked for where it cannot run
     */
    static TaskLifetime resolve(JavaSparkContext sc, Optional<TaskLifetime> requested, int tasks) {
        String why = whyNotResident(sc, tasks);
        if (requested.isEmpty()) return why == null ? EPOCH : STEP;
        if (requested.get() == EPOCH && why != null)
            throw new IllegalArgumentException("--task-lifetime epoch: " + why);
        return requested.get();
    }

    private static String whyNotResident(JavaSparkContext sc, int tasks) {
        if (sc.isLocal()) {
            int cores = localCores(sc.master());
            return tasks <= cores
                    ? null
                    : tasks + " tasks per step cannot all run at once on " + sc.master() + "'s " + cores + " cores";
        }
        int slots = clusterSlots(sc);
        return tasks <= slots
                ? null
                : tasks + " tasks per step cannot all run at once in the " + slots
                        + " task slots of the executors registered now";
    }

    /** What Spark's barrier scheduling checks too: the tasks the registered executors can run at once. */
    static int clusterSlots(JavaSparkContext sc) {
        return sc.sc().maxNumConcurrentTasks(sc.sc().resourceProfileManager().defaultResourceProfile());
    }

    /** The task slots of a local master: local, local[N], local[*], local[N,F], local[*,F]. */
    public static int localCores(String master) {
        Matcher m = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\s*\\d+)?\\])?").matcher(master.trim());
        if (!m.matches()) throw new IllegalArgumentException("not a local master: " + master);
        if (m.group(1) == null) return 1;
        return m.group(1).equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(m.group(1));
    }
}
