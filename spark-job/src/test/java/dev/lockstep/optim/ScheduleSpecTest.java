package dev.lockstep.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ScheduleSpecTest {

    @Test
    void parsesKindsWithDefaults() {
        ScheduleSpec c = ScheduleSpec.parse("cosine");
        assertEquals(ScheduleSpec.Kind.COSINE, c.kind());
        assertEquals(0, c.warmup());
        assertEquals(0, c.minLrFraction());
        ScheduleSpec s = ScheduleSpec.parse(" STEP ");
        assertEquals(ScheduleSpec.Kind.STEP, s.kind());
        assertEquals(10, s.decayEvery());
        assertEquals(ScheduleSpec.Unit.EPOCHS, s.decayUnit());
        assertEquals(0.5, s.gamma());
        assertEquals(ScheduleSpec.constant(), ScheduleSpec.parse("constant"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = ';',
            value = {
                "cosine:warmup=500; 500",
                "cosine:warmup=2ep; 200",
                "cosine:warmup=0.5ep; 50",
                "cosine:warmup=0.05; 50",
                "cosine:warmup=5%; 50",
                "cosine:warmup=0; 0",
                "constant:warmup=1; 1",
                "cosine:warmup=99.99%; 999",
            })
    void warmupIsStepsEpochsOrFraction(String text, long expectedSteps) {
        assertEquals(expectedSteps, ScheduleSpec.parse(text).warmupSteps(1000, 100));
    }

    @Test
    void createBuildsTheMatchingSchedule() {
        LearningRateSchedule c = ScheduleSpec.parse("cosine:warmup=10%,min=1%").create(0.2, 100, 10);
        WarmupCosineSchedule cos = assertInstanceOf(WarmupCosineSchedule.class, c);
        assertEquals(10, cos.warmupSteps());
        assertEquals(100, cos.totalSteps());
        assertEquals(0.2 * 0.01, cos.minLr(), 1e-15);
        assertEquals(0.2f, c.rate(9));
        assertEquals((float) (0.2 * 0.01), c.rate(99));

        LearningRateSchedule s = ScheduleSpec.parse("step:every=3ep,gamma=0.1").create(1.0, 100, 10);
        assertEquals(30, assertInstanceOf(WarmupStepDecaySchedule.class, s).decayEvery());
        assertEquals(1f, s.rate(29));
        assertEquals(0.1f, s.rate(30));
        assertEquals(
                7, ((WarmupStepDecaySchedule) ScheduleSpec.parse("step:every=7").create(1.0, 100, 10)).decayEvery());

        LearningRateSchedule k = ScheduleSpec.parse("constant:warmup=4").create(1.0, 100, 10);
        assertEquals(4, assertInstanceOf(ConstantSchedule.class, k).warmupSteps());
        assertEquals(0.25f, k.rate(0));
    }

    @Test
    void warmupLongerThanTheRunIsRejectedClearly() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ScheduleSpec.parse("cosine:warmup=2ep").create(0.1, 150, 100));
        assertEquals("warm-up of 200 steps (2ep) must be shorter than the run (150 steps)", e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> ScheduleSpec.parse("cosine").create(0.1, 0, 10));
        assertThrows(
                IllegalArgumentException.class,
                () -> ScheduleSpec.parse("cosine").create(0.1, 10, 0));
        assertThrows(
                IllegalArgumentException.class,
                () -> ScheduleSpec.parse("cosine").create(-1, 10, 10));
        // a fraction never exceeds the run, even a tiny one
        assertEquals(0, ScheduleSpec.parse("cosine:warmup=90%").warmupSteps(1, 1));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "constant",
                "cosine",
                "step",
                "constant:warmup=500",
                "cosine:warmup=5%,min=0.01",
                "cosine:warmup=0.07",
                "cosine:warmup=1.5ep,min=0",
                "step:warmup=2ep,every=3,gamma=0.1",
                "step:every=1ep,gamma=1",
                "cosine:warmup=1e-4"
            })
    void toStringParsesBackToAnEqualSpec(String text) {
        ScheduleSpec spec = ScheduleSpec.parse(text);
        assertEquals(spec, ScheduleSpec.parse(spec.toString()), spec.toString());
        assertEquals(spec.hashCode(), ScheduleSpec.parse(spec.toString()).hashCode());
    }

    @Test
    void equalityIgnoresSettingsTheKindDoesNotUse() {
        assertEquals(ScheduleSpec.parse("cosine"), ScheduleSpec.parse("cosine").withGamma(0.1));
        assertNotEquals(ScheduleSpec.parse("step"), ScheduleSpec.parse("step").withGamma(0.1));
        assertNotEquals(ScheduleSpec.parse("cosine"), ScheduleSpec.parse("constant"));
        assertNotEquals(ScheduleSpec.parse("cosine:warmup=5"), ScheduleSpec.parse("cosine:warmup=5ep"));
    }

    @Test
    void describeIsReadable() {
        assertEquals(
                "cosine decay to 1% of the base rate, warm-up over 5% of the steps",
                ScheduleSpec.parse("cosine:warmup=5%,min=0.01").describe());
        assertEquals(
                "cosine decay to 0, warm-up over 7% of the steps",
                ScheduleSpec.parse("cosine:warmup=0.07").describe());
        assertEquals(
                "step decay x0.5 every 10 epochs, no warm-up",
                ScheduleSpec.parse("step").describe());
        assertEquals(
                "step decay x0.1 every 1 step, warm-up over 1 epoch",
                ScheduleSpec.parse("step:every=1,gamma=0.1,warmup=1ep").describe());
        assertEquals(
                "constant learning rate, warm-up over 500 steps",
                ScheduleSpec.parse("constant:warmup=500").describe());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = ';',
            value = {
                "exp; unknown learning-rate schedule 'exp' (expected constant, cosine or step)",
                "cosine:gamma=0.5; unknown option 'gamma' for cosine schedule (expected warmup or min)",
                "constant:min=0.1; unknown option 'min' for constant schedule (expected warmup)",
                "step:gamma=0; decay gamma must be in (0, 1], got 0.0",
                "step:gamma=2; decay gamma must be in (0, 1], got 2.0",
                "step:every=0; decay interval must be >= 1, got 0",
                "step:every=abc; bad value 'abc' for every: expected a whole number",
                "step:every=1.5ep; bad value '1.5' for every: expected a whole number",
                "cosine:warmup=1.5; warm-up fraction must be in [0, 1), got 1.5",
                "cosine:warmup=100%; warm-up fraction must be in [0, 1), got 1.0",
                "cosine:warmup=-3ep; warm-up must be finite and >= 0, got -3.0",
                "cosine:warmup=x%; bad value 'x' for warmup: expected a finite number",
                "cosine:min=2; min learning rate fraction must be in [0, 1], got 2.0",
                "cosine:min=NaN; bad value 'NaN' for min: expected a finite number",
                "cosine:warmup; bad learning-rate schedule option 'warmup' in 'cosine:warmup' (expected key=value)",
                "cosine:min=0.1,min=0.2; learning-rate schedule option 'min' given twice in 'cosine:min=0.1,min=0.2'",
            })
    void parseErrorsAreClear(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScheduleSpec.parse(text));
        assertEquals(message, e.getMessage());
    }

    @Test
    void emptyIsRejected() {
        assertEquals(
                "learning-rate schedule is empty",
                assertThrows(IllegalArgumentException.class, () -> ScheduleSpec.parse(" "))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> ScheduleSpec.parse(null));
    }
}
