package dev.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowBlocksTest {
    @Test
    void partitionBounds() {
        assertArrayEquals(new long[] {0, 3, 6, 10}, RowBlocks.partitionBounds(10, 3));
        assertArrayEquals(new long[] {0, 0, 1, 1, 2}, RowBlocks.partitionBounds(2, 4));
        assertArrayEquals(new long[] {0, 0}, RowBlocks.partitionBounds(0, 1));
        long[] big = RowBlocks.partitionBounds(60_000_000_000L, 7);
        assertEquals(60_000_000_000L, big[7]);
        for (int p = 0; p < 7; p++) {
            assertEquals(p * 60_000_000_000L / 7, big[p]);
        }
        assertThrows(IllegalArgumentException.class, () -> RowBlocks.partitionBounds(10, 0));
    }

    @Test
    void blocksReproduceTheDataInOrder() {
        LabeledImages data = TestData.random(1003, 3, 2, 5);

        List<List<RowBlock>> partitions = RowBlocks.byPartition(data, 4, 100);

        assertEquals(4, partitions.size());
        long[] bounds = RowBlocks.partitionBounds(1003, 4);
        byte[] pixels = new byte[data.pixels().length];
        byte[] labels = new byte[data.count()];
        long next = 0;
        for (int p = 0; p < 4; p++) {
            List<RowBlock> blocks = partitions.get(p);
            assertEquals(3, blocks.size(), "250 rows in blocks of at most 100");
            assertEquals(bounds[p], blocks.get(0).firstRow());
            for (RowBlock block : blocks) {
                assertEquals(next, block.firstRow(), "contiguous");
                assertTrue(block.count() <= 100 && block.count() >= 83, "near-equal sizes: " + block.count());
                assertEquals(6, block.features());
                System.arraycopy(block.bytes(), 0, pixels, (int) block.firstRow() * 6, block.bytes().length);
                System.arraycopy(labelsOf(block), 0, labels, (int) block.firstRow(), block.count());
                next = block.endRow();
            }
            assertEquals(bounds[p + 1], next);
        }
        assertArrayEquals(data.pixels(), pixels);
        assertArrayEquals(data.labels(), labels);
    }

    @Test
    void morePartitionsThanRowsGivesEmptyPartitions() {
        List<List<RowBlock>> partitions = RowBlocks.byPartition(TestData.random(2, 1, 1, 1), 4);

        assertEquals(List.of(0, 1, 0, 1), partitions.stream().map(List::size).toList());
    }

    @Test
    void defaultBlockSizeKeepsBlocksFew() {
        List<List<RowBlock>> partitions = RowBlocks.byPartition(TestData.random(40_000, 28, 28, 1), 2);

        assertEquals(2, partitions.get(0).size());
        assertEquals(10_000, partitions.get(0).get(0).count());
    }

    @Test
    void rowAccessByGlobalIndex() {
        LabeledImages data = TestData.random(30, 2, 2, 9);
        RowBlock block = RowBlocks.byPartition(data, 3, 100).get(1).get(0);

        assertEquals(10, block.firstRow());
        assertEquals(20, block.endRow());
        assertEquals(8, block.pixelOffset(12));
        assertEquals(data.label(12), block.label(block.localIndex(12)));
        assertEquals(data.pixels()[12 * 4 + 3], block.bytes()[block.pixelOffset(12) + 3]);
        assertThrows(IndexOutOfBoundsException.class, () -> block.pixelOffset(20));
        assertThrows(IllegalArgumentException.class, () -> new RowBlock(0, 2, 4, new byte[7], new byte[2]));
    }

    @Test
    void blocksSerialize() throws Exception {
        RowBlock block = RowBlocks.byPartition(TestData.random(10, 2, 2, 9), 1, 100)
                .get(0)
                .get(0);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(block);
        }

        RowBlock copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (RowBlock) in.readObject();
        }

        assertEquals(block.firstRow(), copy.firstRow());
        assertArrayEquals(block.bytes(), copy.bytes());
        assertArrayEquals(labelsOf(block), labelsOf(copy));
    }

    private static byte[] labelsOf(RowBlock b) {
        byte[] labels = new byte[b.count()];
        for (int i = 0; i < labels.length; i++) labels[i] = (byte) b.label(i);
        return labels;
    }
}
