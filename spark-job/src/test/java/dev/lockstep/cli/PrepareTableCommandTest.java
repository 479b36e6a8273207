package dev.lockstep.cli;

import static dev.lockstep.cli.CommandRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.cli.CommandRun.Outcome;
import dev.lockstep.data.TabularData;
import dev.lockstep.io.Json;
import dev.lockstep.model.MlpModel;
import dev.lockstep.model.ModelFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** prepare --format: a table as a prepared dataset (version 2) that trains the same model as the table itself. */
class PrepareTableCommandTest {
    @TempDir
    static Path tmp;

    static String train;
    static String test;
    static String bytes;

    private static final String[] SETTINGS = {"--epochs", "2", "--partitions", "2", "--seed", "5", "--no-report"};

    @BeforeAll
    static void writeTables() {
        TabularData data = TabularData.generate(33, 700, 3, 5, 1000.0);
        Dataset<Row> all = data.vectorFrame(TabularData.spark()).coalesce(1);
        train = tmp.resolve("train.parquet").toString();
        test = tmp.resolve("test.parquet").toString();
        all.limit(560).write().parquet(train);
        all.except(all.limit(560)).write().parquet(test);
        bytes = tmp.resolve("bytes.parquet").toString();
        TabularData.bytes(34, 400, 4, 12)
                .arrayFrame(TabularData.spark())
                .coalesce(1)
                .write()
                .parquet(bytes);
    }

    @Test
    void floatRowsTrainTheSameModelPreparedAsFromTheTable() throws Exception {
        Path prepared = tmp.resolve("floats");
        Outcome p =
                run("prepare", "--format", "parquet", "--train", train, "--test", test, "--out", prepared.toString());
        assertEquals(0, p.code(), p.err());
        assertTrue(
                p.err()
                        .contains("[lockstep] prepared 560 training rows and 140 test rows of 5 float32 features, 3 "
                                + "classes, in " + prepared),
                p.err());
        Map<String, Object> meta = Json.readMap(
                new Configuration(), prepared.resolve("prepared.json").toString());
        assertEquals(2, meta.get("version"));
        assertEquals("float32", meta.get("value_type"));
        assertEquals(3, meta.get("classes"));
        assertEquals(1, meta.get("label_bytes"));
        assertEquals(21, meta.get("record_length"));
        assertEquals(560L * 21, Files.size(prepared.resolve("train.records")));

        Path a = tmp.resolve("from-prepared");
        Path b = tmp.resolve("from-table");
        assertEquals(
                0, train("--data", prepared.toString(), "--out", a.toString()).code());
        Outcome direct = train("--format", "parquet", "--train", train, "--test", test, "--out", b.toString());
        assertEquals(0, direct.code(), direct.err());
        assertArrayEquals(Files.readAllBytes(b.resolve("model.lsm")), Files.readAllBytes(a.resolve("model.lsm")));
        MlpModel model =
                ModelFile.read(new Configuration(), a.resolve("model.lsm").toString());
        assertEquals(5, model.architecture().inputSize(), "auto layers from the prepared rows");
        assertEquals(3, model.architecture().outputSize());
        assertFalse(model.scaling().isUniform(), "float rows are standardized");

        Outcome verify = run("prepare", "--verify", prepared.toString());
        assertEquals(0, verify.code(), verify.err());
        assertTrue(verify.err().contains("is intact: 560 training rows and 140 test rows"), verify.err());
    }

    @Test
    void byteTablesKeepByteRecordsAndHoldOutTheSameRows() throws Exception {
        Path prepared = tmp.resolve("bytes");
        Outcome p = run("prepare", "--format", "parquet", "--data", bytes, "--out", prepared.toString());
        assertEquals(0, p.code(), p.err());
        Map<String, Object> meta = Json.readMap(
                new Configuration(), prepared.resolve("prepared.json").toString());
        assertEquals("bytes", meta.get("value_type"));
        assertEquals(13, meta.get("record_length"));
        assertEquals(400L * 13, Files.size(prepared.resolve("train.records")));

        Path a = tmp.resolve("bytes-prepared");
        Path b = tmp.resolve("bytes-table");
        Outcome fromPrepared = train("--data", prepared.toString(), "--out", a.toString());
        assertEquals(0, fromPrepared.code(), fromPrepared.err());
        assertTrue(fromPrepared.err().contains("validation: 40 rows"), fromPrepared.err());
        assertEquals(
                0,
                train("--format", "parquet", "--data", bytes, "--out", b.toString())
                        .code());
        assertArrayEquals(Files.readAllBytes(b.resolve("model.lsm")), Files.readAllBytes(a.resolve("model.lsm")));
        assertTrue(ModelFile.read(new Configuration(), a.resolve("model.lsm").toString())
                .scaling()
                .isUniform());
    }

