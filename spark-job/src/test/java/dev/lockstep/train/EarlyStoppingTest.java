package dev.lockstep.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.FloatBits;
import dev.lockstep.SharedSpark;
import dev.lockstep.TestData;
import dev.lockstep.data.LabeledImages;
import dev.lockstep.optim.ScheduleSpec;
import dev.lockstep.train.checkpoint.CheckpointListener;
import dev.lockstep.train.checkpoint.Checkpoints;
import dev.lockstep.train.rows.InMemoryRows;
import dev.lockstep.train.rows.RowSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Early stopping in the training loop: where it stops, which parameters it keeps, that it is deterministic and
 * resumes mid-patience to the same bits, and that a test set never changes what it selects.
 */
class EarlyStoppingTest {
    /** 1,000 training rows of 100 a step: 10 steps an epoch; a large constant rate overfits them within a few. */
    private static final int STEPS_PER_EPOCH = 10;

    private static RowSource train;
    private static RowSource validation;

    @TempDir
    Path tmp;

    @BeforeAll
    static void data() {
        LabeledImages sample = TestData.sample();
        train = new InMemoryRows(sample.slice(0, 1000));
        validation = new InMemoryRows(sample.slice(9000, 9500));
    }

    private static TrainConfig.Builder config() {
        return TrainConfig.builder()
                .layers(new int[] {784, 32, 10})
                .epochs(15)
                .batchSize(100)
                .learningRate(0.01)
                .schedule(ScheduleSpec.constant())
                .augmentShift(0)
                .seed(7)
                .partitions(2)
                .earlyStop(EarlyStop.parse("patience=2"));
    }

    /** Parameters at the end of each epoch, from the state after its last step. */
    private static final class EpochParameters implements TrainingListener {
        final Map<Integer, float[]> byEpoch = new HashMap<>();

        @Override
        public void onStep(StepInfo step) {
            if (step.step() == step.stepsPerEpoch())
                byEpoch.put(step.epoch(), step.state().snapshot().parameters());
        }
    }

    private static TrainingResult fit(TrainConfig config, RowSource test, List<TrainingListener> listeners) {
        RunPlan plan = RunPlan.of(config, train, validation, "validation", test);
        return new Trainer(SharedSpark.context(), listeners)
                .fit(plan.placedOn(SharedSpark.context()), Optional.empty());
    }

    @Test
    void stopsAfterPatienceEpochsWithoutImprovementAndKeepsTheBestOrTheLastEpoch() {
        EpochParameters seen = new EpochParameters();
        TrainingResult best = fit(config().build(), null, List.of(seen));
        EpochSelection.Outcome o = best.selection();
        assertEquals(EpochSelection.NO_IMPROVEMENT, o.stopReason());
        assertTrue(o.stoppedEpoch() < 15, "stopped early: " + o);
        assertEquals(o.bestEpoch() + 2, o.stoppedEpoch());
        assertEquals(o.stoppedEpoch(), best.history().size());
        assertEquals(o.stoppedEpoch() * STEPS_PER_EPOCH, best.steps());
        double bestLoss = best.history().get(o.bestEpoch() - 1).eval().loss();
        for (EpochSummary e : best.history()) assertTrue(e.eval().loss() >= bestLoss, "epoch " + e.epoch());
        assertEquals(o.bestEpoch(), o.keptEpoch());
        assertArrayEquals(FloatBits.of(seen.byEpoch.get(o.bestEpoch())), FloatBits.of(best.parameters()));
        assertArrayEquals(
                best.history().get(o.bestEpoch() - 1).eval().confusion(),
                best.finalEvaluation().confusion(),
                "the final evaluation is the best epoch's");
        assertEquals("validation", o.finalSet());

        TrainingResult again = fit(config().build(), null, List.of());
        assertArrayEquals(FloatBits.of(best.parameters()), FloatBits.of(again.parameters()), "same seed, same bits");
        assertEquals(o, again.selection());

        TrainingResult last = fit(config().keep(EpochSelection.Keep.LAST).build(), null, List.of());
        assertEquals(o.stoppedEpoch(), last.selection().stoppedEpoch(), "keep does not change where it stops");
        assertEquals(o.stoppedEpoch(), last.selection().keptEpoch());
        assertArrayEquals(FloatBits.of(seen.byEpoch.get(o.stoppedEpoch())), FloatBits.of(last.parameters()));
        assertFalse(java.util.Arrays.equals(best.parameters(), last.parameters()));
    }

