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

/**
 * Rows of a Spark DataFrame: a features column (an ML vector, dense or sparse, or an array of numbers) and a label
 * column (numbers holding class numbers 0..K-1). Row order is the DataFrame's.
 *
 * <p>{@link #of} runs one job that checks every row on the executors and brings back a small summary per input
 * partition (count, width, whether every feature is an integer 0-255, largest label, a hash of the content); the
 * first bad row stops it with one line naming the row (counted from 0 in the DataFrame's order) and what is wrong.
 * {@link #blocks} then numbers the rows from those counts and shuffles them once into Lockstep's partitions, each the
 * contiguous rows {@link RowBlocks#partitionBounds} gives it, cut into blocks as every source cuts them: the same
 * rows in the same order and the same partition count make the same blocks however the DataFrame is partitioned.
 * Rows are byte rows when every feature of every row is an integer 0-255, else float32 rows.
 */
public final class FrameRows implements RowSource {
    private final JavaRDD<Row> input;
    private final String source;
    private final long[] offsets;
    private final long total;
    private final int width;
    private final boolean bytes;
    private final int maxLabel;
    private final long hash;
    /** Ascending global indices of the rows of a subset (a hold-out part); null for every row. */
    private final int[] selection;

    private Broadcast<int[]> shipped;

    private FrameRows(
            JavaRDD<Row> input,
            String source,
            long[] offsets,
            int width,
            boolean bytes,
            int maxLabel,
            long hash,
            int[] selection) {
        this.input = input;
        this.source = source;
        this.offsets = offsets;
        this.total = offsets[offsets.length - 1];
        this.width = width;
        this.bytes = bytes;
        this.maxLabel = maxLabel;
        this.hash = hash;
        this.selection = selection;
    }

    /**
     * The rows of {@code df}, checked: one Spark job on its partitions.
     *
     * @param source names the data in messages, e.g. "parquet /data/train"
     * @throws dev.lockstep.UsageException a column missing or of the wrong type
     * @throws DataFormatException a bad row (NaN or infinite feature, width differing from the rows before it or
     *                             above {@code LabeledImages.MAX_FEATURES}, label not a class number), or no rows
     */
    public static FrameRows of(Dataset<Row> df, String featuresCol, String labelCol, String source) {
        FrameColumns columns = FrameColumns.check(df.schema(), featuresCol, labelCol, source);
        JavaRDD<Row> input = df.select(columns.features(), columns.label()).javaRDD();
        JavaSparkContext sc =
                JavaSparkContext.fromSparkContext(df.sparkSession().sparkContext());
        List<FrameSummary> parts = new FrameSummary.Job().runOn(sc, input, FrameSummary.class);
        long[] offsets = new long[parts.size() + 1];
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
            offsets[p + 1] = first + s.count;
        }
        if (offsets[parts.size()] == 0) throw new DataFormatException(source + ": no rows");
        return new FrameRows(input, source, offsets, width, bytes, maxLabel, hash, null);
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
        return new FrameRows(input, name, offsets, width, bytes, maxLabel, hash, rows.clone());
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
        JavaRDD<scala.Tuple2<Long, FrameBlocks.Shipped>> keyed =
                input.mapPartitionsWithIndex(new FrameBlocks.Place(offsets, width, bytes, source, shipped), false);
        return JavaPairRDD.fromJavaRDD(keyed)
                .partitionBy(new FrameBlocks.RowRange(bounds))
                .mapPartitionsWithIndex(new FrameBlocks.Assemble(bounds, width, bytes, source), true);
    }

    @Override
    public void close() {
        if (shipped != null) {
            shipped.destroy();
            shipped = null;
        }
    }
}
