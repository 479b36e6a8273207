package dev.lockstep.cli;

import static dev.lockstep.cli.CommandRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.TestData;
import dev.lockstep.UsageException;
import dev.lockstep.cli.CommandRun.Outcome;
import dev.lockstep.data.LabeledImages;
import dev.lockstep.data.TabularData;
import dev.lockstep.io.Json;
import dev.lockstep.model.Registry;
import dev.lockstep.train.EarlyStop;
import dev.lockstep.train.EpochSelection;
import dev.lockstep.train.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --early-stop} and {@code --keep best|last} from the command line: outputs, promotion, refusals. */
class EarlyStopCommandTest {
    @TempDir
    Path tmp;

    /** Rows of the bundled sample as a CSV file: label, then the 784 pixels. */
    private Path csv(String name, int from, int to) throws Exception {
        LabeledImages sample = TestData.sample();
        StringBuilder b = new StringBuilder();
        for (int i = from; i < to; i++) {
            b.append(sample.label(i));
            for (int p = 0; p < sample.features(); p++)
                b.append(',').append(sample.pixels()[i * sample.features() + p] & 0xff);
            b.append('\n');
        }
        Path file = tmp.resolve(name);
        Files.writeString(file, b);
        return file;
    }

    /** 1,800 training rows of 100 a step after a 200-row hold-out; a large constant rate overfits them quickly. */
    private static List<String> args(Path train, Path test, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "train",
                "--train",
                train.toString(),
                "--test",
                test.toString(),
                "--early-stop",
                "patience=2",
                "--epochs",
                "15",
                "--layers",
                "784,32,10",
                "--batch",
                "100",
                "--lr",
                "0.01",
                "--schedule",
                "constant",
                "--augment-shift",
                "0",
                "--partitions",
                "2",
                "--seed",
                "7",
                "--no-report"));
        args.addAll(List.of(more));
        return args;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    private static int number(Object o) {
        return ((Number) o).intValue();
    }

    /**
     * Epochs are chosen on a hold-out of the training rows; the test set is scored once on the kept epoch, and that
     * score is what promotion re-scores bit for bit. Another test set gives the same model, stopping at the same epoch.
     */
    @Test
    void selectsOnHeldOutRowsScoresTheTestSetOnceAndPromotesOnIt() throws Exception {
        Path train = csv("train.csv", 0, 2000);
        Path testA = csv("testA.csv", 8000, 8500);
        Path testB = csv("testB.csv", 8500, 8800);
        Path registryDir = tmp.resolve("registry");
        List<String> a = args(train, testA, "--registry", registryDir.toString());
        Outcome o = run(a.toArray(String[]::new));
        assertEquals(0, o.code(), o.err());
        Registry registry = new Registry(new Configuration(), registryDir.toString());
        String runId = registry.current().orElseThrow();
        Map<String, Object> status = registry.status(runId);
        assertEquals("promoted", status.get("status"), status.toString());
        assertEquals("test", status.get("eval_set"));
        Path runDir = Path.of(registry.runDir(runId));
        Map<String, Object> metrics =
                Json.readMap(new Configuration(), runDir.resolve("metrics.json").toString());
        assertEquals(metrics.get("test_accuracy"), status.get("candidate_accuracy"), "promotion re-scored the same");
        assertEquals("test", metrics.get("eval_set"));
        assertEquals(500, number(metrics.get("eval_rows")));

        Map<String, Object> selection = map(metrics.get("selection"));
        assertEquals("validation", selection.get("set"));
        assertEquals(200, number(selection.get("rows")));
        assertEquals("loss", selection.get("metric"));
        assertEquals(2, number(selection.get("patience")));
        assertEquals("best", selection.get("keep"));
        assertEquals("no_improvement", selection.get("stop_reason"));
        assertEquals("test", selection.get("final_evaluation_set"));
        int best = number(selection.get("best_epoch"));
        int stopped = number(selection.get("stopped_epoch"));
        assertEquals(best + 2, stopped);
        assertTrue(stopped < 15, selection.toString());
        assertEquals(best, number(selection.get("kept_epoch")));
        assertEquals(stopped, number(metrics.get("epochs")));
        assertFalse(o.err().contains("cannot stop early"), o.err());
        assertEquals(
                "patience=2,min-delta=0,metric=loss", map(metrics.get("config")).get("early_stop"));
        assertTrue(
                o.err()
                        .contains("[lockstep] after epoch " + stopped + ": stopped early: validation loss did not "
                                + "improve by more than 0 for 2 epochs; the model is epoch " + best + "'s"),
                o.err());

        List<String> lines = Files.readAllLines(runDir.resolve("history.jsonl"));
        assertEquals(stopped, lines.size());
        for (int e = 1; e <= stopped; e++) {
            Map<String, Object> line = Json.parseMap(lines.get(e - 1), "history.jsonl");
            assertEquals(Math.min(e, best), number(line.get("best_epoch")), "line " + e);
            assertEquals(e == stopped, line.containsKey("stop_reason"), "line " + e);
        }
        assertEquals(
                "no_improvement",
                Json.parseMap(lines.get(stopped - 1), "history.jsonl").get("stop_reason"));

        Path b = tmp.resolve("b");
        List<String> withReport = args(train, testB, "--out", b.toString());
        withReport.remove("--no-report");
        o = run(withReport.toArray(String[]::new));
        assertEquals(0, o.code(), o.err());
        assertTrue(
                Files.readString(b.resolve("report.html")).contains("Loss per epoch, train and validation"),
                "the report's curves name the rows the epochs were evaluated on");
        assertArrayEquals(
                Files.readAllBytes(Path.of(registry.modelFile(runId))),
                Files.readAllBytes(b.resolve("model.lsm")),
                "the test set never changes the model");
        Map<String, Object> other =
                Json.readMap(new Configuration(), b.resolve("metrics.json").toString());
        assertEquals(selection.get("stopped_epoch"), map(other.get("selection")).get("stopped_epoch"));
        assertEquals(selection.get("best_epoch"), map(other.get("selection")).get("best_epoch"));
        assertEquals(300, number(other.get("eval_rows")));

        // Keep last: the same epochs, the last one's parameters.
        Path last = tmp.resolve("last");
        o = run(args(train, testB, "--out", last.toString(), "--keep", "last").toArray(String[]::new));
        assertEquals(0, o.code(), o.err());
        Map<String, Object> lastSelection = map(
                Json.readMap(new Configuration(), last.resolve("metrics.json").toString())
                        .get("selection"));
        assertEquals(stopped, number(lastSelection.get("kept_epoch")));
        assertEquals("last", lastSelection.get("keep"));
        assertFalse(
                java.util.Arrays.equals(
                        Files.readAllBytes(b.resolve("model.lsm")), Files.readAllBytes(last.resolve("model.lsm"))),
                "the best epoch is not the last");
    }

    /** Without the new options nothing about a run changes: no selection in its outputs, the test set per epoch. */
    @Test
    void withoutTheOptionsTheTestSetIsEvaluatedEveryEpochAsBefore() throws Exception {
        Path out = tmp.resolve("plain");
        Path train = csv("train.csv", 0, 600);
        Path test = csv("test.csv", 8000, 8200);
        List<String> a = new ArrayList<>(args(train, test, "--out", out.toString()));
        int i = a.indexOf("--early-stop");
        a.remove(i);
        a.remove(i);
        a.set(a.indexOf("--epochs") + 1, "1");
        Outcome o = run(a.toArray(String[]::new));
        assertEquals(0, o.code(), o.err());
        Map<String, Object> metrics =
                Json.readMap(new Configuration(), out.resolve("metrics.json").toString());
        assertFalse(metrics.containsKey("selection"));
        assertEquals("test", metrics.get("eval_set"));
        assertEquals(200, number(metrics.get("eval_rows")));
        assertEquals("off", map(metrics.get("config")).get("early_stop"));
        assertEquals("last", map(metrics.get("config")).get("keep"));
        assertFalse(Files.readString(out.resolve("history.jsonl")).contains("best_epoch"));
    }

    @Test
    void aPatienceOfAllTheEpochsIsWarnedAboutAndRunsThemAll() throws Exception {
        Path out = tmp.resolve("patient");
        List<String> a =
                new ArrayList<>(args(csv("train.csv", 0, 600), csv("test.csv", 8000, 8200), "--out", out.toString()));
        a.set(a.indexOf("--epochs") + 1, "2");
        Outcome o = run(a.toArray(String[]::new));
        assertEquals(0, o.code(), o.err());
        assertTrue(
                o.err().contains("warning: --early-stop patience=2 is not below --epochs 2: the run cannot stop early"),
                o.err());
        Map<String, Object> selection = map(
                Json.readMap(new Configuration(), out.resolve("metrics.json").toString())
                        .get("selection"));
        assertEquals("max_epochs", selection.get("stop_reason"));
        assertEquals(2, number(selection.get("stopped_epoch")));
    }

    @Test
    void badValuesAreRefusedInOneLine() {
        Path out = tmp.resolve("never");
        String[][] cases = {
            {"--early-stop", "patience=0", "early-stop patience must be 1 or more, got 0"},
            {"--early-stop", "soon", "expected patience=N[,min-delta=X][,metric=loss|accuracy], got 'soon'"},
            {"--early-stop", "patience=2,metric=f1", "early-stop metric must be loss or accuracy, got 'f1'"},
            {"--early-stop", "patience=2,min-delta=-0.1", "early-stop min-delta must be a number >= 0, got -0.1"},
            {"--keep", "worst", "expected best or last, got 'worst'"},
        };
        for (String[] c : cases) {
            Outcome o = run("train", "--data", TestData.sampleDir().toString(), "--out", out.toString(), c[0], c[1]);
            assertEquals(Main.EXIT_USAGE, o.code(), o.err());
            assertEquals(List.of(o.err().strip()), o.errorLines(), "one line and nothing else: " + o.err());
            assertEquals(
                    "lockstep: error: bad value '" + c[1] + "' for " + c[0] + " (from " + c[0] + "): " + c[2],
                    o.errorLines().get(0));
        }
        Outcome twice = run(
                "train",
                "--data",
                TestData.sampleDir().toString(),
                "--out",
                out.toString(),
                "--keep",
                "best",
                "--keep",
                "last");
        assertEquals(Main.EXIT_USAGE, twice.code(), twice.err());
        assertEquals(
                List.of("lockstep: error: --keep given twice for which epoch to keep: give it once"),
                twice.errorLines());
        assertNotEquals(0, twice.code());
        assertFalse(Files.exists(out));
    }

    /**
     * Tables and prepared datasets hold out validation rows from the training rows as files do; without a test set
     * the hold-out's score is the final one, and promotion re-scores it the same.
     */
    @Test
    void tablesAndPreparedDataHoldOutTooAndWithoutATestSetTheHoldOutIsScored() throws Exception {
        String train = tmp.resolve("train.parquet").toString();
        String test = tmp.resolve("test.parquet").toString();
        TabularData.generate(3, 400, 4, 6, 1.0).writeParquet(TabularData.spark(), train, test, 300);
        Path table = tmp.resolve("table");
        Outcome o = run(
                "train",
                "--format",
                "parquet",
                "--train",
                train,
                "--test",
                test,
                "--out",
                table.toString(),
                "--early-stop",
                "patience=1",
                "--epochs",
                "3",
                "--batch",
                "30",
                "--partitions",
                "2",
                "--no-report");
        assertEquals(0, o.code(), o.err());
        Map<String, Object> metrics =
                Json.readMap(new Configuration(), table.resolve("metrics.json").toString());
        assertEquals("test", metrics.get("eval_set"));
        assertEquals(100, number(metrics.get("eval_rows")));
        assertEquals(30, number(map(metrics.get("selection")).get("rows")), "a tenth of the 300 training rows");
        assertTrue(String.valueOf(metrics.get("data_fingerprint")).contains("; validation "), metrics.toString());

        Path prepared = tmp.resolve("prepared");
        o = run(
                "prepare",
                "--train",
                csv("ptrain.csv", 0, 500).toString(),
                "--test",
                csv("ptest.csv", 8000, 8100).toString(),
                "--out",
                prepared.toString());
        assertEquals(0, o.code(), o.err());
        Path fromPrepared = tmp.resolve("from-prepared");
        o = run(
                "train",
                "--data",
                prepared.toString(),
                "--out",
                fromPrepared.toString(),
                "--keep",
                "best",
                "--epochs",
                "2",
                "--layers",
                "784,16,10",
                "--batch",
                "50",
                "--partitions",
                "2",
                "--no-report");
        assertEquals(0, o.code(), o.err());
        metrics = Json.readMap(
                new Configuration(), fromPrepared.resolve("metrics.json").toString());
        assertEquals("test", metrics.get("eval_set"));
        assertEquals(100, number(metrics.get("eval_rows")));
        Map<String, Object> selection = map(metrics.get("selection"));
        assertEquals(50, number(selection.get("rows")));
        assertEquals("max_epochs", selection.get("stop_reason"));
        assertEquals(null, selection.get("patience"));

        Path registryDir = tmp.resolve("registry");
        o = run(
                "train",
                "--train",
                csv("rtrain.csv", 0, 500).toString(),
                "--registry",
                registryDir.toString(),
                "--early-stop",
                "patience=1,metric=accuracy",
                "--epochs",
                "3",
                "--layers",
                "784,16,10",
                "--batch",
                "50",
                "--partitions",
                "2",
                "--no-report");
        assertEquals(0, o.code(), o.err());
        Registry registry = new Registry(new Configuration(), registryDir.toString());
        String runId = registry.current().orElseThrow();
        Map<String, Object> status = registry.status(runId);
        assertEquals("promoted", status.get("status"), status.toString());
        assertEquals("validation", status.get("eval_set"));
        metrics = Json.readMap(
                new Configuration(),
                Path.of(registry.runDir(runId), "metrics.json").toString());
        assertEquals(metrics.get("test_accuracy"), status.get("candidate_accuracy"));
        selection = map(metrics.get("selection"));
        assertEquals("validation", selection.get("final_evaluation_set"));
        assertTrue(String.valueOf(selection.get("note")).startsWith("no test set"), selection.toString());
        List<String> lines = Files.readAllLines(Path.of(registry.runDir(runId), "history.jsonl"));
        int kept = number(selection.get("kept_epoch"));
        assertEquals(
                Json.parseMap(lines.get(kept - 1), "history.jsonl").get("test_accuracy"),
                metrics.get("test_accuracy"),
                "the kept epoch's validation score");
    }

    /** The conf keys: a conf file's early stopping and keep, a flag over them, a bad value naming its source. */
    @Test
    void confKeysSetEarlyStoppingAndKeep() throws Exception {
        Files.writeString(
                tmp.resolve("lockstep.conf"),
                "spark.lockstep.earlyStop patience=4,metric=accuracy\nspark.lockstep.keepParams last\n");
        SparkSetup.ConfFiles files = SparkSetup.ConfFiles.load(tmp.toString());
        SparkConf spark = new SparkConf(false);
        files.entries().forEach(spark::setIfMissing);
        TrainConfig c = TrainCommand.toConfig(TrainCommand.resolve(files, spark, Map.of()));
        assertEquals(
                new EarlyStop(4, 0, EarlyStop.Metric.ACCURACY), c.earlyStop().orElseThrow());
        assertEquals(EpochSelection.Keep.LAST, c.keep());
        assertEquals(tmp + "/lockstep.conf", c.sources().get("earlyStop"));
        TrainConfig flags = TrainCommand.toConfig(
                TrainCommand.resolve(files, spark, Map.of(Setting.EARLY_STOP, "off", Setting.KEEP_PARAMS, "best")));
        assertTrue(flags.earlyStop().isEmpty());
        assertEquals(EpochSelection.Keep.BEST, flags.keep());
        assertTrue(flags.selectsEpochs(), "keep best alone selects");
        assertEquals("--keep", flags.sources().get("keepParams"));

        SparkConf bad = new SparkConf(false).set("spark.lockstep.earlyStop", "patience=-1");
        assertEquals(
                "bad value 'patience=-1' for --early-stop (from spark conf spark.lockstep.earlyStop): early-stop "
                        + "patience must be 1 or more, got -1",
                assertThrows(
                                UsageException.class,
                                () -> TrainCommand.toConfig(
                                        TrainCommand.resolve(SparkSetup.ConfFiles.load(null), bad, Map.of())))
                        .getMessage());
    }

    /**
     * A run killed in the middle of its patience count and resumed with {@code --resume} writes the model and the
     * selection of the run never killed: here it resumes from a checkpoint in the epoch after the best one.
     */
    @Test
    void resumingInTheMiddleOfThePatienceCountGivesTheSameModel() throws Exception {
        Path train = csv("train.csv", 0, 2000);
        Path test = csv("test.csv", 8000, 8300);
        Path straight = tmp.resolve("straight");
        Path checkpoints = tmp.resolve("checkpoints");
        Outcome o = run(args(
                        train,
                        test,
                        "--out",
                        straight.toString(),
                        "--checkpoint-every",
                        "9",
                        "--checkpoint-dir",
                        checkpoints.toString())
                .toArray(String[]::new));
        assertEquals(0, o.code(), o.err());
        Map<String, Object> selection = map(Json.readMap(
                        new Configuration(), straight.resolve("metrics.json").toString())
                .get("selection"));
        int best = number(selection.get("best_epoch"));
        int stopped = number(selection.get("stopped_epoch"));
        assertEquals(best + 2, stopped, selection.toString());
        // 18 steps an epoch: the three newest checkpoints are at the end of the last epoch, in its middle, and at
        // the end of the epoch after the best. Killed in the middle of the last epoch: the newest never written.
        long midLast = 18L * (stopped - 1) + 9;
        Files.delete(checkpoints.resolve(String.format("ckpt-%012d.lsc", 18L * stopped)));
        assertTrue(Files.exists(checkpoints.resolve(String.format("ckpt-%012d.lsc", midLast))));

        Path resumed = tmp.resolve("resumed");
        o = run(args(
                        train,
                        test,
                        "--out",
                        resumed.toString(),
                        "--checkpoint-every",
                        "9",
                        "--checkpoint-dir",
                        checkpoints.toString(),
                        "--resume")
                .toArray(String[]::new));
        assertEquals(0, o.code(), o.err());
        assertTrue(o.err().contains("[lockstep] resuming after step " + midLast), o.err());
        assertArrayEquals(
                Files.readAllBytes(straight.resolve("model.lsm")), Files.readAllBytes(resumed.resolve("model.lsm")));
        Map<String, Object> metrics = Json.readMap(
                new Configuration(), resumed.resolve("metrics.json").toString());
        assertEquals(selection, map(metrics.get("selection")));
        assertEquals(
                Json.readMap(
                                new Configuration(),
                                straight.resolve("metrics.json").toString())
                        .get("test_accuracy"),
                metrics.get("test_accuracy"));
    }
}
