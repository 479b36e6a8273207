package dev.lockstep.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.lockstep.LockstepException;
import dev.lockstep.nn.Activation;
import dev.lockstep.nn.Architecture;
import org.junit.jupiter.api.Test;

class MlpModelTest {
    private final Architecture arch = new Architecture(new int[] {2, 2}, Activation.RELU); // 6 parameters

    @Test
    void validatesLengthAndFiniteness() {
        assertTrue(assertThrows(LockstepException.class, () -> new MlpModel(arch, new float[5]))
                .getMessage()
                .contains("needs 6 parameters, got 5"));
        float[] p = new float[6];
        p[4] = Float.NaN;
        assertEquals(
                "model has a non-finite parameter at index 4",
                assertThrows(LockstepException.class, () -> new MlpModel(arch, p))
                        .getMessage());
    }

    @Test
    void isImmutable() {
        float[] p = {1, 2, 3, 4, 5, 6};
        MlpModel m = new MlpModel(arch, p);
        p[0] = 99;
        assertEquals(1f, m.parameters()[0]);
        m.parameters()[1] = 99;
        assertEquals(2f, m.parameters()[1]);
        assertSame(InputScaling.UNIT, m.scaling());
    }

    @Test
    void equalityIsBitwise() {
        float[] p = new float[6];
        float[] q = new float[6];
        q[3] = -0.0f;
        assertEquals(new MlpModel(arch, p), new MlpModel(arch, p.clone()));
        assertEquals(new MlpModel(arch, p).hashCode(), new MlpModel(arch, p.clone()).hashCode());
        assertNotEquals(new MlpModel(arch, p), new MlpModel(arch, q));
        assertNotEquals(new MlpModel(arch, p), new MlpModel(arch, p, new InputScaling(1f, 0f)));
    }

    @Test
    void inputShapeIsInferredForOldModelsAndGivenForNewOnes() {
        Architecture square = new Architecture(new int[] {4, 2}, Activation.RELU);
        MlpModel image = new MlpModel(square, new float[10]);
        assertTrue(image.isImage(), "a perfect square input is an image");
        assertEquals(2, image.height());
        assertEquals(2, image.width());
        assertTrue(image.byteInput());
        MlpModel row = new MlpModel(arch, new float[6]);
        assertFalse(row.isImage(), "2 inputs are not a square");
        assertEquals(0, row.height());
        assertEquals(2, row.width());

        MlpModel table = new MlpModel(square, new float[10], InputScaling.IDENTITY, false, 1, 4);
        assertFalse(table.isImage(), "height 1: a row of features");
        assertFalse(table.byteInput());
        assertEquals(4, table.width());
        assertNotEquals(image, new MlpModel(square, new float[10], InputScaling.UNIT, true, 0, 4));
        assertThrows(
                LockstepException.class,
                () -> new MlpModel(square, new float[10], InputScaling.UNIT, true, 3, 2),
                "3x2 pixels are not 4 inputs");
        assertThrows(
                LockstepException.class,
                () -> new MlpModel(square, new float[10], InputScaling.perFeature(new float[3], new float[3])),
                "a per-feature scaling must cover every input");
    }

    @Test
    void inputScalingMapsPixelBytes() {
        assertEquals(0f, InputScaling.UNIT.apply(0, 0));
        assertEquals(1f, InputScaling.UNIT.apply(5, 255));
        InputScaling centered = new InputScaling(1f / 127.5f, -1f);
        assertEquals(-1f, centered.apply(0, 0));
        assertEquals(1f, centered.apply(3, 255), 1e-6f);
        assertThrows(LockstepException.class, () -> new InputScaling(Float.NaN, 0f));
    }
}
