package dev.lockstep.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a dataset into contiguous per-partition ranges of rows and those into {@link RowBlock}s.
 * Partition p owns global rows {@code [floor(p*rows/partitions), floor((p+1)*rows/partitions))}, so
 * partition sizes differ by at most one and every worker can compute the layout independently.
 */
public final class RowBlocks {
    /** 16384 MNIST rows are 12.8 MB of pixels: big enough to amortise overhead, small enough to move. */
    public static final int DEFAULT_BLOCK_ROWS = 16384;

    private RowBlocks() {}

    /** {@code partitions + 1} bounds; partition p owns global rows [bounds[p], bounds[p+1]). */
    public static long[] partitionBounds(long rows, int partitions) {
        if (rows < 0 || partitions < 1) {
            throw new IllegalArgumentException("cannot split " + rows + " rows into " + partitions + " partitions");
        }
        long[] bounds = new long[partitions + 1];
        for (int p = 0; p <= partitions; p++) {
            bounds[p] = Math.multiplyExact(rows, (long) p) / partitions;
        }
        return bounds;
    }

    /** {@link #byPartition(LabeledImages, int, int)} with {@link #DEFAULT_BLOCK_ROWS}. */
    public static List<List<RowBlock>> byPartition(LabeledImages data, int partitions) {
        return byPartition(data, partitions, DEFAULT_BLOCK_ROWS);
    }

    /**
     * Each partition's rows, in global order, as blocks of at most {@code maxRowsPerBlock} rows of
     * near-equal size (no small leftover block). An empty partition has no blocks.
     */
    public static List<List<RowBlock>> byPartition(LabeledImages data, int partitions, int maxRowsPerBlock) {
        List<List<RowBlock>> result = new ArrayList<>(partitions);
        for (int p = 0; p < partitions; p++) result.add(partition(data, p, partitions, maxRowsPerBlock));
        return result;
    }

    /** Partition p's blocks alone, the same as {@code byPartition(...).get(p)}: what an executor builds for itself. */
    public static List<RowBlock> partition(LabeledImages data, int p, int partitions, int maxRowsPerBlock) {
        if (maxRowsPerBlock < 1) {
            throw new IllegalArgumentException("maxRowsPerBlock must be positive, got " + maxRowsPerBlock);
        }
        long[] bounds = partitionBounds(data.count(), partitions);
        long[] cuts = blockBounds(bounds[p], bounds[p + 1], maxRowsPerBlock);
        List<RowBlock> partition = new ArrayList<>(cuts.length - 1);
        for (int b = 0; b + 1 < cuts.length; b++) {
            partition.add(copy(data, (int) cuts[b], (int) cuts[b + 1]));
        }
        return partition;
    }

    /**
     * How {@link #byPartition} cuts the rows [from, to) into blocks: the fewest blocks of at most
     * {@code maxRowsPerBlock} rows, of near-equal size; block b is [cuts[b], cuts[b+1]). No rows, no blocks
     * (a single bound). Public so that sources reading rows elsewhere make exactly the same blocks.
     */
    public static long[] blockBounds(long from, long to, int maxRowsPerBlock) {
        if (maxRowsPerBlock < 1 || from < 0 || to < from) {
            throw new IllegalArgumentException(
                    "cannot cut rows [" + from + ", " + to + ") into blocks of at most " + maxRowsPerBlock);
        }
        long rows = to - from;
        int blocks = Math.toIntExact((rows + maxRowsPerBlock - 1) / maxRowsPerBlock);
        long[] cuts = new long[blocks + 1];
        for (int b = 0; b <= blocks; b++) {
            cuts[b] = from + (blocks == 0 ? 0 : rows * b / blocks);
        }
        return cuts;
    }

    private static RowBlock copy(LabeledImages data, int from, int to) {
        int features = data.features();
        int count = to - from;
        byte[] pixels = new byte[count * features];
        byte[] labels = new byte[count];
        System.arraycopy(data.pixels(), from * features, pixels, 0, pixels.length);
        System.arraycopy(data.labels(), from, labels, 0, count);
        return new RowBlock(from, count, features, pixels, labels);
    }
}
