package dev.lockstep.train.step;

import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The task slots of a cluster's executors, counted once they are there. A fresh application's executors register
 * over the first seconds after the driver starts, and how partitions are grouped into tasks is settled before the
 * rows are cached, so counting at once would group for the executors that happened to be up. This waits, within the
 * first {@code spark.scheduler.maxRegisteredResourcesWaitingTime} (30 s) of the application, Spark's own bound on
 * waiting for executors: for the slots Spark was asked for where the settings say how many, else until no executor
 * has registered for {@link #SETTLE_MILLIS}. It never waits once there are enough slots for the run.
 */
final class TaskSlots {
    /** With no stated executor count: how long without a new executor before the ones granted are taken as there. */
    static final long SETTLE_MILLIS = TimeUnit.SECONDS.toMillis(3);

    private static final long POLL_MILLIS = 100;

    private TaskSlots() {}

    /** What Spark's barrier scheduling checks too: the tasks the registered executors can run at once. */
    static int now(JavaSparkContext sc) {
        return sc.sc().maxNumConcurrentTasks(sc.sc().resourceProfileManager().defaultResourceProfile());
    }

    /** The slots now once there are {@code enough}, or as many as registered within the wait described above. */
    static int await(JavaSparkContext sc, int enough) {
        SparkConf conf = sc.getConf();
        // Under dynamic allocation executors come with the work: waiting before the first job would bring none.
        if (conf.getBoolean("spark.dynamicAllocation.enabled", false)) return now(sc);
        long bound = conf.getTimeAsMs("spark.scheduler.maxRegisteredResourcesWaitingTime", "30s");
        return await(
                () -> now(sc),
                enough,
                expected(conf, sc.master()),
                sc.startTime() + bound,
                System::currentTimeMillis,
                TaskSlots::pause);
    }

    /** Sleeps between counts: false when interrupted (the interrupt kept), which ends the wait. */
    private static boolean pause() {
        try {
            Thread.sleep(POLL_MILLIS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The slots Spark was asked for, when the settings say: {@code spark.executor.instances} executors (YARN,
     * Kubernetes), or a standalone master's {@code spark.cores.max} cores; each executor's
     * {@code spark.executor.cores} (1 when unset, except on a standalone master, where an executor takes all of its
     * worker's cores) divided by {@code spark.task.cpus}. Empty under dynamic allocation, or when not stated.
     */
    static OptionalInt expected(SparkConf conf, String master) {
        if (conf.getBoolean("spark.dynamicAllocation.enabled", false)) return OptionalInt.empty();
        int taskCpus = Math.max(1, conf.getInt("spark.task.cpus", 1));
        boolean standalone = master.startsWith("spark://");
        if (standalone) {
            if (!conf.contains("spark.cores.max")) return OptionalInt.empty();
            int cores = conf.getInt("spark.cores.max", 0);
            if (!conf.contains("spark.executor.cores")) return OptionalInt.of(cores / taskCpus);
            int perExecutor = Math.max(1, conf.getInt("spark.executor.cores", 1));
            return OptionalInt.of(cores / perExecutor * (perExecutor / taskCpus));
        }
        if (!conf.contains("spark.executor.instances")) return OptionalInt.empty();
        int perExecutor = Math.max(1, conf.getInt("spark.executor.cores", 1));
        return OptionalInt.of(conf.getInt("spark.executor.instances", 0) * (perExecutor / taskCpus));
    }

    /**
     * The loop of {@link #await(JavaSparkContext, int)}, on any counter and clock.
     *
     * @param deadline the clock's time past which it waits no more
     * @param pause waits between two counts; false ends the wait
     */
    static int await(
            IntSupplier slots,
            int enough,
            OptionalInt expected,
            long deadline,
            LongSupplier clock,
            BooleanSupplier pause) {
        int last = -1;
        long changed = 0;
        while (true) {
            int s = slots.getAsInt();
            long now = clock.getAsLong();
            if (s != last) {
                last = s;
                changed = now;
            }
            if (s >= enough || now >= deadline) return s;
            if (expected.isPresent() ? s >= expected.getAsInt() : s > 0 && now - changed >= SETTLE_MILLIS) return s;
            if (!pause.getAsBoolean()) return s;
        }
    }
}
