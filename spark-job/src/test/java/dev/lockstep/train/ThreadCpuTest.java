package dev.lockstep.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {
    @Test
    void threadsAreGroupedByWhatTheyDoEvenUnderLinuxsFifteenCharacterNames() {
        assertEquals("tasks", ThreadCpu.group("Executor task launch worker-3"));
        assertEquals("tasks", ThreadCpu.group("Executor task l"));
        assertEquals("tasks", ThreadCpu.group("lockstep-partition-12"));
        assertEquals("dag_scheduler", ThreadCpu.group("dag-scheduler-e"));
        assertEquals("listener_bus", ThreadCpu.group("spark-listener-group-appStatus"));
        assertEquals("jit_compiler", ThreadCpu.group("C2 CompilerThre"));
        assertEquals("gc", ThreadCpu.group("GC Thread#1"));
        assertEquals("driver", ThreadCpu.group("main"));
        assertEquals("driver", ThreadCpu.group("java"));
        assertEquals("other", ThreadCpu.group("javaagent"));
        assertEquals("other", ThreadCpu.group("Signal Dispatcher"));
    }

    @Test
    void aBusyThreadShowsUpInItsGroup() throws Exception {
        Map<String, Long> before = ThreadCpu.snapshot();
        AtomicBoolean stop = new AtomicBoolean();
        Thread busy = new Thread(() -> {
            double x = 0;
            while (!stop.get()) x += Math.sqrt(x + 1);
            if (x < 0) System.out.println(x);
        }, "lockstep-partition-test");
        busy.start();
        Thread.sleep(400);
        Map<String, Long> during = ThreadCpu.snapshot(); // a thread's time counts only while it lives
        stop.set(true);
        busy.join();
        Map<String, Double> perStep = ThreadCpu.millisPerStep(before, during, 2);
        assertTrue(perStep.get("tasks") >= 50, "400 ms of spinning over 2 steps, at least 50 ms a step even on a busy machine: " + perStep);
        assertEquals(before.keySet(), perStep.keySet());
    }
}
