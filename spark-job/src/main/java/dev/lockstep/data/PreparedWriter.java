package dev.lockstep.data;

import dev.lockstep.LockstepException;
import dev.lockstep.io.AtomicFiles;
import dev.lockstep.io.Json;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Writes a prepared dataset: the records files first, each atomically, then the metadata that makes the
 * directory a dataset. A failure at any point leaves no metadata describing files it did not write.
 */
public final class PreparedWriter {
    /** Version 2 checksums blocks of at most this many bytes (and {@link PreparedDataset#BLOCK_RECORDS} records). */
    static final long BLOCK_BYTES = 1 << 20;

    private PreparedWriter() {}

    /** Writes {@code train} (and {@code test}, when present) to {@code dir}; returns what was written. */
    public static PreparedDataset write(
            Configuration conf, String dir, LabeledImages train, Optional<LabeledImages> test, String source) {
        if (test.isPresent() && (test.get().rows() != train.rows() || test.get().cols() != train.cols())) {
            throw new DataFormatException(
                    test.get().source() + ": test images are " + test.get().rows() + "x"
                            + test.get().cols() + " but training images are " + train.rows() + "x" + train.cols());
        }
        // The records about to be replaced would no longer match an old metadata file: retire it first.
        deleteMetadata(conf, dir);
        PreparedDataset.Part trainPart = writePart(conf, dir, PreparedDataset.TRAIN, train);
        PreparedDataset.Part testPart =
                test.map(t -> writePart(conf, dir, PreparedDataset.TEST, t)).orElse(null);

        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format", PreparedDataset.FORMAT);
        meta.put("version", PreparedDataset.VERSION);
        meta.put("rows", train.rows());
        meta.put("cols", train.cols());
        meta.put("record_length", 1 + train.features());
        meta.put("layout", "per record: 1 label byte (0-9), then rows*cols pixel bytes, row-major; no header");
        meta.put("source", source);
        meta.put(PreparedDataset.TRAIN, partMap(trainPart));
        if (testPart != null) meta.put(PreparedDataset.TEST, partMap(testPart));
        AtomicFiles.writeString(conf, PreparedDataset.metadataUri(dir), Json.pretty(meta) + "\n");
        return new PreparedDataset(dir, source, train.rows(), train.cols(), trainPart, testPart);
    }

    /**
     * One part of a table's rows to write: {@code count} rows arriving as {@link RowBlock}s in row order, the first
     * block starting at row 0. The iterator is consumed once, while the part's file is written.
     */
    public record RowsPart(String name, long count, Iterator<RowBlock> blocks) {}

    /** The version 2 layout for rows of {@code features} values below {@code classes} labels. */
    public static PreparedRecords.Layout rowsLayout(int features, boolean floats, int classes) {
        if (classes < 1 || classes > PreparedDataset.MAX_CLASSES) {
            throw new DataFormatException(
                    classes + " classes: a prepared dataset holds labels 0-" + (PreparedDataset.MAX_CLASSES - 1));
        }
        return new PreparedRecords.Layout(features, floats, classes <= 256 ? 1 : 2);
    }

