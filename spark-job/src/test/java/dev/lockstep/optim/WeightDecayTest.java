package dev.lockstep.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WeightDecayTest {

    @Test
    void decaysOnlyInsideTheRanges() {
        float[] p = {2f, 2f, 2f, 2f, 2f, 2f, 2f, 2f};
        float[] g = {1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f};
        // weights [0,3) and [4,7); biases at 3 and 7 untouched
        new WeightDecay(0.25f, new int[][] {{4, 7}, {0, 3}}).apply(p, g);
        assertArrayEquals(new float[] {1.5f, 1.5f, 1.5f, 1f, 1.5f, 1.5f, 1.5f, 1f}, g);
        assertArrayEquals(new float[] {2f, 2f, 2f, 2f, 2f, 2f, 2f, 2f}, p, "params are read only");
    }

    @Test
    void lambdaZeroIsANoOp() {
        float[] p = {3f, -1f, 7f};
        float[] g = {0.1f, -0f, Float.MIN_VALUE};
        float[] before = g.clone();
        WeightDecay wd = new WeightDecay(0f, new int[][] {{0, 3}});
        assertTrue(wd.isNoOp());
        wd.apply(p, g);
        assertTrue(Arrays.equals(before, g), "bit-identical, even -0");
        assertFalse(new WeightDecay(0.1f, new int[][] {{0, 3}}).isNoOp());
        assertTrue(new WeightDecay(0.1f, new int[0][]).isNoOp());
    }

    @Test
    void adjacentRangesAreFineAndReportedSorted() {
        WeightDecay wd = new WeightDecay(1f, new int[][] {{3, 5}, {0, 3}, {5, 5}});
        assertArrayEquals(new int[][] {{0, 3}, {3, 5}, {5, 5}}, wd.ranges());
        float[] g = new float[5];
        wd.apply(new float[] {1f, 1f, 1f, 1f, 1f}, g);
        assertArrayEquals(new float[] {1f, 1f, 1f, 1f, 1f}, g);
    }

    @Test
    void rangesAreCopiedAtConstruction() {
        int[][] ranges = {{0, 1}};
        WeightDecay wd = new WeightDecay(1f, ranges);
        ranges[0][1] = 3;
        float[] g = new float[3];
        wd.apply(new float[] {1f, 1f, 1f}, g);
        assertArrayEquals(new float[] {1f, 0f, 0f}, g);
    }

    @Test
    void validatesArguments() {
        int[][] ok = {{0, 2}};
        assertThrows(IllegalArgumentException.class, () -> new WeightDecay(-0.1f, ok));
        assertThrows(IllegalArgumentException.class, () -> new WeightDecay(Float.NaN, ok));
        assertThrows(IllegalArgumentException.class, () -> new WeightDecay(Float.POSITIVE_INFINITY, ok));
        assertThrows(IllegalArgumentException.class, () -> new WeightDecay(0.1f, null));
        assertThrows(IllegalArgumentException.class, () -> new WeightDecay(0.1f, new int[][] {{2, 1}}));
        assertThrows(IllegalArgumentException.class, () -> new WeightDecay(0.1f, new int[][] {{-1, 1}}));
        assertThrows(IllegalArgumentException.class, () -> new WeightDecay(0.1f, new int[][] {{0, 1, 2}}));
        assertThrows(IllegalArgumentException.class, () -> new WeightDecay(0.1f, new int[][] {null}));
        IllegalArgumentException overlap =
                assertThrows(IllegalArgumentException.class, () -> new WeightDecay(0.1f, new int[][] {{0, 4}, {3, 6}}));
        assertEquals("weight decay ranges overlap: [0, 4] and [3, 6]", overlap.getMessage());

        WeightDecay wd = new WeightDecay(0.1f, new int[][] {{0, 5}});
        IllegalArgumentException tooShort =
                assertThrows(IllegalArgumentException.class, () -> wd.apply(new float[4], new float[4]));
        assertEquals("weight decay ranges reach index 5 but there are only 4 parameters", tooShort.getMessage());
        assertThrows(IllegalArgumentException.class, () -> wd.apply(new float[5], new float[6]));
    }
}
