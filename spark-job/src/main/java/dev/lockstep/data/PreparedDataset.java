package dev.lockstep.data;

import dev.lockstep.LockstepException;
import dev.lockstep.io.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * A prepared dataset directory (see the package documentation for the layout), as described by its metadata
 * file and checked against its records files: everything executors need to read their own rows, without the
 * driver reading any pixel.
 */
public final class PreparedDataset {
    public static final String FORMAT = "lockstep-prepared";
    /** Images: byte pixels of rows x cols, a one-byte label 0-9. What {@code prepare} writes from IDX or CSV files. */
    public static final int VERSION = 1;
    /** Rows of any width, bytes or float32, labels 0..65535: what {@code prepare --format} writes from a table. */
    public static final int VERSION_ROWS = 2;
    /** Version 2's label field is at most two bytes. */
    public static final int MAX_CLASSES = 1 << 16;
    /** Written last by {@code prepare}: a directory without it is not a prepared dataset. */
    public static final String METADATA = "prepared.json";

    public static final String TRAIN = "train";
    public static final String TEST = "test";

    /** Records per checksummed block: 1024 MNIST records are 785 KB, what a reader may read beyond its own rows. */
    public static final int BLOCK_RECORDS = 1024;
    /** What a records file's name may be: a plain name inside the dataset's directory, no scheme, path or "..". */
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,254}");

    /**
     * One records file: {@code count} records of the dataset's record length, the CRC32C of the whole file, and of
     * each block of {@code blockRecords} records ({@code blockCrcs} null for datasets prepared before blocks had
     * checksums: those are read unchecked).
     */
    public record Part(
            String name, String uri, long count, long[] labelCounts, long crc32c, int blockRecords, int[] blockCrcs) {
        /** The largest label with a non-zero count (0 for an empty part). */
        public int maxLabel() {
            for (int label = labelCounts.length - 1; label > 0; label--) {
                if (labelCounts[label] > 0) return label;
            }
            return 0;
        }

        /** The block checksums a reader of records [from, to) needs, or null when this part has none. */
        public PreparedRecords.BlockChecksums checksums(long from, long to) {
            if (blockCrcs == null || to <= from) return null;
            int first = (int) (from / blockRecords);
            int last = (int) ((to - 1) / blockRecords);
            return new PreparedRecords.BlockChecksums(
                    blockRecords, count, first, Arrays.copyOfRange(blockCrcs, first, last + 1));
        }
    }

    private final String dir;
    private final String source;
    private final int version;
    private final int rows;
    private final int cols;
    private final PreparedRecords.Layout layout;
    private final int classes;
    private final Part train;
    private final Part test;

    PreparedDataset(String dir, String source, int rows, int cols, Part train, Part test) {
        this(
                dir,
                source,
                VERSION,
                rows,
                cols,
                PreparedRecords.Layout.bytes(rows * cols),
                LabeledImages.CLASSES,
                train,
                test);
    }

    PreparedDataset(
            String dir,
            String source,
            int version,
            int rows,
            int cols,
            PreparedRecords.Layout layout,
            int classes,
            Part train,
            Part test) {
        this.dir = dir;
        this.source = source;
        this.version = version;
        this.rows = rows;
        this.cols = cols;
        this.layout = layout;
        this.classes = classes;
        this.train = train;
        this.test = test;
    }

    /** True when {@code dir} holds a metadata file, i.e. {@code --data dir} means a prepared dataset. */
    public static boolean isPrepared(Configuration conf, String dir) {
        return dir != null && HadoopFiles.isFile(conf, metadataUri(dir));
    }

    public static String metadataUri(String dir) {
        return HadoopFiles.child(dir, METADATA);
    }

    /** Reads and checks the metadata, and each records file's length against it. */
    public static PreparedDataset open(Configuration conf, String dir) {
        String meta = metadataUri(dir);
        if (!HadoopFiles.isFile(conf, meta)) {
            throw new DataFormatException(
                    dir + ": not a prepared dataset (no " + METADATA + "; run 'lockstep prepare')");
        }
        Fields f = new Fields(Json.readMap(conf, meta), meta);
        String format = f.text("format");
        if (!FORMAT.equals(format)) {
            throw new DataFormatException(meta + ": format '" + format + "' is not " + FORMAT);
        }
        long version = f.number("version", 1, Integer.MAX_VALUE);
        if (version != VERSION && version != VERSION_ROWS) {
            throw new DataFormatException(meta + ": prepared format version " + version + " is not supported (this"
                    + " Lockstep reads versions " + VERSION + " and " + VERSION_ROWS + "; run 'lockstep prepare'"
                    + " again)");
        }
        return version == VERSION ? openImages(conf, dir, meta, f) : openRows(conf, dir, meta, f);
    }

    /** Version 1: images of rows x cols byte pixels, one label byte 0-9. */
    private static PreparedDataset openImages(Configuration conf, String dir, String meta, Fields f) {
        int rows = (int) f.number("rows", 1, LabeledImages.MAX_FEATURES);
        int cols = (int) f.number("cols", 1, LabeledImages.MAX_FEATURES);
        if ((long) rows * cols > LabeledImages.MAX_FEATURES) {
            throw new DataFormatException(meta + ": images of " + rows + "x" + cols + " are " + (long) rows * cols
                    + " pixels, more than the " + LabeledImages.MAX_FEATURES + " of the largest image Lockstep reads");
        }
        long recordLength = f.number("record_length", 2, 1 + LabeledImages.MAX_FEATURES);
        if (recordLength != 1L + (long) rows * cols) {
            throw new DataFormatException(meta + ": record_length " + recordLength + " does not match " + rows + "x"
                    + cols + " images (expected " + (1L + (long) rows * cols) + ")");
        }
        PreparedRecords.Layout layout = PreparedRecords.Layout.bytes(rows * cols);
        Part train = part(conf, dir, meta, f, TRAIN, layout, LabeledImages.CLASSES);
        if (train == null) throw new DataFormatException(meta + ": no '" + TRAIN + "' part");
        Part test = part(conf, dir, meta, f, TEST, layout, LabeledImages.CLASSES);
        return new PreparedDataset(dir, f.text("source"), rows, cols, train, test);
    }

    /** Version 2: rows of {@code features} bytes or float32 values, a one- or two-byte label below {@code classes}. */
    private static PreparedDataset openRows(Configuration conf, String dir, String meta, Fields f) {
        int features = (int) f.number("features", 1, LabeledImages.MAX_FEATURES);
        String valueType = f.text("value_type");
        if (!valueType.equals("bytes") && !valueType.equals("float32")) {
            throw new DataFormatException(meta + ": value_type '" + valueType + "' is not bytes or float32");
        }
        int classes = (int) f.number("classes", 1, MAX_CLASSES);
        int labelBytes = (int) f.number("label_bytes", 1, 2);
        if (classes > 256 && labelBytes < 2) {
            throw new DataFormatException(meta + ": " + classes + " classes do not fit label_bytes " + labelBytes);
        }
        PreparedRecords.Layout layout = new PreparedRecords.Layout(features, valueType.equals("float32"), labelBytes);
        long recordLength = f.number("record_length", 2, layout.recordLength());
        if (recordLength != layout.recordLength()) {
            throw new DataFormatException(meta + ": record_length " + recordLength + " does not match " + labelBytes
                    + " label bytes and " + features + " " + valueType + " features (expected "
                    + layout.recordLength() + ")");
        }
        Part train = part(conf, dir, meta, f, TRAIN, layout, classes);
        if (train == null) throw new DataFormatException(meta + ": no '" + TRAIN + "' part");
        Part test = part(conf, dir, meta, f, TEST, layout, classes);
        return new PreparedDataset(dir, f.text("source"), VERSION_ROWS, 1, features, layout, classes, train, test);
    }

    private static Part part(
            Configuration conf,
            String dir,
            String meta,
            Fields top,
            String name,
            PreparedRecords.Layout layout,
            int classes) {
        long recordLength = layout.recordLength();
        Fields f = top.object(name);
        if (f == null) return null;
        String file = f.text("file");
        if (!FILE_NAME.matcher(file).matches()) {
            throw new DataFormatException(meta + ": " + name + ".file '" + file + "' must be a plain file name in "
                    + dir + " (letters, digits, '.', '_' and '-', not starting with '.')");
        }
        long count = f.number("count", 0, Long.MAX_VALUE / recordLength);
        // Training cuts rows into blocks of up to RowBlocks.DEFAULT_BLOCK_ROWS rows, each one array.
        if (Math.min(count, RowBlocks.DEFAULT_BLOCK_ROWS) * layout.features() > IdxHeader.MAX_PAYLOAD_BYTES) {
            throw new DataFormatException(meta + ": " + name + " has " + count + " rows of " + layout.features()
                    + " features: blocks of " + RowBlocks.DEFAULT_BLOCK_ROWS + " of them would not fit a Java array");
        }
        long[] labelCounts = f.counts("label_counts", classes);
        long sum = 0;
        for (long c : labelCounts) {
            if (c > count) {
                throw new DataFormatException(
                        meta + ": " + name + ".label_counts has " + c + ", more than count " + count);
            }
            sum += c; // no overflow: each of at most 65,536 counts is at most count < 2^63 / 2^16
        }
        if (sum != count) {
            throw new DataFormatException(
                    meta + ": " + name + ".label_counts add up to " + sum + ", not count " + count);
        }
        long crc;
        try {
            crc = Long.parseLong(f.text("crc32c"), 16);
        } catch (NumberFormatException e) {
            throw new DataFormatException(meta + ": " + name + ".crc32c is not a hexadecimal checksum");
        }
        String uri = HadoopFiles.child(dir, file);
        FileStatus status = HadoopFiles.existingFile(conf, uri);
        long expected = count * recordLength;
        if (status.getLen() != expected) {
            throw new DataFormatException(String.format(
                    Locale.ROOT,
                    "%s: %,d bytes, but %s says %,d records of %d bytes (%,d bytes): the file is truncated or does"
                            + " not belong to this metadata",
                    uri,
                    status.getLen(),
                    meta,
                    count,
                    recordLength,
                    expected));
        }
        int blockRecords = 0;
        int[] blockCrcs = null;
        if (f.map().containsKey("block_records")) {
            // Readers hold one block in one array: no more records than prepare writes, and no more bytes than an
            // array.
            blockRecords = (int)
                    f.number("block_records", 1, Math.min(BLOCK_RECORDS, IdxHeader.MAX_PAYLOAD_BYTES / recordLength));
            blockCrcs = hexWords(
                    f.text("block_crc32c"),
                    (count + blockRecords - 1) / blockRecords,
                    meta + ": " + name + ".block_crc32c");
        }
        return new Part(name, uri, count, labelCounts, crc, blockRecords, blockCrcs);
    }

    /** {@code words} checksums written as 8 hexadecimal digits each, one after another. */
    private static int[] hexWords(String hex, long words, String what) {
        if (words > Integer.MAX_VALUE / 8 || hex.length() != words * 8) {
            throw new DataFormatException(what + " holds " + hex.length() / 8.0 + " checksums, expected " + words);
        }
        int[] out = new int[(int) words];
        try {
            for (int i = 0; i < out.length; i++) out[i] = Integer.parseUnsignedInt(hex, i * 8, i * 8 + 8, 16);
        } catch (NumberFormatException e) {
            throw new DataFormatException(what + " is not hexadecimal");
        }
        return out;
    }

    /** Reads a whole records file and compares its CRC32C with the metadata's: a full integrity check. */
    public void verifyChecksum(Configuration conf, Part part) {
        Path path = HadoopFiles.path(part.uri());
        CRC32C crc = new CRC32C();
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = HadoopFiles.fileSystem(conf, path).open(path)) {
            for (int n; (n = in.read(buffer)) > 0; ) crc.update(buffer, 0, n);
        } catch (IOException e) {
            throw new LockstepException("cannot read " + part.uri() + ": " + e.getMessage(), e);
        }
        if (crc.getValue() != part.crc32c()) {
            throw new DataFormatException(String.format(
                    Locale.ROOT,
                    "%s: CRC32C %08x does not match %08x in %s: the file is corrupt",
                    part.uri(),
                    crc.getValue(),
                    part.crc32c(),
                    metadataUri(dir)));
        }
    }

    public String dir() {
        return dir;
    }
    /** What {@code prepare} converted, for messages and the model's sidecar. */
    public String source() {
        return source;
    }

    /** Image rows; 1 for the rows of a table. */
    public int rows() {
        return rows;
    }

    /** Image columns; the feature count for the rows of a table. */
    public int cols() {
        return cols;
    }

    public int features() {
        return layout.features();
    }

    public int recordLength() {
        return Math.toIntExact(layout.recordLength());
    }

    /** {@link #VERSION} (images) or {@link #VERSION_ROWS} (rows of a table). */
    public int version() {
        return version;
    }

    /** True for version 1's images of {@link #rows()} x {@link #cols()}; rows of a table are 1 x features. */
    public boolean isImage() {
        return version == VERSION;
    }

    /** How each record holds its label and features. */
    public PreparedRecords.Layout layout() {
        return layout;
    }

    /** Labels are below this: 10 for version 1, the metadata's {@code classes} for version 2. */
    public int classes() {
        return classes;
    }

    public Part train() {
        return train;
    }

    public Optional<Part> test() {
        return Optional.ofNullable(test);
    }

    @Override
    public String toString() {
        return "prepared " + dir + " (from " + source + ")";
    }

    /** Typed access to the metadata's fields; every problem names the file and the field. */
    private record Fields(Map<String, Object> map, String uri) {
        String text(String key) {
            if (map.get(key) instanceof String s) return s;
            throw missing(key, "a string");
        }

        long number(String key, long min, long max) {
            Object v = map.get(key);
            if (!(v instanceof Integer || v instanceof Long)) throw missing(key, "a whole number");
            long n = ((Number) v).longValue();
            if (n < min || n > max) {
                throw new DataFormatException(
                        uri + ": " + key + " " + n + " is out of range (" + min + ".." + max + ")");
            }
            return n;
        }

        long[] counts(String key, int length) {
            if (!(map.get(key) instanceof List<?> list) || list.size() != length) {
                throw missing(key, "a list of " + length + " counts");
            }
            long[] counts = new long[length];
            for (int i = 0; i < length; i++) {
                if (!(list.get(i) instanceof Integer || list.get(i) instanceof Long)
                        || ((Number) list.get(i)).longValue() < 0) {
                    throw missing(key, "a list of " + length + " counts");
                }
                counts[i] = ((Number) list.get(i)).longValue();
            }
            return counts;
        }

        @SuppressWarnings("unchecked")
        Fields object(String key) {
            Object v = map.get(key);
            if (v == null) return null;
            if (!(v instanceof Map)) throw missing(key, "an object");
            return new Fields((Map<String, Object>) v, uri + " (" + key + ")");
        }

        private DataFormatException missing(String key, String what) {
            return new DataFormatException(uri + ": field '" + key + "' is missing or not " + what);
        }
    }

    static List<Object> asList(long[] values) {
        List<Object> list = new ArrayList<>(values.length);
        for (long v : values) list.add(v);
        return list;
    }
}
