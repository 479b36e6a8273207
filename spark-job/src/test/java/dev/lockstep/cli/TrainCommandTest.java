package dev.lockstep.cli;

import static dev.lockstep.cli.CommandRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.TestData;
import dev.lockstep.cli.CommandRun.Outcome;
import dev.lockstep.io.Json;
import dev.lockstep.model.MlpModel;
import dev.lockstep.model.ModelFile;
import dev.lockstep.train.Checkpoint;
import dev.lockstep.train.checkpoint.Checkpoints;
import dev.lockstep.workflow.RunOutputs;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The train command end to end on the bundled sample, and how it fails. */
class TrainCommandTest {
    @TempDir
    Path tmp;

    @Test
    void trainsOnTheBundledSampleAndWritesEveryOutput() throws Exception {
        Path out = tmp.resolve("run");
        Outcome o = run(
                "train",
                "--data",
                TestData.sampleDir().toString(),
                "--out",
                out.toString(),
                "--epochs",
                "2",
                "--layers",
                "784,64,10",
                "--partitions",
                "2",
                "--batch",
                "100");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.err().contains("[lockstep] epoch 2/2"), o.err());

        Map<String, Object> metrics =
                Json.readMap(new Configuration(), out.resolve("metrics.json").toString());
        double accuracy = ((Number) metrics.get("test_accuracy")).doubleValue();
        assertTrue(accuracy > 0.88, "validation accuracy " + accuracy);
        assertEquals("validation", metrics.get("eval_set"));
        assertEquals(1000, ((Number) metrics.get("eval_rows")).intValue());
        assertEquals(2, ((Number) metrics.get("epochs")).intValue());
        assertEquals(180, ((Number) metrics.get("steps")).intValue()); // 9,000 training rows / 100, twice
        for (String key : List.of("test_loss", "train_seconds", "examples_per_second", "config", "config_sources")) {
            assertTrue(metrics.containsKey(key), key);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> sources = (Map<String, Object>) metrics.get("config_sources");
        assertEquals("--epochs", sources.get("epochs"));
        assertEquals("default", sources.get("seed"));

        List<String> history = Files.readAllLines(out.resolve("history.jsonl"));
        assertEquals(2, history.size());
        Map<String, Object> last = Json.parseMap(history.get(1), "history.jsonl");
        assertEquals(2, ((Number) last.get("epoch")).intValue());
        assertEquals(accuracy, ((Number) last.get("test_accuracy")).doubleValue());
        for (String key : List.of("train_loss", "test_loss", "seconds")) assertTrue(last.containsKey(key), key);

        assertTrue(
                String.valueOf(metrics.get("data_fingerprint"))
                        .matches("train crc32c:[0-9a-f]{8}/9000; validation crc32c:[0-9a-f]{8}/1000"),
                String.valueOf(metrics.get("data_fingerprint")));
        Map<String, Object> sidecar =
                Json.readMap(new Configuration(), out.resolve("model.json").toString());
        assertEquals(metrics.get("data_fingerprint"), sidecar.get("dataFingerprint"));

        MlpModel model =
                ModelFile.read(new Configuration(), out.resolve("model.lsm").toString());
        assertEquals("784,64,10", model.architecture().layersString());
        assertTrue(Files.exists(out.resolve("model.json")));
    }

