package dev.lockstep.train.rows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.lockstep.TestData;
import dev.lockstep.data.LabeledImages;
import dev.lockstep.data.RowBlock;
import dev.lockstep.data.RowBlocks;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class InMemoryRowsTest {
    @Test
    void imageRowsAreCutIntoTheBlocksOfRowBlocks() {
        LabeledImages data = TestData.sample();
        InMemoryRows rows = new InMemoryRows(data);
        for (int partitions : new int[] {1, 3}) {
            for (int p = 0; p < partitions; p++) {
                List<RowBlock> expected = RowBlocks.partition(data, p, partitions, RowBlocks.DEFAULT_BLOCK_ROWS);
                List<RowBlock> actual = InMemoryRows.partition(rowsOf(data), p, partitions);
                assertEquals(expected.size(), actual.size());
                for (int b = 0; b < expected.size(); b++) {
                    RowBlock e = expected.get(b), a = actual.get(b);
                    assertEquals(e.firstRow(), a.firstRow());
                    assertEquals(e.count(), a.count());
                    assertArrayEquals(e.bytes(), a.bytes());
                    for (int i = 0; i < e.count(); i++) assertEquals(e.label(i), a.label(i));
                }
            }
        }
        assertEquals(data.rows(), rows.height());
        assertEquals(data.cols(), rows.width());
    }

    @Test
    void imageFingerprintIsTheCrcOfTheLabelsThenThePixels() {
        LabeledImages data = TestData.sample().slice(0, 500);
        CRC32C crc = new CRC32C();
        crc.update(data.labels());
        crc.update(data.pixels());
        assertEquals(
                String.format("crc32c:%08x/%d", crc.getValue(), data.count()), new InMemoryRows(data).fingerprint());
    }

    @Test
    void floatRowsAreOneRowHigh() {
        RowBlock block = RowBlock.ofFloats(0, 2, 3, new float[] {1f, 2f, 3f, 4f, 5f, 6.5f}, new int[] {1, 300});
        InMemoryRows rows = InMemoryRows.of(block, "numbers.csv");
        assertEquals(1, rows.height());
        assertEquals(3, rows.width());
        assertFalse(rows.byteFeatures());
        assertEquals(300, rows.maxLabel());
        List<RowBlock> cut = InMemoryRows.partition(block, 1, 2);
        assertEquals(1, cut.size());
        assertNull(cut.get(0).bytes());
        assertArrayEquals(new float[] {4f, 5f, 6.5f}, cut.get(0).floats());
        assertEquals(300, cut.get(0).label(0));
    }

    private static RowBlock rowsOf(LabeledImages data) {
        return new RowBlock(0, data.count(), data.features(), data.pixels(), data.labels());
    }
}
