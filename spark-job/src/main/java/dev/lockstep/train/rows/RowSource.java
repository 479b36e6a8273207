package dev.lockstep.train.rows;

import dev.lockstep.data.RowBlock;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * A labelled dataset as the trainer sees it: its shape, and how to lay its rows out over the cluster.
 * Implementations differ in who reads the bytes (the driver, or each executor its own range), never in the
 * layout, so the same data trains the same model whichever way it arrives.
 */
public interface RowSource extends AutoCloseable {
    long count();

    /** Pixel rows of an image; 1 for rows that are not pictures. */
    int height();

    /** Pixel columns of an image; the feature count for rows that are not pictures. */
    int width();

    default int features() {
        return height() * width();
    }

    /**
     * True when every row's features are stored as unsigned bytes (integers 0-255: images), false for float rows.
     * Byte rows are scaled by {@code /255} ({@code InputScaling.UNIT}); float rows by a standardization fitted on
     * the training rows, or not at all.
     */
    default boolean byteFeatures() {
        return true;
    }

    /** The largest label present, to check it against the output layer before training. */
    int maxLabel();

    /** For messages and metrics: where the rows come from. */
    String describe();

    /**
     * Identifies the rows' content, not their location: equal for the same pixels and labels in the same order,
     * so the model sidecar can say which data made it.
     */
    String fingerprint();

    /**
     * The rows as {@code partitions} partitions of {@link RowBlock}s: partition p holds the global rows
     * [{@code RowBlocks.partitionBounds(count, partitions)[p]}, {@code [p + 1]}) in order. The RDD must be
     * deterministic, so a lost partition recomputes to the same bytes. Rows that cannot be read (bad input) are
     * one {@link DataError} in their partition's place, not an exception ({@link DataError#inPlaceOf}).
     */
    JavaRDD<RowBlock> blocks(JavaSparkContext sc, int partitions);

    /** Called once the blocks are cached: a chance to free what only the first computation needed. */
    default void afterCaching() {}

    /** Releases what {@link #blocks} created; a lost cached partition can no longer be rebuilt after this. */
    @Override
    default void close() {}
}