    /**
     * local[2] and 5 partitions: auto puts 3 and 2 partitions in a task, 2 resident tasks, and says so; one partition a
     * task, asked for, cannot stay resident, and one warning line says what that costs.
     */
    @Test
    void autoGroupsPartitionsIntoResidentTasksAndAFallbackIsWarnedOfOnce() throws Exception {
        String[] args = {
            "train",
            "--data",
            TestData.sampleDir().toString(),
            "--epochs",
            "1",
            "--layers",
            "784,16,10",
            "--batch",
            "500",
            "--partitions",
            "5",
            "--out"
        };
        Path auto = tmp.resolve("auto");
        Outcome o = run(
                Stream.concat(Arrays.stream(args), Stream.of(auto.toString())).toArray(String[]::new));
        assertEquals(0, o.code(), o.err());
        assertTrue(o.err().contains("5 partitions (2 tasks of up to 3 threads, resident for each epoch)"), o.err());
        assertFalse(o.err().contains("warning"), o.err());
        Map<String, Object> config = configOf(auto);
        assertEquals(3, ((Number) config.get("partitions_per_task")).intValue());
        assertEquals("epoch", config.get("task_lifetime"));

        Path one = tmp.resolve("one");
        o = run(Stream.concat(Arrays.stream(args), Stream.of(one.toString(), "--partitions-per-task", "1"))
                .toArray(String[]::new));
        assertEquals(0, o.code(), o.err());
        List<String> warnings =
                o.err().lines().filter(l -> l.contains("warning")).toList();
        assertEquals(
                List.of("[lockstep] warning: 5 tasks per step but local[2]'s 2 cores: every step runs as a Spark job "
                        + "of its own, about 1.9x the time per step of resident tasks (13.3 against 6.9 ms on "
                        + "local[2], BENCHMARKS.md); use --partitions-per-task 3 or more cores"),
                warnings);
        assertEquals(1, ((Number) configOf(one).get("partitions_per_task")).intValue());
        assertEquals("step", configOf(one).get("task_lifetime"));
        assertArrayEquals(
                Files.readAllBytes(auto.resolve("model.lsm")),
                Files.readAllBytes(one.resolve("model.lsm")),
                "the grouping never changes the model");

        Path asked = tmp.resolve("asked");
        o = run(Stream.concat(
                        Arrays.stream(args),
                        Stream.of(asked.toString(), "--partitions-per-task", "1", "--task-lifetime", "step"))
                .toArray(String[]::new));
        assertEquals(0, o.code(), o.err());
        assertFalse(o.err().contains("warning"), "a job per step asked for: no warning\n" + o.err());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> configOf(Path out) {
        return (Map<String, Object>)
                Json.readMap(new Configuration(), out.resolve("metrics.json").toString())
                        .get("config");
    }

    @Test
    void badOptionsEndWithOneErrorLineAndNoOutput() {
        String data = TestData.sampleDir().toString();
        Path out = tmp.resolve("never");
        String[][] cases = {
            {"train", "--data", data, "--out", out.toString(), "--epochs", "ten"},
            {"train", "--data", data, "--out", out.toString(), "--bogus"},
            {"train", "--data", data, "--out", out.toString(), "--layers", "784,0,10"},
            {"train", "--data", data, "--out", out.toString(), "--activation", "swish"},
            {"train", "--data", data, "--out", out.toString(), "--optimizer", "adamw"},
            {"train", "--data", data, "--out", out.toString(), "--batch", "-5"},
            {"train", "--data", data},
            {"train", "--data", data, "--out", out.toString(), "--master", "bogus"},
            {"train", "--data", data, "--train", data + "/train-images-idx3-ubyte.gz", "--out", out.toString()},
            {"train", "--data", data, "--out", out.toString(), "--validation-fraction", "0.9"},
            // these two need the data's size, and are still checked before Spark starts
            {"train", "--data", data, "--out", out.toString(), "--epochs", "1", "--schedule", "cosine:warmup=5000"},
            {"train", "--data", data, "--out", out.toString(), "--batch", "20000"},
        };
        for (String[] args : cases) {
            Outcome o = run(args);
            assertEquals(Main.EXIT_USAGE, o.code(), String.join(" ", args) + "\n" + o.err());
            assertEquals(1, o.errorLines().size(), o.err());
            assertEquals(1, o.err().lines().count(), "nothing but the error line: " + o.err());
            assertFalse(Files.exists(out), "no output for " + String.join(" ", args));
        }
        assertTrue(run(cases[0]).err().contains("bad value 'ten' for --epochs"));
        assertTrue(run(cases[2]).err().contains("layer size 0"));
        assertEquals(
                "lockstep: error: --schedule cosine:warmup=5000,min=0.0: warm-up of 5000 steps (5000) must be "
                        + "shorter than the run (70 steps)",
                run(cases[cases.length - 2]).errorLines().get(0));
        assertEquals(
                "lockstep: error: --batch 20000 is larger than the 9,000 training rows",
                run(cases[cases.length - 1]).errorLines().get(0));
    }

    @Test
    void anOutputPathThatCannotBeWrittenFailsBeforeTraining() throws Exception {
        Path file = tmp.resolve("a-file");
        Files.writeString(file, "keep me");
        String data = TestData.sampleDir().toString();
        for (Path out : new Path[] {file, file.resolve("run"), file.resolve("deeper/run")}) {
            Outcome o = run("train", "--data", data, "--out", out.toString());
            assertEquals(Main.EXIT_FAILURE, o.code(), o.err());
            assertEquals(List.of(o.err().strip()), o.errorLines());
            assertTrue(o.err().contains("a-file") && o.err().contains("is a file"), o.err());
        }
        assertEquals("keep me", Files.readString(file));
        Path fresh = tmp.resolve("new/dir/run");
        outputsCheck(fresh);
        assertFalse(Files.exists(tmp.resolve("new")), "the probe leaves nothing behind");
        try (Stream<Path> left = Files.list(tmp)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith(".lockstep-write-probe")));
        }
    }

    private static void outputsCheck(Path out) {
        new RunOutputs(new Configuration(), out.toString()).checkWritable();
    }

    @Test
    void badDataFailsWithoutTouchingAPreviousRun() throws Exception {
        Path data = tmp.resolve("data");
        Files.createDirectories(data);
        byte[] images = Files.readAllBytes(TestData.sampleDir().resolve("train-images-idx3-ubyte.gz"));
        Files.write(data.resolve("train-images-idx3-ubyte.gz"), Arrays.copyOf(images, images.length / 2));
        Files.copy(
                TestData.sampleDir().resolve("train-labels-idx1-ubyte.gz"), data.resolve("train-labels-idx1-ubyte.gz"));
        Path out = tmp.resolve("previous");
        Files.createDirectories(out);
        Files.writeString(out.resolve("model.lsm"), "the model from last night");

        Outcome o = run("train", "--data", data.toString(), "--out", out.toString());
        assertEquals(Main.EXIT_FAILURE, o.code());
        assertEquals(List.of(o.err().strip()), o.errorLines());
        assertTrue(o.err().contains("train-images-idx3-ubyte.gz"), o.err());
        assertEquals("the model from last night", Files.readString(out.resolve("model.lsm")));
        assertEquals(1, Files.list(out).count());

        Outcome missing = run("train", "--data", tmp.resolve("nowhere").toString(), "--out", out.toString());
        assertEquals(Main.EXIT_FAILURE, missing.code());
        assertEquals(1, missing.errorLines().size(), missing.err());
    }

    @Test
    void aDivergingRunStopsAtTheBadStepKeepsItsCheckpointsAndWritesNoModel() throws Exception {
        Path out = tmp.resolve("diverged");
        Outcome o = run(
                "train",
                "--data",
                TestData.sampleDir().toString(),
                "--out",
                out.toString(),
                "--layers",
                "784,32,10",
                "--optimizer",
                "sgd",
                "--lr",
                "1e6",
                "--schedule",
                "constant",
                "--epochs",
                "1",
                "--partitions",
                "2",
                "--checkpoint-every",
                "1");
        assertEquals(Main.EXIT_FAILURE, o.code(), o.err());
        assertEquals(1, o.errorLines().size(), o.err());
        assertTrue(o.errorLines().get(0).matches("lockstep: error: training diverged at step \\d+ .*"), o.err());
        assertFalse(Files.exists(out.resolve("model.lsm")));
        assertFalse(Files.exists(out.resolve("metrics.json")));
        int failedStep = Integer.parseInt(o.errorLines().get(0).replaceAll(".*at step (\\d+) .*", "$1"));
        Checkpoints kept =
                new Checkpoints(new Configuration(), out.resolve("checkpoints").toString(), 3);
        assertTrue(failedStep > 1, "the run should have had good steps before diverging: " + o.err());
        Checkpoint last = kept.latest(new PrintWriter(System.err)).orElseThrow();
        assertEquals(failedStep - 1, last.globalStep());
        for (float p : last.parameters()) assertTrue(Float.isFinite(p));
    }

    @Test
    void resumeContinuesFromTheNewestCheckpoint() throws Exception {
        Path out = tmp.resolve("resumed");
        String[] args = {
            "train",
            "--data",
            TestData.sampleDir().toString(),
            "--out",
            out.toString(),
            "--layers",
            "784,16,10",
            "--epochs",
            "1",
            "--batch",
            "300",
            "--partitions",
            "2",
            "--checkpoint-every",
            "10"
        };
        Path stale = out.resolve("checkpoints").resolve("ckpt-000000009999.lsc"); // an older, longer run's
        Files.createDirectories(stale.getParent());
        Files.writeString(stale, "from another run");
        assertEquals(0, run(args).code());
        assertFalse(Files.exists(stale), "a fresh run clears checkpoints it did not write");
        byte[] first = Files.readAllBytes(out.resolve("model.lsm"));
        String[] again = Arrays.copyOf(args, args.length + 1);
        again[args.length] = "--resume";
        Outcome o = run(again);
        assertEquals(0, o.code(), o.err());
        assertTrue(o.err().contains("resuming after step 30"), o.err());
        assertArrayEquals(first, Files.readAllBytes(out.resolve("model.lsm")));
    }

    @Test
    void noCommandListsTheCommands() {
        Outcome o = run();
        assertEquals(Main.EXIT_USAGE, o.code());
        assertTrue(o.err().contains("train"), o.err());
    }
}
