package dev.lockstep.train.step;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AugmentationTest {
    @Test
    void shiftsMoveInkByAtMostTheLimitAndKeepItsAmountAwayFromEdges() {
        int h = 8, w = 8;
        byte[] img = new byte[h * w];
        img[3 * w + 4] = (byte) 255; // one ink pixel well inside the frame
        Augmentation aug = new Augmentation(5, 1, h, w);
        boolean sawMove = false;
        for (long row = 0; row < 50; row++) {
            float[] out = new float[h * w];
            aug.copyShifted(img, 0, 1f / 255, 0f, row, 0, out, 0);
            int found = -1;
            for (int i = 0; i < out.length; i++) {
                if (out[i] != 0f) {
                    assertEquals(-1, found, "exactly one ink pixel");
                    found = i;
                }
            }
            assertEquals(1f, out[found]);
            int dy = found / w - 3, dx = found % w - 4;
            assertTrue(Math.abs(dx) <= 1 && Math.abs(dy) <= 1);
            sawMove |= dx != 0 || dy != 0;
        }
        assertTrue(sawMove);
    }

    @Test
    void theShiftOfARowIsAFunctionOfSeedEpochAndRow() {
        byte[] img = new byte[28 * 28];
        for (int i = 0; i < img.length; i++) img[i] = (byte) (i * 31);
        float[] a = new float[img.length], b = new float[img.length];
        new Augmentation(9, 2, 28, 28).copyShifted(img, 0, 1f, 0f, 1234, 3, a, 0);
        new Augmentation(9, 2, 28, 28).copyShifted(img, 0, 1f, 0f, 1234, 3, b, 0);
        assertArrayEquals(a, b);
    }
}
