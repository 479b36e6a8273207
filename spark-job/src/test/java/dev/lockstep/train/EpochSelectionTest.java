package dev.lockstep.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.train.step.Evaluation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rule on crafted histories: the best epoch, the patience count and the stop, epoch by epoch. */
class EpochSelectionTest {
    /** An epoch evaluated on 100 rows with this mean loss and accuracy (in hundredths). */
    private static EpochSummary epoch(int n, double loss, int correct) {
        return new EpochSummary(
                n, n * 10L, 1, new Evaluation(2, loss * 100, new long[] {correct, 100 - correct, 0, 0}), 1, 1);
    }

    private static List<EpochSummary> losses(double... values) {
        List<EpochSummary> h = new ArrayList<>();
        for (int i = 0; i < values.length; i++) h.add(epoch(i + 1, values[i], 50));
        return h;
    }

    private static List<EpochSummary> accuracies(int... correct) {
        List<EpochSummary> h = new ArrayList<>();
        for (int i = 0; i < correct.length; i++) h.add(epoch(i + 1, 1, correct[i]));
        return h;
    }

    private static EpochSelection rule(String earlyStop) {
        return EpochSelection.of(
                TrainConfig.builder().earlyStop(EarlyStop.parse(earlyStop)).build());
    }

    /** The first epoch after which the rule stops, or 0 when it runs them all. */
    private static int stopsAfter(EpochSelection rule, List<EpochSummary> history) {
        for (int e = 1; e <= history.size(); e++) {
            if (rule.after(history.subList(0, e)).stop()) return e;
        }
        return 0;
    }

    @Test
    void stopsAfterPatienceEpochsWithoutALowerLoss() {
        List<EpochSummary> h = losses(1.0, 0.8, 0.7, 0.75, 0.7, 0.72, 0.9, 0.6);
        EpochSelection patience3 = rule("patience=3");
        assertEquals(6, stopsAfter(patience3, h), "epochs 4, 5, 6 do not beat epoch 3's 0.7 (equal is no gain)");
        EpochSelection.Standing at6 = patience3.after(h.subList(0, 6));
        assertEquals(3, at6.bestEpoch());
        assertEquals(3, at6.sinceBest());
        EpochSelection.Standing at5 = patience3.after(h.subList(0, 5));
        assertEquals(3, at5.bestEpoch());
        assertEquals(2, at5.sinceBest());
        assertEquals(false, at5.stop());
        assertEquals(4, stopsAfter(rule("patience=1"), h));
        assertEquals(0, stopsAfter(rule("patience=5"), h), "epoch 8 comes in time");
        assertEquals(8, rule("patience=5").after(h).bestEpoch());
        assertEquals(0, rule("patience=1").after(List.of()).bestEpoch());
    }

    @Test
    void minDeltaCountsOnlyGainsLargerThanIt() {
        List<EpochSummary> h = losses(1.0, 0.95, 0.85, 0.8, 0.76, 0.7);
        EpochSelection rule = rule("patience=2,min-delta=0.1");
        // 0.95 gains 0.05 on epoch 1; 0.85 gains 0.15: best; 0.8 and 0.76 gain under 0.1 on 0.85: stop after epoch 5.
        assertEquals(5, stopsAfter(rule, h));
        assertEquals(3, rule.after(h.subList(0, 5)).bestEpoch());
        assertEquals(6, rule("patience=2,min-delta=0").after(h).bestEpoch());
    }

    @Test
    void accuracyMustRise() {
        List<EpochSummary> h = accuracies(50, 60, 70, 70, 69, 71, 72);
        EpochSelection rule = rule("patience=2,metric=accuracy");
        assertEquals(5, stopsAfter(rule, h));
        assertEquals(3, rule.after(h.subList(0, 5)).bestEpoch());
        EpochSelection delta = rule("patience=4,min-delta=0.015,metric=accuracy");
        // 71 and 72 gain 0.01 and 0.02 on 70: only 72 counts, just in time; with patience 3, 71 comes too late.
        assertEquals(0, stopsAfter(delta, h));
        assertEquals(7, delta.after(h).bestEpoch());
        assertEquals(6, stopsAfter(rule("patience=3,min-delta=0.015,metric=accuracy"), h));
    }

