package dev.lockstep.cli;

import dev.lockstep.UsageException;
import dev.lockstep.bench.KernelBench;
import dev.lockstep.bench.SparkFreeLoop;
import dev.lockstep.bench.SparkStepBench;
import dev.lockstep.data.DataFiles;
import dev.lockstep.data.LabeledImages;
import dev.lockstep.io.AtomicFiles;
import dev.lockstep.io.Json;
import dev.lockstep.nn.Activation;
import dev.lockstep.nn.Architecture;
import dev.lockstep.train.TrainConfig;
import dev.lockstep.train.exchange.Exchange;
import dev.lockstep.train.step.TaskLifetime;
import dev.lockstep.train.sum.WirePrecision;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lockstep bench}: kernel GFLOP/s, the training loop without Spark on 1..N threads, the same steps on Spark
 * with their time split and an empty job measured alongside, cached bytes per row and driver heap over a long run;
 * printed, and written as JSON. Everything in one JVM and one run, so the comparisons hold on a noisy machine.
 */
@Command(
        name = "bench",
        sortOptions = false,
        mixinStandardHelpOptions = true,
        description = "Measure kernels, the training loop with and without Spark, per-step overhead and memory.")
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "DIR",
            description = "Directory as for train; its training files are used.")
    String data;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            description = "Where the JSON goes (any Hadoop FileSystem URI; default bench.json).")
    String out = "bench.json";

    @Option(names = "--layers", paramLabel = "N,N,...", description = "Layer sizes (default 784,256,128,10).")
    String layers = "784,256,128,10";

    @Option(names = "--batch", description = "Global batch (default: train's auto batch for this data).")
    Integer batch;

    @Option(
            names = "--transfer",
            paramLabel = "float32|bf16",
            description = "Wire precision of the Spark steps (default float32).")
    String transfer = "float32";

    @Option(names = "--master", description = "Spark master (default: spark-submit's, else local[2]).")
    String master;

    @Option(names = "--partitions", description = "Partitions, for Spark and the Spark-free loop alike (default 2).")
    int partitions = 2;

    @Option(
            names = "--partitions-per-task",
            description = "Partitions each Spark task computes, on as many threads (default 0: train's choice for the "
                    + "master).")
    int partitionsPerTask = 0;

    @Option(
            names = "--task-lifetime",
            paramLabel = "step|epoch|auto",
            description = "Lifetime of the training tasks, as for train (default auto); "
                    + "with epoch, the steps alone alternate epoch by epoch with a job per step.")
    String taskLifetime = "auto";

    @Option(
            names = "--exchange",
            paramLabel = "driver|sharded|auto",
            description = "How resident tasks' gradients reach the driver, as for train (default auto).")
    String exchange = "auto";

    @Option(
            names = "--steps",
            description =
                    "Measured Spark steps, run alone (default 5000; heap is read after step 500 and the last of them).")
    int steps = 5000;

    @Option(
            names = "--compare-steps",
            description = "Further Spark steps, each fourth followed by empty jobs to compare with (default 1000).")
    int compareSteps = 1000;

    @Option(
            names = "--warmup-steps",
            description = "Steps run before measuring, Spark and Spark-free alike (default 100).")
    int warmupSteps = 100;

    @Option(
            names = "--heap-first-step",
            description = "Step after which the first heap reading is taken (default 500).")
    int heapFirstStep = 500;

    @Option(
            names = "--loop-steps",
            description = "Measured steps of the Spark-free loop per thread count (default 300).")
    int loopSteps = 300;

    @Option(
            names = "--threads",
            split = ",",
            paramLabel = "N,N",
            description = "Thread counts for the Spark-free loop (default 1,2).")
    int[] threads = {1, 2};

    @Option(
            names = "--kernel-millis",
            description = "Timing per kernel case in ms, 0 to skip the kernels (default 400).")
    int kernelMillis = 400;

    @Override
    public Integer call() throws Exception {
        if (partitionsPerTask < 0)
            throw new UsageException("--partitions-per-task must be positive, or 0 for train's choice");
        if (partitions < 1 || steps < 1 || compareSteps < 1 || warmupSteps < 0 || loopSteps < 1 || kernelMillis < 0) {
            throw new UsageException("--partitions, --steps, --compare-steps and --loop-steps must be positive; "
                    + "--warmup-steps and --kernel-millis 0 or more");
        }
        int lastStep = warmupSteps + steps; // the heap's second reading
        if (heapFirstStep < 1 || heapFirstStep >= lastStep) {
            throw new UsageException(
                    "--heap-first-step must be between 1 and the last of the steps alone (" + (lastStep - 1) + ")");
        }
        for (int t : threads) if (t < 1) throw new UsageException("--threads must be positive");
        if (master != null) SparkSetup.checkMaster(master);
        // --partitions-per-task 0 is train's choice, as the flag says: auto.
        TrainConfig.Builder b = TrainConfig.builder()
                .partitions(partitions)
                .partitionsPerTask(partitionsPerTask == 0 ? null : partitionsPerTask);
        try {
            b.taskLifetime(TaskLifetime.parse(taskLifetime));
            b.exchange(Exchange.parse(exchange));
            b.layers(Architecture.parse(layers, Activation.RELU).sizes()).transfer(WirePrecision.parse(transfer));
            if (batch != null) b.batchSize(batch);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        SparkSetup.Environment env = SparkSetup.Environment.load();
        // Two local threads unless spark-submit names a cluster: the Spark-free loop's 2 threads are the yardstick.
        if (master == null && !env.sparkConf().contains("spark.master")) master = "local[2]";
        Configuration hadoop = env.hadoop();
        PrintWriter err = spec.commandLine().getErr();
        LabeledImages rows = DataFiles.resolve(hadoop, data, null, null).loadTrain(hadoop);
        TrainConfig config;
        try {
            config = b.build().forTrainingRows(rows.count());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (config.batchSize() > rows.count()) {
            throw new UsageException("--batch " + config.batchSize() + " is larger than the " + rows.count() + " rows");
        }

        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("date", Instant.now().toString());
        doc.put("machine", machine());
        doc.put("data", Map.of("source", rows.source(), "rows", rows.count()));
        doc.put("config", config.toMap());
        err.printf(
                Locale.ROOT,
                "[bench] %s, %,d rows, batch %d, %d partitions; load average %.2f%n",
                config.architecture().layersString(),
                rows.count(),
                config.batchSize(),
                partitions,
                loadAverage());

        if (kernelMillis > 0) {
            err.println("[bench] kernels (" + KernelBench.kernels() + ", one thread, dense data)...");
            List<KernelBench.Result> kernels =
                    KernelBench.measure(config.architecture(), new int[] {32, 128, 512}, kernelMillis);
            doc.put("kernels", kernelRows(kernels, err));
        }

        List<Map<String, Object>> loops = new ArrayList<>();
        double freeSameThreads = 0;
        for (int t : threads) {
            SparkFreeLoop.Throughput r = SparkFreeLoop.run(rows, config, partitions, t, warmupSteps, loopSteps);
            err.printf(
                    Locale.ROOT,
                    "[bench] without Spark, %d thread(s): %,.0f examples/s (step %.2f ms, slowest partition %.2f ms)%n",
                    t,
                    r.examplesPerSecond(),
                    r.medianStepMillis(),
                    r.medianComputeMillis());
            loops.add(Map.of(
                    "threads",
                    t,
                    "examples_per_second",
                    r.examplesPerSecond(),
                    "step_ms",
                    r.medianStepMillis(),
                    "slowest_partition_ms",
                    r.medianComputeMillis(),
                    "steps",
                    r.steps()));
            if (t == partitions) freeSameThreads = r.examplesPerSecond();
        }
        doc.put("without_spark", loops);

        SparkStepBench.Report spark;
        boolean localMaster;
        try (SparkSetup.Session session = SparkSetup.start(env.sparkConf(), master, "lockstep-bench")) {
            err.printf(
                    Locale.ROOT,
                    "[bench] Spark %s: %d + %d steps, then %d with empty jobs...%n",
                    session.context().master(),
                    warmupSteps,
                    steps,
                    compareSteps);
            doc.put("spark_version", session.context().version());
            doc.put("master", session.context().master());
            localMaster = session.context().isLocal();
            spark = SparkStepBench.run(
                    session.context(), rows, config, partitions, warmupSteps, steps, compareSteps, heapFirstStep);
        }
        doc.put("spark", sparkMap(spark));
        printSpark(spark, err);
        doc.put("targets", targets(doc, spark, freeSameThreads, localMaster, err));
        doc.put("load_average_at_end", loadAverage());
        AtomicFiles.writeString(hadoop, out, Json.pretty(doc) + "\n");
        err.println("[bench] written: " + out);
        return 0;
    }

    private static List<Map<String, Object>> kernelRows(List<KernelBench.Result> kernels, PrintWriter err) {
        List<Map<String, Object>> list = new ArrayList<>();
        String last = "";
        StringBuilder line = new StringBuilder();
        for (KernelBench.Result k : kernels) {
            String key = k.layer() + " batch " + k.batch();
            if (!key.equals(last)) {
                if (line.length() > 0) err.println(line);
                line.setLength(0);
                line.append(String.format(Locale.ROOT, "[bench]   %-8s batch %3d:", k.layer(), k.batch()));
                last = key;
            }
            line.append(String.format(Locale.ROOT, "  %s %.1f", k.product(), k.gflops()));
            list.add(Map.of("layer", k.layer(), "batch", k.batch(), "product", k.product(), "gflops", k.gflops()));
        }
        if (line.length() > 0) err.println(line + "  GFLOP/s");
        return list;
    }

    private static Map<String, Object> sparkMap(SparkStepBench.Report r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("partitions", r.partitions());
        m.put("partitions_per_task", r.partitionsPerTask());
        m.put("batch", r.batch());
        m.put("task_lifetime", r.training().lifetime().displayName());
        m.put("steps", r.training().steps());
        m.put("examples_per_second", r.training().examplesPerSecond());
        m.put("step_ms_median", r.training().stepMillis());
        m.put("cpu_ms_per_step", r.training().cpuMillisPerStep());
        m.put("cpu_source", r.cpuSource());
        if (r.alone().size() > 1) {
            // The other lifetime's epochs of the same phase, alternating with training's: the comparison in one run.
            List<Map<String, Object>> others = new ArrayList<>();
            for (SparkStepBench.StepsAlone a : r.alone().subList(1, r.alone().size())) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("task_lifetime", a.lifetime().displayName());
                o.put("steps", a.steps());
                o.put("examples_per_second", a.examplesPerSecond());
                o.put("step_ms_median", a.stepMillis());
                o.put("cpu_ms_per_step", a.cpuMillisPerStep());
                others.add(o);
            }
            m.put("alternated_with", others);
        }
        m.put("compare_steps", r.compareSteps());
        m.put("interleaved_examples_per_second", r.interleavedExamplesPerSecond());
        m.put("interleaved_step_ms_median", r.interleavedStepMillis());
        if (!r.wireStepMillis().isEmpty()) m.put("same_steps_through_spark_ms_median", r.wireStepMillis());
        m.put("empty_job_ms_median", r.emptyJobMillis());
        m.put("broadcast_and_empty_job_ms_median", r.broadcastAndEmptyJobMillis());
        m.put("task_carried_parameters_and_empty_job_ms_median", r.taskCarriedEmptyJobMillis());
        m.put("collect_empty_job_ms_median", r.collectEmptyJobMillis());
        m.put("one_task_empty_job_ms_median", r.oneTaskEmptyJobMillis());
        m.put("empty_job_returning_gradient_bytes_ms_median", r.returningEmptyJobMillis());
        m.put("many_tasks", r.manyTasks());
        m.put("many_tasks_empty_job_ms_median", r.manyTasksEmptyJobMillis());
        m.put("cached_bytes", r.cachedBytes());
        m.put("cached_bytes_per_row", r.cachedBytesPerRow());
        m.put(
                "heap_after_step",
                Map.of(
                        String.valueOf(r.heapFirstStep()),
                        r.heapAtFirst(),
                        String.valueOf(r.heapLastStep()),
                        r.heapAtLast()));
        return m;
    }

    private static void printSpark(SparkStepBench.Report r, PrintWriter err) {
        for (SparkStepBench.StepsAlone a : r.alone()) printStepsAlone(a, r, err);
        Map<String, Double> i = r.interleavedStepMillis();
        err.printf(
                Locale.ROOT,
                "[bench] Spark, steps interleaved with empty jobs: %,.0f examples/s; median step %.2f ms = launch "
                        + "%.2f, " + "compute %.2f, return %.2f; overhead %.2f ms%n",
                r.interleavedExamplesPerSecond(),
                i.get("total"),
                i.get("launch"),
                i.get("compute"),
                i.get("return"),
                i.get("overhead"));
        Map<String, Double> w = r.wireStepMillis();
        if (!w.isEmpty()) {
            err.printf(
                    Locale.ROOT,
                    "[bench]   their bytes stay in this JVM; every 4th step again with them sent through Spark: "
                            + "%.2f ms = launch %.2f, "
                            + "compute %.2f, return %.2f, combine %.2f; overhead %.2f ms (same bits)%n",
                    w.get("total"),
                    w.get("launch"),
                    w.get("compute"),
                    w.get("return"),
                    w.get("combine"),
                    w.get("overhead"));
        }
        err.printf(
                Locale.ROOT,
                "[bench] empty job %.2f ms; with the parameters in a broadcast %.2f ms, in the task %.2f ms; "
                        + "empty mapPartitions().collect() %.2f ms (medians, interleaved with the steps)%n",
                r.emptyJobMillis(),
                r.broadcastAndEmptyJobMillis(),
                r.taskCarriedEmptyJobMillis(),
                r.collectEmptyJobMillis());
        err.printf(
                Locale.ROOT,
                "[bench] empty job with 1 task %.2f ms, with %d tasks %.2f ms; returning a gradient's bytes from each "
                        + "task %.2f ms%n",
                r.oneTaskEmptyJobMillis(),
                r.manyTasks(),
                r.manyTasksEmptyJobMillis(),
                r.returningEmptyJobMillis());
        err.printf(
                Locale.ROOT,
                "[bench] cached training rows: %,d bytes, %.1f per row; driver heap after GC: %.1f MB after step "
                        + "%d, %.1f MB after step %d%n",
                r.cachedBytes(),
                r.cachedBytesPerRow(),
                r.heapAtFirst() / 1e6,
                r.heapFirstStep(),
                r.heapAtLast() / 1e6,
                r.heapLastStep());
    }

    private static void printStepsAlone(SparkStepBench.StepsAlone a, SparkStepBench.Report r, PrintWriter err) {
        Map<String, Double> s = a.stepMillis();
        String what = a.lifetime() == TaskLifetime.EPOCH ? "tasks resident for the epoch" : "a job per step";
        err.printf(
                Locale.ROOT,
                "[bench] Spark, %s (%,d steps%s): %,.0f examples/s; median step %.2f ms = ship %.2f, launch %.2f, "
                        + "fetch %.2f, "
                        + "compute %.2f (slowest partition), return %.2f, combine %.2f, update %.2f; overhead (step "
                        + "- compute) %.2f ms%n",
                what,
                a.steps(),
                r.alone().size() > 1 ? ", epochs alternating" : "",
                a.examplesPerSecond(),
                s.get("total"),
                s.get("ship"),
                s.get("launch"),
                s.get("fetch"),
                s.get("compute"),
                s.get("return"),
                s.get("combine"),
                s.get("update"),
                s.get("overhead"));
        StringBuilder cpu = new StringBuilder();
        double cpuTotal = 0;
        for (Map.Entry<String, Double> e : a.cpuMillisPerStep().entrySet()) {
            cpu.append(String.format(
                    Locale.ROOT,
                    "%s %s %.2f",
                    cpu.length() == 0 ? "" : ",",
                    e.getKey().replace('_', ' '),
                    e.getValue()));
            cpuTotal += e.getValue();
        }
        double wallPerStep = r.batch() * 1000.0 / a.examplesPerSecond();
        err.printf(
                Locale.ROOT,
                "[bench]   CPU per step, ms:%s; %.2f in all, %.1f cores busy on average (from %s)%n",
                cpu,
                cpuTotal,
                cpuTotal / wallPerStep,
                r.cpuSource());
    }

    /** The measurable targets, each with the measured value and whether it holds in this run. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> targets(
            Map<String, Object> doc,
            SparkStepBench.Report r,
            double freeSameThreads,
            boolean localMaster,
            PrintWriter err) {
        Map<String, Object> t = new LinkedHashMap<>();
        if (doc.containsKey("kernels")) {
            double worst = Double.MAX_VALUE;
            String first = ((List<Map<String, Object>>) doc.get("kernels"))
                    .get(0)
                    .get("layer")
                    .toString();
            for (Map<String, Object> k : (List<Map<String, Object>>) doc.get("kernels")) {
                if (k.get("layer").equals(first) && (int) k.get("batch") >= 128)
                    worst = Math.min(worst, (double) k.get("gflops"));
            }
            target(t, err, "kernel_first_layer_gflops_min_at_batch_128_up", worst, worst >= 35, ">= 35 GFLOP/s");
        }
        if (freeSameThreads > 0) {
            double ratio = r.training().examplesPerSecond() / freeSameThreads;
            String goal = ">= 0.80 of the Spark-free loop on " + partitions + " threads";
            // The target is local[2]'s: a cluster's executors are other JVMs, here on the same cores as the driver.
            if (localMaster) target(t, err, "spark_vs_spark_free_throughput", ratio, ratio >= 0.8, goal);
            else
                target(
                        t,
                        err,
                        "spark_vs_spark_free_throughput",
                        ratio,
                        null,
                        goal + " (a target on a local master only)");
        }
        // With a job per step, the steps interleaved with the empty jobs: the same load, the same warm JVM. Resident
        // tasks run no job per step to interleave with; their steps alone are compared with the same empty jobs.
        Map<String, Double> steps =
                r.training().lifetime() == TaskLifetime.EPOCH ? r.training().stepMillis() : r.interleavedStepMillis();
        double overhead = steps.get("overhead") / r.emptyJobMillis();
        target(t, err, "overhead_vs_empty_job", overhead, overhead <= 1.5, "<= 1.5x the empty job");
        target(t, err, "cached_bytes_per_row", r.cachedBytesPerRow(), r.cachedBytesPerRow() <= 800, "<= 800");
        double heap = (double) r.heapAtLast() / r.heapAtFirst();
        target(t, err, "heap_growth", heap, heap <= 1.1, "last <= 1.1x first");
        return t;
    }

    /** {@code met} null: a figure no target applies to in this run, printed and written as n/a. */
    private static void target(
            Map<String, Object> t, PrintWriter err, String name, double value, Boolean met, String goal) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("value", value);
        m.put("goal", goal);
        m.put("met", met);
        t.put(name, m);
        err.printf(
                Locale.ROOT,
                "[bench] target %-48s %10.3f  %-45s %s%n",
                name,
                value,
                goal,
                met == null ? "n/a" : met ? "MET" : "MISSED");
    }

    private static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        m.put("kernels", KernelBench.kernels());
        m.put("load_average_at_start", loadAverage());
        return m;
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
