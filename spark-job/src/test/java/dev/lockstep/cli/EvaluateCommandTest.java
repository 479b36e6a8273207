package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.TestData;
import dev.lockstep.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluateCommandTest {
    @TempDir
    Path tmp;

    @Test
    void reproducesTheTrainingRunsOwnScoreAndWritesJson() throws Exception {
        Path run = tmp.resolve("run");
        Path test = tmp.resolve("test.csv");
        // A CSV "test set" of 1,500 sample rows: train on the sample with it as --test, then evaluate it alone.
        StringBuilder csv = new StringBuilder("label," + String.join(",", Collections.nCopies(784, "p")) + "\n");
        var sample = TestData.sample();
        for (int r = 8500; r < 10000; r++) {
            csv.append(sample.label(r));
            for (int i = 0; i < 784; i++) csv.append(',').append(sample.pixels()[r * 784 + i] & 0xFF);
            csv.append('\n');
        }
        Files.writeString(test, csv);
        CommandRun.Outcome t = CommandRun.run(
                "train",
                "--data",
                TestData.sampleDir().toString(),
                "--test",
                test.toString(),
                "--out",
                run.toString(),
                "--layers",
                "784,32,10",
                "--epochs",
                "1",
                "--partitions",
                "2");
        assertEquals(0, t.code(), t.err());
        Map<String, Object> metrics =
                Json.readMap(new Configuration(), run.resolve("metrics.json").toString());

        Path json = tmp.resolve("eval.json");
        CommandRun.Outcome e = CommandRun.run(
                "evaluate",
                "--model",
                run.resolve("model.lsm").toString(),
                "--test",
                test.toString(),
                "--json",
                json.toString(),
                "--partitions",
                "3");
        assertEquals(0, e.code(), e.err());
        Map<String, Object> doc = Json.readMap(new Configuration(), json.toString());
        assertEquals(
                ((Number) metrics.get("test_accuracy")).doubleValue(), ((Number) doc.get("accuracy")).doubleValue());
        assertEquals(((Number) metrics.get("test_loss")).doubleValue(), ((Number) doc.get("loss")).doubleValue(), 1e-9);
        assertEquals(1500, ((Number) doc.get("rows")).intValue());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> perClass = (List<Map<String, Object>>) doc.get("per_class");
        assertEquals(10, perClass.size());
        long support = 0;
        for (Map<String, Object> c : perClass) support += ((Number) c.get("support")).longValue();
        assertEquals(1500, support);
        assertTrue(e.out().contains("confusion matrix"), e.out());
        assertTrue(
                e.out()
                        .contains(String.format(
                                Locale.ROOT, "accuracy %.2f%%", 100 * ((Number) doc.get("accuracy")).doubleValue())),
                e.out());
    }

    @Test
    void missingModelOrDataIsOneLine() {
        CommandRun.Outcome o = CommandRun.run(
                "evaluate",
                "--model",
                tmp.resolve("none.lsm").toString(),
                "--data",
                TestData.sampleDir().toString());
        assertEquals(Main.EXIT_FAILURE, o.code());
        assertEquals(1, o.err().lines().count(), o.err());
        CommandRun.Outcome u = CommandRun.run("evaluate", "--model", "x");
        assertEquals(Main.EXIT_USAGE, u.code());
    }
}
