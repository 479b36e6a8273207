package dev.lockstep.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.Serializable;
import java.util.Locale;
import java.util.zip.CRC32C;
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
    /** ...and larger records are read fewer at a time, so that the buffer stays this small. */
    private static final int CHUNK_BYTES = 1 << 22;

    private PreparedRecords() {}

    /**
     * One block to read: records [fileStart, fileStart + fileSpan) of the file, of which those whose bit is set in
     * {@code keep} (all when null), {@code count} in total, become global rows [firstRow, firstRow + count).
     */
    public record Slice(long firstRow, int count, long fileStart, int fileSpan, long[] keep) implements Serializable {
        public Slice {
            if (count < 0 || fileSpan < count || firstRow < 0 || fileStart < 0 || (keep == null && fileSpan != count)) {
                throw new IllegalArgumentException(
                        "bad slice: rows " + firstRow + "+" + count + " from records " + fileStart + "+" + fileSpan);
            }
        }

        boolean keeps(int offset) {
            return keep == null || (keep[offset >>> 6] >>> offset & 1L) != 0;
        }

        /** Global rows from {@code firstRow} on, read from records {@code records[from..to)} (ascending) only. */
        public static Slice selecting(long firstRow, int[] records, int from, int to) {
            int count = to - from;
            if (count == 0) return new Slice(firstRow, 0, 0, 0, null);
            int first = records[from];
            int span = records[to - 1] - first + 1;
            long[] keep = new long[(span + 63) >>> 6];
            for (int i = from; i < to; i++) {
                int offset = records[i] - first;
                keep[offset >>> 6] |= 1L << offset;
            }
            return new Slice(firstRow, count, first, span, keep);
        }
    }

    /**
     * The CRC32C of each block of {@code records} records (the last may be shorter: the file has {@code fileRecords}),
     * for blocks {@code firstBlock} on: what a reader checks the records it reads against.
     */
    public record BlockChecksums(int records, long fileRecords, int firstBlock, int[] crcs) implements Serializable {}

    /** Where a reader's records come from: records [first, first + n) into {@code dst}, read in ascending order. */
    public interface RecordInput {
        void read(long first, byte[] dst, int n) throws IOException;
    }

    /** Records checked against {@code sums}, or straight from the file when there are none (an older dataset). */
    public static RecordInput input(FSDataInputStream in, String uri, int recordLength, BlockChecksums sums) {
        return sums == null ? plain(in, uri, recordLength) : checked(in, uri, recordLength, sums);
    }

    /** Records straight from the file. */
    static RecordInput plain(FSDataInputStream in, String uri, int recordLength) {
        return (first, dst, n) -> {
            if (in.getPos() != first * recordLength) in.seek(first * recordLength);
            readFully(in, uri, recordLength, first, dst, n);
        };
    }

    /**
     * Records from whole blocks, each read once and checked against its CRC32C before any of its records is used:
     * a corrupt byte fails the read, naming the file and the records. Reads up to a block either side of the
     * records asked for.
     */
    static RecordInput checked(FSDataInputStream in, String uri, int recordLength, BlockChecksums sums) {
        return new RecordInput() {
            private byte[] block;
            private long loaded = -1;
            private int loadedRecords;

            @Override
            public void read(long first, byte[] dst, int n) throws IOException {
                int offset = 0;
                while (n > 0) {
                    load(first / sums.records());
                    int within = (int) (first - loaded * sums.records());
                    int take = Math.min(n, loadedRecords - within);
                    System.arraycopy(block, within * recordLength, dst, offset, take * recordLength);
                    offset += take * recordLength;
                    first += take;
                    n -= take;
                }
            }

            private void load(long b) throws IOException {
                if (b == loaded) return;
                int index = (int) (b - sums.firstBlock());
                if (index < 0 || index >= sums.crcs().length)
                    throw new IllegalStateException("block " + b + " was not shipped with the task");
                long start = b * sums.records();
                int count = (int) Math.min(sums.records(), sums.fileRecords() - start);
                if (block == null) block = new byte[Math.multiplyExact(sums.records(), recordLength)];
                in.seek(start * recordLength);
                readFully(in, uri, recordLength, start, block, count);
                CRC32C crc = new CRC32C();
                crc.update(block, 0, count * recordLength);
                if ((int) crc.getValue() != sums.crcs()[index]) {
                    throw new DataFormatException(String.format(
                            Locale.ROOT,
                            "%s: records %d-%d fail their CRC32C check (%08x, prepared.json says %08x): the file is "
                                    + "corrupt",
                            uri,
                            start,
                            start + count - 1,
                            (int) crc.getValue(),
                            sums.crcs()[index]));
                }
                loaded = b;
                loadedRecords = count;
            }
        };
    }

    private static void readFully(FSDataInputStream in, String uri, int length, long first, byte[] dst, int n)
            throws IOException {
        try {
            in.readFully(dst, 0, n * length);
        } catch (EOFException e) {
            throw new DataFormatException(uri + ": ends before record " + (first + n - 1) + " (byte "
                    + (first + n) * length + "): truncated since it was prepared?");
        }
    }

    /**
     * How a record is laid out: {@code labelBytes} label bytes (an unsigned little-endian number), then
     * {@code features} values, each an unsigned byte or ({@code floats}) a little-endian IEEE-754 float32.
     * Version 1 datasets are byte records with a one-byte label ({@link #bytes}).
     */
    public record Layout(int features, boolean floats, int labelBytes) implements Serializable {
        public Layout {
            if (features < 1 || (labelBytes != 1 && labelBytes != 2)) {
                throw new IllegalArgumentException(
                        "bad layout: " + features + " features, " + labelBytes + " label bytes");
            }
        }

        /** Byte values after a one-byte label: every version 1 record. */
        public static Layout bytes(int features) {
            return new Layout(features, false, 1);
        }

        /** Bytes per value. */
        public int valueBytes() {
            return floats ? Float.BYTES : 1;
        }

        public long recordLength() {
            return labelBytes + (long) features * valueBytes();
        }
    }

    /** As {@link #read(RecordInput, String, Layout, int, Slice)}, reading byte records from {@code in} unchecked. */
    public static RowBlock read(FSDataInputStream in, String uri, int features, int maxLabel, Slice slice)
            throws IOException {
        return read(plain(in, uri, features + 1), uri, Layout.bytes(features), maxLabel, slice);
    }

    /** As {@link #read(RecordInput, String, Layout, int, Slice)}, for byte records with a one-byte label. */
    public static RowBlock read(RecordInput input, String uri, int features, int maxLabel, Slice slice)
            throws IOException {
        return read(input, uri, Layout.bytes(features), maxLabel, slice);
    }

    /**
     * Reads one slice from {@code input} (a records file of {@code layout}'s records), checking every label against
     * {@code maxLabel}, the largest the metadata counts, and every float feature for being finite. {@code uri} names
     * the file in errors.
     */
    public static RowBlock read(RecordInput input, String uri, Layout layout, int maxLabel, Slice slice)
            throws IOException {
        int features = layout.features();
        int length = Math.toIntExact(layout.recordLength());
        int labelBytes = layout.labelBytes();
        byte[] bytes = layout.floats() ? null : new byte[Math.multiplyExact(slice.count(), features)];
        float[] floats = layout.floats() ? new float[Math.multiplyExact(slice.count(), features)] : null;
        int[] labels = new int[slice.count()];
        int chunkRecords = Math.max(1, Math.min(CHUNK_RECORDS, CHUNK_BYTES / length));
        byte[] chunk = new byte[Math.multiplyExact(Math.min(slice.fileSpan(), chunkRecords), length)];
        int kept = 0;
        for (int done = 0; done < slice.fileSpan(); ) {
            int n = Math.min(chunkRecords, slice.fileSpan() - done);
            input.read(slice.fileStart() + done, chunk, n);
            for (int i = 0; i < n; i++) {
                if (!slice.keeps(done + i)) continue;
                int at = i * length;
                int label = chunk[at] & 0xff;
                if (labelBytes == 2) label |= (chunk[at + 1] & 0xff) << 8;
                long record = slice.fileStart() + done + i;
                if (label > maxLabel) {
                    throw new DataFormatException(uri + ": label " + label + " of record " + record + " at offset "
                            + record * length + " is out of range (the metadata counts labels 0-" + maxLabel + ")");
                }
                labels[kept] = label;
                if (floats == null) {
                    System.arraycopy(chunk, at + labelBytes, bytes, kept * features, features);
                } else {
                    decodeFloats(chunk, at + labelBytes, floats, kept * features, features, uri, record);
                }
                kept++;
            }
            done += n;
        }
        if (kept != slice.count()) {
            throw new IllegalStateException("slice keeps " + kept + " rows, expected " + slice.count());
        }
        return floats == null
                ? RowBlock.ofBytes(slice.firstRow(), slice.count(), features, bytes, labels)
                : RowBlock.ofFloats(slice.firstRow(), slice.count(), features, floats, labels);
    }

    /** Little-endian float32 values; NaN or infinity is refused, as training would turn it into a NaN model. */
    private static void decodeFloats(byte[] src, int from, float[] dst, int to, int n, String uri, long record) {
        for (int f = 0; f < n; f++) {
            int i = from + f * Float.BYTES;
            float v = Float.intBitsToFloat(
                    (src[i] & 0xff) | (src[i + 1] & 0xff) << 8 | (src[i + 2] & 0xff) << 16 | src[i + 3] << 24);
            if (!Float.isFinite(v)) {
                throw new DataFormatException(
                        uri + ": feature " + f + " of record " + record + " is " + v + ", not a finite number");
            }
            dst[to + f] = v;
        }
    }

    /** Writes {@code v} as a little-endian float32 at {@code dst[at..at+4)}: the inverse of what readers decode. */
    static void encodeFloat(float v, byte[] dst, int at) {
        int bits = Float.floatToRawIntBits(v);
        dst[at] = (byte) bits;
        dst[at + 1] = (byte) (bits >>> 8);
        dst[at + 2] = (byte) (bits >>> 16);
        dst[at + 3] = (byte) (bits >>> 24);
    }
}