    /**
     * Writes rows of a table as a version 2 dataset: the records files under temporary names, renamed only once all
     * are complete, then the metadata. Bad rows (out of order, of another width or kind, a label not below
     * {@code classes}) fail it with a {@link DataFormatException} and leave no records file of theirs behind, and
     * no directory when it did not exist before.
     */
    public static PreparedDataset writeRows(
            Configuration conf,
            String dir,
            PreparedRecords.Layout layout,
            int classes,
            String source,
            RowsPart train,
            Optional<RowsPart> test) {
        int blockRecords =
                (int) Math.max(1, Math.min(PreparedDataset.BLOCK_RECORDS, BLOCK_BYTES / layout.recordLength()));
        Path root = HadoopFiles.path(dir);
        boolean existed;
        try {
            existed = HadoopFiles.fileSystem(conf, root).exists(root);
        } catch (IOException e) {
            throw new LockstepException("cannot write " + dir + ": " + e.getMessage(), e);
        }
        try {
            deleteMetadata(conf, dir);
            List<RowsPart> parts = new ArrayList<>(List.of(train));
            test.ifPresent(parts::add);
            PreparedDataset.Part[] written = new PreparedDataset.Part[parts.size()];
            List<Map.Entry<String, AtomicFiles.IOConsumer<OutputStream>>> files = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                RowsPart part = parts.get(i);
                String uri = HadoopFiles.child(dir, part.name() + ".records");
                int at = i;
                files.add(
                        Map.entry(uri, out -> written[at] = writeRows(part, uri, layout, classes, blockRecords, out)));
            }
            AtomicFiles.writeAll(conf, files);

            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("format", PreparedDataset.FORMAT);
            meta.put("version", PreparedDataset.VERSION_ROWS);
            meta.put("features", layout.features());
            meta.put("value_type", layout.floats() ? "float32" : "bytes");
            meta.put("classes", classes);
            meta.put("label_bytes", layout.labelBytes());
            meta.put("record_length", layout.recordLength());
            meta.put(
                    "layout",
                    "per record: label_bytes label bytes (unsigned, little-endian), then features values (unsigned"
                            + " bytes, or float32 little-endian); no header");
            meta.put("source", source);
            meta.put(PreparedDataset.TRAIN, partMap(written[0]));
            if (written.length > 1) meta.put(PreparedDataset.TEST, partMap(written[1]));
            AtomicFiles.writeString(conf, PreparedDataset.metadataUri(dir), Json.pretty(meta) + "\n");
            return new PreparedDataset(
                    dir,
                    source,
                    PreparedDataset.VERSION_ROWS,
                    1,
                    layout.features(),
                    layout,
                    classes,
                    written[0],
                    written.length > 1 ? written[1] : null);
        } catch (RuntimeException e) {
            if (!existed) deleteQuietly(conf, root);
            throw e;
        }
    }

    /** Record after record, as {@link #writeRecords} does for images, for rows in {@code layout}. */
    private static PreparedDataset.Part writeRows(
            RowsPart part, String uri, PreparedRecords.Layout layout, int classes, int blockRecords, OutputStream raw)
            throws IOException {
        long blocks = (part.count() + blockRecords - 1) / blockRecords;
        if (blocks > Integer.MAX_VALUE / 8) {
            throw new LockstepException(part.name() + ": " + part.count() + " rows are more than a prepared dataset's "
                    + "checksums can list; split the table");
        }
        int[] blockCrcs = new int[(int) blocks];
        long[] labelCounts = new long[classes];
        int features = layout.features();
        byte[] record = new byte[Math.toIntExact(layout.recordLength())];
        CRC32C crc = new CRC32C();
        CRC32C block = new CRC32C();
        OutputStream out = new BufferedOutputStream(raw, 1 << 20);
        long row = 0;
        while (part.blocks().hasNext()) {
            RowBlock b = part.blocks().next();
            if (b.firstRow() != row || b.features() != features || b.isBytes() == layout.floats()) {
                throw new DataFormatException(uri + ": rows arrived as " + b + " where row " + row + " of " + features
                        + (layout.floats() ? " floats" : " bytes") + " was next");
            }
            for (int local = 0; local < b.count(); local++, row++) {
                if (row >= part.count()) {
                    throw new DataFormatException(uri + ": more than the " + part.count() + " rows counted");
                }
                int label = b.label(local);
                if (label >= classes) {
                    throw new DataFormatException(
                            uri + ": label " + label + " of row " + row + " is not below " + classes + " classes");
                }
                labelCounts[label]++;
                record[0] = (byte) label;
                if (layout.labelBytes() == 2) record[1] = (byte) (label >>> 8);
                int at = layout.labelBytes();
                if (layout.floats()) {
                    float[] values = b.floats();
                    for (int f = 0, i = local * features; f < features; f++, i++) {
                        PreparedRecords.encodeFloat(values[i], record, at + f * Float.BYTES);
                    }
                } else {
                    System.arraycopy(b.bytes(), local * features, record, at, features);
                }
                crc.update(record);
                block.update(record);
                if ((row + 1) % blockRecords == 0 || row + 1 == part.count()) {
                    blockCrcs[(int) (row / blockRecords)] = (int) block.getValue();
                    block.reset();
                }
                out.write(record);
            }
        }
        if (row != part.count()) {
            throw new DataFormatException(uri + ": " + row + " rows arrived, " + part.count() + " were counted");
        }
        out.flush();
        return new PreparedDataset.Part(
                part.name(), uri, part.count(), labelCounts, crc.getValue(), blockRecords, blockCrcs);
    }

    private static void deleteQuietly(Configuration conf, Path dir) {
        try {
            HadoopFiles.fileSystem(conf, dir).delete(dir, true);
        } catch (IOException | RuntimeException e) {
            // The error that stopped the writing is the news; an empty directory left behind is not.
        }
    }

    private static PreparedDataset.Part writePart(Configuration conf, String dir, String name, LabeledImages data) {
        String file = name + ".records";
        String uri = HadoopFiles.child(dir, file);
        CRC32C crc = new CRC32C();
        int[] blockCrcs = new int[(data.count() + PreparedDataset.BLOCK_RECORDS - 1) / PreparedDataset.BLOCK_RECORDS];
        AtomicFiles.write(conf, uri, out -> writeRecords(data, out, crc, blockCrcs));
        long[] labelCounts = new long[LabeledImages.CLASSES];
        for (int i = 0; i < data.count(); i++) labelCounts[data.label(i)]++;
        return new PreparedDataset.Part(
                name, uri, data.count(), labelCounts, crc.getValue(), PreparedDataset.BLOCK_RECORDS, blockCrcs);
    }

    /**
     * Record after record: the label byte, then the image's pixels; {@code crc} sees every byte written, and
     * {@code blockCrcs[b]} becomes the CRC32C of block b's records.
     */
    static void writeRecords(LabeledImages data, OutputStream raw, CRC32C crc, int[] blockCrcs) throws IOException {
        int features = data.features();
        byte[] record = new byte[1 + features];
        CRC32C block = new CRC32C();
        OutputStream out = new BufferedOutputStream(raw, 1 << 20);
        for (int i = 0; i < data.count(); i++) {
            record[0] = (byte) data.label(i);
            System.arraycopy(data.pixels(), i * features, record, 1, features);
            crc.update(record);
            block.update(record);
            if ((i + 1) % PreparedDataset.BLOCK_RECORDS == 0 || i + 1 == data.count()) {
                blockCrcs[i / PreparedDataset.BLOCK_RECORDS] = (int) block.getValue();
                block.reset();
            }
            out.write(record);
        }
        out.flush();
    }

    private static Map<String, Object> partMap(PreparedDataset.Part part) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", new Path(part.uri()).getName());
        m.put("count", part.count());
        m.put("label_counts", PreparedDataset.asList(part.labelCounts()));
        m.put("crc32c", String.format(Locale.ROOT, "%08x", part.crc32c()));
        m.put("block_records", part.blockRecords());
        StringBuilder blocks = new StringBuilder(part.blockCrcs().length * 8);
        for (int c : part.blockCrcs()) blocks.append(String.format(Locale.ROOT, "%08x", c));
        m.put("block_crc32c", blocks.toString());
        return m;
    }

    private static void deleteMetadata(Configuration conf, String dir) {
        Path meta = HadoopFiles.path(PreparedDataset.metadataUri(dir));
        try {
            HadoopFiles.fileSystem(conf, meta).delete(meta, false);
        } catch (IOException e) {
            throw new LockstepException("cannot replace " + meta + ": " + e.getMessage(), e);
        }
    }
}
