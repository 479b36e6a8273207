/**
 * The rows a run trains and evaluates on, as the cluster holds them: where they come from
 * ({@link dev.lockstep.train.rows.RowSource}: {@link dev.lockstep.train.rows.InMemoryRows}
 * read by the driver, {@link dev.lockstep.train.rows.PreparedRows}, {@link dev.lockstep.train.rows.FrameRows} from a
 * DataFrame), how they are split into partitions
 * and partitions into tasks
 * ({@link dev.lockstep.train.rows.PartitionLayout}), their cached RDD ({@link dev.lockstep.train.rows.CachedRows}),
 * the Spark job that runs a function on each cached partition ({@link dev.lockstep.train.rows.PartitionJob}), the
 * per-feature moments a standardization is fitted from ({@link dev.lockstep.train.rows.FeatureMoments}), and a
 * task's bad data carried back to the driver as the user's error ({@link dev.lockstep.train.rows.DataError}).
 *
 * <p>May depend on {@code data} and Spark; on nothing else of {@code train}.
 */
package dev.lockstep.train.rows;
