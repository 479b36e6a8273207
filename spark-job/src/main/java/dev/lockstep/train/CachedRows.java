package dev.lockstep.train;

import dev.lockstep.data.RowBlock;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;

/**
 * A dataset held in executor memory for the length of a run: a cached RDD of {@link RowBlock}s, a few byte
 * arrays per partition (one byte per pixel and per label), never one object per row.
 */
final class CachedRows implements AutoCloseable {
    private final JavaRDD<RowBlock> rdd;
    private final long rows;
    private final RowSource source;

    private CachedRows(JavaRDD<RowBlock> rdd, long rows, RowSource source) {
        this.rdd = rdd;
        this.rows = rows;
        this.source = source;
    }

    static CachedRows cache(JavaSparkContext sc, RowSource source, int partitions, String name) {
        JavaRDD<RowBlock> rdd = source.blocks(sc, partitions).setName(name).persist(StorageLevel.MEMORY_ONLY());
        rdd.count(); // materialise the cache now, so the first step's timing is the step's alone
        source.afterCaching();
        return new CachedRows(rdd, source.count(), source);
    }

    JavaRDD<RowBlock> rdd() { return rdd; }
    long rows() { return rows; }

    @Override public void close() {
        rdd.unpersist(false);
        source.close();
    }
}