    @Test
    void aNanLossNeverImproves() {
        List<EpochSummary> h = losses(Double.NaN, 0.9, Double.NaN, Double.NaN);
        EpochSelection rule = rule("patience=2");
        assertEquals(2, rule.after(h.subList(0, 2)).bestEpoch(), "a number beats a NaN first epoch");
        assertEquals(4, stopsAfter(rule, h));
    }

    @Test
    void keepBestWithoutEarlyStoppingNeverStopsAndKeepLastSelectsNothing() {
        EpochSelection best = EpochSelection.of(
                TrainConfig.builder().keep(EpochSelection.Keep.BEST).build());
        List<EpochSummary> h = losses(0.5, 0.6, 0.7, 0.8, 0.9);
        assertEquals(0, stopsAfter(best, h));
        assertEquals(1, best.after(h).bestEpoch());
        assertTrue(best.keepsBest());
        assertNull(EpochSelection.of(TrainConfig.builder().build()));
        assertEquals(
                EpochSelection.Keep.BEST,
                TrainConfig.builder()
                        .earlyStop(EarlyStop.parse("patience=1"))
                        .build()
                        .keep(),
                "best by default with early stopping");
        assertEquals(EpochSelection.Keep.LAST, TrainConfig.builder().build().keep());
        assertTrue(!EpochSelection.of(TrainConfig.builder()
                        .earlyStop(EarlyStop.parse("patience=1"))
                        .keep(EpochSelection.Keep.LAST)
                        .build())
                .keepsBest());
    }

    @Test
    void parsesAndRefusesSpecs() {
        EarlyStop s = EarlyStop.parse("min-delta=0.001, metric=Accuracy ,patience=4");
        assertEquals(new EarlyStop(4, 0.001, EarlyStop.Metric.ACCURACY), s);
        assertEquals("patience=4,min-delta=0.001,metric=accuracy", s.toString());
        assertEquals(s, EarlyStop.parse(s.toString()));
        assertEquals(
                "patience=2,min-delta=0,metric=loss",
                EarlyStop.parse("patience=2").toString());
        for (String[] bad : new String[][] {
            {"", "early-stop is empty"},
            {"3", "expected patience=N[,min-delta=X][,metric=loss|accuracy], got '3'"},
            {"patience=0", "early-stop patience must be 1 or more, got 0"},
            {"patience=two", "early-stop patience must be a whole number, got 'two'"},
            {"min-delta=0.1", "early-stop needs patience=N (epochs, 1 or more)"},
            {"patience=2,min-delta=-1", "early-stop min-delta must be a number >= 0, got -1.0"},
            {"patience=2,min-delta=NaN", "early-stop min-delta must be a number >= 0, got NaN"},
            {"patience=2,metric=f1", "early-stop metric must be loss or accuracy, got 'f1'"},
            {"patience=2,metric=accuracy,min-delta=1", "early-stop min-delta for accuracy must be below 1, got 1.0"},
            {"patience=2,patience=3", "early-stop option 'patience' given twice"},
            {"patience=2,wait=3", "unknown early-stop option 'wait' (expected patience, min-delta, metric)"},
        }) {
            assertEquals(
                    bad[1],
                    assertThrows(IllegalArgumentException.class, () -> EarlyStop.parse(bad[0]))
                            .getMessage(),
                    bad[0]);
        }
        assertEquals(EpochSelection.Keep.LAST, EpochSelection.Keep.parse(" Last"));
        assertThrows(IllegalArgumentException.class, () -> EpochSelection.Keep.parse("worst"));
    }
}
