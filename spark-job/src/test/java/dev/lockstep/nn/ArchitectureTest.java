package dev.lockstep.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ArchitectureTest {
    @Test
    void flatLayoutPacksWeightsThenBiasesPerLayer() {
        Architecture a = Architecture.parse("784,256,128,10", Activation.RELU);
        assertEquals(784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10, a.parameterCount());
        assertEquals(0, a.weightOffset(0));
        assertEquals(784 * 256, a.biasOffset(0));
        assertEquals(784 * 256 + 256, a.weightOffset(1));
        assertArrayEquals(new int[] {a.weightOffset(2), a.biasOffset(2)}, a.weightRanges()[2]);
        assertEquals("784,256,128,10", a.layersString());
    }

    @Test
    void rejectsBadShapes() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Architecture.parse("784,x,10", Activation.RELU))
                .getMessage()
                .contains("'x'"));
        assertThrows(IllegalArgumentException.class, () -> Architecture.parse("784", Activation.RELU));
        assertThrows(IllegalArgumentException.class, () -> Architecture.parse("784,0,10", Activation.RELU));
        assertThrows(IllegalArgumentException.class, () -> Architecture.parse("784,1", Activation.RELU));
        assertThrows(IllegalArgumentException.class, () -> Activation.parse("swish"));
    }

    @Test
    void initialisationIsSeededAndScaledByFanIn() {
        Architecture a = Architecture.parse("400,300,10", Activation.RELU);
        float[] p1 = Initializer.initialize(a, 42);
        assertArrayEquals(p1, Initializer.initialize(a, 42));
        assertNotEquals(p1[0], Initializer.initialize(a, 43)[0]);
        double sq = 0;
        for (int i = 0; i < 400 * 300; i++) sq += p1[i] * p1[i];
        assertEquals(2.0 / 400, sq / (400 * 300), 0.1 * 2.0 / 400); // He: variance 2/fan_in
        for (int i = a.biasOffset(0); i < a.biasOffset(0) + 300; i++) assertEquals(0f, p1[i]);
    }
}
