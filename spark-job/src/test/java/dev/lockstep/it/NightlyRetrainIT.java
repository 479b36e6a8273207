package dev.lockstep.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.TestData;
import dev.lockstep.data.TabularData;
import dev.lockstep.io.Json;
import dev.lockstep.model.Registry;
import java.nio.file.Files;
import java.nio.file.Path;
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

    private Path conf(String name, Path data, int lockWait, String trainArgs) throws Exception {
        Path conf = tmp.resolve(name);
        Files.writeString(
                conf,
                String.join(
                        "\n",
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
