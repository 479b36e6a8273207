package dev.lockstep.train.rows;

import dev.lockstep.data.RowBlock;
import dev.lockstep.data.RowBlocks;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * Which rows each partition owns ({@link RowBlocks#partitionBounds}) and which partitions each task holds
 * ({@link CachedRows}): task t holds [t * perTask, min(P, (t + 1) * perTask)). Travels with every task.
 */
public final class PartitionLayout implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long rows;
    private final int partitions;
    private final int perTask;
    private transient long[] bounds;

    public PartitionLayout(long rows, int partitions, int perTask) {
        if (rows < 0 || partitions < 1 || perTask < 1 || perTask > partitions) {
            throw new IllegalArgumentException(
                    "bad layout: " + rows + " rows, " + partitions + " partitions, " + perTask + " per task");
        }
        this.rows = rows;
        this.partitions = partitions;
        this.perTask = perTask;
    }

    public int partitions() {
        return partitions;
    }

    public int tasks() {
        return (partitions + perTask - 1) / perTask;
    }

    /** The first partition task {@code task} holds. */
    public int first(int task) {
        checkTask(task);
        return task * perTask;
    }

    /** One past the last partition task {@code task} holds. */
    public int end(int task) {
        checkTask(task);
        return Math.min(partitions, (task + 1) * perTask);
    }

    /**
     * The rows of a step's sorted batch that task {@code task}'s partitions own: all it needs of the batch, so that
     * what the driver sends the tasks adds up to the batch once, not once per task.
     */
    public int[] batchShare(int task, int[] sortedBatchRows) {
        if (bounds == null) bounds = RowBlocks.partitionBounds(rows, partitions);
        return Arrays.copyOfRange(
                sortedBatchRows,
                lowerBound(sortedBatchRows, bounds[first(task)]),
                lowerBound(sortedBatchRows, bounds[end(task)]));
    }

    /** The first index of {@code sorted} whose value is at least {@code key}: where a partition's share begins. */
    public static int lowerBound(int[] sorted, long key) {
        int i = Arrays.binarySearch(sorted, (int) Math.min(key, Integer.MAX_VALUE));
        if (i < 0) return -i - 1;
        while (i > 0 && sorted[i - 1] == key) i--;
        return i;
    }

    /**
     * A task's blocks, split by partition: element i holds partition {@code first(task) + i}'s blocks, in order.
     *
     * @throws IllegalStateException if a block lies outside the task's partitions or straddles two
     */
    public List<List<RowBlock>> split(int task, Iterator<RowBlock> blocks) {
        if (bounds == null) bounds = RowBlocks.partitionBounds(rows, partitions);
        int first = first(task);
        int end = end(task);
        List<List<RowBlock>> out = new ArrayList<>(end - first);
        for (int p = first; p < end; p++) out.add(new ArrayList<>(2));
        int p = first;
        while (blocks.hasNext()) {
            RowBlock b = blocks.next();
            while (p < end && b.firstRow() >= bounds[p + 1] && b.count() > 0) p++;
            if (p == end || b.firstRow() < bounds[p] || b.endRow() > bounds[p + 1]) {
                throw new IllegalStateException("task " + task + " got rows [" + b.firstRow() + ", " + b.endRow()
                        + ") outside its partitions " + first + ".." + (end - 1));
            }
            out.get(p - first).add(b);
        }
        return out;
    }

    private void checkTask(int task) {
        if (task < 0 || task >= tasks()) throw new IllegalArgumentException("no task " + task + " of " + tasks());
    }
}
