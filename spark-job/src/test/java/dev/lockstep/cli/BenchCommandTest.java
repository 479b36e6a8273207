package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.SharedSpark;
import dev.lockstep.TestData;
import dev.lockstep.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny bench run: every section is measured and written; the figures themselves live in BENCHMARKS.md. */
class BenchCommandTest {
    @TempDir
    Path tmp;

    @Test
    @SuppressWarnings("unchecked")
    void measuresEverySectionAndWritesJson() throws Exception {
        SharedSpark.context(); // the bench joins the suite's local[2] context instead of starting its own
        Path json = tmp.resolve("bench.json");
        CommandRun.Outcome o = CommandRun.run(
                "bench",
                "--data",
                TestData.sampleDir().toString(),
                "--out",
                json.toString(),
                "--layers",
                "784,32,10",
                "--steps",
                "12",
                "--warmup-steps",
                "2",
                "--compare-steps",
                "8",
                "--heap-first-step",
                "4",
                "--loop-steps",
                "3",
                "--kernel-millis",
                "2");
        assertEquals(0, o.code(), o.err());
        Map<String, Object> doc = Json.readMap(new Configuration(), json.toString());
        List<Map<String, Object>> kernels = (List<Map<String, Object>>) doc.get("kernels");
        assertEquals(2 * 3 * 3, kernels.size(), "2 layers x 3 batches x 3 products");
        for (Map<String, Object> k : kernels) assertTrue(((Number) k.get("gflops")).doubleValue() > 0, k.toString());
        List<Map<String, Object>> free = (List<Map<String, Object>>) doc.get("without_spark");
        assertEquals(
                List.of(1, 2),
                free.stream().map(m -> ((Number) m.get("threads")).intValue()).toList());
        Map<String, Object> spark = (Map<String, Object>) doc.get("spark");
        assertEquals(128, ((Number) spark.get("batch")).intValue(), "train's auto batch for the 10,000-row sample");
        assertEquals(785.0, ((Number) spark.get("cached_bytes_per_row")).doubleValue(), 2.0);
        Map<String, Object> steps = (Map<String, Object>) spark.get("step_ms_median");
        for (String part :
                List.of("total", "ship", "launch", "fetch", "compute", "return", "combine", "update", "overhead")) {
            assertTrue(steps.get(part) instanceof Number, part + " in " + steps);
        }
        assertTrue(((Number) spark.get("empty_job_ms_median")).doubleValue() > 0);
        assertEquals(8, ((Number) spark.get("compare_steps")).intValue());
        assertTrue(((Number) spark.get("interleaved_examples_per_second")).doubleValue() > 0);
        assertTrue(
                ((Map<String, Object>) spark.get("interleaved_step_ms_median")).get("overhead") instanceof Number,
                spark.toString());
        assertEquals(5, ((Map<String, Object>) doc.get("targets")).size());
        Map<String, Object> ratio =
                (Map<String, Object>) ((Map<String, Object>) doc.get("targets")).get("spark_vs_spark_free_throughput");
        assertTrue(ratio.get("met") instanceof Boolean, "on local[2], the Spark-free comparison is judged: " + ratio);
        assertTrue(o.err().contains("[bench] target"), o.err());
    }

    @Test
    @SuppressWarnings("unchecked")
    void stepsOnlyWritesTheStepsAndTheirWallClockTimesAlone() throws Exception {
        SharedSpark.context();
        Path json = tmp.resolve("steps.json");
        CommandRun.Outcome o = CommandRun.run(
                "bench",
                "--data",
                TestData.sampleDir().toString(),
                "--out",
                json.toString(),
                "--layers",
                "784,32,10",
                "--steps-only",
                "--steps",
                "6",
                "--warmup-steps",
                "2");
        assertEquals(0, o.code(), o.err());
        Map<String, Object> doc = Json.readMap(new Configuration(), json.toString());
        assertFalse(
                doc.containsKey("kernels") || doc.containsKey("without_spark") || doc.containsKey("targets"),
                doc.toString());
        Map<String, Object> spark = (Map<String, Object>) doc.get("spark");
        assertEquals(6, ((Number) spark.get("steps")).intValue());
        assertFalse(spark.containsKey("alternated_with") || spark.containsKey("empty_job_ms_median"), spark.toString());
        Map<String, Object> clock = (Map<String, Object>) spark.get("steps_alone_wall_clock_ms");
        long start = ((Number) clock.get("start")).longValue();
        long end = ((Number) clock.get("end")).longValue();
        assertTrue(start > 1_600_000_000_000L && start <= end, clock.toString());
        assertTrue(
                ((Map<String, Object>) spark.get("step_ms_median")).get("overhead") instanceof Number,
                spark.toString());
    }

    @Test
    void badOptionsAreOneLineAndExitTwo() {
        CommandRun.Outcome o = CommandRun.run(
                "bench",
                "--data",
                TestData.sampleDir().toString(),
                "--out",
                tmp.resolve("b.json").toString(),
                "--steps",
                "10",
                "--warmup-steps",
                "0",
                "--compare-steps",
                "5",
                "--heap-first-step",
                "15");
        assertEquals(Main.EXIT_USAGE, o.code());
        assertEquals(1, o.err().lines().count(), o.err());
        assertTrue(o.err().contains("--heap-first-step"), o.err());
        assertFalse(Files.exists(tmp.resolve("b.json")));
        CommandRun.Outcome c =
                CommandRun.run("bench", "--data", TestData.sampleDir().toString(), "--compare-steps", "0");
        assertEquals(Main.EXIT_USAGE, c.code());
        assertTrue(c.err().contains("--compare-steps"), c.err());
        CommandRun.Outcome t =
                CommandRun.run("bench", "--data", TestData.sampleDir().toString(), "--transfer", "fp8");
        assertEquals(Main.EXIT_USAGE, t.code());
        assertTrue(t.err().contains("float32 or bf16"), t.err());
    }
}
