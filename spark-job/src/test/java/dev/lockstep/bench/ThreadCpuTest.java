package dev.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
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
        assertEquals("listener_bus", ThreadCpu.group("element-trackin"));
        assertEquals("rpc", ThreadCpu.group("dispatcher-event-loop-1"));
        assertEquals("rpc", ThreadCpu.group("shuffle-client-"));
        assertEquals("task_results", ThreadCpu.group("task-result-get"));
        assertEquals("jit_compiler", ThreadCpu.group("C2 CompilerThre"));
        assertEquals("gc_and_vm", ThreadCpu.group("GC Thread#1"));
        assertEquals("gc_and_vm", ThreadCpu.group("VM Thread"));
        assertEquals("driver", ThreadCpu.group("main"));
        assertEquals("driver", ThreadCpu.group("java"));
        assertEquals("other", ThreadCpu.group("javaagent"));
        assertEquals("other", ThreadCpu.group("Signal Dispatcher"));
    }

    @Test
    void statLinesAreReadPastANameWithSpacesAndParentheses() {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        String stat = "4242 (odd) name (x)) R 1 2 3 4 5 6 7 8 9 10 250 37 0 0 20 0 1 0 99999 123456 77";
        assertEquals(287, ThreadCpu.statTicks(stat));
    }

    @Test
    void aBusyThreadShowsUpInItsGroupAsTheJvmMeasuresIt() throws Exception {
        ThreadCpu.Snapshot before = ThreadCpu.snapshot();
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        AtomicBoolean stop = new AtomicBoolean();
        Thread busy = new Thread(
                () -> {
                    double x = 0;
                    while (!stop.get()) x += Math.sqrt(x + 1);
                    if (x < 0) System.out.println(x);
                },
                "lockstep-partition-test");
        busy.start();
        while (bean.getThreadCpuTime(busy.getId()) < 200_000_000L) Thread.sleep(10); // however busy the machine
        ThreadCpu.Snapshot during = ThreadCpu.snapshot();
        long ownNanos = bean.getThreadCpuTime(busy.getId());
        stop.set(true);
        busy.join();

        double tasks = ThreadCpu.millisPerStep(before, during, 1).get("tasks");
        assertTrue(
                tasks >= 180 && tasks <= ownNanos / 1e6 + 30,
                "the busy thread ran " + ownNanos / 1e6 + " ms by the JVM's count; tasks read " + tasks + " ms");
    }

    @Test
    void aPauseIsLeftOutOfItsGroupsOnly() {
        ThreadCpu.Snapshot empty = new ThreadCpu.Snapshot(Map.of());
        ThreadCpu.Snapshot start = ThreadCpu.snapshot();
        ThreadCpu.Snapshot end = ThreadCpu.snapshot();
        ThreadCpu.Snapshot less = ThreadCpu.less(end, empty, end, List.of("tasks"));
        Map<String, Double> all = ThreadCpu.millisPerStep(empty, end, 1);
        Map<String, Double> left = ThreadCpu.millisPerStep(empty, less, 1);
        assertEquals(0.0, left.get("tasks"), 1e-9, "the tasks' CPU since their start, all inside the 'pause'");
        assertEquals(all.get("driver"), left.get("driver"), 1e-9, "other groups untouched");
        assertTrue(all.get("driver") > 0, "this thread has used CPU: " + all);
        assertEquals(all.keySet(), ThreadCpu.millisPerStep(start, end, 1).keySet());
    }
}
