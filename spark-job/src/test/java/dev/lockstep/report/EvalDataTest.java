package dev.lockstep.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
