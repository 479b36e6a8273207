package dev.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

class RowBlockTest {
    @Test
    void byteRowsReadUnsignedValuesAndLabels() {
        RowBlock b = RowBlock.ofBytes(5, 2, 3, new byte[] {0, (byte) 255, 7, 1, 2, (byte) 128}, new int[] {2, 255});
        assertTrue(b.isBytes());
        assertNull(b.floats());
        assertEquals(255f, b.raw(0, 1));
        assertEquals(128f, b.raw(1, 2));
        assertEquals(255, b.label(1), "labels up to 255 are stored as unsigned bytes");
        assertEquals(1, b.localIndex(6));
    }

    @Test
    void floatRowsKeepLargeLabels() {
        RowBlock b = RowBlock.ofFloats(0, 3, 2, new float[] {1.5f, -2f, 1e4f, 0f, 3f, 4f}, new int[] {0, 25, 1000});
        assertFalse(b.isBytes());
        assertNull(b.bytes());
        assertEquals(1e4f, b.raw(1, 0));
        assertEquals(25, b.label(1));
        assertEquals(1000, b.label(2), "labels above 255 are kept as ints");
    }

    @Test
    void refusesMisfitArraysAndNegativeLabels() {
        assertThrows(IllegalArgumentException.class, () -> RowBlock.ofFloats(0, 2, 2, new float[3], new int[2]));
        assertThrows(IllegalArgumentException.class, () -> RowBlock.ofBytes(0, 2, 2, new byte[4], new int[3]));
        assertThrows(IllegalArgumentException.class, () -> RowBlock.ofFloats(0, 1, 1, new float[1], new int[] {-1}));
    }

    @Test
    void floatBlocksSerialize() throws Exception {
        RowBlock block = RowBlock.ofFloats(7, 2, 2, new float[] {1f, 2f, 3f, 4f}, new int[] {300, 4});
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(block);
        }
        RowBlock copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (RowBlock) in.readObject();
        }
        assertEquals(7, copy.firstRow());
        assertArrayEquals(block.floats(), copy.floats());
        assertEquals(300, copy.label(0));
        assertEquals(4, copy.label(1));
    }
}
