package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.data.TabularData;
import dev.lockstep.io.Json;
import dev.lockstep.model.MlpModel;
import dev.lockstep.model.ModelFile;
import dev.lockstep.model.Registry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 26-class model of float features trained from Parquet into a registry: promoted after being scored again,
 * evaluated with a 26x26 confusion matrix, and reported with its charts but no digit pictures.
 */
class ManyClassesRunTest {
    static final int CLASSES = 26;

    @TempDir
    static Path tmp;

    static String train;
    static String test;
    static Path registry;
    static String runDir;
    static CommandRun.Outcome trained;

    @BeforeAll
    static void trainIntoARegistry() {
        train = tmp.resolve("train.parquet").toString();
        test = tmp.resolve("test.parquet").toString();
        TabularData.generate(26, 40 * CLASSES, CLASSES, 8, 100.0)
                .writeParquet(TabularData.spark(), train, test, 30 * CLASSES);
        registry = tmp.resolve("registry");
        trained = trainIntoRegistry();
        Registry r = new Registry(new Configuration(), registry.toString());
        runDir = r.current().map(r::runDir).orElse(null);
    }

    /** Trains on the train table into the registry, judged on the test table. */
    private static CommandRun.Outcome trainIntoRegistry(String... more) {
        List<String> args = new ArrayList<>(List.of(
                "train",
                "--format",
                "parquet",
                "--train",
                train,
                "--test",
                test,
                "--registry",
                registry.toString(),
                "--layers",
                "8,32," + CLASSES,
                "--epochs",
                "3",
                "--partitions",
                "2",
                "--augment-shift",
                "0"));
        args.addAll(List.of(more));
        return CommandRun.run(args.toArray(new String[0]));
    }

    @Test
    void theRegistryScoresTheTableModelAgainAndPromotesIt() {
        assertEquals(0, trained.code(), trained.err());
        assertTrue(trained.err().contains("promoted: first model in the registry"), trained.err());
        MlpModel model = ModelFile.read(new Configuration(), runDir + "/model.lsm");
        assertFalse(model.isImage());
        assertEquals(CLASSES, model.architecture().outputSize());

        // A second run on the same rows: promotion re-scores both models on the test table.
        CommandRun.Outcome again = trainIntoRegistry("--no-report");
        assertEquals(0, again.code(), again.err());
        assertTrue(again.err().matches("(?s).*promoted: test accuracy \\S+ >= current \\S+'s .*"), again.err());
    }

    @Test
    void evaluateShowsEveryClass() throws Exception {
        Path json = tmp.resolve("eval.json");
        CommandRun.Outcome e = CommandRun.run(
                "evaluate",
                "--model",
                runDir + "/model.lsm",
                "--format",
                "parquet",
                "--test",
                test,
                "--json",
                json.toString());
        assertEquals(0, e.code(), e.err());
        List<String> lines = e.out().lines().toList();
        int header = lines.indexOf("class  precision  recall      f1  support");
        assertTrue(header > 0, e.out());
        assertTrue(lines.get(header + CLASSES).startsWith("   25  "), e.out());
        assertTrue(lines.get(header + CLASSES + 1).isEmpty(), e.out());
        Map<String, Object> doc = Json.readMap(new Configuration(), json.toString());
        List<?> matrix = (List<?>) doc.get("confusion_matrix");
        assertEquals(CLASSES, matrix.size());
        assertEquals(CLASSES, ((List<?>) matrix.get(CLASSES - 1)).size());
        long total = 0;
        for (Object row : matrix) for (Object v : (List<?>) row) total += ((Number) v).longValue();
        assertEquals(10 * CLASSES, total);
    }

    @Test
    void theReportDrawsTheChartsAndNoDigitPictures() throws Exception {
        CommandRun.Outcome r = CommandRun.run("report", "--run", runDir);
        assertEquals(0, r.code(), r.err());
        assertTrue(
                r.err()
                        .contains("no digit grids, weights or imagined inputs: the model's input (8 features) is "
                                + "not an image"),
                r.err());
        Path pngs = Path.of(runDir, "report");
        for (String f : List.of("loss.png", "accuracy.png", "confusion.png", "class-accuracy.png"))
            assertTrue(Files.size(pngs.resolve(f)) > 1000, f);
        for (String f : List.of("digits.png", "confidently-wrong.png", "weights.png", "imagine.png"))
            assertFalse(Files.exists(pngs.resolve(f)), f);
        String html = Files.readString(Path.of(runDir, "report.html"));
        assertTrue(html.contains("data-true=\"25\" data-predicted=\"25\""), "a 26x26 confusion table");
        assertTrue(html.contains("is not an image."), "the page says why there are no pictures");
    }
}
