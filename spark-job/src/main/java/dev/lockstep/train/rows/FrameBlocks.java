package dev.lockstep.train.rows;

import dev.lockstep.data.DataFormatException;
import dev.lockstep.data.RowBlock;
import dev.lockstep.data.RowBlocks;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/**
 * The second pass over a validated DataFrame: every row, keyed by its global index (from the first pass's counts,
 * in the DataFrame's order), goes to the Lockstep partition that owns that index ({@link RowRange}), which places it
 * by index into its blocks. Where a row lands depends on its index alone, never on the order the shuffle delivers
 * rows in, so a partition computed again is the same bytes.
 *
 * <p>Rows found bad here (the input changed since the first pass) travel to their partition as a {@link Shipped}
 * carrying the message, since a shuffle's map task that threw would be retried and reported with traces; the
 * partition then stands in a {@link DataError}.
 */
final class FrameBlocks {
    private FrameBlocks() {}

    /** A row on its way to its partition: its label and features (bytes or floats), or what is wrong with it. */
    static final class Shipped implements Serializable {
        private static final long serialVersionUID = 1L;
        int label;
        byte[] bytes;
        float[] floats;
        String error;

        Shipped() {}

        static Shipped error(String message) {
            Shipped s = new Shipped();
            s.error = message;
            return s;
        }
    }

    /** Sends global row i to the partition p with bounds[p] <= i < bounds[p + 1]. */
    static final class RowRange extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final long[] bounds;

        RowRange(long[] bounds) {
            this.bounds = bounds;
        }

        @Override
        public int numPartitions() {
            return bounds.length - 1;
        }

