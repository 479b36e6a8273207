package dev.lockstep.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.FloatBits;
import dev.lockstep.SharedSpark;
import dev.lockstep.TestData;
import dev.lockstep.data.LabeledImages;
import dev.lockstep.train.rows.InMemoryRows;
import dev.lockstep.train.step.Evaluation;
import dev.lockstep.train.step.TaskLifetime;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The distributed step on local[2]: reproducibility, and independence from the partition count. */
class SyncTrainingTest {
    private static LabeledImages train;
    private static LabeledImages eval;

    @BeforeAll
    static void data() {
        LabeledImages sample = TestData.sample();
        train = sample.slice(0, 3000);
        eval = sample.slice(9000, 10000);
    }

    private static TrainConfig.Builder oneEpoch() {
        return TrainConfig.builder()
                .layers(new int[] {784, 64, 32, 10})
                .epochs(1)
                .batchSize(100)
                .seed(17);
    }

    private static TrainingResult fit(TrainConfig config) {
        return new Trainer(SharedSpark.context(), config, List.of())
                .fit(new InMemoryRows(train), new InMemoryRows(eval), "test");
    }

    @Test
    void sameSeedGivesTheSameModelBitForBit() {
        TrainConfig config = oneEpoch().partitions(3).build();
        TrainingResult a = fit(config);
        TrainingResult b = fit(config);
        assertArrayEquals(FloatBits.of(a.parameters()), FloatBits.of(b.parameters()));
        assertEquals(30, a.steps());
        assertFalse(Arrays.equals(
                a.parameters(), fit(oneEpoch().partitions(3).seed(18).build()).parameters()));
    }

    @Test
    void partitionsPerTaskChangeWhereTheWorkRunsNotTheModel() {
        TrainingResult one = fit(oneEpoch().partitions(4).partitionsPerTask(1).build());
        for (int perTask : new int[] {2, 3, 4}) {
            TrainingResult grouped =
                    fit(oneEpoch().partitions(4).partitionsPerTask(perTask).build());
            assertArrayEquals(
                    FloatBits.of(one.parameters()),
                    FloatBits.of(grouped.parameters()),
                    perTask + " partitions per task");
            assertEquals(
                    one.history().get(0).trainLoss(), grouped.history().get(0).trainLoss(), 0);
            assertEquals(one.finalEvaluation().loss(), grouped.finalEvaluation().loss(), 0);
            assertEquals(
                    one.finalEvaluation().confusionMatrix(),
                    grouped.finalEvaluation().confusionMatrix());
        }
    }

    @Test
    void autoGroupingGivesTheModelOfOnePartitionPerTask() {
        // local[2], 5 partitions: auto makes 2 resident tasks of 3 and 2 partitions; one a task is 5, a job per step
        TrainingResult auto = fit(oneEpoch().partitions(5).build());
        TrainingResult one = fit(oneEpoch().partitions(5).partitionsPerTask(1).build());
        assertEquals(3, auto.partitionsPerTask());
        assertEquals(TaskLifetime.EPOCH, auto.taskLifetime());
        assertEquals(TaskLifetime.STEP, one.taskLifetime());
        assertArrayEquals(FloatBits.of(one.parameters()), FloatBits.of(auto.parameters()));
        assertEquals(
                one.finalEvaluation().confusionMatrix(), auto.finalEvaluation().confusionMatrix());
    }

    /**
     * Differences are measured against the scale of the parameter vector (its largest magnitude), and as a
     * relative L2 distance. Element-wise ratios are meaningless for weights that are themselves near zero:
     * Adam divides each step by the gradient's running RMS, so an input pixel that is almost never lit moves
     * by the summation-order noise of its almost-zero gradient.
     */
    @Test
    void partitionCountChangesOnlyFloatRounding() {
        float[] one = fit(oneEpoch().partitions(1).build()).parameters();
        for (int p : new int[] {2, 4}) {
            float[] other = fit(oneEpoch().partitions(p).build()).parameters();
            double largest = 0, largestDiff = 0, sumSq = 0, diffSq = 0;
            for (int i = 0; i < one.length; i++) {
                double d = (double) one[i] - other[i];
                largest = Math.max(largest, Math.abs(one[i]));
                largestDiff = Math.max(largestDiff, Math.abs(d));
                sumSq += (double) one[i] * one[i];
                diffSq += d * d;
            }
            assertTrue(largestDiff > 0, p + " partitions sum in a different order, so some bits should differ");
            assertTrue(
                    largestDiff / largest < 1e-4,
                    p + " partitions: largest difference " + largestDiff + " against scale " + largest);
            assertTrue(
                    Math.sqrt(diffSq / sumSq) < 1e-5,
                    p + " partitions: relative L2 distance " + Math.sqrt(diffSq / sumSq));
        }
    }

    @Test
    void trainingLearnsAndEvaluationCountsEveryRow() {
        TrainingResult r = fit(oneEpoch().epochs(2).partitions(2).build());
        Evaluation e = r.finalEvaluation();
        assertEquals(1000, e.rows());
        long labelled = 0;
        for (int y = 0; y < 10; y++) for (int p = 0; p < 10; p++) labelled += e.count(y, p);
        assertEquals(1000, labelled);
        assertTrue(e.accuracy() > 0.85, "accuracy after 2 epochs on 3,000 digits: " + e.accuracy());
        assertEquals(2, r.history().size());
        assertTrue(r.history().get(1).trainLoss() < r.history().get(0).trainLoss());
    }
}
