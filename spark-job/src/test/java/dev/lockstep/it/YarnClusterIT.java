package dev.lockstep.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lockstep.TestData;
import dev.lockstep.data.LabeledImages;
import dev.lockstep.data.PreparedWriter;
import dev.lockstep.io.Json;
import dev.lockstep.model.Registry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/yarn/submit.sh (spark-submit --master yarn of the thin jar) against a real YARN and HDFS, in cluster and
 * client deploy mode, and with the application master killed once: each run reads its data from HDFS, writes its
 * model and metrics there, ends SUCCEEDED, and trains the same model, bit for bit, as deploy/lockstep on local[2]
 * with the same seed and partitions. Needs Spark's YARN client (spark-yarn), which only the Spark 3.5 line has here:
 * run with -Pspark-3.5; elsewhere the class is skipped.
 */
class YarnClusterIT {
    /** 3,000 rows of the sample (2,700 train, 300 validation), 54 steps of 50: small, yet long enough to be killed. */
    private static final int ROWS = 3000;

    private static final List<String> SETTINGS =
            List.of("--layers", "784,32,10", "--epochs", "1", "--batch", "50", "--partitions", "2", "--seed", "7");
    /** What every YARN run adds: the same command line for a first attempt and for one after a lost driver. */
    private static final List<String> RESUMABLE = List.of("--checkpoint-every", "10", "--resume");

    private static final long RUN_TIMEOUT = 300;

    @TempDir
    static Path tmp;

    private static MiniYarn cluster;
    private static String data;
    private static byte[] localModel;
    private static double localAccuracy;

    @BeforeAll
    static void startClusters() throws Exception {
        assumeTrue(hasSparkYarn(), "no spark-yarn jar in " + Processes.libDir() + ": the YARN tests need -Pspark-3.5");
        long t0 = System.nanoTime();
        cluster = MiniYarn.start(Path.of("target", "yarn-it").toAbsolutePath(), Processes.libDir());
        data = cluster.hdfs() + "/data/mnist-3k";
        LabeledImages sample = TestData.sample();
        PreparedWriter.write(
                cluster.fs().getConf(),
                data,
                sample.select(IntStream.range(0, ROWS).toArray()),
                Optional.empty(),
                "data/mnist");
        System.err.printf("[YarnClusterIT] HDFS and YARN up, data on HDFS in %.1f s%n", (System.nanoTime() - t0) / 1e9);

        // The reference: the same training on local[2], reading the same data from HDFS.
        Path out = tmp.resolve("local");
        List<String> cmd = new ArrayList<>(List.of(
                Processes.launcher().toString(),
                "train",
                "--master",
                "local[2]",
                "--data",
                data,
                "--out",
                out.toString()));
        cmd.addAll(SETTINGS);
        Processes.Result r = Processes.run(cmd, TestData.projectDir(), RUN_TIMEOUT);
        assertEquals(0, r.code(), r.err());
        localModel = Files.readAllBytes(out.resolve("model.lsm"));
        localAccuracy = accuracy(
                Json.readMap(new Configuration(), out.resolve("metrics.json").toString()));
    }

    @AfterAll
    static void stopClusters() {
        if (cluster != null) cluster.close();
    }