        @Override
        public int getPartition(Object key) {
            long row = (Long) key;
            int at = Arrays.binarySearch(bounds, 0, bounds.length - 1, row);
            if (at < 0) return Math.max(0, -at - 2);
            while (at + 1 < bounds.length - 1 && bounds[at + 1] == row) at++; // past empty partitions
            return at;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof RowRange r && Arrays.equals(bounds, r.bounds);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bounds);
        }
    }

    /**
     * Keys each row of input partition p by its index: {@code offsets[p]} plus its place in the partition, or, for a
     * subset, its place among the selected rows (rows not selected are dropped).
     */
    static final class Place implements Function2<Integer, Iterator<Row>, Iterator<Tuple2<Long, Shipped>>> {
        private static final long serialVersionUID = 1L;
        private final long[] offsets;
        private final int width;
        private final boolean bytes;
        private final String source;
        /** Ascending global indices of the rows kept; null for all. */
        private final Broadcast<int[]> selection;

        Place(long[] offsets, int width, boolean bytes, String source, Broadcast<int[]> selection) {
            this.offsets = offsets;
            this.width = width;
            this.bytes = bytes;
            this.source = source;
            this.selection = selection;
        }

        @Override
        public Iterator<Tuple2<Long, Shipped>> call(Integer partition, Iterator<Row> rows) {
            int p = partition;
            int[] kept = selection == null ? null : selection.value();
            return new Iterator<>() {
                long global = offsets[p];
                int next = kept == null ? 0 : lowerBound(kept, offsets[p]);
                final float[] values = new float[width];
                Tuple2<Long, Shipped> ahead;

                @Override
                public boolean hasNext() {
                    while (ahead == null && rows.hasNext()) {
                        Row row = rows.next();
                        long index = global++;
                        if (index >= offsets[p + 1]) {
                            ahead = new Tuple2<>(0L, Shipped.error(changed("more rows than it had")));
                        } else if (kept == null) {
                            ahead = new Tuple2<>(index, ship(row, index));
                        } else if (next < kept.length && kept[next] == index) {
                            ahead = new Tuple2<>((long) next++, ship(row, index));
                        }
                    }
                    return ahead != null;
                }

                @Override
                public Tuple2<Long, Shipped> next() {
                    if (!hasNext()) throw new NoSuchElementException();
                    Tuple2<Long, Shipped> t = ahead;
                    ahead = null;
                    return t;
                }

                private Shipped ship(Row row, long index) {
                    Shipped s = new Shipped();
                    try {
                        int w = FrameColumns.width(row);
                        if (w != width) {
                            throw new FrameColumns.BadRow(
                                    "it has " + w + " features where the rows before it have " + width);
                        }
                        boolean isBytes = FrameColumns.values(row, width, values);
                        s.label = FrameColumns.label(row);
                        if (bytes && !isBytes) return Shipped.error(changed("features that are no longer bytes"));
                        if (bytes) {
                            s.bytes = new byte[width];
                            for (int f = 0; f < width; f++) s.bytes[f] = (byte) (int) values[f];
                        } else {
                            s.floats = values.clone();
                        }
                        return s;
                    } catch (FrameColumns.BadRow e) {
                        return Shipped.error(
                                String.format(Locale.ROOT, "%s: row %d: %s", source, index, e.getMessage()));
                    }
                }
            };
        }

        private String changed(String what) {
            return source + ": the input changed while it was read (" + what + " when it was checked); read it again";
        }

        private static int lowerBound(int[] sorted, long value) {
            int lo = 0;
            int hi = sorted.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (sorted[mid] < value) lo = mid + 1;
                else hi = mid;
            }
            return lo;
        }
    }

    /** Builds partition p's blocks from the rows the shuffle brings it, each put in place by its index. */
    static final class Assemble implements Function2<Integer, Iterator<Tuple2<Long, Shipped>>, Iterator<RowBlock>> {
        private static final long serialVersionUID = 1L;
        private final long[] bounds;
        private final int width;
        private final boolean bytes;
        private final String source;

        Assemble(long[] bounds, int width, boolean bytes, String source) {
            this.bounds = bounds;
            this.width = width;
            this.bytes = bytes;
            this.source = source;
        }

        @Override
        public Iterator<RowBlock> call(Integer partition, Iterator<Tuple2<Long, Shipped>> rows) {
            try {
                return build(partition, rows).iterator();
            } catch (DataFormatException e) {
                return DataError.inPlaceOf(e); // not a failed (and retried) task: the job's function raises it
            }
        }

        private List<RowBlock> build(int p, Iterator<Tuple2<Long, Shipped>> rows) {
            long from = bounds[p];
            long to = bounds[p + 1];
            long[] cuts = RowBlocks.blockBounds(from, to, RowBlocks.DEFAULT_BLOCK_ROWS);
            int blocks = cuts.length - 1;
            byte[][] byteValues = new byte[bytes ? blocks : 0][];
            float[][] floatValues = new float[bytes ? 0 : blocks][];
            int[][] labels = new int[blocks][];
            for (int b = 0; b < blocks; b++) {
                int n = (int) (cuts[b + 1] - cuts[b]);
                int size = Math.multiplyExact(n, width);
                if (bytes) byteValues[b] = new byte[size];
                else floatValues[b] = new float[size];
                labels[b] = new int[n];
            }
            BitSet seen = new BitSet(Math.toIntExact(to - from));
            while (rows.hasNext()) {
                Tuple2<Long, Shipped> t = rows.next();
                Shipped row = t._2();
                if (row.error != null) throw new DataFormatException(row.error);
                long index = t._1();
                if (index < from || index >= to || seen.get((int) (index - from))) {
                    throw new DataFormatException(
                            source + ": the input changed while it was read (row " + index + " twice); read it again");
                }
                seen.set((int) (index - from));
                int b = Arrays.binarySearch(cuts, index);
                b = b >= 0 ? Math.min(b, blocks - 1) : -b - 2;
                int local = (int) (index - cuts[b]);
                labels[b][local] = row.label;
                if (bytes) System.arraycopy(row.bytes, 0, byteValues[b], local * width, width);
                else System.arraycopy(row.floats, 0, floatValues[b], local * width, width);
            }
            if (seen.cardinality() != to - from) {
                throw new DataFormatException(source + ": the input changed while it was read (row "
                        + (from + seen.nextClearBit(0)) + " is missing); read it again");
            }
            List<RowBlock> result = new ArrayList<>(blocks);
            for (int b = 0; b < blocks; b++) {
                int n = labels[b].length;
                result.add(
                        bytes
                                ? RowBlock.ofBytes(cuts[b], n, width, byteValues[b], labels[b])
                                : RowBlock.ofFloats(cuts[b], n, width, floatValues[b], labels[b]));
            }
            return result;
        }
    }
}
