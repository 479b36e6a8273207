package dev.lockstep.train.step;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.FloatBits;
import dev.lockstep.LockstepException;
import dev.lockstep.SharedSpark;
import dev.lockstep.TestData;
import dev.lockstep.data.LabeledImages;
import dev.lockstep.model.InputScaling;
import dev.lockstep.nn.Activation;
import dev.lockstep.nn.Architecture;
import dev.lockstep.nn.Initializer;
import dev.lockstep.train.TrainConfig;
import dev.lockstep.train.Trainer;
import dev.lockstep.train.TrainingListener;
import dev.lockstep.train.TrainingResult;
import dev.lockstep.train.exchange.Exchange;
import dev.lockstep.train.exchange.LocalStepChannel;
import dev.lockstep.train.exchange.StepMessages;
import dev.lockstep.train.rows.CachedRows;
import dev.lockstep.train.rows.InMemoryRows;
import dev.lockstep.train.sum.WirePrecision;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.spark.TaskKilled;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Tasks that stay for an epoch and take each step from the driver: the model of a job per step, bit for bit, also
 * when a task is killed and relaunched mid-epoch; a failing task ends the epoch with its cause and leaves nothing
 * running.
 */
class ResidentEpochTest {
    private static final LabeledImages TRAIN = TestData.sample().slice(0, 1000);
    private static final LabeledImages TEST = TestData.sample().slice(9000, 9300);

    private static TrainConfig.Builder config() {
        return TrainConfig.builder()
                .layers(new int[] {784, 24, 10})
                .epochs(2)
                .batchSize(100)
                .seed(3)
                .partitions(2);
    }

    private static TrainingResult fit(TrainConfig config, List<TrainingListener> listeners) {
        return new Trainer(SharedSpark.context(), config, listeners)
                .fit(new InMemoryRows(TRAIN), new InMemoryRows(TEST), "test");
    }

    @Test
    void residentTasksTrainTheModelOfAJobPerStep() {
        for (TrainConfig.Builder b : List.of(
                config(),
                config().transfer(WirePrecision.BF16),
                config().partitionsPerTask(1),
                config().partitionsPerTask(1).exchange(Exchange.SHARDED),
                config().partitionsPerTask(1).exchange(Exchange.SHARDED).transfer(WirePrecision.BF16),
                config().augmentShift(1))) {
            TrainingResult perStep = fit(b.taskLifetime(TaskLifetime.STEP).build(), List.of());
            List<String> warnings = new CopyOnWriteArrayList<>();
            TrainingResult resident = fit(b.taskLifetime(TaskLifetime.EPOCH).build(), List.of(new TrainingListener() {
                @Override
                public void onWarning(String warning) {
                    warnings.add(warning);
                }
            }));
            String what = b.build().toMap().toString();
            assertEquals(
                    List.of(),
                    warnings,
                    "the resident tasks took every step, none fell back to a job per step: " + what);
            assertEquals(TaskLifetime.STEP, perStep.taskLifetime());
            assertEquals(TaskLifetime.EPOCH, resident.taskLifetime());
            assertArrayEquals(FloatBits.of(perStep.parameters()), FloatBits.of(resident.parameters()), what);
            for (int e = 0; e < 2; e++) {
                assertEquals(
                        perStep.history().get(e).trainLoss(),
                        resident.history().get(e).trainLoss(),
                        0,
                        what);
                assertEquals(
                        perStep.history().get(e).trainAccuracy(),
                        resident.history().get(e).trainAccuracy(),
                        0,
                        what);
            }
            assertEquals(
                    perStep.finalEvaluation().confusionMatrix(),
                    resident.finalEvaluation().confusionMatrix(),
                    what);
        }
        assertEquals(0, LocalStepChannel.openCount(), "every epoch's channel closed");
    }

