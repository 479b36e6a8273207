package dev.lockstep.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.SharedSpark;
import dev.lockstep.data.DataFormatException;
import dev.lockstep.data.HeapBudget;
import dev.lockstep.data.PreparedDataset;
import dev.lockstep.data.TabularData;
import dev.lockstep.train.rows.FrameRows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing a table through the driver a partition at a time, and refusing what the heap cannot hold. */
class TablePreparationTest {
    @TempDir
    Path tmp;

    private static FrameRows rows(TabularData data) {
        return FrameRows.of(data.vectorFrame(TabularData.spark()).repartition(3), "features", "label", "test rows");
    }

    @Test
    void aPartitionTheHeapCannotHoldIsRefusedBeforeAnythingIsWritten() {
        Path out = tmp.resolve("out");
        FrameRows train = rows(TabularData.generate(1, 500, 3, 8, 1));
        HeapBudget.Exceeded e = assertThrows(
                HeapBudget.Exceeded.class,
                () -> TablePreparation.write(
                        SharedSpark.context(),
                        new Configuration(),
                        out.toString(),
                        train,
                        Optional.empty(),
                        "t",
                        HeapBudget.fixed(10_000)));
        assertTrue(
                e.getMessage().startsWith("test rows: writing partitions of 500 rows through the driver needs"),
                e.getMessage());
        assertFalse(Files.exists(out));
    }

    @Test
    void floatTestRowsBesideByteTrainingRowsAreRefused() {
        Path out = tmp.resolve("mixed");
        FrameRows train = rows(TabularData.bytes(2, 200, 3, 4));
        FrameRows test = rows(TabularData.generate(3, 50, 3, 4, 1));
        DataFormatException e = assertThrows(
                DataFormatException.class,
                () -> TablePreparation.write(
                        SharedSpark.context(),
                        new Configuration(),
                        out.toString(),
                        train,
                        Optional.of(test),
                        "t",
                        HeapBudget.JVM));
        assertTrue(e.getMessage().contains("features that are not integers 0-255"), e.getMessage());
        assertFalse(Files.exists(out));
    }

    @Test
    void byteTestRowsBesideFloatTrainingRowsBecomeFloats() {
        Path out = tmp.resolve("floats");
        FrameRows train = rows(TabularData.generate(4, 300, 3, 4, 1));
        FrameRows test = rows(TabularData.bytes(5, 60, 3, 4));
        PreparedDataset d = TablePreparation.write(
                SharedSpark.context(),
                new Configuration(),
                out.toString(),
                train,
                Optional.of(test),
                "t",
                HeapBudget.JVM);
        assertTrue(d.layout().floats());
        assertEquals(
                60,
                PreparedDataset.open(new Configuration(), out.toString())
                        .test()
                        .orElseThrow()
                        .count());
    }
}
