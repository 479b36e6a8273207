package dev.lockstep.workflow;

import dev.lockstep.data.DataFormatException;
import dev.lockstep.data.HeapBudget;
import dev.lockstep.data.PreparedDataset;
import dev.lockstep.data.PreparedRecords;
import dev.lockstep.data.PreparedWriter;
import dev.lockstep.data.RowBlock;
import dev.lockstep.train.rows.DataError;
import dev.lockstep.train.rows.FrameRows;
import java.util.Iterator;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Writes checked table rows ({@link FrameRows}) as a prepared dataset of version 2, so that later runs read them on
 * the executors without Spark SQL, and train the same model as from the table.
 *
 * <p>The rows reach the driver one partition at a time ({@code toLocalIterator} over {@link FrameRows#blocks}, whose
 * blocks are already in Lockstep's row order) and go straight to the records file: the driver holds one partition,
 * never the table. Partitions are cut small enough for that ({@link #PARTITION_BYTES}), and the heap is asked first,
 * as the file readers ask it, so that a driver too small is refused with the sizes instead of running out of memory.
 */
public final class TablePreparation {
    /** Rows a partition holds at most, in bytes of the driver's heap: one arrives at a time. */
    static final long PARTITION_BYTES = 32L << 20;

    private TablePreparation() {}

    /**
     * Writes {@code train} (and {@code test}) to {@code dir}; {@code source} is recorded as what was converted.
     *
     * @throws DataFormatException test rows of floats where every training feature is a byte (they would need a
     *     scaling of their own), or rows that changed since they were checked
     * @throws HeapBudget.Exceeded a partition that would not fit {@code budget}
     */
    public static PreparedDataset write(
            JavaSparkContext sc,
            Configuration conf,
            String dir,
            FrameRows train,
            Optional<FrameRows> test,
            String source,
            HeapBudget budget) {
        if (test.isPresent() && test.get().features() != train.features()) {
            throw new DataFormatException(test.get().describe() + ": rows of "
                    + test.get().features() + " features, where the training rows have " + train.features());
        }
        boolean floats = !train.byteFeatures();
        if (!floats && test.isPresent() && !test.get().byteFeatures()) {
            throw new DataFormatException(test.get().describe() + ": features that are not integers 0-255, where"
                    + " every training feature is one: a run would scale them as bytes; prepare them apart");
        }
        int maxLabel = Math.max(train.maxLabel(), test.map(FrameRows::maxLabel).orElse(0));
        int classes = Math.max(2, maxLabel + 1);
        PreparedRecords.Layout layout = PreparedWriter.rowsLayout(train.features(), floats, classes);
        PreparedWriter.RowsPart trainPart = part(sc, PreparedDataset.TRAIN, train, layout, budget);
        Optional<PreparedWriter.RowsPart> testPart = test.map(t -> part(sc, PreparedDataset.TEST, t, layout, budget));
        return PreparedWriter.writeRows(conf, dir, layout, classes, source, trainPart, testPart);
    }

    /** The rows of {@code rows}, fetched a partition at a time once the writer asks for them. */
    private static PreparedWriter.RowsPart part(
            JavaSparkContext sc, String name, FrameRows rows, PreparedRecords.Layout layout, HeapBudget budget) {
        long rowBytes = (long) rows.features() * (rows.byteFeatures() ? 1 : Float.BYTES) + Integer.BYTES;
        long count = rows.count();
        int partitions = (int) Math.max(1, Math.min(count, (count * rowBytes + PARTITION_BYTES - 1) / PARTITION_BYTES));
        long partitionRows = (count + partitions - 1) / partitions;
        // A partition arrives serialized and is then rebuilt: twice its rows at once, plus the writer's buffer.
        budget.require(
                2 * partitionRows * rowBytes + (1L << 20) + layout.recordLength(),
                String.format(
                        Locale.ROOT,
                        "%s: writing partitions of %,d rows through the driver",
                        rows.describe(),
                        partitionRows));
        Iterator<?> elements = rows.blocks(sc, partitions).toLocalIterator();
        return new PreparedWriter.RowsPart(name, count, new Blocks(elements, layout.floats()));
    }

    /** The blocks as they arrive: a partition's {@link DataError} is thrown; byte rows become floats if need be. */
    private record Blocks(Iterator<?> elements, boolean floats) implements Iterator<RowBlock> {
        @Override
        public boolean hasNext() {
            return elements.hasNext();
        }

        @Override
        public RowBlock next() {
            if (!hasNext()) throw new NoSuchElementException();
            Object next = elements.next();
            if (next instanceof DataError e) throw e.error();
            RowBlock block = (RowBlock) next;
            return floats && block.isBytes() ? asFloats(block) : block;
        }

        /** Test rows that happen to be bytes, in a dataset of floats: the same values. */
        private static RowBlock asFloats(RowBlock b) {
            float[] values = new float[b.count() * b.features()];
            for (int i = 0; i < values.length; i++) values[i] = b.bytes()[i] & 0xFF;
            int[] labels = new int[b.count()];
            for (int i = 0; i < labels.length; i++) labels[i] = b.label(i);
            return RowBlock.ofFloats(b.firstRow(), b.count(), b.features(), values, labels);
        }
    }
}
