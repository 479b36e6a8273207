package dev.lockstep.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.SharedSpark;
import dev.lockstep.TestData;
import dev.lockstep.data.LabeledImages;
import dev.lockstep.model.Classifier;
import dev.lockstep.model.InputScaling;
import dev.lockstep.model.MlpModel;
import dev.lockstep.train.TrainConfig;
import dev.lockstep.train.Trainer;
import dev.lockstep.train.TrainingResult;
import dev.lockstep.train.rows.InMemoryRows;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The imagined inputs of a decently trained model are, to that model, the digits they were made for. */
class ImagineTest {
    @Test
    void everyImaginedDigitIsClassifiedAsThatDigit() {
        LabeledImages sample = TestData.sample();
        TrainConfig config = TrainConfig.builder()
                .layers(new int[] {784, 64, 10})
                .epochs(3)
                .batchSize(128)
                .partitions(2)
                .build();
        TrainingResult r = new Trainer(SharedSpark.context(), config, List.of())
                .fit(new InMemoryRows(sample.slice(0, 8000)), new InMemoryRows(sample.slice(8000, 10000)), "test");
        assertTrue(
                r.finalEvaluation().accuracy() > 0.85,
                "a decent model: " + r.finalEvaluation().accuracy());
        MlpModel model = new MlpModel(r.architecture(), r.parameters(), InputScaling.UNIT);
        Classifier classifier = new Classifier(model);
        for (int digit = 0; digit < 10; digit++) {
            float[] raw = Imagine.input(model, null, digit, Imagine.DEFAULT_SEED);
            assertEquals(784, raw.length);
            float ink = 0;
            for (float v : raw) {
                assertTrue(v >= 0 && v <= 255, "clamped to the valid range: " + v);
                ink += v;
            }
            assertTrue(ink > 0, "not blank");
            float[] p = classifier.probabilities(raw);
            assertEquals(digit, classifier.predict(raw), "digit " + digit + ": " + Arrays.toString(p));
            assertTrue(p[digit] > 0.9, "digit " + digit + " with probability " + p[digit]);
        }
    }
}