    @Test
    void clusterModeRunsTheDriverInYarnFromShippedFilesOnly() throws Exception {
        // The submitting host's conf/ and job jar are copies, deleted as soon as YARN has the application: the driver
        // must get everything from the application (jar, conf, --files), HDFS, and the cluster's staged Spark jars.
        Path host = tmp.resolve("submit-host");
        Files.createDirectories(host.resolve("conf"));
        try (Stream<Path> files = Files.list(TestData.projectDir().resolve("conf"))) {
            for (Path f : files.toList()) Files.copy(f, host.resolve("conf").resolve(f.getFileName()));
        }
        Files.copy(Processes.jobJar(), host.resolve("lockstep-job.jar"));
        Map<String, String> env = env();
        env.put("LOCKSTEP_CONF_DIR", host.resolve("conf").toString());
        env.put("LOCKSTEP_JOB_JAR", host.resolve("lockstep-job.jar").toString());

        String out = cluster.hdfs() + "/runs/cluster";
        Processes.Started submit =
                Processes.start(submitCommand("cluster", "lockstep-it-cluster", out), TestData.projectDir(), env);
        try {
            ApplicationReport app = cluster.awaitApplication("lockstep-it-cluster", RUN_TIMEOUT);
            FileUtil.fullyDelete(host.toFile());
            Processes.Result r = submit.finish(RUN_TIMEOUT);
            ApplicationReport end = cluster.awaitEnd(app.getApplicationId(), 60);
            assertEquals(0, r.code(), "spark-submit failed; " + end.getDiagnostics() + "\n" + r.err());
            assertSucceeded(end, 1);

            ContainerId driver = cluster.amContainer(app.getApplicationId());
            String driverLog = Files.readString(cluster.containerFile(driver, "stderr"));
            assertTrue(
                    driverLog.contains("[lockstep] done"),
                    "the driver ran elsewhere? its container's stderr:\n" + driverLog);
            assertFalse(
                    r.err().contains("[lockstep] done"),
                    "cluster mode, yet the driver's output is on the submitter's stderr");
            // The driver's class path holds nothing of the submitting host's (Spark's jars are the node's own); the job
            // jar, Spark's conf and log4j2.properties are the copies YARN localized from HDFS.
            String launch = Files.readString(cluster.containerFile(driver, "launch_container.sh"));
            String classPath = launch.lines()
                    .filter(l -> l.startsWith("export CLASSPATH="))
                    .findFirst()
                    .orElseThrow();
            assertFalse(classPath.contains(host.toString()), classPath);
            for (String shipped : List.of("__app__.jar", "__spark_conf__", "log4j2.properties")) {
                assertTrue(
                        launch.lines()
                                .anyMatch(l -> l.startsWith("ln -sf -- ")
                                        && l.contains("/filecache/")
                                        && l.endsWith("\"" + shipped + "\"")),
                        shipped + " not localized:\n" + launch);
            }
            assertTrue(launch.contains("jdk.incubator.vector"), "no Vector API for the driver:\n" + launch);
            assertModelAndMetrics(out);
            // conf/lockstep.conf reached the driver inside Spark's conf, not as a file.
            @SuppressWarnings("unchecked")
            Map<String, Object> sources = (Map<String, Object>)
                    Json.readMap(cluster.fs().getConf(), out + "/metrics.json").get("config_sources");
            assertEquals("spark conf spark.lockstep.optimizer", sources.get("optimizer"));
        } finally {
            submit.kill();
        }
    }

