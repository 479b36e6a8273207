package dev.lockstep.train.step;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lockstep.FloatBits;
import dev.lockstep.SharedSpark;
import dev.lockstep.TestData;
import dev.lockstep.data.RowBlock;
import dev.lockstep.data.RowBlocks;
import dev.lockstep.model.InputScaling;
import dev.lockstep.nn.Activation;
import dev.lockstep.nn.Architecture;
import dev.lockstep.nn.Initializer;
import dev.lockstep.train.rows.CachedRows;
import dev.lockstep.train.rows.InMemoryRows;
import dev.lockstep.train.rows.PartitionLayout;
import dev.lockstep.train.sum.WirePrecision;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tasks that each compute several partitions on several threads: the same gradient, loss and evaluation, bit for
 * bit, as one task per partition, however the partitions are grouped, and whether the bytes travel or stay.
 */
class PartitionsPerTaskTest {
    private static final int PARTITIONS = 5;

    @Test
    void anyGroupingGivesTheBitsOfOneTaskPerPartition() {
        Architecture arch = Architecture.parse("784,16,10", Activation.RELU);
        float[] params = Initializer.initialize(arch, 5);
        int[] batch = {0, 3, 399, 400, 401, 799, 1000, 1203, 1601, 1602, 1999};
        InputTransform input = InputTransform.plain(784, InputScaling.UNIT);
        for (WirePrecision wire : WirePrecision.values()) {
            SyncStep.Result reference = null;
            Evaluation referenceEval = null;
            for (int perTask = 1; perTask <= PARTITIONS; perTask++) {
                try (CachedRows rows = CachedRows.cache(
                        SharedSpark.context(),
                        new InMemoryRows(TestData.sample().slice(0, 2000)),
                        PARTITIONS,
                        perTask,
                        "per-task-test")) {
                    assertEquals(
                            (PARTITIONS + perTask - 1) / perTask, rows.rdd().getNumPartitions(), "tasks");
                    for (SyncStep.Layout layout : SyncStep.Layout.values()) {
                        SyncStep step = new SyncStep(
                                SharedSpark.context(),
                                arch,
                                wire,
                                ShippedParameters.MAX_IN_TASK_BYTES,
                                layout,
                                java.util.Optional.empty());
                        SyncStep.Result r = step.gradient(rows, params, batch, 0, input, "per task " + perTask);
                        Evaluation e = step.evaluate(rows, params, input, "per task " + perTask);
                        String what = wire + ", " + perTask + " per task, " + layout;
                        if (reference == null) {
                            reference = r;
                            referenceEval = e;
                            continue;
                        }
                        assertArrayEquals(FloatBits.of(reference.gradientSum()), FloatBits.of(r.gradientSum()), what);
                        assertEquals(reference.lossSum(), r.lossSum(), 0, what);
                        assertEquals(batch.length, r.rows(), what);
                        assertEquals(reference.correct(), r.correct(), what);
                        assertEquals(referenceEval.loss(), e.loss(), 0, what);
                        assertEquals(2000, e.rows(), what);
                        assertEquals(referenceEval.confusionMatrix(), e.confusionMatrix(), what);
                    }
                }
            }
        }
    }

    @Test
    void emptyPartitionsInATaskChangeNothingEither() {
        Architecture arch = Architecture.parse("784,8,10", Activation.RELU);
        float[] params = Initializer.initialize(arch, 9);
        int[] batch = {0, 1, 2};
        InputTransform input = InputTransform.plain(784, InputScaling.UNIT);
        float[] reference = null;
        for (int perTask : new int[] {1, 2, 5}) {
            // 3 rows over 5 partitions: partitions 0 and 2 hold none.
            try (CachedRows rows = CachedRows.cache(
                    SharedSpark.context(),
                    new InMemoryRows(TestData.sample().slice(0, 3)),
                    PARTITIONS,
                    perTask,
                    "empty-partitions")) {
                SyncStep.Result r = new SyncStep(SharedSpark.context(), arch, WirePrecision.FLOAT32)
                        .gradient(rows, params, batch, 0, input, "empty");
                assertEquals(3, r.rows());
                if (reference == null) reference = r.gradientSum();
                assertArrayEquals(FloatBits.of(reference), FloatBits.of(r.gradientSum()), perTask + " per task");
                assertEquals(
                        3,
                        new SyncStep(SharedSpark.context(), arch, WirePrecision.FLOAT32)
                                .evaluate(rows, params, input, "empty")
                                .rows());
            }
        }
    }

    @Test
    void aTaskSplitsItsBlocksByPartitionAndRefusesOthers() {
        long rows = 1000;
        PartitionLayout layout = new PartitionLayout(rows, 4, 3);
        assertEquals(2, layout.tasks());
        assertEquals(3, layout.first(1));
        assertEquals(4, layout.end(1));
        long[] bounds = RowBlocks.partitionBounds(rows, 4);
        List<RowBlock> task0 = List.of(
                block(bounds[0], 100),
                block(bounds[0] + 100, bounds[1] - bounds[0] - 100),
                block(bounds[2], bounds[3] - bounds[2]));
        List<List<RowBlock>> split = layout.split(0, task0.iterator());
        assertEquals(3, split.size());
        assertEquals(2, split.get(0).size());
        assertEquals(0, split.get(1).size(), "partition 1 sent no block");
        assertEquals(bounds[2], split.get(2).get(0).firstRow());
        assertThrows(
                IllegalStateException.class,
                () -> layout.split(1, List.of(block(bounds[2], 10)).iterator()));
        assertThrows(
                IllegalStateException.class,
                () -> layout.split(0, List.of(block(bounds[1] - 5, 10)).iterator()),
                "straddles two partitions");
        assertThrows(IllegalArgumentException.class, () -> new PartitionLayout(rows, 4, 5));
        assertThrows(IllegalArgumentException.class, () -> layout.first(2));
    }

    @Test
    void aFailureOnAPoolThreadFailsTheTask() {
        RuntimeException e = assertThrows(
                IllegalStateException.class,
                () -> PartitionThreads.map(3, i -> {
                    if (i == 2) throw new IllegalStateException("partition " + i + " broke");
                    return i;
                }));
        assertEquals("partition 2 broke", e.getMessage());
        assertEquals(List.of(0, 1, 2), PartitionThreads.map(3, i -> i));
    }

    private static RowBlock block(long first, long count) {
        int n = (int) count;
        return new RowBlock(first, n, 1, new byte[n], new byte[n]);
    }
}