    @Test
    void autoChoosesResidentTasksOnlyWhereAllOfThemCanRunAtOnce() {
        JavaSparkContext sc = SharedSpark.context(); // local[2]
        List<String> warnings = new ArrayList<>();
        assertEquals(TaskLifetime.EPOCH, TaskLifetime.resolve(sc, Optional.empty(), 4, 2, warnings::add));
        assertEquals(List.of(), warnings);
        assertEquals(TaskLifetime.STEP, TaskLifetime.resolve(sc, Optional.of(TaskLifetime.STEP), 3, 3, warnings::add));
        assertEquals(List.of(), warnings, "no warning when the user asked for a job per step");
        assertEquals(TaskLifetime.STEP, TaskLifetime.resolve(sc, Optional.empty(), 3, 3, warnings::add));
        assertEquals(
                List.of("3 tasks per step but local[2]'s 2 cores: every step runs as a Spark job of its own, about "
                        + "1.9x the time per step of resident tasks (13.3 against 6.9 ms on local[2], BENCHMARKS.md); "
                        + "use --partitions-per-task 2 or more cores"),
                warnings);
        warnings.clear();
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> TaskLifetime.resolve(sc, Optional.of(TaskLifetime.EPOCH), 3, 3, warnings::add));
        assertTrue(
                e.getMessage().contains("3 tasks per step cannot all run at once on local[2]'s 2 cores"),
                e.getMessage());
        assertEquals(List.of(), warnings);
        LockstepException refused = assertThrows(
                LockstepException.class,
                () -> fit(
                        config().partitions(3)
                                .partitionsPerTask(1)
                                .taskLifetime(TaskLifetime.EPOCH)
                                .build(),
                        List.of()));
        assertTrue(refused.getMessage().startsWith("--task-lifetime epoch: "), refused.getMessage());
        TrainingListener collect = new TrainingListener() {
            @Override
            public void onWarning(String message) {
                warnings.add(message);
            }
        };
        assertEquals(
                TaskLifetime.STEP,
                fit(config().partitions(3).partitionsPerTask(1).build(), List.of(collect))
                        .taskLifetime());
        assertEquals(1, warnings.size(), "one warning for the run: " + warnings);
        assertTrue(
                warnings.get(0)
                        .startsWith("3 tasks per step but local[2]'s 2 cores: every step runs as a Spark "
                                + "job of its own"),
                warnings.get(0));
        assertFalse(warnings.get(0).contains("\n"), "one line");
        warnings.clear();
        TrainingResult grouped = fit(config().partitions(5).build(), List.of(collect));
        assertEquals(TaskLifetime.EPOCH, grouped.taskLifetime(), "auto groups the 5 partitions into 2 tasks");
        assertEquals(3, grouped.partitionsPerTask());
        assertEquals(List.of(), warnings);
        fit(
                config().partitions(3)
                        .partitionsPerTask(1)
                        .taskLifetime(TaskLifetime.STEP)
                        .build(),
                List.of(collect));
        assertEquals(List.of(), warnings, "no warning when the user asked for a job per step");

