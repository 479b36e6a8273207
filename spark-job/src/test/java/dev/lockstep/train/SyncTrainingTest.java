package dev.lockstep.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.SharedSpark;
import dev.lockstep.TestData;
import dev.lockstep.data.LabeledImages;
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
        return TrainConfig.builder().layers(new int[] {784, 64, 32, 10}).epochs(1).batchSize(100).seed(17);
    }

    private static TrainingResult fit(TrainConfig config) {
        return new Trainer(SharedSpark.context(), config, List.of()).fit(train, eval, "test");
    }

    @Test
    void sameSeedGivesTheSameModelBitForBit() {
        TrainConfig config = oneEpoch().partitions(3).build();
        TrainingResult a = fit(config);
        TrainingResult b = fit(config);
        assertArrayEquals(bits(a.parameters()), bits(b.parameters()));
        assertEquals(30, a.steps());
        assertFalse(Arrays.equals(a.parameters(), fit(oneEpoch().partitions(3).seed(18).build()).parameters()));
    }

    @Test
    void partitionCountChangesOnlyFloatRounding() {
        float[] one = fit(oneEpoch().partitions(1).build()).parameters();
        for (int p : new int[] {2, 4}) {
            float[] other = fit(oneEpoch().partitions(p).build()).parameters();
            double worst = 0;
            for (int i = 0; i < one.length; i++) {
                double scale = Math.max(Math.max(Math.abs(one[i]), Math.abs(other[i])), 1e-3);
                worst = Math.max(worst, Math.abs(one[i] - other[i]) / scale);
            }
            assertTrue(worst < 1e-4, p + " partitions: largest relative parameter difference " + worst);
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

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) b[i] = Float.floatToRawIntBits(v[i]);
        return b;
    }
}
