package dev.lockstep.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.TestData;
import dev.lockstep.data.LabeledImages;
import dev.lockstep.data.TabularData;
import dev.lockstep.io.Json;
import dev.lockstep.model.Registry;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/nightly/retrain.sh as cron runs it: the lock, the exit codes, and a failure that leaves current alone. */
class NightlyRetrainIT {
    @TempDir
    Path tmp;

    private Path conf(String name, Path data, int lockWait) throws Exception {
        return conf(name, data, lockWait, "--epochs 2 --layers 784,32,10 --partitions 2 --batch 100");
    }

    private Path conf(String name, Path data, int lockWait, String trainArgs, String... moreSettings) throws Exception {
        Path conf = tmp.resolve(name);
        Files.writeString(
                conf,
                String.join(
                        "\n",
                        String.join("\n", moreSettings),
                        "LOCKSTEP_DATA=" + data,
                        "LOCKSTEP_REGISTRY=" + tmp.resolve("registry"),
                        "LOCKSTEP_COMMAND=\"" + Processes.launcher() + "\"",
                        "LOCKSTEP_MASTER=\"local[2]\"",
                        "LOCKSTEP_TRAIN_ARGS=\"" + trainArgs + "\"",
                        "LOCKSTEP_LOG_DIR=" + tmp.resolve("logs"),
                        "LOCKSTEP_LOCK_FILE=" + tmp.resolve("retrain.lock"),
                        "LOCKSTEP_LOCK_WAIT=" + lockWait,
                        ""));
        return conf;
    }

    private ProcessBuilder retrain(Path conf) {
        ProcessBuilder pb = new ProcessBuilder(TestData.projectDir()
                        .resolve("deploy/nightly/retrain.sh")
                        .toString())
                .directory(TestData.projectDir().toFile());
        pb.environment().put("LOCKSTEP_NIGHTLY_CONF", conf.toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("LOCKSTEP_DRIVER_MEMORY", "1g");
        return pb;
    }

    @Test
    void aSecondRunRefusesTheLockOrWaitsForIt() throws Exception {
        Path refuse = conf("refuse.conf", TestData.sampleDir(), 0);
        Path wait = conf("wait.conf", TestData.sampleDir(), 300);
        Process first = retrain(refuse)
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("first.out").toFile())
                .start();
        awaitLine(tmp.resolve("first.out"), "lock acquired", first);

        Process second = retrain(refuse)
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("second.out").toFile())
                .start();
        assertTrue(second.waitFor(60, TimeUnit.SECONDS));
        assertEquals(75, second.exitValue(), Files.readString(tmp.resolve("second.out")));
        assertTrue(Files.readString(tmp.resolve("second.out")).contains("another retrain holds"));

