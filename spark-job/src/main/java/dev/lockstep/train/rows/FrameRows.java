package dev.lockstep.train.rows;

import dev.lockstep.data.DataFormatException;
import dev.lockstep.data.RowBlock;
import dev.lockstep.data.RowBlocks;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Rows of a Spark DataFrame: a features column (an ML vector, dense or sparse, or an array of numbers) and a label
 * column (numbers holding class numbers 0..K-1). Row order is the DataFrame's.
 *
 * <p>{@link #of} persists the two columns (so that both passes read the same rows in the same order, whatever the
 * DataFrame's plan) and runs one job that checks every row on the executors and brings back a small summary per input
 * partition (count, width, whether every feature is an integer 0-255, largest label, a hash of the content); the
 * first bad row stops it with one line naming the row (counted from 0 in the DataFrame's order) and what is wrong.
 * {@link #blocks} then numbers the rows from those counts and shuffles them once into Lockstep's partitions, each the
 * contiguous rows {@link RowBlocks#partitionBounds} gives it, cut into blocks as every source cuts them: the same
 * rows in the same order and the same partition count make the same blocks however the DataFrame is partitioned.
 * Rows are byte rows when every feature of every row is an integer 0-255, else float32 rows.
 */
public final class FrameRows implements RowSource {
    private final Input input;
    private final String source;
    private final long[] offsets;
    private final long total;
    private final int width;
    private final boolean bytes;
    private final int maxLabel;
    /** Per input partition, the hash of its rows as the first pass read them. */
    private final long[] hashes;

    private final long hash;
    /** Ascending global indices of the rows of a subset (a hold-out part); null for every row. */
    private final int[] selection;

    private Broadcast<int[]> shipped;
    /** Whether this source still counts on the persisted input; false once its blocks are cached, or closed. */
    private boolean holdsInput = true;

    private FrameRows(
            Input input,
            String source,
            long[] offsets,
            int width,
            boolean bytes,
            int maxLabel,
            long[] hashes,
            long hash,
            int[] selection) {
        this.input = input;
        this.source = source;
        this.offsets = offsets;
        this.total = offsets[offsets.length - 1];
        this.width = width;
        this.bytes = bytes;
        this.maxLabel = maxLabel;
        this.hashes = hashes;
        this.hash = hash;
        this.selection = selection;
    }

    /**
     * The two selected columns, persisted before the first pass: a DataFrame need not give its rows in the same order
     * twice (after a shuffle of the user's, a join, a groupBy, rows of a partition come in the order they arrived),
     * and the second pass numbers rows by position. Shared by a source and its selections, and released when the last
     * of them no longer needs it (its blocks are cached, or it is closed). A reading after that (a lost partition,
     * a second caching) reads the DataFrame again, and {@link FrameBlocks.Place} refuses rows that come in another
     * order than the first pass saw.
     */
    private static final class Input {
        final JavaRDD<Row> rdd;
        /** False when the DataFrame was cached by its user: not ours to drop. */
        private final boolean persisted;

        private int users = 1;

        Input(JavaRDD<Row> rdd, boolean persisted) {
            this.rdd = rdd;
            this.persisted = persisted;
        }

        synchronized void retain() {
            users++;
        }

        synchronized void release() {
            if (--users == 0 && persisted) rdd.unpersist(false);
        }
    }

    /**
     * The rows of {@code df}, checked: one Spark job on its partitions.
     *
     * @param source names the data in messages, e.g. "parquet /data/train"
     * @throws dev.lockstep.UsageException a column missing or of the wrong type
     * @throws DataFormatException a bad row (NaN or infinite feature, width differing from the rows before it or
     *                             above {@code ModelFile.MAX_LAYER_SIZE}, label not a class number), or no rows
     */
    public static FrameRows of(Dataset<Row> df, String featuresCol, String labelCol, String source) {
        FrameColumns columns = FrameColumns.check(df.schema(), featuresCol, labelCol, source);
        JavaRDD<Row> rdd = df.select(columns.features(), columns.label()).javaRDD();
        // A DataFrame the user cached reads the same rows in the same order each time already: no second copy.
        boolean persist = df.storageLevel().equals(StorageLevel.NONE());
        if (persist) rdd.persist(StorageLevel.MEMORY_AND_DISK_SER());
        try {
            return summarized(rdd, persist, source);
        } catch (RuntimeException e) {
            if (persist) rdd.unpersist(false);
            throw e;
        }
    }

    private static FrameRows summarized(JavaRDD<Row> input, boolean persisted, String source) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(input.context());
        List<FrameSummary> parts = new FrameSummary.Job().runOn(sc, input, FrameSummary.class);
        long[] offsets = new long[parts.size() + 1];
        long[] hashes = new long[parts.size()];
        int width = -1;
        boolean bytes = true;
        int maxLabel = -1;
        long hash = 0;
        for (int p = 0; p < parts.size(); p++) {
            FrameSummary s = parts.get(p);
            long first = offsets[p];
            if (s.width >= 0 && width >= 0 && s.width != width && s.errorRow != 0) {
                throw new DataFormatException(String.format(
                        Locale.ROOT,
                        "%s: row %d: it has %d features where the rows before it have %d",
                        source,
                        first,
                        s.width,
                        width));
            }
            if (s.error != null) {
                throw new DataFormatException(
                        String.format(Locale.ROOT, "%s: row %d: %s", source, first + s.errorRow, s.error));
            }
            if (s.count == 0) {
                offsets[p + 1] = first;
                continue;
            }
            if (width < 0) width = s.width;
            bytes &= s.bytes;
            maxLabel = Math.max(maxLabel, s.maxLabel);
            hash = FrameSummary.combine(hash, s.hash, s.count);
            hashes[p] = s.hash;
            offsets[p + 1] = first + s.count;
        }
        if (offsets[parts.size()] == 0) throw new DataFormatException(source + ": no rows");
        return new FrameRows(new Input(input, persisted), source, offsets, width, bytes, maxLabel, hashes, hash, null);
    }

    /**
     * The rows numbered in {@code rows} (ascending, e.g. from {@code HoldOut.rows}), renumbered 0..n-1: the same
     * rows a hold-out of files would pick. No job runs here.
     *
     * @param what names the subset in messages, e.g. "validation"
     */
    public FrameRows select(int[] rows, String what) {
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= total || (i > 0 && rows[i] <= rows[i - 1])) {
                throw new IllegalArgumentException("selection must be ascending row numbers below " + total);
            }
        }
        if (selection != null) throw new IllegalStateException("a selection of a selection");
        String name = String.format(Locale.ROOT, "%s (%s: %,d of %,d rows)", source, what, rows.length, total);
        input.retain();
        return new FrameRows(input, name, offsets, width, bytes, maxLabel, hashes, hash, rows.clone());
    }

    @Override
    public long count() {
        return selection == null ? total : selection.length;
    }

    /** Not an image: one row of {@link #width()} features. */
    @Override
    public int height() {
        return 1;
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public boolean byteFeatures() {
        return bytes;
    }

    /** Of every row: for a subset, an upper bound. */
    @Override
    public int maxLabel() {
        return maxLabel;
    }

    @Override
    public String describe() {
        return source;
    }

    /** A hash of every row's label and features in order (not of the partitioning), plus the subset's rows. */
    @Override
    public String fingerprint() {
        String whole = String.format(Locale.ROOT, "frame:%016x/%d", hash, total);
        return selection == null
                ? whole
                : whole + String.format(Locale.ROOT, "[rows %08x/%d]", Arrays.hashCode(selection), selection.length);
    }

    @Override
    public JavaRDD<RowBlock> blocks(JavaSparkContext sc, int partitions) {
        long[] bounds = RowBlocks.partitionBounds(count(), partitions);
        // Broadcast, not captured: a hold-out's row list can be megabytes, and travels once per executor this way.
        // It lives until close(), since a lost partition may read the input again.
        if (selection != null && shipped == null) shipped = sc.broadcast(selection);
        FrameBlocks.Place place = new FrameBlocks.Place(offsets, hashes, bounds, width, bytes, source, shipped);
        JavaRDD<scala.Tuple2<Long, FrameBlocks.Shipped>> keyed = input.rdd.mapPartitionsWithIndex(place, false);
        return JavaPairRDD.fromJavaRDD(keyed)
                .partitionBy(new FrameBlocks.RowRange(bounds))
                .mapPartitionsWithIndex(new FrameBlocks.Assemble(bounds, width, bytes, source), true);
    }

    /** The blocks are cached: this source no longer needs the persisted input (its selections may). */
    @Override
    public void afterCaching() {
        releaseInput();
    }

    /** Idempotent. Blocks asked for after this read the DataFrame again. */
    @Override
    public void close() {
        releaseInput();
        if (shipped != null) {
            shipped.destroy();
            shipped = null;
        }
    }

    private synchronized void releaseInput() {
        if (holdsInput) {
            holdsInput = false;
            input.release();
        }
    }
}
