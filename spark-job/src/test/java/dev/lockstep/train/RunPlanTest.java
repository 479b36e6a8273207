package dev.lockstep.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.SharedSpark;
import dev.lockstep.TestData;
import dev.lockstep.UsageException;
import dev.lockstep.data.LabeledImages;
import dev.lockstep.optim.OptimizerSpec;
import dev.lockstep.optim.ScheduleSpec;
import dev.lockstep.train.exchange.Exchange;
import dev.lockstep.train.rows.InMemoryRows;
import dev.lockstep.train.step.TaskLifetime;
import dev.lockstep.train.sum.WirePrecision;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class RunPlanTest {
    private static final LabeledImages SAMPLE = TestData.sample();
    private static final InMemoryRows TRAIN = new InMemoryRows(SAMPLE.slice(0, 1000));
    private static final InMemoryRows EVAL = new InMemoryRows(SAMPLE.slice(9000, 9200));

    private static RunPlan.Placed placed(TrainConfig config) {
        return RunPlan.of(config, TRAIN, EVAL, "test").placedOn(SharedSpark.context());
    }

    /** The fingerprints checkpoints were written with before the plan existed: they must still resume. */
    @Test
    void fingerprintsAreTheOnesEarlierCheckpointsHold() {
        assertEquals(
                "{\"layers\":\"784,256,128,10\",\"activation\":\"relu\",\"epochs\":10,\"batch\":128,"
                        + "\"optimizer\":\"adam (beta1 0.9, beta2 0.999, epsilon 1.0E-8)\",\"lr\":0.003,"
                        + "\"schedule\":\"cosine decay to 0, warm-up over 5% of the "
                        + "steps\",\"weight_decay\":1.0E-4,\"seed\":1,"
                        + "\"partitions\":2,\"augment_shift\":1,\"validation_fraction\":0.1,\"transfer\":\"float32\","
                        + "\"train_data\":\"crc32c:e2b59112/1000\",\"eval_data\":\"crc32c:a98ac0ce/200\"}",
                placed(TrainConfig.builder().build()).fingerprint(), "every setting auto, partitions from local[2]");
        TrainConfig everyOther = TrainConfig.builder()
                .layers(new int[] {784, 32, 10})
                .epochs(3)
                .batchSize(64)
                .learningRate(0.01)
                .optimizer(OptimizerSpec.parse("momentum:momentum=0.9"))
                .schedule(ScheduleSpec.parse("constant"))
                .weightDecay(0)
                .seed(7)
                .partitions(4)
                .partitionsPerTask(2)
                .taskLifetime(TaskLifetime.EPOCH)
                .augmentShift(2)
                .transfer(WirePrecision.BF16)
                .build();
        assertEquals(
                "{\"layers\":\"784,32,10\",\"activation\":\"relu\",\"epochs\":3,\"batch\":64,"
                        + "\"optimizer\":\"momentum 0.9\","
                        + "\"lr\":0.01,\"schedule\":\"constant learning rate, no "
                        + "warm-up\",\"weight_decay\":0.0,\"seed\":7,\"partitions\":4,"
                        + "\"augment_shift\":2,\"validation_fraction\":0.1,\"transfer\":\"bf16\","
                        + "\"train_data\":\"crc32c:e2b59112/1000\","
                        + "\"eval_data\":\"crc32c:a98ac0ce/200\"}",
                placed(everyOther).fingerprint());
        TrainConfig placedElsewhere = TrainConfig.builder()
                .batchSize(128)
                .partitions(8)
                .partitionsPerTask(3)
                .taskLifetime(TaskLifetime.STEP)
                .augmentShift(0)
                .build();
        assertEquals(
                "{\"layers\":\"784,256,128,10\",\"activation\":\"relu\",\"epochs\":10,\"batch\":128,"
                        + "\"optimizer\":\"adam (beta1 0.9, beta2 0.999, epsilon 1.0E-8)\",\"lr\":0.003,"
                        + "\"schedule\":\"cosine decay to 0, warm-up over 5% of the "
                        + "steps\",\"weight_decay\":1.0E-4,\"seed\":1,"
                        + "\"partitions\":8,\"augment_shift\":0,\"validation_fraction\":0.1,\"transfer\":\"float32\","
                        + "\"train_data\":\"crc32c:e2b59112/1000\",\"eval_data\":\"crc32c:a98ac0ce/200\"}",
                placed(placedElsewhere).fingerprint());
    }

    @Test
    void whereTheRunWorksLeavesTheFingerprintAlone() {
        TrainConfig.Builder b = TrainConfig.builder().partitions(4);
        String fingerprint = placed(b.build()).fingerprint();
        assertEquals(
                fingerprint,
                placed(b.partitionsPerTask(1).taskLifetime(TaskLifetime.STEP).build())
                        .fingerprint());
        assertEquals(
                fingerprint,
                placed(b.partitionsPerTask(4).taskLifetime(TaskLifetime.EPOCH).build())
                        .fingerprint());
    }

    @Test
    void everyAutoIsSettledInThePlan() {
        RunPlan plan = RunPlan.of(TrainConfig.builder().epochs(2).build(), TRAIN, EVAL, "test");
        TrainConfig c = plan.config();
        assertTrue(c.isResolved());
        assertEquals(128, c.batchSize());
        assertEquals(1, c.augmentShift());
        assertEquals(0.003, c.learningRate(), 1e-12);
        assertEquals("auto for 1,000 training rows (default)", c.sources().get("batch"));
        assertEquals(7, plan.batches().stepsPerEpoch());
        assertEquals(14, plan.totalSteps());
        RunPlan.Placed placed = plan.placedOn(SharedSpark.context());
        assertEquals(SharedSpark.context().defaultParallelism(), placed.partitions());
        assertTrue(placed.partitionsPerTask() >= 1 && placed.partitionsPerTask() <= placed.partitions());
        assertEquals(
                3,
                RunPlan.of(
                                TrainConfig.builder()
                                        .partitions(3)
                                        .partitionsPerTask(5)
                                        .build(),
                                TRAIN,
                                EVAL,
                                "test")
                        .placedOn(SharedSpark.context())
                        .partitionsPerTask(),
                "no more per task than there are partitions");
    }

    @Test
    void autoIsNullToTheBuilderAndUnsetInTheConfig() {
        TrainConfig auto = TrainConfig.builder()
                .batchSize(null)
                .learningRate(null)
                .augmentShift(null)
                .partitions(null)
                .partitionsPerTask(null)
                .taskLifetime(null)
                .build();
        assertThrows(IllegalStateException.class, auto::batchSize, "chosen for the data, read only after");
        assertThrows(IllegalStateException.class, auto::learningRate);
        assertThrows(IllegalStateException.class, auto::augmentShift);
        assertEquals(OptionalInt.empty(), auto.partitions());
        assertEquals(OptionalInt.empty(), auto.partitionsPerTask());
        assertEquals(Optional.empty(), auto.taskLifetime());
        Map<String, Object> m = auto.toMap();
        for (String key : List.of("batch", "lr", "augment_shift", "partitions_per_task", "task_lifetime", "exchange")) {
            assertEquals("auto", m.get(key), key);
        }
        assertEquals(0, m.get("partitions"), "as metrics.json has always said");
        assertThrows(
                IllegalArgumentException.class,
                () -> TrainConfig.builder().partitions(0).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> TrainConfig.builder().partitionsPerTask(0).build());
    }

    /**
     * metrics.json's config keeps its keys and order: what the run learns, with where it works after the partitions.
     */
    @Test
    void metricsConfigKeepsItsKeys() {
        assertEquals(
                List.of(
                        "layers",
                        "activation",
                        "epochs",
                        "batch",
                        "optimizer",
                        "lr",
                        "schedule",
                        "weight_decay",
                        "seed",
                        "partitions",
                        "partitions_per_task",
                        "task_lifetime",
                        "exchange",
                        "augment_shift",
                        "validation_fraction",
                        "transfer",
                        "standardization",
                        "early_stop",
                        "keep"),
                List.copyOf(TrainConfig.builder().build().toMap().keySet()));
        assertEquals("auto", TrainConfig.builder().build().toMap().get("task_lifetime"));
        assertEquals(
                "sharded",
                TrainConfig.builder().exchange(Exchange.SHARDED).build().toMap().get("exchange"));
        assertEquals(
                3, TrainConfig.builder().partitionsPerTask(3).build().toMap().get("partitions_per_task"));
    }

    /** Settings that cannot work with the data are the user's error, found without Spark. */
    @Test
    void settingsThatDoNotFitTheDataAreRefusedBeforeSpark() {
        assertEquals(
                "--batch 2000 is larger than the 1,000 training rows",
                assertThrows(
                                UsageException.class,
                                () -> RunPlan.of(
                                        TrainConfig.builder().batchSize(2000).build(), TRAIN, EVAL, "test"))
                        .getMessage());
        assertEquals(
                "the training data has 784 features per row (28x28) but --layers starts with 100",
                assertThrows(
                                UsageException.class,
                                () -> RunPlan.of(
                                        TrainConfig.builder()
                                                .layers(new int[] {100, 10})
                                                .build(),
                                        TRAIN,
                                        EVAL,
                                        "test"))
                        .getMessage());
        String label = assertThrows(
                        UsageException.class,
                        () -> RunPlan.of(
                                TrainConfig.builder().layers(new int[] {784, 5}).build(),
                                new InMemoryRows(SAMPLE.slice(0, 0)),
                                EVAL,
                                "test"))
                .getMessage();
        assertTrue(
                label.startsWith("the test data has label ") && label.endsWith(" but --layers ends with 5 classes"),
                label);
        String schedule = assertThrows(
                        UsageException.class,
                        () -> RunPlan.of(
                                TrainConfig.builder()
                                        .epochs(1)
                                        .schedule(ScheduleSpec.parse("cosine:warmup=100"))
                                        .build(),
                                TRAIN,
                                EVAL,
                                "test"))
                .getMessage();
        assertTrue(schedule.startsWith("--schedule "), schedule);
    }
}
