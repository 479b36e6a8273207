package dev.lockstep.train.rows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.SharedSpark;
import dev.lockstep.TestData;
import dev.lockstep.data.DataFormatException;
import dev.lockstep.data.HoldOut;
import dev.lockstep.data.LabeledImages;
import dev.lockstep.data.PreparedDataset;
import dev.lockstep.data.PreparedWriter;
import dev.lockstep.data.RowBlock;
import dev.lockstep.data.RowBlocks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Executor-read prepared rows lay out exactly as the driver-read rows they were prepared from. */
class PreparedRowsTest {
    private static final Configuration CONF = new Configuration();

    @TempDir
    Path tmp;

    private PreparedDataset prepare(LabeledImages data) {
        return PreparedWriter.write(CONF, tmp.toString(), data, Optional.empty(), data.source());
    }

    /** Every partition's blocks, in partition order. */
    private static List<List<RowBlock>> collect(RowSource source, int partitions) {
        return source.blocks(SharedSpark.context(), partitions).glom().collect();
    }

    private static void assertSameBlocks(RowSource expected, RowSource actual, int partitions) {
        List<List<RowBlock>> a = collect(expected, partitions);
        List<List<RowBlock>> b = collect(actual, partitions);
        assertEquals(partitions, b.size());
        assertEquals(a.size(), b.size());
        for (int p = 0; p < a.size(); p++) {
            assertEquals(a.get(p).size(), b.get(p).size(), "blocks in partition " + p + " of " + partitions);
            for (int i = 0; i < a.get(p).size(); i++) {
                RowBlock x = a.get(p).get(i);
                RowBlock y = b.get(p).get(i);
                String where = "partition " + p + " block " + i + " of " + partitions + " partitions";
                assertEquals(x.firstRow(), y.firstRow(), where);
                assertEquals(x.count(), y.count(), where);
                assertEquals(x.features(), y.features(), where);
                assertArrayEquals(labelsOf(x), labelsOf(y), where);
                assertArrayEquals(x.bytes(), y.bytes(), where);
            }
        }
    }

    @Test
    void sampleHasTheSameBlocksAsInMemoryRows() {
        LabeledImages sample = TestData.sample();
        PreparedDataset d = prepare(sample);
        PreparedRows prepared = PreparedRows.of(CONF, d, d.train());
        assertEquals(10_000, prepared.count());
        assertEquals(28, prepared.height());
        assertEquals(9, prepared.maxLabel());
        for (int partitions : new int[] {1, 3, 4}) {
            assertSameBlocks(new InMemoryRows(sample), prepared, partitions);
        }
    }