    @Test
    void aCorruptFloatRecordIsRefusedWithOneLine() throws Exception {
        Path prepared = tmp.resolve("corrupt");
        assertEquals(
                0,
                run("prepare", "--format", "parquet", "--train", train, "--out", prepared.toString())
                        .code());
        Path records = prepared.resolve("train.records");
        byte[] content = Files.readAllBytes(records);
        content[21 * 300 + 7] ^= 0x40; // a bit of a float of record 300: same length, still a number
        Files.write(records, content);

        Outcome t = train(
                "--data", prepared.toString(), "--out", tmp.resolve("never").toString());
        assertEquals(Main.EXIT_FAILURE, t.code(), t.err());
        assertEquals(1, t.errorLines().size(), t.err());
        assertTrue(t.err().contains("train.records: records 0-"), t.err());
        assertTrue(t.err().contains("fail their CRC32C check"), t.err());
        assertFalse(Files.exists(tmp.resolve("never/model.lsm")));

        Outcome v = run("prepare", "--verify", prepared.toString());
        assertEquals(Main.EXIT_FAILURE, v.code());
        assertEquals(List.of(v.err().strip()), v.errorLines());
        assertTrue(v.err().contains("the file is corrupt"), v.err());
    }

    @Test
    void aBadColumnIsAUsageErrorAndWritesNothing() {
        Path out = tmp.resolve("bad-column");
        Outcome o = run(
                "prepare", "--format", "parquet", "--train", train, "--features-col", "nope", "--out", out.toString());
        assertEquals(Main.EXIT_USAGE, o.code(), o.err());
        assertEquals(1, o.errorLines().size(), o.err());
        assertTrue(o.err().contains("no features column 'nope'"), o.err());
        assertFalse(Files.exists(out));

        Outcome files = run("prepare", "--train", train, "--label-col", "y", "--out", out.toString());
        assertEquals(Main.EXIT_USAGE, files.code(), files.err());
        assertFalse(Files.exists(out));
    }

    /** CSV holds scalar columns: read with a header and inferred types, features listed column by column. */
    @Test
    void csvWithAHeaderTrainsThroughReadOptions() throws Exception {
        TabularData data = TabularData.generate(35, 300, 3, 4, 1.0);
        StringBuilder csv = new StringBuilder("x0,x1,x2,x3,y\n");
        for (int r = 0; r < data.rows(); r++) {
            for (int f = 0; f < 4; f++) csv.append(String.format(Locale.ROOT, "%.6f,", data.value(r, f)));
            csv.append(data.label(r)).append('\n');
        }
        Path file = tmp.resolve("rows.csv");
        Files.writeString(file, csv);
        Path run = tmp.resolve("csv-run");
        Outcome t = train(
                "--format",
                "csv",
                "--read-option",
                "header=true",
                "--read-option",
                "inferSchema=true",
                "--data",
                file.toString(),
                "--features-col",
                "x0,x1,x2,x3",
                "--label-col",
                "y",
                "--out",
                run.toString());
        assertEquals(0, t.code(), t.err());
        MlpModel model =
                ModelFile.read(new Configuration(), run.resolve("model.lsm").toString());
        assertEquals(4, model.architecture().inputSize());
        assertEquals(3, model.architecture().outputSize());

        Outcome noHeader = train(
                "--format",
                "csv",
                "--data",
                file.toString(),
                "--features-col",
                "x0,x1",
                "--label-col",
                "y",
                "--out",
                tmp.resolve("csv-never").toString());
        assertEquals(Main.EXIT_USAGE, noHeader.code(), noHeader.err());
        assertTrue(noHeader.err().contains("no features column 'x0'"), noHeader.err());
    }

    private static Outcome train(String... args) {
        List<String> all = new ArrayList<>(List.of("train"));
        all.addAll(List.of(args));
        all.addAll(List.of(SETTINGS));
        return run(all.toArray(String[]::new));
    }
}
