package dev.lockstep.train.rows;

import dev.lockstep.data.RowBlock;
import java.io.Serializable;
import java.util.Iterator;
import org.apache.spark.Partition;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.PartitionCoalescer;
import org.apache.spark.rdd.PartitionGroup;
import org.apache.spark.rdd.RDD;
import org.apache.spark.storage.StorageLevel;
import scala.Option;

/**
 * A dataset held in executor memory for the length of a run: a cached RDD of {@link RowBlock}s, a few byte
 * arrays per partition (one byte per pixel and per label), never one object per row.
 *
 * <p>The rows are cut into {@code partitions} partitions, the unit of the step's arithmetic ({@link
 * dev.lockstep.train.sum.SumTree}), and cached as tasks of {@code partitionsPerTask} consecutive partitions each:
 * task t holds partitions [t * perTask, (t + 1) * perTask), its blocks in partition order, and computes them on as
 * many threads. How many partitions a task holds changes where the work runs, never the model.
 */
public final class CachedRows implements AutoCloseable {
    private final JavaRDD<RowBlock> rdd;
    private final long rows;
    private final int partitions;
    private final int perTask;
    private final RowSource source;

    private CachedRows(JavaRDD<RowBlock> rdd, long rows, int partitions, int perTask, RowSource source) {
        this.rdd = rdd;
        this.rows = rows;
        this.partitions = partitions;
        this.perTask = perTask;
        this.source = source;
    }

    public static CachedRows cache(JavaSparkContext sc, RowSource source, int partitions, String name) {
        return cache(sc, source, partitions, 1, name);
    }

    public static CachedRows cache(
            JavaSparkContext sc, RowSource source, int partitions, int partitionsPerTask, String name) {
        if (partitions < 1 || partitionsPerTask < 1) {
            throw new IllegalArgumentException(
                    "partitions " + partitions + " and partitions per task " + partitionsPerTask + " must be positive");
        }
        int perTask = Math.min(partitionsPerTask, partitions);
        JavaRDD<RowBlock> blocks = source.blocks(sc, partitions);
        if (perTask > 1) {
            int tasks = (partitions + perTask - 1) / perTask;
            RDD<RowBlock> grouped = blocks.rdd().coalesce(tasks, false, Option.apply(new Consecutive(perTask)), null);
            blocks = new JavaRDD<>(grouped, blocks.classTag());
        }
        JavaRDD<RowBlock> rdd = blocks.setName(name).persist(StorageLevel.MEMORY_ONLY());
        // Materialise the cache now, so the first step's timing is the step's alone; as a PartitionJob, so that bad
        // rows found while reading end the run with their own message, not a failed (and retried) task.
        try {
            PartitionJob.of(CachedRows::count).runOn(sc, rdd, Long.class);
        } catch (RuntimeException e) { // bad rows: no CachedRows for the caller to close, so release them here
            rdd.unpersist(false);
            source.close();
            throw e;
        }
        source.afterCaching();
        return new CachedRows(rdd, source.count(), partitions, perTask, source);
    }

    private static Long count(Iterator<RowBlock> blocks) {
        long n = 0;
        while (blocks.hasNext()) n += blocks.next().count();
        return n;
    }

    public JavaRDD<RowBlock> rdd() {
        return rdd;
    }

    long rows() {
        return rows;
    }
    /** The partitions the rows are cut into: what the step's sum is over. */
    public int partitions() {
        return partitions;
    }

    public int partitionsPerTask() {
        return perTask;
    }
    /** What the tasks need to know of the above. */
    public PartitionLayout layout() {
        return new PartitionLayout(rows, partitions, perTask);
    }

    @Override
    public void close() {
        rdd.unpersist(false);
        source.close();
    }

    /** Groups partitions [t * perTask, (t + 1) * perTask) into task t, in order; no preferred location. */
    private static final class Consecutive implements PartitionCoalescer, Serializable {
        private static final long serialVersionUID = 1L;
        private final int perTask;

        Consecutive(int perTask) {
            this.perTask = perTask;
        }

        @Override
        public PartitionGroup[] coalesce(int maxPartitions, RDD<?> parent) {
            Partition[] parts = parent.partitions();
            int tasks = (parts.length + perTask - 1) / perTask;
            PartitionGroup[] groups = new PartitionGroup[tasks];
            for (int t = 0; t < tasks; t++) {
                groups[t] = new PartitionGroup(Option.empty());
                for (int p = t * perTask; p < Math.min(parts.length, (t + 1) * perTask); p++)
                    groups[t].partitions().addOne(parts[p]);
            }
            return groups;
        }
    }
}