    /** 32,769 rows: several blocks per partition, and partitions with different block counts. */
    @Test
    void manyBlocksAndPaddingMatchToo() {
        Random random = new Random(9);
        int count = 2 * RowBlocks.DEFAULT_BLOCK_ROWS + 1;
        byte[] pixels = new byte[count * 4];
        random.nextBytes(pixels);
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) labels[i] = (byte) random.nextInt(10);
        LabeledImages data = new LabeledImages(2, 2, pixels, labels, "synthetic");
        PreparedDataset d = prepare(data);
        for (int partitions : new int[] {1, 2, 3, 4}) {
            assertSameBlocks(new InMemoryRows(data), PreparedRows.of(CONF, d, d.train()), partitions);
        }
        HoldOut split = HoldOut.split(data, 0.3, 5);
        HoldOut.Rows rows = HoldOut.rows(count, 0.3, 5, "synthetic");
        assertSameBlocks(new InMemoryRows(split.train()), PreparedRows.select(CONF, d, d.train(), rows.train()), 2);
        assertSameBlocks(
                new InMemoryRows(split.validation()), PreparedRows.select(CONF, d, d.train(), rows.validation()), 3);
    }

    @Test
    void holdOutReadOnExecutorsEqualsHoldOutOfTheLoadedRows() {
        LabeledImages sample = TestData.sample();
        PreparedDataset d = prepare(sample);
        HoldOut split = HoldOut.split(sample, 0.1, 1);
        HoldOut.Rows rows = HoldOut.rows(sample.count(), 0.1, 1, "sample");
        PreparedRows train = PreparedRows.select(CONF, d, d.train(), rows.train());
        PreparedRows validation = PreparedRows.select(CONF, d, d.train(), rows.validation());
        assertEquals(9000, train.count());
        assertEquals(1000, validation.count());
        for (int partitions : new int[] {1, 3, 4}) {
            assertSameBlocks(new InMemoryRows(split.train()), train, partitions);
            assertSameBlocks(new InMemoryRows(split.validation()), validation, partitions);
        }
    }

    @Test
    void aBadLabelFailsTheJobNamingTheFileAndRecord() throws Exception {
        prepare(TestData.sample().slice(0, 100));
        Path records = tmp.resolve("train.records");
        byte[] bytes = Files.readAllBytes(records);
        bytes[60 * 785] = 42;
        Files.write(records, bytes);
        PreparedDataset checked = PreparedDataset.open(CONF, tmp.toString());
        assertTrue(failure(checked).contains("train.records: records 0-99 fail their CRC32C check"), failure(checked));

        // Without block checksums (a dataset prepared before them) the label check still catches it.
        PreparedDataset old = withoutBlockChecksums();
        assertTrue(failure(old).contains("train.records: label 42 of record 60"), failure(old));
    }

    /**
     * The message of the DataFormatException that caching the dataset's training part fails with: found by an
     * executor, thrown on the driver as it was (not wrapped in Spark's exception for a failed task).
     */
    private static String failure(PreparedDataset d) {
        return assertThrows(
                        DataFormatException.class,
                        () -> CachedRows.cache(
                                SharedSpark.context(), PreparedRows.of(CONF, d, d.train()), 2, "bad rows"))
                .getMessage();
    }

    /** The dataset in tmp with its metadata's block checksums removed, as prepare wrote it before it had them. */
    private PreparedDataset withoutBlockChecksums() throws Exception {
        Path meta = tmp.resolve(PreparedDataset.METADATA);
        String json = Files.readString(meta)
                .replaceAll(",\\s*\"block_records\"[^,]*,\\s*\"block_crc32c\"\\s*:\\s*\"[0-9a-f]*\"", "");
        assertFalse(json.contains("block_"), json);
        Files.writeString(meta, json);
        PreparedDataset old = PreparedDataset.open(CONF, tmp.toString());
        assertNull(old.train().blockCrcs());
        return old;
    }

    @Test
    void aFlippedPixelBitFailsItsBlocksChecksum() throws Exception {
        PreparedDataset d = prepare(TestData.sample().slice(0, 3000)); // blocks 0-1023, 1024-2047, 2048-2999
        Path records = tmp.resolve("train.records");
        byte[] bytes = Files.readAllBytes(records);
        bytes[1500 * 785 + 300] ^= 0x04; // a pixel of record 1500: length and labels still valid
        Files.write(records, bytes);

        String message = failure(d);
        assertTrue(message.contains("train.records: records 1024-2047 fail their CRC32C check"), message);
        assertTrue(message.endsWith("the file is corrupt"), message);
    }

    @Test
    void datasetsPreparedBeforeBlockChecksumsAreStillRead() throws Exception {
        LabeledImages data = TestData.sample().slice(0, 3000);
        assertEquals(3, prepare(data).train().blockCrcs().length);
        PreparedDataset old = withoutBlockChecksums();
        assertSameBlocks(new InMemoryRows(data), PreparedRows.of(CONF, old, old.train()), 2);
    }

    private static byte[] labelsOf(RowBlock b) {
        byte[] labels = new byte[b.count()];
        for (int i = 0; i < labels.length; i++) labels[i] = (byte) b.label(i);
        return labels;
    }
}
