package dev.lockstep.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.github.luben.zstd.ZstdInputStream;
import dev.lockstep.TestData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A real standalone cluster on this host: a master and three 1-core workers, each its own JVM, started by
 * deploy/standalone/start-cluster.sh from the Maven jars, with the security settings of conf/spark-cluster.conf
 * (authentication with a secret the daemons share, RPC and IO encryption). Jobs go through deploy/standalone/submit.sh
 * (spark-submit of the thin jar), and must train the same model, bit for bit, as deploy/lockstep on local[2] with
 * the same seed and partitions and a job per step: in every {@link Case} (tasks resident for each epoch, the default
 * here, or a job per step; the sharded exchange, the default on a cluster, or the driver's; float32 or bf16 on the
 * wire; one partition per task or several), and when an executor is killed mid-epoch.
 */
class StandaloneClusterIT {
    /**
     * Small and quick (no report: its pictures would take a few seconds of every run). The kill test needs the run to
     * last a few seconds. The partitions come from the {@link Case}.
     */
    private static final List<String> TRAIN = List.of(
            "--no-report",
            "--data",
            TestData.sampleDir().toString(),
            "--layers",
            "784,32,10",
            "--batch",
            "100",
            "--epochs",
            "2",
            "--seed",
            "5");

    private static final int WORKERS = 3;
    private static final long RUN_TIMEOUT = 240;

    /**
     * A cluster run and the local[2] run whose model it must equal.
     *
     * @param partitions {@code --partitions} of both runs
     * @param model further settings of both runs: they may change the model, so each such list has its own reference
     * @param clusterOnly settings of the cluster run alone: they must not change the model
     * @param startLine what the cluster run's start line must say
     */
    record Case(String name, int partitions, List<String> model, List<String> clusterOnly, String startLine) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** The start line's end for resident tasks on a cluster by default: the sharded exchange. */
    private static final String SHARDED = ", resident for each epoch, gradients reduced among them (sharded exchange))";

    /** One partition per executor, each a task resident for the epoch, the sharded exchange, float32 on the wire. */
    private static final Case DEFAULTS =
            new Case("defaults", WORKERS, List.of(), List.of(), "3 partitions (a task each" + SHARDED);

    /** The other ways to train the same model on the cluster; the defaults have their own test, with more checks. */
    static List<Case> variants() {
        return List.of(
                new Case("a job per step", WORKERS, List.of(), List.of("--task-lifetime", "step"), ", a job per step)"),
                new Case("bf16 on the wire", WORKERS, List.of("--transfer", "bf16"), List.of(), DEFAULTS.startLine()),
                new Case(
                        "2 partitions per task",
                        2 * WORKERS,
                        List.of(),
                        List.of("--partitions-per-task", "2"),
                        "6 partitions (3 tasks of 2 threads" + SHARDED),
                new Case(
                        "the driver exchange",
                        WORKERS,
                        List.of(),
                        List.of("--exchange", "driver"),
                        ", resident for each epoch, every gradient to the driver (driver exchange))"));
    }

    @TempDir
    static Path tmp;

    private static Path runDir;
    private static String masterUrl;
    /** The local[2] reference models, trained once per class, by partitions and model settings. */
    private static final Map<List<String>, byte[]> localModels = new HashMap<>();

    private static Thread stopOnExit;

    @BeforeAll
    static void startCluster() throws Exception {
        runDir = tmp.resolve("cluster");
        // If the test JVM is interrupted (^C, a surefire time-out), still stop the cluster.
        stopOnExit = new Thread(StandaloneClusterIT::stopQuietly, "stop-standalone-cluster");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        Processes.Result r = Processes.run(
                List.of(
                        script("start-cluster.sh").toString(),
                        "--workers",
                        Integer.toString(WORKERS),
                        "--worker-cores",
                        "1",
                        "--worker-memory",
                        "1g"),
                TestData.projectDir(),
                150,
                env());
        assertEquals(0, r.code(), "start-cluster.sh failed:\n" + r.err());
        masterUrl = r.out().strip();
        assertTrue(masterUrl.matches("spark://127\\.0\\.0\\.1:[0-9]+"), "master URL: " + r.out());
        assertEquals(masterUrl, Files.readString(runDir.resolve("master-url")).strip());
    }

