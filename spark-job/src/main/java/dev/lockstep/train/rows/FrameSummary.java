package dev.lockstep.train.rows;

import java.io.Serializable;
import java.util.Iterator;
import org.apache.spark.sql.Row;

/**
 * What the first pass over a DataFrame learns of one of its partitions: the driver gets these, never rows. Bad rows
 * do not fail the task: the partition's first problem comes back with its row number within the partition, so the
 * driver, knowing every partition's count, names the first bad row of the whole DataFrame by its global number.
 *
 * <p>A class with public no-argument construction, not a record: task results go through Kryo on clusters.
 */
final class FrameSummary implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Multiplier of the rows' polynomial hash: odd, so that powers of it never reach 0 modulo 2^64. */
    static final long PRIME = 0x9E37_79B9_7F4A_7C15L;

    long count;
    /** The first row's width; -1 for an empty partition. */
    int width = -1;
    /** Whether every feature of every row is an integer 0-255. */
    boolean bytes = true;

    int maxLabel = -1;
    /** The rows' hash, h = h * PRIME + rowHash row by row: partitions combine in order ({@link #combine}). */
    long hash;
    /** The first bad row's problem and its index within the partition; null when every row is good. */
    String error;

    long errorRow = -1;

    FrameSummary() {}

    /** The hash of the rows of {@code first} followed by the {@code count} rows whose hash is {@code next}. */
    static long combine(long first, long next, long count) {
        return first * power(count) + next;
    }

    private static long power(long n) {
        long result = 1;
        long base = PRIME;
        for (long e = n; e > 0; e >>= 1) {
            if ((e & 1) != 0) result *= base;
            base *= base;
        }
        return result;
    }

    /** A row's content: its label, its width and its features as float32 bits, mixed. */
    static long rowHash(int label, float[] values, int width) {
        long h = 0x6C6F_636B_7374_6570L ^ ((long) width << 32) ^ label;
        for (int f = 0; f < width; f++) {
            h = (h ^ Float.floatToIntBits(values[f])) * 0xFF51_AFD7_ED55_8CCDL;
            h ^= h >>> 29;
        }
        return h;
    }

    /** The first pass, on each input partition. */
    static final class Job extends PartitionJob<Row, FrameSummary> {
        private static final long serialVersionUID = 1L;

        @Override
        protected FrameSummary call(Iterator<Row> rows) {
            FrameSummary s = new FrameSummary();
            float[] values = null;
            while (rows.hasNext()) {
                Row row = rows.next();
                try {
                    int width = FrameColumns.width(row);
                    if (s.width < 0) {
                        s.width = width;
                        values = new float[width];
                    } else if (width != s.width) {
                        throw new FrameColumns.BadRow(
                                "it has " + width + " features where the rows before it have " + s.width);
                    }
                    s.bytes &= FrameColumns.values(row, width, values);
                    int label = FrameColumns.label(row);
                    s.maxLabel = Math.max(s.maxLabel, label);
                    s.hash = s.hash * PRIME + rowHash(label, values, width);
                } catch (FrameColumns.BadRow e) {
                    s.error = e.getMessage();
                    s.errorRow = s.count;
                    return s;
                }
                s.count++;
            }
            return s;
        }
    }
}
