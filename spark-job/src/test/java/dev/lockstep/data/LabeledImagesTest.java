package dev.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LabeledImagesTest {
    private final LabeledImages data =
            new LabeledImages(1, 2, new byte[] {0, 1, 10, 11, 20, 21, 30, 31}, new byte[] {0, 1, 2, 3}, "test");

    @Test
    void accessorsShareTheArrays() {
        byte[] pixels = new byte[4];
        byte[] labels = new byte[2];
        LabeledImages images = new LabeledImages(1, 2, pixels, labels, "s");

        assertSame(pixels, images.pixels());
        assertSame(labels, images.labels());
        assertEquals(2, images.count());
        assertEquals(2, images.features());
        assertEquals("s", images.source());
    }

    @Test
    void selectKeepsTheGivenOrder() {
        LabeledImages picked = data.select(new int[] {3, 0, 3});

        assertArrayEquals(new byte[] {30, 31, 0, 1, 30, 31}, picked.pixels());
        assertArrayEquals(new byte[] {3, 0, 3}, picked.labels());
        assertThrows(IndexOutOfBoundsException.class, () -> data.select(new int[] {4}));
    }

    @Test
    void slice() {
        LabeledImages middle = data.slice(1, 3);

        assertArrayEquals(new byte[] {10, 11, 20, 21}, middle.pixels());
        assertArrayEquals(new byte[] {1, 2}, middle.labels());
        assertEquals(0, data.slice(2, 2).count());
        assertThrows(IndexOutOfBoundsException.class, () -> data.slice(3, 5));
    }

    @Test
    void validatesShapeAndLabels() {
        assertThrows(IllegalArgumentException.class, () -> new LabeledImages(2, 2, new byte[7], new byte[2], "s"));
        assertThrows(IllegalArgumentException.class, () -> new LabeledImages(0, 2, new byte[0], new byte[0], "s"));
        assertThrows(IllegalArgumentException.class, () -> new LabeledImages(1, 1, new byte[1], new byte[] {10}, "s"));
    }
}
