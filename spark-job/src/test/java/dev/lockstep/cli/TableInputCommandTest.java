package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.FloatBits;
import dev.lockstep.SharedSpark;
import dev.lockstep.TestData;
import dev.lockstep.data.LabeledImages;
import dev.lockstep.data.TabularData;
import dev.lockstep.io.Json;
import dev.lockstep.model.MlpModel;
import dev.lockstep.model.ModelFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train and evaluate on Parquet tables (--format): any width and class count, one line for a bad column. */
class TableInputCommandTest {
    @TempDir
    static Path tmp;

    static String train;
    static String test;

    @BeforeAll
    static void writeTables() {
        train = tmp.resolve("train.parquet").toString();
        test = tmp.resolve("test.parquet").toString();
        // Row order within one file is kept: the first 480 rows train, the last 120 test.
        TabularData.generate(21, 600, 3, 6, 50.0).writeParquet(TabularData.spark(), train, test, 480);
    }

    @Test
    void trainsOnParquetAndEvaluatesTheModel() throws Exception {
        Path run = tmp.resolve("run");
        CommandRun.Outcome t = CommandRun.run(
                "train",
                "--format",
                "parquet",
                "--train",
                train,
                "--test",
                test,
                "--out",
                run.toString(),
                "--epochs",
                "3",
                "--partitions",
                "2",
                "--no-report");
        assertEquals(0, t.code(), t.err());
        assertTrue(Files.isRegularFile(run.resolve("model.lsm")));
        MlpModel model =
                ModelFile.read(new Configuration(), run.resolve("model.lsm").toString());
        assertEquals(6, model.architecture().inputSize());
        assertEquals(3, model.architecture().outputSize(), "auto layers: a class per label");
        Map<String, Object> metrics =
                Json.readMap(new Configuration(), run.resolve("metrics.json").toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> sources = (Map<String, Object>) metrics.get("config_sources");
        assertTrue(
                String.valueOf(sources.get("layers")).startsWith("auto for 6 features and 3 classes"),
                sources.toString());
        double accuracy = ((Number) metrics.get("test_accuracy")).doubleValue();
        assertTrue(accuracy > 0.8, "3 well separated classes: " + accuracy);

        CommandRun.Outcome e = CommandRun.run(
                "evaluate",
                "--model",
                run.resolve("model.lsm").toString(),
                "--format",
                "parquet",
                "--test",
                test,
                "--partitions",
                "3");
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("(120 rows)"), e.out());
        assertTrue(e.out().contains(String.format(java.util.Locale.ROOT, "accuracy %.2f%%", 100 * accuracy)), e.out());
    }

