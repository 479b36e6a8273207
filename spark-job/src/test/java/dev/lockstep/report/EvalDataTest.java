package dev.lockstep.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.LockstepException;
import dev.lockstep.TestData;
import dev.lockstep.data.HoldOut;
import dev.lockstep.data.LabeledImages;
import dev.lockstep.data.PreparedWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rows a report scores are the run's hold-out, whether the run read IDX files or a prepared dataset. */
class EvalDataTest {
    @TempDir
    Path tmp;

    @Test
    void aPreparedDatasetGivesTheSameHoldOutAsTheFilesItCameFrom() {
        Configuration conf = new Configuration();
        LabeledImages sample = TestData.sample();
        PreparedWriter.write(conf, tmp.toString(), sample, Optional.empty(), "the sample");
        Map<String, Object> config = Map.of("validation_fraction", 0.2, "seed", 7);
        LabeledImages expected = HoldOut.split(sample, 0.2, 7).validation();

        LabeledImages fromPrepared =
                EvalData.load(conf, Map.of("data_location", Map.of("data", tmp.toString()), "config", config), null);
        LabeledImages fromFiles = EvalData.load(
                conf,
                Map.of("data_location", Map.of("data", TestData.sampleDir().toString()), "config", config),
                null);
        for (LabeledImages got : new LabeledImages[] {fromPrepared, fromFiles}) {
            assertEquals(2000, got.count());
            assertArrayEquals(expected.labels(), got.labels());
            assertArrayEquals(expected.pixels(), got.pixels());
        }
    }

    @Test
    void aRunThatReadATableIsNotReadAgainWithoutData() {
        Map<String, Object> metrics =
                Map.of("data_location", Map.of("format", "parquet", "train", "hdfs:///t/train.parquet"));
        String message = assertThrows(LockstepException.class, () -> EvalData.load(new Configuration(), metrics, null))
                .getMessage();
        assertEquals(
                "the run read a parquet table, which report does not read again: give report --data DIR with IDX, "
                        + "CSV or prepared files to draw them",
                message);
        assertTrue(
                EvalData.load(new Configuration(), metrics, TestData.sampleDir().toString())
                                .count()
                        > 0,
                "--data still works");
    }
}
