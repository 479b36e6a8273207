package dev.lockstep.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time this JVM's threads use, summed by what the threads do: the task threads (the arithmetic, and Spark's
 * per-task work around it), Spark's scheduler, listener bus, RPC and result threads, the JVM's JIT compiler, its
 * GC and VM operations, the driver. On a machine with few cores every millisecond the others take is one the
 * tasks may wait for, so the bench shows where it goes. Read from {@code /proc/self/task} on Linux, which sees the
 * JVM's own threads too; elsewhere from the JVM's thread bean, which sees Java threads only (no JIT, no GC). On a
 * cluster only the driver's JVM is counted.
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
            Map.entry("rpc", List.of("dispatcher-", "netty-rpc", "rpc-", "shuffle-", "block-manager")),
            Map.entry("task_results", List.of("task-result-get")),
            Map.entry("jit_compiler", List.of("C1 CompilerThre", "C2 CompilerThre")),
            Map.entry("gc_and_vm", List.of("GC Thread", "G1 ", "VM Thread")));
    /** The driver's thread: "main" to the JVM, the launcher's name ("java") to Linux. */
    private static final List<String> DRIVER = List.of("main", "java");

    private static final String OTHER = "other";
    private static final Path TASKS = Path.of("/proc/self/task");
    private static final long NANOS_PER_TICK = 10_000_000L; // USER_HZ: 100 on every Linux the JVM runs on
    /** Chosen once, so that two snapshots always come from the same source. */
    private static final boolean PROC = Files.isDirectory(TASKS);

    /** One thread's CPU so far: its group and nanoseconds. */
    private record Sample(String group, long nanos) {}

    /** Every live thread's CPU so far, by thread (tid and name: a tid can be reused by a later thread). */
    record Snapshot(Map<String, Sample> threads) {}

    private ThreadCpu() {}

    /** Where the figures come from, for the report: what it can see. */
    static String source() {
        return PROC ? "/proc/self/task (all threads)" : "thread bean (Java threads only: no JIT compiler, no GC)";
    }

    static Snapshot snapshot() {
        Map<String, Sample> threads = new HashMap<>();
        if (PROC) {
            try (Stream<Path> list = Files.list(TASKS)) {
                list.forEach(t -> readProcThread(t, threads));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            ThreadMXBean bean = ManagementFactory.getThreadMXBean();
            for (ThreadInfo info : bean.getThreadInfo(bean.getAllThreadIds())) {
                if (info == null) continue;
                long nanos = bean.getThreadCpuTime(info.getThreadId());
                if (nanos >= 0)
                    threads.put(
                            info.getThreadId() + " " + info.getThreadName(),
                            new Sample(group(info.getThreadName()), nanos));
            }
        }
        return new Snapshot(threads);
    }

    /**
     * CPU used between two snapshots, by group, in milliseconds per step: each thread's own difference, a thread
     * new since {@code before} counted from its start. A thread that ended in between is missed (it is no longer
     * there to read), never subtracted.
     */
    static Map<String, Double> millisPerStep(Snapshot before, Snapshot after, int steps) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> g : GROUPS) m.put(g.getKey(), 0.0);
        m.put("driver", 0.0);
        m.put(OTHER, 0.0);
        after.threads().forEach((thread, s) -> {
            Sample earlier = before.threads().get(thread);
            long nanos = s.nanos() - (earlier == null ? 0 : earlier.nanos());
            m.merge(s.group(), nanos / 1e6 / steps, Double::sum);
        });
        return m;
    }

    /** CPU by group summed over several windows: the windows in which one kind of step ran, among others. */
    static final class Tally {
        private final Map<String, Long> nanos = new HashMap<>();
        private int windows;

        /** Adds what each thread used between the two snapshots (a thread new since {@code from} from its start). */
        void add(Snapshot from, Snapshot to) {
            windows++;
            to.threads().forEach((thread, s) -> {
                Sample earlier = from.threads().get(thread);
                nanos.merge(s.group(), s.nanos() - (earlier == null ? 0 : earlier.nanos()), Long::sum);
            });
        }

        boolean isEmpty() {
            return windows == 0;
        }

        /** In the groups' order, as {@link #millisPerStep(Snapshot, Snapshot, int)}. */
        Map<String, Double> millisPerStep(int steps) {
            Map<String, Double> m = ThreadCpu.millisPerStep(new Snapshot(Map.of()), new Snapshot(Map.of()), steps);
            nanos.forEach((group, n) -> m.merge(group, n / 1e6 / steps, Double::sum));
            return m;
        }
    }

    /** {@code total} less what {@code during} used in the groups named (a pause that is not the steps'). */
    static Snapshot less(Snapshot total, Snapshot duringStart, Snapshot duringEnd, List<String> groups) {
        Map<String, Sample> threads = new HashMap<>(total.threads());
        duringEnd.threads().forEach((thread, s) -> {
            if (!groups.contains(s.group()) || !threads.containsKey(thread)) return;
            Sample start = duringStart.threads().get(thread);
            long used = s.nanos() - (start == null ? 0 : start.nanos());
            threads.put(thread, new Sample(s.group(), threads.get(thread).nanos() - used));
        });
        return new Snapshot(threads);
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

    /** utime + stime of a {@code /proc/.../stat} line, in clock ticks. */
    static long statTicks(String stat) {
        // Fields after the name, which is in parentheses and may hold spaces and ')': state is field 3, utime 14, stime
        // 15.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static void readProcThread(Path thread, Map<String, Sample> threads) {
        try {
            String name = Files.readString(thread.resolve("comm")).strip();
            long nanos;
            Path schedstat = thread.resolve("schedstat"); // nanoseconds on CPU, where the kernel keeps them
            if (Files.isReadable(schedstat)) {
                nanos = Long.parseLong(Files.readString(schedstat).strip().split(" ")[0]);
            } else {
                nanos = statTicks(Files.readString(thread.resolve("stat"))) * NANOS_PER_TICK;
            }
            threads.put(thread.getFileName() + " " + name, new Sample(group(name), nanos));
        } catch (IOException | RuntimeException e) {
            // The thread ended between listing and reading: it is missed, like any thread that ends.
        }
    }
}
