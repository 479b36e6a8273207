package dev.lockstep.data;

import dev.lockstep.LockstepException;
import dev.lockstep.io.AtomicFiles;
import dev.lockstep.io.Json;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
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