        assertEquals(1, TaskLifetime.localCores("local"));
        assertEquals(4, TaskLifetime.localCores("local[4]"));
        assertEquals(3, TaskLifetime.localCores("local[3, 2]"));
        assertEquals(Runtime.getRuntime().availableProcessors(), TaskLifetime.localCores("local[*]"));
        assertEquals(Runtime.getRuntime().availableProcessors(), TaskLifetime.localCores("local[*,4]"));
        assertThrows(IllegalArgumentException.class, () -> TaskLifetime.localCores("spark://host:7077"));
        assertNull(TaskLifetime.parse("auto"));
        assertSame(TaskLifetime.EPOCH, TaskLifetime.parse("Epoch"));
        assertThrows(IllegalArgumentException.class, () -> TaskLifetime.parse("forever"));
    }

    /**
     * Spark kills the resident task in the middle of epoch 1 and launches it again (a killed task is rescheduled,
     * whatever the master's retry limit): the new attempt takes up the step the driver is waiting for.
     */
    @Test
    void aKilledTaskIsRelaunchedAndTheModelIsTheSame() throws Exception {
        TrainConfig b = config().taskLifetime(TaskLifetime.EPOCH).build();
        JavaSparkContext sc = SharedSpark.context();
        Set<Integer> residentStages = ConcurrentHashMap.newKeySet();
        List<Integer> firstStageOfEachJob = new CopyOnWriteArrayList<>();
        Map<Long, Integer> running = new ConcurrentHashMap<>(); // task id -> stage, until the task ends
        List<String> ends = new CopyOnWriteArrayList<>();
        SparkListener spy = new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart job) {
                String d = job.properties() == null ? null : job.properties().getProperty("spark.job.description");
                if (d != null && d.contains("resident tasks")) {
                    for (Object id : CollectionConverters.asJava(job.stageIds())) residentStages.add((Integer) id);
                    firstStageOfEachJob.add((Integer) job.stageIds().head());
                }
            }

            @Override
            public void onTaskStart(SparkListenerTaskStart task) {
                if (residentStages.contains(task.stageId()))
                    running.put(task.taskInfo().taskId(), task.stageId());
            }

            @Override
            public void onTaskEnd(SparkListenerTaskEnd task) {
                running.remove(task.taskInfo().taskId());
                if (residentStages.contains(task.stageId()))
                    ends.add(task.reason().getClass().getSimpleName() + " "
                            + task.taskInfo().attemptNumber());
            }
        };
        TrainingListener killer = new TrainingListener() {
            @Override
            public void onStep(StepInfo step) {
                if (step.epoch() != 1 || step.step() != 4) return;
                // A task of this run's first resident job (epochs count from 1): the listener bus is asynchronous.
                long deadline = System.nanoTime() + 10_000_000_000L;
                Long task = null;
                while (task == null && System.nanoTime() < deadline) {
                    int epoch1 = firstStageOfEachJob.isEmpty() ? -1 : firstStageOfEachJob.get(0);
                    task = running.entrySet().stream()
                            .filter(t -> t.getValue() == epoch1)
                            .map(Map.Entry::getKey)
                            .findFirst()
                            .orElse(null);
                    if (task == null) Thread.onSpinWait();
                }
                assertTrue(
                        task != null && sc.sc().killTaskAttempt(task, true, "killed by the test"),
                        "epoch 1's task was running: jobs from stages " + firstStageOfEachJob + ", running " + running);
            }
        };
        TrainingResult reference = fit(config().taskLifetime(TaskLifetime.STEP).build(), List.of());
        sc.sc().addSparkListener(spy);
        TrainingResult killed;
        try {
            killed = fit(b, List.of(killer));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (ends.size() < 3 && System.nanoTime() < deadline) Thread.sleep(20);
        } finally {
            sc.sc().removeSparkListener(spy);
        }
        assertTrue(ends.contains(TaskKilled.class.getSimpleName() + " 0"), "epoch 1's task was killed: " + ends);
        assertTrue(ends.contains("Success$ 1"), "and its second attempt finished the epoch: " + ends);
        assertArrayEquals(FloatBits.of(reference.parameters()), FloatBits.of(killed.parameters()));
        assertEquals(
                reference.history().get(0).trainLoss(), killed.history().get(0).trainLoss(), 0);
    }

    @Test
    void aFailingTaskEndsTheEpochWithItsCauseAndLeavesNothingRunning() {
        Architecture arch = Architecture.parse("784,8,10", Activation.RELU);
        float[] params = Initializer.initialize(arch, 1);
        InputTransform input = InputTransform.plain(784, InputScaling.UNIT);
        JavaSparkContext sc = SharedSpark.context();
        int[] batch = {1, 5, 600, 900};
        try (CachedRows rows = CachedRows.cache(sc, new InMemoryRows(TRAIN), 2, 2, "resident-failure")) {
            SyncStep step = new SyncStep(sc, arch, WirePrecision.FLOAT32);
            SyncStep.Result perStep = step.gradient(rows, params, batch, 0, input, "reference");
            EpochSteps epoch =
                    step.epoch(TaskLifetime.EPOCH, rows, 0, input, "lockstep test epoch (resident tasks)", w -> {});
            assertArrayEquals(
                    FloatBits.of(perStep.gradientSum()),
                    FloatBits.of(epoch.gradient(params, batch, "step 1").gradientSum()));
            assertArrayEquals(
                    FloatBits.of(perStep.gradientSum()),
                    FloatBits.of(epoch.gradient(params, batch, "step 2").gradientSum()),
                    "the same step again");
            // Parameters of another model: the task's decode refuses them, the task fails, and with it the job.
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, () -> epoch.gradient(new float[10], batch, "step 3"));
            assertTrue(
                    e.getMessage().startsWith("the Spark job of the epoch's resident tasks ended before step 3"),
                    e.getMessage());
            assertTrue(
                    causes(e).contains("expected " + arch.parameterCount() + " float32 parameters, got 40 bytes"),
                    causes(e));
            epoch.close(); // the failure was reported already: closing does not throw it again
            assertEquals(0, LocalStepChannel.openCount());
            assertNoJobRunning();
            // A job per step still works on the same cached rows.
            assertArrayEquals(
                    FloatBits.of(perStep.gradientSum()),
                    FloatBits.of(step.gradient(rows, params, batch, 0, input, "after")
                            .gradientSum()));
        }
    }

    /**
     * Over Spark's RPC, as on a cluster, answers that do not fit the model the driver expects are refused: the tasks
     * that sent them fail, and the step with one line naming the refused attempt, not Spark's task failures.
     */
    @Test
    void answersThatDoNotFitTheModelFailTheStepWithOneLine() {
        Architecture arch = Architecture.parse("784,8,10", Activation.RELU);
        float[] params = Initializer.initialize(arch, 1);
        InputTransform input = InputTransform.plain(784, InputScaling.UNIT);
        JavaSparkContext sc = SharedSpark.context();
        try (CachedRows rows = CachedRows.cache(sc, new InMemoryRows(TRAIN), 2, 1, "resident-refused")) {
            WirePrecision wire = WirePrecision.BF16;
            List<String> warnings = new CopyOnWriteArrayList<>();
            // The driver expects one parameter more than the tasks compute.
            ResidentEpoch epoch = new ResidentEpoch(
                            sc,
                            rows,
                            new TaskGradient(arch, wire, input, rows.layout()),
                            wire,
                            arch.parameterCount() + 1,
                            0,
                            SyncStep.jobGroup(0),
                            "lockstep test epoch (resident tasks)",
                            null,
                            warnings::add,
                            60_000,
                            () -> {})
                    .over(Exchange.DRIVER);
            LockstepException e = assertThrows(
                    LockstepException.class, () -> epoch.gradient(params, new int[] {1, 5, 600, 900}, "step 1"));
            long expected = StepMessages.ANSWER_HEADER
                    + StepMessages.ANSWER_PER_NODE
                    + StepMessages.ANSWER_TRAILER
                    + 2L * (arch.parameterCount() + 1);
            assertTrue(
                    e.getMessage()
                            .matches("the Spark job of the epoch's resident tasks ended before step 1 of the job was "
                                    + "answered; the driver "
                                    + "refused a step message: answer of task [01] attempt 0 \\(TID "
                                    + "\\d+\\): [0-9,]+ bytes, expected "
                                    + String.format(Locale.ROOT, "%,d", expected)),
                    e.getMessage());
            epoch.close();
            assertNoJobRunning();
        }
    }

    private static final CountDownLatch BLOCKER_STARTED = new CountDownLatch(1);
    private static final CountDownLatch RELEASE_BLOCKER = new CountDownLatch(1);

    /**
     * Another job holds one of local[2]'s two slots, so the second of two resident tasks is never scheduled: the
     * epoch notices the stall, cancels its job and goes on with a job per step, with the same bits; the run then
     * keeps to a job per step.
     */
    @Test
    void aStalledEpochGoesOnWithAJobPerStepAndTheSameBits() throws Exception {
        Architecture arch = Architecture.parse("784,8,10", Activation.RELU);
        float[] params = Initializer.initialize(arch, 2);
        InputTransform input = InputTransform.plain(784, InputScaling.UNIT);
        JavaSparkContext sc = SharedSpark.context();
        int[][] batches = {{1, 5, 600, 900}, {2, 7, 501, 999}};
        try (CachedRows rows = CachedRows.cache(sc, new InMemoryRows(TRAIN), 2, 1, "resident-stall")) {
            SyncStep step = new SyncStep(sc, arch, WirePrecision.FLOAT32);
            SyncStep.Result[] reference = {
                step.gradient(rows, params, batches[0], 0, input, "reference 1"),
                step.gradient(rows, params, batches[1], 0, input, "reference 2")
            };
            JavaFutureAction<Void> blocker = sc.parallelize(List.of(1), 1).foreachAsync(x -> {
                BLOCKER_STARTED.countDown();
                RELEASE_BLOCKER.await();
            });
            List<String> warnings = new CopyOnWriteArrayList<>();
            try {
                assertTrue(BLOCKER_STARTED.await(30, TimeUnit.SECONDS));
                EpochSteps epoch = step.epoch(
                        TaskLifetime.EPOCH, rows, 0, input, "lockstep test epoch (resident tasks)", warnings::add, 500);
                for (int i = 0; i < 2; i++) {
                    assertArrayEquals(
                            FloatBits.of(reference[i].gradientSum()),
                            FloatBits.of(epoch.gradient(params, batches[i], "step " + (i + 1))
                                    .gradientSum()));
                }
                assertTrue(((ResidentEpoch) epoch).fellBack());
                epoch.close();
            } finally {
                RELEASE_BLOCKER.countDown();
                blocker.get(30, TimeUnit.SECONDS);
            }
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(
                    warnings.get(0).startsWith("no resident task answered step 1 of epoch 1 for 0.5s"),
                    warnings.get(0));
            assertEquals(0, LocalStepChannel.openCount());
            assertNoJobRunning();
            EpochSteps next = step.epoch(
                    TaskLifetime.EPOCH, rows, 1, input, "lockstep test epoch 2 (resident tasks)", warnings::add, 500);
            assertFalse(next instanceof ResidentEpoch, "after a stall, the run keeps to a job per step");
        }
    }

    private static final CountDownLatch SLOT_TAKER_STARTED = new CountDownLatch(2);
    private static final CountDownLatch RELEASE_SLOT_TAKER = new CountDownLatch(1);

    /**
     * Another job holds both of local[2]'s slots, so the resident tasks never start, and the epoch ends before any
     * step stalls (as when the training loop throws): closing cancels the job its waiting tasks keep alive instead
     * of waiting for it forever. (With one slot free, the first task's end would free a slot for the second.)
     */
    @Test
    void closingAnEpochWhoseTaskNeverStartedCancelsItsJob() throws Exception {
        JavaSparkContext sc = SharedSpark.context();
        Architecture arch = Architecture.parse("784,8,10", Activation.RELU);
        InputTransform input = InputTransform.plain(784, InputScaling.UNIT);
        try (CachedRows rows = CachedRows.cache(sc, new InMemoryRows(TRAIN), 2, 1, "resident-never-started")) {
            SyncStep step = new SyncStep(sc, arch, WirePrecision.FLOAT32);
            JavaFutureAction<Void> slotTaker = sc.parallelize(List.of(1, 2), 2).foreachAsync(x -> {
                SLOT_TAKER_STARTED.countDown();
                RELEASE_SLOT_TAKER.await();
            });
            List<String> warnings = new CopyOnWriteArrayList<>();
            try {
                assertTrue(SLOT_TAKER_STARTED.await(30, TimeUnit.SECONDS));
                ResidentEpoch epoch = (ResidentEpoch) step.epoch(
                        TaskLifetime.EPOCH, rows, 0, input, "lockstep test epoch (resident tasks)", warnings::add, 500);
                epoch.start();
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (sc.statusTracker().getActiveJobIds().length < 2 && System.nanoTime() < deadline)
                    Thread.sleep(10);
                assertEquals(2, sc.statusTracker().getActiveJobIds().length, "the slot taker's job and the epoch's");
                long t0 = System.nanoTime();
                epoch.close();
                assertTrue(System.nanoTime() - t0 < 20_000_000_000L, "close returned");
                assertEquals(0, LocalStepChannel.openCount());
                long until = System.nanoTime() + 10_000_000_000L;
                while (sc.statusTracker().getActiveJobIds().length > 1 && System.nanoTime() < until) Thread.sleep(10);
                assertEquals(
                        1,
                        sc.statusTracker().getActiveJobIds().length,
                        "the epoch's job was cancelled; the slot taker's goes on");
            } finally {
                RELEASE_SLOT_TAKER.countDown();
                slotTaker.get(30, TimeUnit.SECONDS);
            }
            assertEquals(List.of(), warnings, "the job ended once cancelled");
            assertNoJobRunning();
        }
    }

    @Test
    void aDivergedRunStopsItsResidentTasks() {
        TrainConfig diverging =
                config().taskLifetime(TaskLifetime.EPOCH).learningRate(1e30).build();
        LockstepException e = assertThrows(LockstepException.class, () -> fit(diverging, List.of()));
        assertTrue(e.getMessage().contains("training diverged"), e.getMessage());
        assertEquals(0, LocalStepChannel.openCount());
        assertNoJobRunning();
    }

    /** The status tracker hears of a job's end through the listener bus, a moment later. */
    private static void assertNoJobRunning() {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (SharedSpark.context().statusTracker().getActiveJobIds().length > 0 && System.nanoTime() < deadline)
            Thread.onSpinWait();
        assertEquals(0, SharedSpark.context().statusTracker().getActiveJobIds().length, "no job left running");
    }

    private static String causes(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (; t != null; t = t.getCause()) b.append(t.getMessage()).append(" | ");
        return b.toString();
    }

    /**
     * Spark's RPC and block managers, as on a cluster, between the driver and tasks of this JVM, with each way of
     * exchanging gradients: the bits of a job per step.
     */
    @ParameterizedTest
    @EnumSource(Exchange.class)
    void stepsHandedOverSparksTransportsGiveTheBitsOfAJobPerStep(Exchange exchange) {
        Architecture arch = Architecture.parse("784,8,10", Activation.RELU);
        float[] params = Initializer.initialize(arch, 4);
        InputTransform input = InputTransform.plain(784, InputScaling.UNIT);
        JavaSparkContext sc = SharedSpark.context();
        int[][] batches = {{1, 5, 600, 900}, {2, 7, 501, 999}, {0, 999}};
        for (WirePrecision wire : WirePrecision.values()) {
            // {partitions, per task}: one task per partition, one task of both, and two tasks each sending a node of
            // two
            // partitions (float32 on the wire whatever the leaves' precision).
            for (int[] grouping : new int[][] {{2, 1}, {2, 2}, {4, 2}}) {
                int perTask = grouping[1];
                try (CachedRows rows = CachedRows.cache(
                        sc, new InMemoryRows(TestData.sample().slice(0, 1000)), grouping[0], perTask, "rpc-channel")) {
                    SyncStep step = new SyncStep(sc, arch, wire);
                    // Before the epoch's job takes both of local[2]'s slots.
                    SyncStep.Result[] expected = new SyncStep.Result[batches.length];
                    for (int i = 0; i < batches.length; i++)
                        expected[i] = step.gradient(rows, params, batches[i], 0, input, "reference");
                    ResidentEpoch epoch = ((ResidentEpoch) step.epoch(
                                    TaskLifetime.EPOCH,
                                    rows,
                                    0,
                                    input,
                                    "lockstep test epoch (resident tasks)",
                                    w -> {}))
                            .over(exchange);
                    try {
                        for (int i = 0; i < batches.length; i++) {
                            SyncStep.Result got = epoch.gradient(params, batches[i], "over rpc");
                            String what = exchange + ", " + wire + ", " + grouping[0] + " partitions, " + perTask
                                    + " per task, step " + (i + 1);
                            assertArrayEquals(
                                    FloatBits.of(expected[i].gradientSum()), FloatBits.of(got.gradientSum()), what);
                            assertEquals(expected[i].lossSum(), got.lossSum(), 0, what);
                            assertEquals(expected[i].correct(), got.correct(), what);
                        }
                        assertFalse(epoch.fellBack(), "every step was answered by the resident tasks");
                    } finally {
                        epoch.close();
                    }
                }
            }
        }
    }
}