    /**
     * Checkpoints after the best epoch and before the stop (mid-epoch, with only the evaluation left, and in the
     * last epoch): each resumes to the uninterrupted run's bits, best epoch and stopping epoch.
     */
    @Test
    void aResumeInTheMiddleOfThePatienceCountEndsAsTheUninterruptedRun() {
        Checkpoints checkpoints =
                new Checkpoints(new Configuration(), tmp.resolve("ckpt").toString(), 100);
        TrainingResult straight = fit(config().build(), null, List.of(new CheckpointListener(checkpoints, 5)));
        EpochSelection.Outcome o = straight.selection();
        assertTrue(o.stoppedEpoch() - o.bestEpoch() == 2 && o.stoppedEpoch() < 15, o.toString());
        long afterBest = (long) o.bestEpoch() * STEPS_PER_EPOCH;
        for (long step : new long[] {afterBest + 5, afterBest + STEPS_PER_EPOCH, afterBest + STEPS_PER_EPOCH + 5}) {
            Checkpoint c = only(step);
            assertEquals(step, c.globalStep());
            assertTrue(c.bestParameters() != null, "holds the best epoch's parameters");
            RunPlan plan = RunPlan.of(config().build(), train, validation, "validation", null);
            TrainingResult resumed = new Trainer(SharedSpark.context(), List.of())
                    .fit(plan.placedOn(SharedSpark.context()), Optional.of(c));
            assertArrayEquals(
                    FloatBits.of(straight.parameters()),
                    FloatBits.of(resumed.parameters()),
                    "resumed after step " + step);
            assertEquals(o, resumed.selection(), "resumed after step " + step);
            assertEquals(straight.history().size(), resumed.history().size());
            for (int e = 0; e < straight.history().size(); e++) {
                assertArrayEquals(
                        straight.history().get(e).eval().confusion(),
                        resumed.history().get(e).eval().confusion());
            }
        }
    }

    /** The checkpoint written after {@code step}, alone in a directory of its own, read as a resume reads it. */
    private Checkpoint only(long step) {
        String name = String.format("ckpt-%012d.lsc", step);
        Path dir = tmp.resolve("at-" + step);
        try {
            Files.createDirectories(dir);
            Files.copy(tmp.resolve("ckpt").resolve(name), dir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Checkpoints(new Configuration(), dir.toString(), 1)
                .latest(config().build().forTrainingRows(1000), new PrintWriter(new StringWriter()))
                .orElseThrow();
    }

    /**
     * A test set is scored once, on the kept parameters, and changes nothing else: two different test sets give the
     * same bits and the same stopping epoch as each other and as no test set, and each its own final score, the one
     * {@link Evaluator} gives the model (as promotion re-scores it).
     */
    @Test
    void theTestSetNeverInfluencesSelection() {
        LabeledImages sample = TestData.sample();
        RowSource testA = new InMemoryRows(sample.slice(8000, 8500));
        RowSource testB = new InMemoryRows(sample.slice(8500, 8800));
        TrainingResult none = fit(config().build(), null, List.of());
        TrainingResult a = fit(config().build(), testA, List.of());
        TrainingResult b = fit(config().build(), testB, List.of());
        for (TrainingResult r : List.of(a, b)) {
            assertArrayEquals(FloatBits.of(none.parameters()), FloatBits.of(r.parameters()));
            assertEquals(none.selection().stoppedEpoch(), r.selection().stoppedEpoch());
            assertEquals(none.selection().bestEpoch(), r.selection().bestEpoch());
            assertEquals("test", r.selection().finalSet());
            assertEquals(none.history().size(), r.history().size());
            for (int e = 0; e < none.history().size(); e++)
                assertArrayEquals(
                        none.history().get(e).eval().confusion(),
                        r.history().get(e).eval().confusion(),
                        "epochs are evaluated on the validation rows");
        }
        assertEquals(500, a.finalEvaluation().rows());
        assertEquals(300, b.finalEvaluation().rows());
        assertArrayEquals(
                Evaluator.evaluate(SharedSpark.context(), a.model(), testA, a.partitions())
                        .confusion(),
                a.finalEvaluation().confusion());
        assertEquals(
                Evaluator.evaluate(SharedSpark.context(), b.model(), testB, b.partitions())
                        .accuracy(),
                b.finalEvaluation().accuracy());
    }

    /** Keep best without early stopping runs every epoch and keeps the best of them, chosen on the loss. */
    @Test
    void keepBestWithoutEarlyStoppingRunsEveryEpoch() {
        TrainingResult stopping = fit(config().build(), null, List.of());
        int epochs = stopping.selection().stoppedEpoch();
        TrainingResult fixed = fit(
                config().earlyStop(null)
                        .keep(EpochSelection.Keep.BEST)
                        .epochs(epochs)
                        .build(),
                null,
                List.of());
        assertEquals(EpochSelection.MAX_EPOCHS, fixed.selection().stopReason());
        assertEquals(epochs, fixed.history().size());
        assertEquals(stopping.selection().bestEpoch(), fixed.selection().keptEpoch());
        // A constant rate: the same epochs run, whatever the run's length, so the best is the same bits.
        assertArrayEquals(FloatBits.of(stopping.parameters()), FloatBits.of(fixed.parameters()));
        assertNull(
                fit(config().earlyStop(null).epochs(1).build(), null, List.of()).selection(), "off: no selection");
    }
}
