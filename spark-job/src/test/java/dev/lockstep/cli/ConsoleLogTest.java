package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The shipped log configuration ({@code conf/log4j2.properties}) keeps off the console the tasks Spark kills when
 * Lockstep cancels a job over bad input, and nothing else Spark reports of lost tasks.
 */
class ConsoleLogTest {
    @TempDir
    Path tmp;

    @Test
    void killedTasksAreQuietOtherLostTasksAreNot() throws Exception {
        ChildJvm.Result r = ChildJvm.run(tmp, "128m", List.of(), LostTasks.class, List.of());
        assertEquals(0, r.code(), r.err());
        List<String> lines =
                r.err().lines().filter(l -> l.contains("Lost task")).toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).contains("ExecutorLostFailure"), r.err());
    }

    /** Logs, as Spark's task set manager does, a task killed by a cancel and a task lost with its executor. */
    public static final class LostTasks {
        public static void main(String[] args) {
            var log = LoggerFactory.getLogger("org.apache.spark.scheduler.TaskSetManager");
            log.warn("Lost task 1.0 in stage 3.0 (TID 7) (localhost executor driver): TaskKilled (Stage cancelled: "
                    + "Job 3 cancelled)");
            log.warn("Lost task 0.0 in stage 3.0 (TID 6) (10.0.0.5 executor 2): "
                    + "ExecutorLostFailure (executor 2 exited)");
        }
    }
}
