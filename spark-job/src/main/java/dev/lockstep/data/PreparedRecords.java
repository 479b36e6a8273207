package dev.lockstep.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.Serializable;
import org.apache.hadoop.fs.FSDataInputStream;

/**
 * Reads {@link RowBlock}s straight from a records file: what an executor does with its own byte range.
 *
 * <p>A {@link Slice} names a run of records in the file and, for a subset (a hold-out split), which of them to keep.
 * The run is read front to back in chunks, so a subset costs one seek and at most the skipped rows' extra bytes.
 */
public final class PreparedRecords {
    /** 4096 MNIST records are 3.2 MB: large sequential reads, small transient buffer. */
    private static final int CHUNK_RECORDS = 4096;

    private PreparedRecords() {
    }

    /**
     * One block to read: records [fileStart, fileStart + fileSpan) of the file, of which those whose bit is set in
     * {@code keep} (all when null), {@code count} in total, become global rows [firstRow, firstRow + count).
     */
    public record Slice(long firstRow, int count, long fileStart, int fileSpan, long[] keep) implements Serializable {
        public Slice {
            if (count < 0 || fileSpan < count || firstRow < 0 || fileStart < 0 || (keep == null && fileSpan != count)) {
                throw new IllegalArgumentException("bad slice: rows " + firstRow + "+" + count + " from records "
                        + fileStart + "+" + fileSpan);
            }
        }

        boolean keeps(int offset) {
            return keep == null || (keep[offset >>> 6] >>> offset & 1L) != 0;
        }
    }

    /**
     * Reads one slice from {@code in} (a records file of {@code features + 1}-byte records), checking every label
     * against {@code maxLabel}, the largest the metadata counts. {@code uri} names the file in errors.
     */
    public static RowBlock read(FSDataInputStream in, String uri, int features, int maxLabel, Slice slice)
            throws IOException {
        int length = features + 1;
        byte[] pixels = new byte[Math.multiplyExact(slice.count(), features)];
        byte[] labels = new byte[slice.count()];
        byte[] chunk = new byte[Math.multiplyExact(Math.min(slice.fileSpan(), CHUNK_RECORDS), length)];
        int kept = 0;
        if (slice.fileSpan() > 0) in.seek(slice.fileStart() * length);
        for (int done = 0; done < slice.fileSpan(); ) {
            int n = Math.min(CHUNK_RECORDS, slice.fileSpan() - done);
            try {
                in.readFully(chunk, 0, n * length);
            } catch (EOFException e) {
                throw new DataFormatException(uri + ": ends before record " + (slice.fileStart() + done + n - 1)
                        + " (byte " + (slice.fileStart() + done + n) * length + "): truncated since it was prepared?");
            }
            for (int i = 0; i < n; i++) {
                if (!slice.keeps(done + i)) continue;
                int label = chunk[i * length] & 0xff;
                if (label > maxLabel) {
                    long record = slice.fileStart() + done + i;
                    throw new DataFormatException(uri + ": label " + label + " of record " + record + " at offset "
                            + record * length + " is out of range (the metadata counts labels 0-" + maxLabel + ")");
                }
                labels[kept] = (byte) label;
                System.arraycopy(chunk, i * length + 1, pixels, kept * features, features);
                kept++;
            }
            done += n;
        }
        if (kept != slice.count()) {
            throw new IllegalStateException("slice keeps " + kept + " rows, expected " + slice.count());
        }
        return new RowBlock(slice.firstRow(), slice.count(), features, pixels, labels);
    }
}
