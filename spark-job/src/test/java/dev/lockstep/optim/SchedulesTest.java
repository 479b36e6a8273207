package dev.lockstep.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SchedulesTest {

    @Test
    void constantIsConstantAfterLinearWarmup() {
        ConstantSchedule plain = new ConstantSchedule(0.1);
        for (long s : new long[] {0, 1, 99, 1_000_000}) assertEquals(0.1f, plain.rate(s));

        ConstantSchedule warm = new ConstantSchedule(1.0, 4);
        assertEquals(0.25f, warm.rate(0));
        assertEquals(0.5f, warm.rate(1));
        assertEquals(0.75f, warm.rate(2));
        assertEquals(1f, warm.rate(3));
        assertEquals(1f, warm.rate(4));
    }

    @Test
    void cosineWarmupIsLinearAndReachesBaseAtItsLastStep() {
        WarmupCosineSchedule s = new WarmupCosineSchedule(0.1, 10, 110, 0.001);
        for (int i = 0; i < 10; i++) {
            assertEquals((float) (0.1 * (i + 1) / 10), s.rate(i), "warm-up step " + i);
        }
        // equal increments: linear
        float d = s.rate(1) - s.rate(0);
        for (int i = 1; i < 10; i++) assertEquals(d, s.rate(i) - s.rate(i - 1), 1e-7f);
        assertEquals(0.01f, s.rate(0), 1e-9f);
        assertEquals(0.1f, s.rate(9), "end of warm-up is the base rate");
    }

    @Test
    void cosineDecaysMonotonicallyToMinAtTheLastStep() {
        WarmupCosineSchedule s = new WarmupCosineSchedule(0.1, 10, 110, 0.001);
        for (int i = 10; i < 110; i++) {
            assertTrue(s.rate(i) <= s.rate(i - 1), "non-increasing after warm-up at step " + i);
        }
        assertTrue(s.rate(10) < 0.1f);
        // halfway through the cosine (steps 9..109) is the midpoint of base and min
        assertEquals((0.1f + 0.001f) / 2, s.rate(59), 1e-7f);
        assertEquals(0.001f, s.rate(109), "min at the last step");
        assertEquals(0.001f, s.rate(10_000), "stays at min past the end");
    }

    @Test
    void cosineWithoutWarmupStartsAtBase() {
        WarmupCosineSchedule s = new WarmupCosineSchedule(0.5, 0, 5, 0);
        assertEquals(0.5f, s.rate(0));
        assertEquals(0f, s.rate(4));
        assertEquals((float) (0.5 * 0.5 * (1 + Math.cos(Math.PI / 4))), s.rate(1), 1e-7f);
        assertEquals(0.5f, new WarmupCosineSchedule(0.5, 0, 1, 0).rate(0), "a one-step run trains at the base rate");
    }

    @Test
    void stepDecayMultipliesByGammaAtEachBoundary() {
        WarmupStepDecaySchedule s = new WarmupStepDecaySchedule(1.0, 0, 3, 0.5);
        float[] expected = {1f, 1f, 1f, 0.5f, 0.5f, 0.5f, 0.25f, 0.25f, 0.25f, 0.125f};
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], s.rate(i), "step " + i);
        assertEquals((float) Math.pow(0.5, 100), s.rate(300));
    }

    @Test
    void stepDecayWarmupScalesTheDecayedRateAndBoundariesCountFromZero() {
        WarmupStepDecaySchedule s = new WarmupStepDecaySchedule(1.0, 2, 3, 0.5);
        assertEquals(0.5f, s.rate(0));
        assertEquals(1f, s.rate(1));
        assertEquals(1f, s.rate(2));
        assertEquals(0.5f, s.rate(3));
    }

    @Test
    void schedulesValidate() {
        assertThrows(IllegalArgumentException.class, () -> new ConstantSchedule(0));
        assertThrows(IllegalArgumentException.class, () -> new ConstantSchedule(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new ConstantSchedule(0.1, -1));
        assertThrows(IllegalArgumentException.class, () -> new ConstantSchedule(0.1).rate(-1));
        assertThrows(IllegalArgumentException.class, () -> new WarmupCosineSchedule(0.1, 10, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> new WarmupCosineSchedule(0.1, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new WarmupCosineSchedule(0.1, 0, 10, 0.2));
        assertThrows(IllegalArgumentException.class, () -> new WarmupCosineSchedule(0.1, 0, 10, -0.1));
        assertThrows(IllegalArgumentException.class, () -> new WarmupStepDecaySchedule(0.1, 0, 0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new WarmupStepDecaySchedule(0.1, 0, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> new WarmupStepDecaySchedule(0.1, 0, 5, 1.5));
    }
}