    @AfterAll
    static void stopCluster() throws Exception {
        try {
            Processes.Result r =
                    Processes.run(List.of(script("stop-cluster.sh").toString()), TestData.projectDir(), 60, env());
            assertEquals(0, r.code(), "stop-cluster.sh failed:\n" + r.err());
            // Nothing from this run directory is left: master, workers, executors.
            List<String> left = processesNaming(runDir.toString());
            assertTrue(left.isEmpty(), "still running after stop-cluster.sh: " + left);
            // Idempotent.
            Processes.Result again =
                    Processes.run(List.of(script("stop-cluster.sh").toString()), TestData.projectDir(), 60, env());
            assertEquals(0, again.code(), again.err());
        } finally {
            if (stopOnExit != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(stopOnExit);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs anyway
                }
            }
        }
    }

    @Test
    void clusterRunWithAuthAndEncryptionMatchesLocalBitForBit() throws Exception {
        Set<String> eventLogsBefore = listNames(runDir.resolve("events"));
        Processes.Result r = trainsTheLocalModel(DEFAULTS);

        // The executors ran in the workers' JVMs, one per worker, not in the driver.
        String app =
                onlyNew(eventLogsBefore, listNames(runDir.resolve("events"))).replace("eventlog_v2_", "");
        for (int w = 1; w <= WORKERS; w++) {
            Path appDir = runDir.resolve("work").resolve("worker-" + w).resolve(app);
            assertTrue(
                    Files.isDirectory(appDir) && !listNames(appDir).isEmpty(),
                    "no executor of " + app + " on worker-" + w);
        }

        // Security was on, end to end: the daemons had authentication (their shared secret in a private file), and
        // the application ran with authentication, RPC encryption and IO encryption, its secret redacted in the log.
        assertTrue(Files.readString(runDir.resolve("logs/master.log"))
                .contains("SecurityManager: authentication enabled"));
        assertTrue(Files.readString(runDir.resolve("conf/daemon.conf")).contains("spark.authenticate.secret"));
        assertEquals(
                Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(runDir.resolve("secret")));
        String events = eventLog(app);
        for (String on : List.of(
                "\"spark.authenticate\":\"true\"",
                "\"spark.network.crypto.enabled\":\"true\"",
                "\"spark.io.encryption.enabled\":\"true\"",
                "\"spark.master\":\"" + masterUrl + "\"",
                // conf/spark-cluster.conf's Kryo, while the local run used Java serialization: same bits either way
                "\"spark.serializer\":\"org.apache.spark.serializer.KryoSerializer\"")) {
            assertTrue(events.contains(on), on + " not in the event log's environment");
        }
        String secret = Files.readString(runDir.resolve("secret")).strip();
        assertFalse(events.contains(secret), "the secret is in the event log");
        assertFalse(r.err().contains(secret), "the secret is on the driver's stderr");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void clusterRunMatchesLocalBitForBit(Case c) throws Exception {
        trainsTheLocalModel(c);
    }

    @Test
    void killingAnExecutorMidRunStillGivesTheSameModel() throws Exception {
        Path out = tmp.resolve("killed-run");
        Processes.Started run = Processes.start(submitCommand(out, DEFAULTS), TestData.projectDir(), env());
        try {
            // The rows are cached and training starts. Not later: the two epochs of this small model take a few seconds
            // on the cluster, and a freeze after the last step would lose an executor but no task.
            run.awaitErr("[lockstep] training ", RUN_TIMEOUT);
            long workerPid = Long.parseLong(
                    Files.readString(runDir.resolve("pids/worker-1.pid")).strip());
            ProcessHandle executor = executorOf(workerPid);
            String cmd = executor.info().commandLine().orElseThrow();
            String app = argAfter(cmd, "--app-id");
            String executorId = argAfter(cmd, "--executor-id");
            Set<String> executorDirs = listNames(runDir.resolve("work/worker-1").resolve(app));
            // Workers hand the secret to executors in the environment, never on the command line.
            assertFalse(
                    cmd.contains(Files.readString(runDir.resolve("secret")).strip()),
                    "the secret is on an executor's command line");

            // Freeze it first, so that it is sure to hold a task of the next step, then kill it outright: the task is
            // lost with its executor and the cached partition with it; Spark must rerun the task and recompute the
            // partition.
            signal("STOP", executor.pid());
            Thread.sleep(2000);
            signal("KILL", executor.pid());
            assertTrue(executor.onExit().get(30, TimeUnit.SECONDS) != null && !executor.isAlive());

            Processes.Result r = run.finish(RUN_TIMEOUT);
            assertEquals(0, r.code(), r.err());
            assertTrue(r.err().contains("[lockstep] done"), r.err());
            assertTrue(
                    r.err().contains("resident for each epoch"),
                    "the relaunched task took up its resident epoch:\n" + r.err());
            // A step in flight when the executor died runs again on the resident tasks: it never stalls into a job per
            // step. (If the kill lands before the epoch's resident job starts, that epoch starts with a job per step
            // for want of a slot, as it always has.)
            assertFalse(
                    r.err().contains("the rest of this epoch runs a job per step"),
                    "a step in flight stalled and fell back to a job per step:\n" + r.err());
            assertTrue(
                    r.err().contains("Lost executor " + executorId + " on 127.0.0.1"),
                    "no lost executor in\n" + r.err());
            // The worker started a replacement executor, with a new id, for the same application.
            Set<String> after = listNames(runDir.resolve("work/worker-1").resolve(app));
            assertTrue(
                    after.size() > executorDirs.size() && after.containsAll(executorDirs),
                    "no new executor on worker-1: before " + executorDirs + ", after " + after);
            String events = eventLog(app);
            // A task died with it and ran again: the driver logs that at INFO only, the event log has it.
            assertTrue(
                    events.contains("\"Event\":\"SparkListenerExecutorRemoved\""),
                    "no executor removal in the event log");
            assertTrue(
                    events.contains("\"Reason\":\"ExecutorLostFailure\",\"Executor ID\":\"" + executorId + "\""),
                    "no task lost with executor " + executorId + " in the event log");
            assertTrue(
                    Pattern.compile("\"Event\":\"SparkListenerTaskStart\".{0,200}\"Attempt\":1,")
                            .matcher(events)
                            .find(),
                    "no second attempt of a task in the event log");

            assertArrayEquals(
                    localModel(DEFAULTS),
                    Files.readAllBytes(out.resolve("model.lsm")),
                    "the model after losing an executor differs from the undisturbed local[2] run's");
        } finally {
            run.kill();
        }
    }

    @Test
    void submitRefusesAnAuthenticatedRunWithoutASecret() throws Exception {
        Path empty = tmp.resolve("no-cluster");
        Map<String, String> env = env();
        env.put("LOCKSTEP_CLUSTER_DIR", empty.toString());
        Processes.Result r = Processes.run(
                List.of(
                        script("submit.sh").toString(),
                        "--master",
                        "spark://127.0.0.1:7077",
                        "--out",
                        tmp.resolve("never").toString()),
                TestData.projectDir(),
                60,
                env);
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith("submit.sh: error: spark.authenticate is true"), r.err());
        assertFalse(Files.exists(tmp.resolve("never")));
    }

    @Test
    void submitGivesTheSettingsJvmOptionsToTheDriverItStartsAndToTheExecutors() throws Exception {
        Processes.Result r = Processes.run(
                List.of(
                        script("submit.sh").toString(),
                        "--master",
                        "spark://127.0.0.1:7077",
                        "--conf",
                        "spark.authenticate=false",
                        "--dry-run",
                        "--data",
                        "d"),
                TestData.projectDir(),
                60,
                env());
        assertEquals(0, r.code(), r.err());
        List<String> words = List.of(r.out().trim().split(" "));
        List<String> driverJvm = words.subList(0, words.indexOf("-cp"));
        assertTrue(driverJvm.contains("-XX:G1HeapRegionSize=4m"), "driver JVM: " + driverJvm);
        assertEquals(
                1, Collections.frequency(driverJvm, "--add-modules=jdk.incubator.vector"), "driver JVM: " + driverJvm);
        assertEquals(driverJvm.size(), new HashSet<>(driverJvm).size(), "an option given twice: " + driverJvm);
        // printf %q writes the executors' options as one word, its spaces escaped
        assertTrue(
                r.out()
                        .matches("(?s).*spark\\.executor\\.extraJavaOptions=--add-modules=jdk\\.incubator\\.vector"
                                + "\\\\ (?:\\\\ |\\S)*-XX:G1HeapRegionSize=4m.*"),
                r.out());

        Processes.Result own = Processes.run(
                List.of(
                        script("submit.sh").toString(),
                        "--master",
                        "spark://127.0.0.1:7077",
                        "--conf",
                        "spark.authenticate=false",
                        "--conf",
                        "spark.driver.extraJavaOptions=-Dlockstep.probe=1",
                        "--dry-run",
                        "--data",
                        "d"),
                TestData.projectDir(),
                60,
                env());
        List<String> ownWords = List.of(own.out().trim().split(" "));
        List<String> ownJvm = ownWords.subList(0, ownWords.indexOf("-cp"));
        assertTrue(ownJvm.contains("-Dlockstep.probe=1"), "driver JVM: " + ownJvm);
        assertFalse(
                ownJvm.contains("-XX:G1HeapRegionSize=4m"), "a --conf replaces the file's driver options: " + ownJvm);
    }

    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Submits {@code c} to the cluster and asserts that it ran to the end, every step on the tasks it planned (no
     * fall-back warning), and made the model of its local[2] reference, bit for bit; returns the submission's result.
     */
    private static Processes.Result trainsTheLocalModel(Case c) throws Exception {
        Path out = tmp.resolve("cluster-run-" + c.name().replaceAll("[^A-Za-z0-9]+", "-"));
        Processes.Result r = Processes.run(submitCommand(out, c), TestData.projectDir(), RUN_TIMEOUT, env());
        assertEquals(0, r.code(), c + ":\n" + r.err());
        assertTrue(r.err().contains("[lockstep] done"), r.err());
        assertTrue(r.err().contains(c.startLine()), "'" + c.startLine() + "' not in\n" + r.err());
        assertFalse(
                r.err().contains("[lockstep] warning"),
                "every step went to the planned tasks, none fell back to a job per step:\n" + r.err());
        assertArrayEquals(
                localModel(c),
                Files.readAllBytes(out.resolve("model.lsm")),
                "cluster model (" + c + ") differs from local[2]'s");
        return r;
    }

    /** deploy/lockstep train on local[2], a job per step, with the case's partitions and model settings. */
    private static synchronized byte[] localModel(Case c) throws Exception {
        List<String> settings = new ArrayList<>(List.of("--partitions", Integer.toString(c.partitions())));
        settings.addAll(c.model());
        byte[] model = localModels.get(settings);
        if (model == null) {
            Path out = tmp.resolve("local-run-" + localModels.size());
            List<String> cmd = new ArrayList<>(List.of(
                    Processes.launcher().toString(),
                    "train",
                    "--master",
                    "local[2]",
                    "--task-lifetime",
                    "step",
                    "--out",
                    out.toString()));
            cmd.addAll(TRAIN);
            cmd.addAll(settings);
            Processes.Result r = Processes.run(cmd, TestData.projectDir(), RUN_TIMEOUT);
            assertEquals(0, r.code(), r.err());
            model = Files.readAllBytes(out.resolve("model.lsm"));
            localModels.put(settings, model);
        }
        return model;
    }

    private static List<String> submitCommand(Path out, Case c) {
        // Every worker's core, said up front: auto groups partitions for the executors asked for, not for those that
        // happened to register first on a loaded machine.
        List<String> cmd = new ArrayList<>(List.of(
                script("submit.sh").toString(), "--conf", "spark.cores.max=" + WORKERS, "--out", out.toString()));
        cmd.addAll(TRAIN);
        cmd.addAll(List.of("--partitions", Integer.toString(c.partitions())));
        cmd.addAll(c.model());
        cmd.addAll(c.clusterOnly());
        return cmd;
    }

    private static Path script(String name) {
        return TestData.projectDir().resolve("deploy/standalone").resolve(name);
    }

    /** The scripts' environment: this class's run directory, the Maven jars (not a Spark installation), 1g driver. */
    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("LOCKSTEP_CLUSTER_DIR", runDir.toString());
        env.put("LOCKSTEP_LIB_DIR", Processes.libDir().toString());
        env.put("LOCKSTEP_JOB_JAR", Processes.jobJar().toString());
        env.put("SPARK_HOME", null);
        env.put("SPARK_SUBMIT", null);
        env.put("LOCKSTEP_MASTER", null);
        env.put("LOCKSTEP_AUTH_SECRET_FILE", null);
        return env;
    }

    /** stop-cluster.sh in this class's run directory (without env(), it would stop the default one's cluster). */
    private static void stopQuietly() {
        try {
            ProcessBuilder pb = new ProcessBuilder(script("stop-cluster.sh").toString()).inheritIO();
            env().forEach((k, v) -> {
                if (v == null) pb.environment().remove(k);
                else pb.environment().put(k, v);
            });
            pb.start().waitFor(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            // best effort at JVM exit
        }
    }

    /** The executor JVM a worker launched for the running application. */
    private static ProcessHandle executorOf(long workerPid) throws InterruptedException {
        ProcessHandle worker =
                ProcessHandle.of(workerPid).orElseThrow(() -> new AssertionError("worker " + workerPid + " is gone"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Optional<ProcessHandle> e = worker.children()
                    .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
                    .findFirst();
            if (e.isPresent()) return e.get();
            Thread.sleep(200);
        }
        return fail("worker " + workerPid + " has no executor child");
    }

    private static String argAfter(String commandLine, String flag) {
        Matcher m = Pattern.compile(Pattern.quote(flag) + " (\\S+)").matcher(commandLine);
        assertTrue(m.find(), flag + " not in " + commandLine);
        return m.group(1);
    }

    private static void signal(String signal, long pid) throws Exception {
        Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                .inheritIO()
                .start();
        assertEquals(0, p.waitFor(), "kill -" + signal + " " + pid);
    }

    /** The application's event log (rolling, zstd-compressed files under events/eventlog_v2_APP/), as text. */
    private static String eventLog(String app) throws IOException {
        Path dir = runDir.resolve("events").resolve("eventlog_v2_" + app);
        assertTrue(Files.isDirectory(dir), "no event log " + dir);
        StringBuilder text = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("events_"))
                    .sorted()
                    .toList()) {
                try (InputStream in = f.toString().endsWith(".zstd")
                        ? new ZstdInputStream(Files.newInputStream(f))
                        : Files.newInputStream(f)) {
                    text.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        return text.toString();
    }

    private static Set<String> listNames(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return Set.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    private static String onlyNew(Set<String> before, Set<String> after) {
        List<String> added = after.stream().filter(n -> !before.contains(n)).toList();
        assertEquals(1, added.size(), "new event logs: " + added);
        assertNotNull(added.get(0));
        return added.get(0);
    }

    private static List<String> processesNaming(String text) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != ProcessHandle.current().pid())
                .filter(p -> p.info().commandLine().orElse("").contains(text))
                .map(p -> p.pid() + " " + p.info().command().orElse("?"))
                .toList();
    }
}
