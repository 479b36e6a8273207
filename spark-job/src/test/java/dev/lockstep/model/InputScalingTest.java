package dev.lockstep.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.LockstepException;
import org.junit.jupiter.api.Test;

class InputScalingTest {
    @Test
    void uniformScalingsFitAnyWidth() {
        assertTrue(InputScaling.UNIT.isUniform());
        assertEquals(0, InputScaling.UNIT.features());
        assertEquals(1f, InputScaling.UNIT.apply(700, 255f));
        assertEquals(-3.5f, InputScaling.IDENTITY.apply(2, -3.5f));
    }

    @Test
    void perFeatureScalesEachFeature() {
        InputScaling s = InputScaling.perFeature(new float[] {2f, 0.5f}, new float[] {1f, -1f});
        assertFalse(s.isUniform());
        assertEquals(2, s.features());
        assertEquals(7f, s.apply(0, 3f));
        assertEquals(0f, s.apply(1, 2f));
        assertThrows(IllegalStateException.class, s::scale, "no single scale");
        assertEquals(s, InputScaling.perFeature(new float[] {2f, 0.5f}, new float[] {1f, -1f}));
        assertNotEquals(s, InputScaling.perFeature(new float[] {2f, 0.5f}, new float[] {1f, -2f}));
    }

    @Test
    void standardizationCentresAndScalesAndZeroesConstantFeatures() {
        InputScaling s = InputScaling.standardize(new double[] {1000, 5}, new double[] {250, 0});
        assertEquals(0f, s.apply(0, 1000f), 1e-6f);
        assertEquals(2f, s.apply(0, 1500f), 1e-6f);
        assertEquals(0f, s.apply(1, 5f), "std 0: the feature carries nothing");
        assertEquals(0f, s.apply(1, 123f));
        assertEquals(
                0f,
                InputScaling.standardize(new double[] {1}, new double[] {1e-300})
                        .scale(0),
                "as constant");
    }

    @Test
    void refusesNonFiniteOrMisfitValues() {
        assertThrows(LockstepException.class, () -> new InputScaling(Float.NaN, 0f));
        assertThrows(
                LockstepException.class,
                () -> InputScaling.perFeature(new float[] {1f}, new float[] {Float.POSITIVE_INFINITY}));
        assertThrows(LockstepException.class, () -> InputScaling.perFeature(new float[] {1f}, new float[2]));
        assertThrows(LockstepException.class, () -> InputScaling.standardize(new double[] {1e38}, new double[] {1e-3}));
        assertThrows(
                LockstepException.class, () -> InputScaling.standardize(new double[] {Double.NaN}, new double[] {1}));
    }
}
