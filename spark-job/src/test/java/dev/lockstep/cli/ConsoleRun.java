package dev.lockstep.cli;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Runs one command as {@code deploy/lockstep} would, in a JVM of its own (its Spark, its console), then prints on
 * stdout how many task attempts Spark ran, retried and saw fail. Started by {@link DataErrorConsoleTest} with
 * {@code -Dspark.extraListeners=dev.lockstep.cli.ConsoleRun$Attempts}.
 */
public final class ConsoleRun {
    private ConsoleRun() {}

    public static void main(String[] args) {
        int code = Main.run(args, System.err); // the command's session stops Spark, which drains the listener bus
        System.out.println("tasks " + Attempts.TASKS.get() + " retried " + Attempts.RETRIED.get() + " failed "
                + Attempts.FAILED.get());
        System.exit(code);
    }

    /** Counts task ends: every attempt, the retries (attempt number above 0), and the failures. */
    public static final class Attempts extends SparkListener {
        static final AtomicInteger TASKS = new AtomicInteger();
        static final AtomicInteger RETRIED = new AtomicInteger();
        static final AtomicInteger FAILED = new AtomicInteger();

        @Override
        public void onTaskEnd(SparkListenerTaskEnd task) {
            TASKS.incrementAndGet();
            if (task.taskInfo().attemptNumber() > 0) RETRIED.incrementAndGet();
            if (task.reason() instanceof TaskFailedReason) FAILED.incrementAndGet();
        }
    }
}