    @Test
    void clientModeRunsTheDriverHere() throws Exception {
        String out = cluster.hdfs() + "/runs/client";
        Processes.Result r = Processes.run(
                submitCommand("client", "lockstep-it-client", out), TestData.projectDir(), RUN_TIMEOUT, env());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("[lockstep] done"), "client mode: the driver's output is here\n" + r.err());
        assertTrue(
                r.err().contains("resident for each epoch, gradients reduced among them (sharded exchange)"),
                "the two executors' slots hold both tasks for the epoch, which reduce their gradients among "
                        + "themselves:\n" + r.err());
        ApplicationReport app = cluster.awaitApplication("lockstep-it-client", 10);
        assertSucceeded(cluster.awaitEnd(app.getApplicationId(), 60), 1);
        assertModelAndMetrics(out);
    }

    @Test
    void aKilledApplicationMasterResumesFromItsCheckpointInASecondAttempt() throws Exception {
        String out = cluster.hdfs() + "/runs/am-killed";
        Processes.Started submit =
                Processes.start(submitCommand("cluster", "lockstep-it-am-killed", out), TestData.projectDir(), env());
        try {
            ApplicationId id = cluster.awaitApplication("lockstep-it-am-killed", RUN_TIMEOUT)
                    .getApplicationId();
            FileSystem fs = cluster.fs();
            killApplicationMasterAfterACheckpoint(
                    id, submit, () -> countCheckpoints(fs, new org.apache.hadoop.fs.Path(out + "/checkpoints")) > 0);
            assertFalse(
                    fs.exists(new org.apache.hadoop.fs.Path(out + "/model.lsm")),
                    "the run finished before it was killed");

            String secondLog = finishInASecondAttempt(id, submit);
            assertTrue(secondLog.contains("[lockstep] resuming after step"), "attempt 2 did not resume:\n" + secondLog);
            assertModelAndMetrics(out);
        } finally {
            submit.kill();
        }
    }

    @Test
    void aKilledApplicationMasterContinuesItsRegistryRunInASecondAttempt() throws Exception {
        // The same, training into a registry: attempt 2 finds the run attempt 1 claimed and continues it.
        String registry = cluster.hdfs() + "/models/am-killed";
        List<String> cmd = new ArrayList<>(submit("cluster", "lockstep-it-am-killed-registry"));
        cmd.addAll(List.of("--data", data, "--registry", registry, "--checkpoint-every", "10"));
        cmd.addAll(SETTINGS);
        Processes.Started submit = Processes.start(cmd, TestData.projectDir(), env());
        try {
            ApplicationId id = cluster.awaitApplication("lockstep-it-am-killed-registry", RUN_TIMEOUT)
                    .getApplicationId();
            FileSystem fs = cluster.fs();
            Registry runs = new Registry(fs.getConf(), registry);
            killApplicationMasterAfterACheckpoint(
                    id,
                    submit,
                    () -> runs.runs().stream()
                            .anyMatch(r ->
                                    countCheckpoints(fs, new org.apache.hadoop.fs.Path(runs.runDir(r), "checkpoints"))
                                            > 0));
            assertTrue(runs.current().isEmpty(), "the run finished before it was killed");

            String secondLog = finishInASecondAttempt(id, submit);
            assertTrue(
                    secondLog.contains("[lockstep] registry: continuing run"),
                    "attempt 2 started a new run:\n" + secondLog);
            assertTrue(secondLog.contains("[lockstep] resuming after step"), "attempt 2 did not resume:\n" + secondLog);
            assertEquals(1, runs.runs().size(), "runs: " + runs.runs());
            String run = runs.current().orElseThrow();
            assertEquals("promoted", runs.status(run).get("status"));
            try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(runs.modelFile(run)))) {
                assertArrayEquals(localModel, in.readAllBytes(), "the continued run's model differs from local[2]'s");
            }
        } finally {
            submit.kill();
        }
    }

    /** Waits for the first checkpoint of application {@code id}, then SIGKILLs its application master (the driver). */
    private static void killApplicationMasterAfterACheckpoint(
            ApplicationId id, Processes.Started submit, BooleanSupplier checkpointed) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RUN_TIMEOUT);
        while (!checkpointed.getAsBoolean()) {
            assertTrue(
                    System.nanoTime() < deadline && submit.process().isAlive(),
                    "no checkpoint appeared:\n" + submit.errSoFar());
            Thread.sleep(50);
        }
        ContainerId first = cluster.amContainer(id);
        List<ProcessHandle> driver = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains(first.toString()))
                .filter(p ->
                        p.info().commandLine().orElse("").contains("org.apache.spark.deploy.yarn.ApplicationMaster"))
                .toList();
        assertFalse(driver.isEmpty(), "no process for the application master " + first);
        driver.forEach(ProcessHandle::destroyForcibly); // SIGKILL: the driver dies mid-training, nothing flushed
    }

    /** After a killed first attempt: spark-submit succeeds, with YARN's second attempt; that attempt's driver log. */
    private static String finishInASecondAttempt(ApplicationId id, Processes.Started submit) throws Exception {
        Processes.Result r = submit.finish(RUN_TIMEOUT);
        ApplicationReport end = cluster.awaitEnd(id, 60);
        assertEquals(0, r.code(), "spark-submit failed; " + end.getDiagnostics() + "\n" + r.err());
        assertSucceeded(end, 2);
        ContainerId second = cluster.amContainer(id);
        assertEquals(2, second.getApplicationAttemptId().getAttemptId());
        return Files.readString(cluster.containerFile(second, "stderr"));
    }

    @Test
    void theNightlyScriptRunsUnchangedOnYarn() throws Exception {
        // retrain.sh as cron runs it, with LOCKSTEP_COMMAND naming deploy/yarn/submit.sh in client mode (so that its
        // exit codes are the driver's) and LOCKSTEP_MASTER=yarn; data and registry on HDFS.
        String registry = cluster.hdfs() + "/models/nightly";
        Path conf = tmp.resolve("nightly.conf");
        Files.writeString(
                conf,
                String.join(
                        "\n",
                        "LOCKSTEP_DATA=" + data,
                        "LOCKSTEP_REGISTRY=" + registry,
                        "LOCKSTEP_COMMAND=\"" + String.join(" ", submit("client", "lockstep-it-nightly")) + "\"",
                        "LOCKSTEP_MASTER=yarn",
                        "LOCKSTEP_TRAIN_ARGS=\"" + String.join(" ", SETTINGS) + "\"",
                        "LOCKSTEP_LOG_DIR=" + tmp.resolve("nightly-logs"),
                        "LOCKSTEP_LOCK_FILE=" + tmp.resolve("nightly.lock"),
                        ""));
        Map<String, String> env = env();
        env.put("LOCKSTEP_NIGHTLY_CONF", conf.toString());
        Processes.Result r = Processes.run(
                List.of(TestData.projectDir()
                        .resolve("deploy/nightly/retrain.sh")
                        .toString()),
                TestData.projectDir(),
                RUN_TIMEOUT,
                env);
        assertEquals(0, r.code(), r.err() + logs(tmp.resolve("nightly-logs")));
        assertTrue(r.err().contains("promoted"), r.err());
        assertSucceeded(
                cluster.awaitEnd(
                        cluster.awaitApplication("lockstep-it-nightly", 10).getApplicationId(), 60),
                1);
        Registry runs = new Registry(cluster.fs().getConf(), registry);
        try (InputStream in = cluster.fs()
                .open(new org.apache.hadoop.fs.Path(
                        runs.modelFile(runs.current().orElseThrow())))) {
            assertArrayEquals(localModel, in.readAllBytes(), "the promoted model differs from local[2]'s");
        }
        // The promotion took the registry's lock on HDFS and let it go.
        assertEquals("promoted", runs.events().get(runs.events().size() - 1).get("event"));
        assertFalse(
                cluster.fs().exists(new org.apache.hadoop.fs.Path(registry, ".lock")),
                "the registry lock was left behind");
    }

    // ---------------------------------------------------------------------------------------------------------------

    private static String logs(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return "";
        StringBuilder b = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList())
                b.append("\n--- ").append(f).append('\n').append(Files.readString(f));
        }
        return b.toString();
    }

    /** submit.sh with this cluster's settings; the train arguments follow. */
    private static List<String> submit(String deployMode, String name) {
        return List.of(
                TestData.projectDir().resolve("deploy/yarn/submit.sh").toString(),
                "--deploy-mode",
                deployMode,
                "--name",
                name,
                "--executor-memory",
                "512m",
                "--conf",
                "spark.yarn.jars=" + cluster.sparkJars(),
                "--conf",
                "spark.yarn.am.memory=256m",
                // Containers bind to loopback only (Spark would otherwise pick the host's other address).
                "--conf",
                "spark.yarn.appMasterEnv.SPARK_LOCAL_IP=127.0.0.1",
                "--conf",
                "spark.executorEnv.SPARK_LOCAL_IP=127.0.0.1");
    }

    private static List<String> submitCommand(String deployMode, String name, String out) {
        List<String> cmd = new ArrayList<>(submit(deployMode, name));
        cmd.addAll(List.of("--data", data, "--out", out));
        cmd.addAll(SETTINGS);
        cmd.addAll(RESUMABLE);
        return cmd;
    }

    /** submit.sh's environment: the mini cluster's client configuration, the Maven jars, no Spark installation. */
    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("HADOOP_CONF_DIR", cluster.confDir().toString());
        env.put("YARN_CONF_DIR", null);
        env.put("LOCKSTEP_LIB_DIR", Processes.libDir().toString());
        env.put("LOCKSTEP_JOB_JAR", Processes.jobJar().toString());
        env.put("LOCKSTEP_CONF_DIR", null);
        env.put("SPARK_HOME", null);
        env.put("SPARK_SUBMIT", null);
        env.put("SPARK_LOCAL_IP", "127.0.0.1"); // a client-mode driver on this host, reachable on loopback only
        return env;
    }

    private static void assertSucceeded(ApplicationReport end, int attempts) {
        assertEquals(YarnApplicationState.FINISHED, end.getYarnApplicationState(), end.getDiagnostics());
        assertEquals(FinalApplicationStatus.SUCCEEDED, end.getFinalApplicationStatus(), end.getDiagnostics());
        assertEquals(attempts, end.getCurrentApplicationAttemptId().getAttemptId(), "attempts");
    }

    /** The model on HDFS is local[2]'s, bit for bit, and its metrics were written beside it. */
    private static void assertModelAndMetrics(String out) throws IOException {
        FileSystem fs = cluster.fs();
        try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(out + "/model.lsm"))) {
            assertArrayEquals(localModel, in.readAllBytes(), "the YARN model differs from local[2]'s");
        }
        Map<String, Object> metrics = Json.readMap(fs.getConf(), out + "/metrics.json");
        assertTrue(accuracy(metrics) >= localAccuracy, metrics + " vs local " + localAccuracy);
        assertEquals(300, ((Number) metrics.get("eval_rows")).intValue());
        assertEquals(2, ((Number) metrics.get("partitions")).intValue());
        for (String name : List.of("history.jsonl", "report.html")) {
            assertTrue(
                    fs.getFileStatus(new org.apache.hadoop.fs.Path(out + "/" + name))
                                    .getLen()
                            > 0,
                    name);
        }
    }

    private static double accuracy(Map<String, Object> metrics) {
        return ((Number) metrics.get("test_accuracy")).doubleValue();
    }

    private static long countCheckpoints(FileSystem fs, org.apache.hadoop.fs.Path dir) {
        try {
            if (!fs.exists(dir)) return 0;
            return Stream.of(fs.listStatus(dir))
                    .map(FileStatus::getPath)
                    .filter(p -> p.getName().matches("ckpt-\\d+\\.lsc"))
                    .count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean hasSparkYarn() throws IOException {
        try (Stream<Path> jars = Files.list(Processes.libDir())) {
            return jars.anyMatch(p -> p.getFileName().toString().startsWith("spark-yarn_"));
        }
    }
}
