package dev.lockstep.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.FloatBits;
import dev.lockstep.FloatRows;
import dev.lockstep.SharedSpark;
import dev.lockstep.UsageException;
import dev.lockstep.model.InputScaling;
import dev.lockstep.model.MlpModel;
import dev.lockstep.train.rows.CachedRows;
import dev.lockstep.train.rows.FeatureMoments;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Rows of float features that are not pictures, on local[2]: standardization, class counts, no evaluation rows. */
class FloatRowsTrainingTest {
    private static final int FEATURES = 12;
    private static FloatRows train;
    private static FloatRows eval;

    @BeforeAll
    static void data() {
        FloatRows all = FloatRows.clusters(11, 2400, FEATURES, 3);
        train = all.slice(0, 2000);
        eval = all.slice(2000, 2400);
    }

    private static TrainConfig.Builder config() {
        return TrainConfig.builder()
                .layers(new int[] {FEATURES, 16, 3})
                .epochs(3)
                .batchSize(50)
                .partitions(3)
                .seed(3);
    }

    private static TrainingResult fit(TrainConfig config) {
        return new Trainer(SharedSpark.context(), config, List.of()).fit(train, eval, "test");
    }

    @Test
    void featuresInTheThousandsLearnWithStandardization() {
        TrainingResult r = fit(config().build());
        double accuracy = r.finalEvaluation().accuracy();
        assertTrue(accuracy > 0.9, "3 classes, chance is 1/3: " + accuracy);
        InputScaling s = r.scaling();
        assertFalse(s.isUniform());
        assertEquals(FEATURES, s.features());
        MlpModel model = r.model();
        assertFalse(model.byteInput());
        assertFalse(model.isImage());
        assertEquals(FEATURES, model.width());
        // The fitted scaling centres the training rows: their mean input is near 0 and its spread near 1.
        for (int f = 0; f < FEATURES; f++) {
            double sum = 0, squares = 0;
            for (int i = 0; i < train.count(); i++) {
                double x = s.apply(f, train.value(i, f));
                sum += x;
                squares += x * x;
            }
            double mean = sum / train.count();
            assertEquals(0, mean, 1e-3, "feature " + f);
            assertEquals(1, squares / train.count() - mean * mean, 1e-3, "feature " + f);
        }
    }

    @Test
    void standardizationDependsOnlyOnRowsAndPartitions() {
        TrainingResult one = fit(config().partitionsPerTask(1).build());
        TrainingResult grouped = fit(config().partitionsPerTask(3).build());
        assertEquals(one.scaling(), grouped.scaling());
        assertArrayEquals(FloatBits.of(one.parameters()), FloatBits.of(grouped.parameters()));
    }

    @Test
    void withoutStandardizationTheValuesEnterAsTheyAreAndLearnLittle() {
        TrainingResult r = fit(config().standardization(false).build());
        assertSame(InputScaling.IDENTITY, r.scaling());
        double accuracy = r.finalEvaluation().accuracy();
        assertTrue(accuracy < 0.6, "values in the thousands varying by tens are hard to learn raw: " + accuracy);
    }

    @Test
    void momentsMergedOverPartitionsMatchOnePass() {
        try (CachedRows three = CachedRows.cache(SharedSpark.context(), train, 3, 2, "moments-3");
                CachedRows one = CachedRows.cache(SharedSpark.context(), train, 1, "moments-1")) {
            FeatureMoments a = FeatureMoments.of(SharedSpark.context(), three, FEATURES);
            FeatureMoments b = FeatureMoments.of(SharedSpark.context(), one, FEATURES);
            assertEquals(2000, a.count());
            for (int f = 0; f < FEATURES; f++) {
                assertEquals(b.mean()[f], a.mean()[f], 1e-9 * Math.abs(b.mean()[f]));
                assertEquals(b.std()[f], a.std()[f], 1e-9 * b.std()[f]);
            }
        }
    }

    @Test
    void checkpointsOfFloatRowsRefuseAnotherStandardization() {
        TrainConfig on = config().build().forTrainingRows(2000, false);
        TrainConfig off = config().standardization(false).build().forTrainingRows(2000, false);
        assertFalse(RunPlan.fingerprint(on, 3, train, eval).equals(RunPlan.fingerprint(off, 3, train, eval)));
        assertTrue(RunPlan.fingerprint(on, 3, train, null).contains("\"eval_data\":\"none\""));
        assertTrue(on.toMap().containsKey("standardization"), "metrics.json's config records it");
    }

    @Test
    void aRunWithoutEvaluationRowsTrainsTheSameModel() {
        TrainConfig c = config().epochs(2).build();
        RunPlan plan = RunPlan.of(c, train, null, null);
        TrainingResult r = new Trainer(SharedSpark.context(), List.of())
                .fit(plan.placedOn(SharedSpark.context()), Optional.empty());
        assertNull(r.finalEvaluation());
        assertEquals(2, r.history().size());
        assertNull(r.history().get(1).eval());
        assertTrue(Double.isNaN((Double) r.history().get(1).toMap().get("test_accuracy")));
        assertArrayEquals(FloatBits.of(fit(c).parameters()), FloatBits.of(r.parameters()), "evaluation reads only");
    }

    @Test
    void manyClassesTrain() {
        FloatRows many = FloatRows.clusters(5, 1300, FEATURES, 300);
        TrainConfig c = TrainConfig.builder()
                .layers(new int[] {FEATURES, 8, 300})
                .epochs(1)
                .batchSize(100)
                .partitions(2)
                .build();
        TrainingResult r = new Trainer(SharedSpark.context(), c, List.of())
                .fit(many.slice(0, 1000), many.slice(1000, 1300), "test");
        assertEquals(300, r.finalEvaluation().classes());
        assertEquals(300, r.finalEvaluation().rows());
    }

    @Test
    void augmentationIsForImagesOnly() {
        assertEquals(
                0, RunPlan.of(config().build(), train, eval, "test").config().augmentShift(), "auto: none");
        UsageException e = assertThrows(
                UsageException.class, () -> RunPlan.of(config().augmentShift(1).build(), train, eval, "test"));
        assertEquals(
                "--augment-shift 1 shifts images, but the training rows are not images (generated float rows); "
                        + "give 0 or auto",
                e.getMessage());
        assertEquals(
                "the training data has label 2 but --layers ends with 2 classes",
                assertThrows(
                                UsageException.class,
                                () -> RunPlan.of(
                                        config().layers(new int[] {FEATURES, 4, 2})
                                                .build(),
                                        train,
                                        eval,
                                        "test"))
                        .getMessage());
    }
}
