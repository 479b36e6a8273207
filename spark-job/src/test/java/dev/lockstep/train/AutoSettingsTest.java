package dev.lockstep.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.optim.OptimizerSpec;
import org.junit.jupiter.api.Test;

/** Batch size, learning rate and augmentation chosen from the training set's size unless given. */
class AutoSettingsTest {
    @Test
    void batchIsTheLargestPowerOfTwoFrom128To1024WithFiftyStepsPerEpoch() {
        assertEquals(128, resolved(1_000).batchSize());
        assertEquals(128, resolved(9_000).batchSize()); // the bundled sample's training part
        assertEquals(128, resolved(12_799).batchSize());
        assertEquals(256, resolved(12_800).batchSize());
        assertEquals(512, resolved(51_199).batchSize());
        assertEquals(1024, resolved(54_000).batchSize()); // Fashion-MNIST less a 10% validation split
        assertEquals(1024, resolved(60_000).batchSize());
        assertEquals(1024, resolved(10_000_000).batchSize());
    }

    @Test
    void learningRateGrowsWithTheSquareRootOfTheBatchAbove128() {
        assertEquals(0.003, resolved(9_000).learningRate(), 1e-12);
        assertEquals(0.003 * Math.sqrt(8), resolved(60_000).learningRate(), 1e-12);
        assertEquals(
                0.003,
                TrainConfig.builder()
                        .batchSize(32)
                        .build()
                        .forTrainingRows(60_000)
                        .learningRate(),
                1e-12);
        assertEquals(
                0.1 * 2,
                TrainConfig.builder()
                        .batchSize(512)
                        .optimizer(OptimizerSpec.parse("sgd"))
                        .build()
                        .forTrainingRows(60_000)
                        .learningRate(),
                1e-12);
        assertEquals(
                0.01,
                TrainConfig.builder()
                        .learningRate(0.01)
                        .build()
                        .forTrainingRows(60_000)
                        .learningRate(),
                0);
    }

    @Test
    void augmentationShiftsBelowThirtyThousandRowsOnly() {
        assertEquals(1, resolved(29_999).augmentShift());
        assertEquals(0, resolved(30_000).augmentShift());
        assertEquals(
                2,
                TrainConfig.builder()
                        .augmentShift(2)
                        .build()
                        .forTrainingRows(60_000)
                        .augmentShift());
    }

    @Test
    void givenValuesStayAndChosenOnesSayWhereTheyCameFrom() {
        TrainConfig given = TrainConfig.builder()
                .batchSize(200)
                .learningRate(0.002)
                .augmentShift(0)
                .build();
        assertTrue(given.isResolved());
        assertSame(given, given.forTrainingRows(60_000));

        TrainConfig auto =
                TrainConfig.builder().source("batch", "conf/lockstep.conf").build();
        assertFalse(auto.isResolved());
        assertEquals("auto", auto.toMap().get("batch"));
        TrainConfig r = auto.forTrainingRows(60_000);
        assertTrue(r.isResolved());
        assertEquals(
                "auto for 60,000 training rows (conf/lockstep.conf)",
                r.sources().get("batch"));
        assertEquals("auto for batch 1024 (default)", r.sources().get("lr"));
        assertEquals(1024, r.toMap().get("batch"));
    }

    private static TrainConfig resolved(long rows) {
        return TrainConfig.builder().build().forTrainingRows(rows);
    }
}
