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
    /** What a partition whose rows come in another order than in the first pass says. */
    static final String REORDERED = "the DataFrame gave its rows in another order on a second reading; give it a"
            + " deterministic order, e.g. sort by a key or read files";

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
     * subset, its place among the selected rows (rows not selected are dropped). Every row is read and hashed, kept
     * or not, and at the partition's end its count and hash are compared with the first pass's: rows numbered by
     * position are only the rows the first pass checked if they come in the same order. On a difference every
     * Lockstep partition this input partition feeds gets the error, so that none of them, built now or rebuilt after
     * a lost executor, is made of other rows in silence.
     */
    static final class Place implements Function2<Integer, Iterator<Row>, Iterator<Tuple2<Long, Shipped>>> {
        private static final long serialVersionUID = 1L;
        private final long[] offsets;
        private final long[] hashes;
        private final long[] bounds;
        private final int width;
        private final boolean bytes;
        private final String source;
        /** Ascending global indices of the rows kept; null for all. */
        private final Broadcast<int[]> selection;

        Place(
                long[] offsets,
                long[] hashes,
                long[] bounds,
                int width,
                boolean bytes,
                String source,
                Broadcast<int[]> selection) {
            this.offsets = offsets;
            this.hashes = hashes;
            this.bounds = bounds;
            this.width = width;
            this.bytes = bytes;
            this.source = source;
            this.selection = selection;
        }

        @Override
        public Iterator<Tuple2<Long, Shipped>> call(Integer partition, Iterator<Row> rows) {
            int p = partition;
            int[] kept = selection == null ? null : selection.value();
            // The keys this partition's rows have: [firstKey, endKey).
            long firstKey = kept == null ? offsets[p] : lowerBound(kept, offsets[p]);
            long endKey = kept == null ? offsets[p + 1] : lowerBound(kept, offsets[p + 1]);
            return new Iterator<>() {
                long global = offsets[p];
                int next = (int) (kept == null ? 0 : firstKey);
                final float[] values = new float[width];
                long hash;
                /** The first bad row's message. */
                String problem;

                Tuple2<Long, Shipped> ahead;
                Iterator<Tuple2<Long, Shipped>> verdict;

                @Override
                public boolean hasNext() {
                    while (ahead == null) {
                        if (rows.hasNext()) {
                            Row row = rows.next();
                            long index = global++;
                            Long key = null;
                            if (index < offsets[p + 1]) {
                                if (kept == null) key = index;
                                else if (next < kept.length && kept[next] == index) key = (long) next++;
                            }
                            Shipped s = read(row, index, key != null);
                            if (key != null) ahead = new Tuple2<>(key, s);
                        } else if (verdict == null) {
                            verdict = verdict();
                        } else if (verdict.hasNext()) {
                            ahead = verdict.next();
                        } else {
                            return false;
                        }
                    }
                    return true;
                }

                @Override
                public Tuple2<Long, Shipped> next() {
                    if (!hasNext()) throw new NoSuchElementException();
                    Tuple2<Long, Shipped> t = ahead;
                    ahead = null;
                    return t;
                }

                /** Reads and hashes a row; its features are copied out only when it is kept. */
                private Shipped read(Row row, long index, boolean keep) {
                    try {
                        int w = FrameColumns.width(row);
                        if (w != width) {
                            throw new FrameColumns.BadRow(
                                    "it has " + w + " features where the rows before it have " + width);
                        }
                        boolean isBytes = FrameColumns.values(row, width, values);
                        int label = FrameColumns.label(row);
                        hash = hash * FrameSummary.PRIME + FrameSummary.rowHash(label, values, width);
                        if (bytes && !isBytes) return bad(changed("features that are no longer bytes"));
                        if (!keep) return null;
                        Shipped s = new Shipped();
                        s.label = label;
                        if (bytes) {
                            s.bytes = new byte[width];
                            for (int f = 0; f < width; f++) s.bytes[f] = (byte) (int) values[f];
                        } else {
                            s.floats = values.clone();
                        }
                        return s;
                    } catch (FrameColumns.BadRow e) {
                        return bad(String.format(Locale.ROOT, "%s: row %d: %s", source, index, e.getMessage()));
                    }
                }

                private Shipped bad(String message) {
                    if (problem == null) problem = message;
                    return Shipped.error(message);
                }

                /** Nothing when the partition is what the first pass read, else its error for every partition fed. */
                private Iterator<Tuple2<Long, Shipped>> verdict() {
                    long count = global - offsets[p];
                    long expected = offsets[p + 1] - offsets[p];
                    String error = problem != null
                            ? problem
                            : count > expected
                                    ? changed("more rows than it had")
                                    : count < expected
                                            ? changed("fewer rows than it had")
                                            : hash != hashes[p] ? source + ": " + REORDERED : null;
                    List<Tuple2<Long, Shipped>> out = new ArrayList<>();
                    // Feeding no partition (no row selected here), it changes none.
                    if (error == null || firstKey == endKey) return out.iterator();
                    RowRange range = new RowRange(bounds);
                    for (int r = range.getPartition(firstKey); r <= range.getPartition(endKey - 1); r++) {
                        if (bounds[r] < bounds[r + 1]) out.add(new Tuple2<>(bounds[r], Shipped.error(error)));
                    }
                    return out.iterator();
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