        Process third = retrain(wait)
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("third.out").toFile())
                .start();
        assertTrue(first.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, first.exitValue(), Files.readString(tmp.resolve("first.out")));
        assertTrue(Files.readString(tmp.resolve("first.out")).contains("promoted"));
        assertTrue(third.waitFor(300, TimeUnit.SECONDS));
        int code = third.exitValue();
        assertTrue(
                code == 0 || code == 3,
                "the waiting run trains after the first: exit " + code + "\n"
                        + Files.readString(tmp.resolve("third.out")));

        Registry registry =
                new Registry(new Configuration(), tmp.resolve("registry").toString());
        assertEquals(2, registry.runs().size(), "the refused run trained nothing");
        try (Stream<Path> logs = Files.list(tmp.resolve("logs"))) {
            assertEquals(
                    3,
                    logs.filter(p -> p.getFileName().toString().matches("retrain-\\d{8}T\\d{6}Z-\\d+\\.log"))
                            .count());
        }
    }

    @Test
    void aFailedTrainingLeavesCurrentUntouchedAndExitsOne() throws Exception {
        Processes.Result ok = run(conf("good.conf", TestData.sampleDir(), 0));
        assertEquals(0, ok.code(), ok.err());
        byte[] pointer = Files.readAllBytes(tmp.resolve("registry/current.json"));

        Path broken = tmp.resolve("broken");
        Files.createDirectories(broken);
        Files.write(broken.resolve("train-images-idx3-ubyte"), new byte[] {0, 0, 8, 3, 0, 0, 0, 1});
        Files.copy(
                TestData.sampleDir().resolve("train-labels-idx1-ubyte.gz"),
                broken.resolve("train-labels-idx1-ubyte.gz"));
        Processes.Result failed = run(conf("broken.conf", broken, 0));
        assertEquals(1, failed.code(), failed.err());
        assertTrue(failed.err().contains("FAILED"), failed.err());
        assertArrayEquals(pointer, Files.readAllBytes(tmp.resolve("registry/current.json")));
    }

    /**
     * A table that grows every day, retrained each night from its Parquet directory: the first night promotes the
     * first model; the second trains on more rows and is judged against the current model on the same held-out rows.
     */
    @Test
    void aGrowingParquetTableIsRetrainedNightByNight() throws Exception {
        Path table = tmp.resolve("events");
        TabularData.generate(21, 600, 3, 6, 1000)
                .vectorFrame(TabularData.spark())
                .coalesce(1)
                .write()
                .parquet(table.resolve("day=1").toString());
        Path conf = conf(
                "table.conf",
                table,
                0,
                "--format parquet --epochs 3 --partitions 2 --batch 50 --validation-fraction 0.2");
        Processes.Result first = run(conf);
        assertEquals(0, first.code(), first.err());
        Registry registry =
                new Registry(new Configuration(), tmp.resolve("registry").toString());
        String firstModel = registry.current().orElseThrow();

        TabularData.generate(22, 400, 3, 6, 1000)
                .vectorFrame(TabularData.spark())
                .coalesce(1)
                .write()
                .parquet(table.resolve("day=2").toString());
        Processes.Result second = run(conf);
        assertTrue(second.code() == 0 || second.code() == 3, second.err());
        List<String> runs = registry.runs();
        assertEquals(2, runs.size(), runs.toString());
        String secondRun =
                runs.stream().filter(r -> !r.equals(firstModel)).findFirst().orElseThrow();
        assertEquals(
                second.code() == 0 ? "promoted" : "rejected",
                registry.status(secondRun).get("status"));
        Map<String, Object> metrics = Json.readMap(new Configuration(), registry.runDir(secondRun) + "/metrics.json");
        // 1,000 rows now, a fifth held out (120 of 600 the first night): the second night read the new day's rows too.
        assertEquals(200, ((Number) metrics.get("eval_rows")).intValue(), metrics.toString());
    }

    /**
     * The nightly job with warm start and early stopping in its settings. The first night finds nothing served, so it
     * trains from scratch; the second starts from the serving model, stops early on its validation hold-out, is scored
     * once on the test rows, and is promoted against the serving model on those same rows.
     */
    @Test
    void aWarmStartedEarlyStoppedRunIsPromoted() throws Exception {
        Path data = tmp.resolve("mnist-split");
        writeIdx(data, "train", 0, 3000);
        writeIdx(data, "t10k", 3000, 4000);
        Path conf = conf(
                "warm.conf",
                data,
                0,
                "--epochs 12 --layers 784,32,10 --partitions 2 --batch 100 --early-stop patience=2",
                "LOCKSTEP_INIT_FROM=current");
        Configuration hadoop = new Configuration();
        Registry registry = new Registry(hadoop, tmp.resolve("registry").toString());

        Processes.Result first = run(conf);
        assertEquals(0, first.code(), first.err());
        String firstRun = registry.current().orElseThrow();
        String firstLog = Files.readString(Path.of(registry.runDir(firstRun), "train.log"));
        assertTrue(firstLog.contains("serves no model yet; training from scratch"), firstLog);
        assertFalse(Json.readMap(hadoop, registry.runDir(firstRun) + "/metrics.json")
                .containsKey("parent"));

        Processes.Result second = run(conf);
        assertEquals(0, second.code(), second.err());
        String secondRun = registry.current().orElseThrow();
        assertNotEquals(firstRun, secondRun);
        assertEquals("promoted", registry.status(secondRun).get("status"));
        String secondLog = Files.readString(Path.of(registry.runDir(secondRun), "train.log"));
        assertTrue(secondLog.contains("--init-from: starting from the weights of "), secondLog);

        Map<String, Object> metrics = Json.readMap(hadoop, registry.runDir(secondRun) + "/metrics.json");
        @SuppressWarnings("unchecked")
        Map<String, Object> parent = (Map<String, Object>) metrics.get("parent");
        assertEquals(firstRun, parent.get("registry_run"));
        byte[] parentBytes = Files.readAllBytes(Path.of(registry.modelFile(firstRun)));
        assertEquals(
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(parentBytes)),
                parent.get("sha256"));
        assertEquals(
                parent,
                Json.readMap(hadoop, registry.runDir(secondRun) + "/model.json").get("parent"));

        @SuppressWarnings("unchecked")
        Map<String, Object> selection = (Map<String, Object>) metrics.get("selection");
        assertEquals("no_improvement", selection.get("stop_reason"), selection.toString());
        int stopped = ((Number) selection.get("stopped_epoch")).intValue();
        assertTrue(stopped < 12, selection.toString());
        assertEquals(stopped, ((Number) metrics.get("epochs")).intValue());
        // Patience 2: the run stops on the second epoch in a row that does not beat the best.
        assertEquals(stopped - 2, ((Number) selection.get("best_epoch")).intValue(), selection.toString());
        assertEquals("validation", selection.get("set"));
        assertEquals("test", metrics.get("eval_set"));
        assertEquals(1000, ((Number) metrics.get("eval_rows")).intValue());

        Map<String, Object> status = registry.status(secondRun);
        assertEquals("test", status.get("eval_set"));
        assertEquals(firstRun, status.get("current_run"));
        assertEquals(
                ((Number) metrics.get("test_accuracy")).doubleValue(),
                ((Number) status.get("candidate_accuracy")).doubleValue());
    }

    /** Rows [from, to) of the bundled sample as uncompressed IDX files {@code <prefix>-images/labels-...}. */
    private static void writeIdx(Path dir, String prefix, int from, int to) throws Exception {
        LabeledImages sample = TestData.sample();
        int n = to - from, pixels = sample.features();
        ByteBuffer images = ByteBuffer.allocate(16 + n * pixels)
                .putInt(0x803)
                .putInt(n)
                .putInt(28)
                .putInt(28);
        images.put(sample.pixels(), from * pixels, n * pixels);
        ByteBuffer labels = ByteBuffer.allocate(8 + n).putInt(0x801).putInt(n);
        for (int i = from; i < to; i++) labels.put((byte) sample.label(i));
        Files.createDirectories(dir);
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte"), images.array());
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte"), labels.array());
    }

    private Processes.Result run(Path conf) throws Exception {
        Path out = tmp.resolve("run-" + System.nanoTime() + ".out");
        Process p = retrain(conf)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        return new Processes.Result(p.exitValue(), "", Files.readString(out));
    }

    private static void awaitLine(Path file, String text, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Files.exists(file) && Files.readString(file).contains(text)) return;
            if (!p.isAlive()) break;
            Thread.sleep(50);
        }
        throw new AssertionError("never saw '" + text + "':\n" + (Files.exists(file) ? Files.readString(file) : ""));
    }
}
