package dev.lockstep.train;

import dev.lockstep.data.LabeledImages;
import dev.lockstep.data.RowBlock;
import dev.lockstep.data.RowBlocks;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;

/**
 * A dataset spread over the cluster as a cached RDD of {@link RowBlock}s: partition p owns the contiguous global
 * rows [bounds[p], bounds[p+1]), held as a few byte arrays (one byte per pixel and per label), never one object
 * per row.
 */
final class CachedRows implements AutoCloseable {
    private final JavaRDD<RowBlock> rdd;
    private final long rows;
    private final int partitions;
    private final int height;
    private final int width;

    private CachedRows(JavaRDD<RowBlock> rdd, long rows, int partitions, int height, int width) {
        this.rdd = rdd;
        this.rows = rows;
        this.partitions = partitions;
        this.height = height;
        this.width = width;
    }

    static CachedRows distribute(JavaSparkContext sc, LabeledImages data, int partitions, int maxBlockRows, String name) {
        List<List<RowBlock>> byPartition = RowBlocks.byPartition(data, partitions, maxBlockRows);
        // parallelize() cuts a list of length P*k into P slices [i*k, (i+1)*k); padding every partition to the same
        // block count k keeps each slice exactly one partition's blocks.
        int k = 0;
        for (List<RowBlock> blocks : byPartition) k = Math.max(k, blocks.size());
        List<RowBlock> flat = new ArrayList<>(partitions * k);
        for (List<RowBlock> blocks : byPartition) {
            flat.addAll(blocks);
            long end = blocks.isEmpty() ? 0 : blocks.get(blocks.size() - 1).firstRow() + blocks.get(blocks.size() - 1).count();
            for (int i = blocks.size(); i < k; i++) flat.add(new RowBlock(end, 0, data.features(), new byte[0], new byte[0]));
        }
        JavaRDD<RowBlock> rdd = sc.parallelize(flat, partitions).setName(name).persist(StorageLevel.MEMORY_ONLY());
        rdd.count(); // materialise the cache now, so the first step's timing is the step's alone
        return new CachedRows(rdd, data.count(), partitions, data.rows(), data.cols());
    }

    JavaRDD<RowBlock> rdd() { return rdd; }
    long rows() { return rows; }
    int partitions() { return partitions; }
    int imageHeight() { return height; }
    int imageWidth() { return width; }

    @Override public void close() {
        rdd.unpersist(false);
    }
}