    /** The hold-out's parts share the table's persisted rows; nothing stays persisted once the run ends. */
    @Test
    void holdsOutValidationRowsWithoutATestTable() {
        Path run = tmp.resolve("held");
        Set<Integer> persisted =
                new HashSet<>(SharedSpark.context().getPersistentRDDs().keySet());
        CommandRun.Outcome t = CommandRun.run(
                "train",
                "--format",
                "parquet",
                "--data",
                train,
                "--out",
                run.toString(),
                "--epochs",
                "1",
                "--partitions",
                "2",
                "--layers",
                "6,16,3",
                "--no-report");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.err().contains("validation: 48 rows"), t.err());
        assertEquals(persisted, SharedSpark.context().getPersistentRDDs().keySet(), "what the run persisted is gone");
    }

    /** The same images as a CSV file and as a Parquet table of byte-valued arrays: the same weights, bit for bit. */
    @Test
    void imagesFromATableTrainTheSameWeightsAsFromFiles() throws Exception {
        LabeledImages sample = TestData.sample().slice(0, 1200);
        Path csv = tmp.resolve("images.csv");
        StringBuilder text = new StringBuilder();
        List<Row> rows = new ArrayList<>();
        for (int r = 0; r < sample.count(); r++) {
            text.append(sample.label(r));
            Integer[] pixels = new Integer[784];
            for (int i = 0; i < 784; i++) {
                pixels[i] = sample.pixels()[r * 784 + i] & 0xFF;
                text.append(',').append(pixels[i]);
            }
            text.append('\n');
            rows.add(RowFactory.create(pixels, sample.label(r)));
        }
        Files.writeString(csv, text);
        StructType schema = new StructType()
                .add("pixels", DataTypes.createArrayType(DataTypes.IntegerType))
                .add("digit", DataTypes.IntegerType);
        String table = tmp.resolve("images.parquet").toString();
        TabularData.spark().createDataFrame(rows, schema).coalesce(1).write().parquet(table);
        List<String> common = List.of(
                "--epochs", "1", "--layers", "784,16,10", "--partitions", "2", "--augment-shift", "0", "--no-report");
        Path fromFile = tmp.resolve("from-file");
        List<String> a = new ArrayList<>(List.of("train", "--train", csv.toString(), "--out", fromFile.toString()));
        a.addAll(common);
        assertEquals(0, CommandRun.run(a.toArray(String[]::new)).code());
        Path fromTable = tmp.resolve("from-table");
        List<String> b = new ArrayList<>(List.of(
                "train",
                "--format",
                "parquet",
                "--train",
                table,
                "--features-col",
                "pixels",
                "--label-col",
                "digit",
                "--out",
                fromTable.toString()));
        b.addAll(common);
        CommandRun.Outcome t = CommandRun.run(b.toArray(String[]::new));
        assertEquals(0, t.code(), t.err());
        MlpModel x = ModelFile.read(
                new Configuration(), fromFile.resolve("model.lsm").toString());
        MlpModel y = ModelFile.read(
                new Configuration(), fromTable.resolve("model.lsm").toString());
        assertArrayEquals(FloatBits.of(x.parameters()), FloatBits.of(y.parameters()));
    }

    /** --format table reads a catalog table (here a global view, visible to every session) by name. */
    @Test
    void readsACatalogTableByName() {
        TabularData.spark().read().parquet(train).createOrReplaceGlobalTempView("lockstep_rows");
        Path run = tmp.resolve("table");
        CommandRun.Outcome t = CommandRun.run(
                "train",
                "--format",
                "table",
                "--train",
                "global_temp.lockstep_rows",
                "--out",
                run.toString(),
                "--epochs",
                "1",
                "--layers",
                "6,8,3",
                "--no-report");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.err().contains("on 432 rows (validation: 48 rows)"), t.err());
    }

    @Test
    void aMissingLocationIsOneLineAndExit1() {
        String nowhere = tmp.resolve("nowhere.parquet").toString();
        CommandRun.Outcome t = CommandRun.run(
                "train",
                "--format",
                "parquet",
                "--train",
                nowhere,
                "--out",
                tmp.resolve("none").toString());
        assertEquals(1, t.code(), t.err());
        assertEquals(1, t.errorLines().size(), t.err());
        assertTrue(t.errorLines().get(0).startsWith("lockstep: error: cannot read parquet " + nowhere + ": "), t.err());
    }

    @Test
    void badColumnsAreOneLineAndExit2() {
        CommandRun.Outcome t = CommandRun.run(
                "train",
                "--format",
                "parquet",
                "--train",
                train,
                "--out",
                tmp.resolve("bad").toString(),
                "--features-col",
                "pixels");
        assertEquals(2, t.code(), t.err());
        assertEquals(
                List.of("lockstep: error: parquet " + train + ": no features column 'pixels' (its columns: features "
                        + "vector, label double)"),
                t.errorLines());
        CommandRun.Outcome e =
                CommandRun.run("evaluate", "--model", "nowhere.lsm", "--features-col", "x", "--test", test);
        assertEquals(2, e.code(), e.err());
        CommandRun.Outcome f = CommandRun.run(
                "train",
                "--format",
                "nosuchformat",
                "--train",
                train,
                "--out",
                tmp.resolve("bad2").toString());
        assertEquals(2, f.code(), f.err());
        assertEquals(1, f.errorLines().size(), f.err());
        CommandRun.Outcome layers = CommandRun.run(
                "train",
                "--format",
                "parquet",
                "--train",
                train,
                "--out",
                tmp.resolve("bad3").toString(),
                "--layers",
                "784,10");
        assertEquals(2, layers.code(), layers.err());
        assertTrue(layers.errorLines().get(0).contains("has 6 features per row"), layers.err());
    }
}
