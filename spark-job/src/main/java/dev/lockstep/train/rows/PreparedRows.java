package dev.lockstep.train.rows;

import com.esotericsoftware.kryo.DefaultSerializer;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import dev.lockstep.LockstepException;
import dev.lockstep.data.DataFormatException;
import dev.lockstep.data.PreparedDataset;
import dev.lockstep.data.PreparedRecords;
import dev.lockstep.data.PreparedRecords.Slice;
import dev.lockstep.data.RowBlock;
import dev.lockstep.data.RowBlocks;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

/**
 * Rows of a prepared dataset, read by the executors: each task opens the records file through Hadoop's
 * {@code FileSystem} and reads only its own partition's byte range. The driver handles metadata and row numbers,
 * never pixels. The layout is exactly {@link InMemoryRows}'s and {@link FrameRows}' (same partition bounds, same
 * blocks), so a model trained from the prepared form is bit-identical to one trained from the files or the table it
 * came from.
 */
public final class PreparedRows implements RowSource {
    private final ShippedConf conf;
    private final PreparedDataset data;
    private final PreparedDataset.Part part;
    /** Ascending record numbers of a subset (a hold-out part); null for every record. */
    private final int[] selection;

    private final String description;
    private Broadcast<ShippedConf> shipped;

    private PreparedRows(
            Configuration conf, PreparedDataset data, PreparedDataset.Part part, int[] selection, String description) {
        this.conf = new ShippedConf(conf);
        this.data = data;
        this.part = part;
        this.selection = selection;
        this.description = description;
    }

    /** Every record of {@code part}, in file order. */
    public static PreparedRows of(Configuration conf, PreparedDataset data, PreparedDataset.Part part) {
        return new PreparedRows(conf, data, part, null, data.toString() + " " + part.name());
    }

    /**
     * The records numbered in {@code rows} (ascending, e.g. from {@code HoldOut.rows}), renumbered 0..n-1 as
     * {@code LabeledImages.select} would.
     */
    public static PreparedRows select(Configuration conf, PreparedDataset data, PreparedDataset.Part part, int[] rows) {
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= part.count() || (i > 0 && rows[i] <= rows[i - 1])) {
                throw new IllegalArgumentException("selection must be ascending record numbers below " + part.count());
            }
        }
        return new PreparedRows(
                conf,
                data,
                part,
                rows.clone(),
                data.toString() + " " + part.name() + " (" + rows.length + " of " + part.count() + " rows)");
    }

    @Override
    public long count() {
        return selection == null ? part.count() : selection.length;
    }

    @Override
    public int height() {
        return data.rows();
    }

    @Override
    public int width() {
        return data.cols();
    }

    /** Byte records (images, byte tables), or float32 ones. */
    @Override
    public boolean byteFeatures() {
        return !data.layout().floats();
    }
    /** From the metadata's label counts of the whole file: for a subset, a safe upper bound. */
    @Override
    public int maxLabel() {
        return part.maxLabel();
    }

    @Override
    public String describe() {
        return description;
    }

    /** The records file's checksum from the metadata, plus the selected rows when this is a subset. */
    @Override
    public String fingerprint() {
        String whole = String.format("prepared-crc32c:%08x/%d", part.crc32c(), part.count());
        return selection == null
                ? whole
                : whole + String.format("[rows %08x/%d]", Arrays.hashCode(selection), selection.length);
    }

    @Override
    public JavaRDD<RowBlock> blocks(JavaSparkContext sc, int partitions) {
        long[] bounds = RowBlocks.partitionBounds(count(), partitions);
        List<Task> tasks = new ArrayList<>(partitions);
        for (int p = 0; p < partitions; p++) {
            long[] cuts = RowBlocks.blockBounds(bounds[p], bounds[p + 1], RowBlocks.DEFAULT_BLOCK_ROWS);
            List<Slice> slices = new ArrayList<>(cuts.length - 1);
            for (int b = 0; b + 1 < cuts.length; b++) slices.add(slice(cuts[b], cuts[b + 1]));
            tasks.add(new Task(slices, checksums(slices)));
        }
        // Broadcast, not captured: the cached RDD's lineage is serialized with every training step's tasks, and the
        // configuration is tens of kilobytes; a broadcast handle is a few bytes and the value is fetched once.
        // It lives until close(), since a lost partition is rebuilt by reading the file again.
        if (shipped == null) shipped = sc.broadcast(conf);
        // One element per slice of parallelize(): task p becomes partition p.
        return sc.parallelize(tasks, partitions)
                .flatMap(new ReadTask(shipped, part.uri(), data.layout(), part.maxLabel()));
    }

    @Override
    public void close() {
        if (shipped != null) {
            shipped.destroy();
            shipped = null;
        }
    }

    /** The block checksums covering the records the slices read, or null (none, or an old dataset without them). */
    private PreparedRecords.BlockChecksums checksums(List<Slice> slices) {
        long from = Long.MAX_VALUE;
        long to = 0;
        for (Slice s : slices) {
            if (s.fileSpan() == 0) continue;
            from = Math.min(from, s.fileStart());
            to = Math.max(to, s.fileStart() + s.fileSpan());
        }
        return from < to ? part.checksums(from, to) : null;
    }

    /** The records behind global rows [from, to) of this source. */
    private Slice slice(long from, long to) {
        if (selection == null) return new Slice(from, (int) (to - from), from, (int) (to - from), null);
        return Slice.selecting(from, selection, (int) from, (int) to);
    }

    /**
     * What one partition reads: its slices, in order. parallelize() stores it in its partition with the data
     * serializer, and Kryo (conf/spark-cluster.conf, conf/spark-yarn.conf) cannot build records: Java serialization.
     */
    @DefaultSerializer(JavaSerializer.class)
    record Task(List<Slice> slices, PreparedRecords.BlockChecksums checksums) implements Serializable {}

    private static final class ReadTask implements FlatMapFunction<Task, RowBlock> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<ShippedConf> conf;
        private final String uri;
        private final PreparedRecords.Layout layout;
        private final int maxLabel;

        ReadTask(Broadcast<ShippedConf> conf, String uri, PreparedRecords.Layout layout, int maxLabel) {
            this.conf = conf;
            this.uri = uri;
            this.layout = layout;
            this.maxLabel = maxLabel;
        }

        @Override
        public Iterator<RowBlock> call(Task task) {
            try {
                return read(task).iterator();
            } catch (DataFormatException e) {
                return DataError.inPlaceOf(e); // not a failed (and retried) task: the job's function raises it
            }
        }

        private List<RowBlock> read(Task task) {
            List<RowBlock> blocks = new ArrayList<>(task.slices().size());
            if (!task.slices().isEmpty()) {
                Path path = new Path(uri);
                try (FSDataInputStream in =
                        path.getFileSystem(conf.value().get()).open(path)) {
                    PreparedRecords.RecordInput input =
                            PreparedRecords.input(in, uri, Math.toIntExact(layout.recordLength()), task.checksums());
                    for (Slice s : task.slices()) blocks.add(PreparedRecords.read(input, uri, layout, maxLabel, s));
                } catch (FileNotFoundException e) {
                    throw new DataFormatException(uri + ": no such file (removed since the run started?)", e);
                } catch (IOException e) {
                    throw new LockstepException("cannot read " + uri + ": " + e.getMessage(), e);
                }
            }
            return blocks;
        }
    }
}
