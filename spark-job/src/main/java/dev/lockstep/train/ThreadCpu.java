package dev.lockstep.train;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time this JVM's threads have used, summed by what the threads do: the tasks' arithmetic, Spark's scheduler,
 * listener bus, RPC (dispatcher, network and block-transfer threads) and result threads, the JVM's JIT compiler
 * and garbage collector, the driver. On a machine with few cores every millisecond the others take is one the
 * tasks wait for, so the bench shows where it goes. Read from {@code /proc/self/task} on Linux, which sees the
 * JVM's own threads too; elsewhere from the JVM's thread bean, which sees Java threads only. On a cluster only the
 * driver's JVM is counted.
 */
final class ThreadCpu {
    /**
     * Groups in the order they are reported; a thread joins the first with a prefix of its name. Linux keeps 15
     * characters of a thread's name, so no prefix is longer.
     */
    private static final List<Map.Entry<String, List<String>>> GROUPS = List.of(
            Map.entry("tasks", List.of("Executor task l", "lockstep-partit")),
            Map.entry("dag_scheduler", List.of("dag-scheduler-e")),
            Map.entry("listener_bus", List.of("spark-listener-", "element-trackin")),
            Map.entry("rpc", List.of("dispatcher-", "netty-rpc", "rpc-server-", "rpc-client-", "shuffle-server-", "shuffle-client-",
                    "block-manager")),
            Map.entry("task_results", List.of("task-result-get")),
            Map.entry("jit_compiler", List.of("C1 CompilerThre", "C2 CompilerThre")),
            Map.entry("gc", List.of("GC Thread", "G1 ", "VM Thread")));
    /** The driver's thread: "main" to the JVM, the process's name ("java") to Linux. */
    private static final List<String> DRIVER = List.of("main", "java");
    private static final String OTHER = "other";
    private static final Path TASKS = Path.of("/proc/self/task");
    private static final long NANOS_PER_TICK = 10_000_000L; // USER_HZ is 100 on every Linux the JVM runs on

    private ThreadCpu() {}

    /** Nanoseconds of CPU by group, since each thread started (threads that have ended are not counted). */
    static Map<String, Long> snapshot() {
        Map<String, Long> byGroup = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> g : GROUPS) byGroup.put(g.getKey(), 0L);
        byGroup.put("driver", 0L);
        byGroup.put(OTHER, 0L);
        if (Files.isDirectory(TASKS)) {
            try (Stream<Path> threads = Files.list(TASKS)) {
                threads.forEach(t -> addProcThread(t, byGroup));
                return byGroup;
            } catch (IOException | RuntimeException e) {
                byGroup.replaceAll((k, v) -> 0L); // fall back to what the JVM reports
            }
        }
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        for (ThreadInfo info : bean.getThreadInfo(bean.getAllThreadIds())) {
            if (info == null) continue;
            long nanos = bean.getThreadCpuTime(info.getThreadId());
            if (nanos > 0) byGroup.merge(group(info.getThreadName()), nanos, Long::sum);
        }
        return byGroup;
    }

    /** {@code after - before} by group, in milliseconds per step. */
    static Map<String, Double> millisPerStep(Map<String, Long> before, Map<String, Long> after, int steps) {
        Map<String, Double> m = new LinkedHashMap<>();
        after.forEach((g, nanos) -> m.put(g, Math.max(0, nanos - before.getOrDefault(g, 0L)) / 1e6 / steps));
        return m;
    }

    static String group(String threadName) {
        if (DRIVER.contains(threadName)) return "driver";
        for (Map.Entry<String, List<String>> g : GROUPS) {
            for (String prefix : g.getValue()) {
                if (threadName.startsWith(prefix)) return g.getKey();
            }
        }
        return OTHER;
    }

    private static void addProcThread(Path thread, Map<String, Long> byGroup) {
        try {
            String name = Files.readString(thread.resolve("comm")).strip();
            String stat = Files.readString(thread.resolve("stat"));
            // Fields after the name, which is in parentheses and may hold spaces: state is field 3, utime 14, stime 15.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            byGroup.merge(group(name), ticks * NANOS_PER_TICK, Long::sum);
        } catch (IOException e) {
            // The thread ended between listing and reading: its time is lost either way.
        }
    }
}
