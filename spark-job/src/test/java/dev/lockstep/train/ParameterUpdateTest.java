package dev.lockstep.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.LockstepException;
import dev.lockstep.optim.ConstantSchedule;
import dev.lockstep.optim.Sgd;
import dev.lockstep.optim.WeightDecay;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ParameterUpdateTest {
    @Test
    void finiteMeansNoNanAndNoInfinityAnywhere() {
        assertTrue(ParameterUpdate.allFinite(new float[0]));
        assertTrue(
                ParameterUpdate.allFinite(new float[] {0f, -0f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE}));
        for (float bad : new float[] {
            Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.intBitsToFloat(0xffc00001)
        }) {
            for (int at : new int[] {0, 17, 999}) {
                float[] v = new float[1000];
                Arrays.fill(v, 1.5f);
                v[at] = bad;
                assertFalse(ParameterUpdate.allFinite(v), bad + " at " + at);
            }
        }
    }

    @Test
    void averagesThenSteps() {
        ParameterUpdate update = new ParameterUpdate(new ConstantSchedule(0.5), new WeightDecay(0f, new int[0][]));
        float[] params = {1f, 2f};
        update.apply(params, new Sgd(2), new float[] {4f, -8f}, 3.0, 4, 0, 0, 0);
        assertArrayEquals(new float[] {0.5f, 3f}, params);
    }

    @Test
    void aNonFiniteLossGradientOrParameterStopsTheRun() {
        ParameterUpdate update = new ParameterUpdate(new ConstantSchedule(0.5), new WeightDecay(0f, new int[0][]));
        LockstepException nanGradient = assertThrows(
                LockstepException.class,
                () -> update.apply(new float[] {1f, 2f}, new Sgd(2), new float[] {0f, Float.NaN}, 1.0, 1, 6, 0, 6));
        assertTrue(
                nanGradient
                        .getMessage()
                        .contains("training diverged at step 7 (epoch 1, step 7): the loss or gradient"),
                nanGradient.getMessage());
        assertThrows(
                LockstepException.class,
                () -> update.apply(
                        new float[] {1f, 2f}, new Sgd(2), new float[] {0f, 0f}, Double.POSITIVE_INFINITY, 1, 0, 0, 0));
        LockstepException overflow = assertThrows(
                LockstepException.class,
                () -> update.apply(
                        new float[] {1f, -Float.MAX_VALUE},
                        new Sgd(2),
                        new float[] {0f, Float.MAX_VALUE},
                        1.0,
                        1,
                        0,
                        0,
                        0));
        assertTrue(overflow.getMessage().contains("made a parameter non-finite"), overflow.getMessage());
    }
}
