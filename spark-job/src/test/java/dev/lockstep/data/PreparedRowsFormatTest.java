package dev.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Version 2 of the prepared format (rows of a table) without Spark: round trips and hostile metadata or records. */
class PreparedRowsFormatTest {
    @TempDir
    Path tmp;

    /** {@code count} rows of {@code features} seeded floats with labels below {@code classes}, in blocks of 100. */
    private static List<RowBlock> floatRows(int count, int features, int classes, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<RowBlock> blocks = new java.util.ArrayList<>();
        for (int first = 0; first < count; first += 100) {
            int n = Math.min(100, count - first);
            float[] values = new float[n * features];
            for (int i = 0; i < values.length; i++) values[i] = (float) ((random.nextDouble() - 0.5) * 1e4);
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) labels[i] = random.nextInt(classes);
            blocks.add(RowBlock.ofFloats(first, n, features, values, labels));
        }
        return blocks;
    }

    private PreparedDataset write(List<RowBlock> blocks, int classes, boolean floats) {
        int features = blocks.get(0).features();
        int count = blocks.stream().mapToInt(RowBlock::count).sum();
        return PreparedWriter.writeRows(
                TestData.CONF,
                tmp.toString(),
                PreparedWriter.rowsLayout(features, floats, classes),
                classes,
                "a table",
                new PreparedWriter.RowsPart(PreparedDataset.TRAIN, count, blocks.iterator()),
                Optional.empty());
    }

    private static RowBlock readAll(PreparedDataset d, int count) throws IOException {
        PreparedDataset.Part part = d.train();
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(part.uri());
        try (FSDataInputStream in = FileSystem.getLocal(TestData.CONF).open(path)) {
            PreparedRecords.RecordInput input =
                    PreparedRecords.input(in, part.uri(), d.recordLength(), part.checksums(0, count));
            return PreparedRecords.read(
                    input,
                    part.uri(),
                    d.layout(),
                    part.maxLabel(),
                    new PreparedRecords.Slice(0, count, 0, count, null));
        }
    }

    @Test
    void floatRowsWithTwoByteLabelsRoundTrip() throws IOException {
        List<RowBlock> blocks = floatRows(2500, 7, 300, 1);
        write(blocks, 300, true);

        PreparedDataset d = PreparedDataset.open(TestData.CONF, tmp.toString());
        assertEquals(PreparedDataset.VERSION_ROWS, d.version());
        assertFalse(d.isImage());
        assertEquals(1, d.rows());
        assertEquals(7, d.cols());
        assertEquals(300, d.classes());
        assertEquals(2, d.layout().labelBytes());
        assertEquals(2 + 7 * 4, d.recordLength());
        assertEquals(2500L * 30, Files.size(tmp.resolve("train.records")));
        d.verifyChecksum(TestData.CONF, d.train());

        RowBlock all = readAll(d, 2500);
        for (RowBlock b : blocks) {
            for (int i = 0; i < b.count(); i++) {
                int row = (int) b.firstRow() + i;
                assertEquals(b.label(i), all.label(row));
                for (int f = 0; f < 7; f++) assertEquals(b.raw(i, f), all.raw(row, f));
            }
        }
        long[] counts = new long[300];
        for (int i = 0; i < 2500; i++) counts[all.label(i)]++;
        assertArrayEquals(counts, d.train().labelCounts());
    }

    @Test
    void byteRowsStayBytes() throws IOException {
        byte[] values = {1, 2, 3, (byte) 200, (byte) 255, 0};
        write(List.of(RowBlock.ofBytes(0, 2, 3, values, new int[] {4, 0})), 5, false);
        PreparedDataset d = PreparedDataset.open(TestData.CONF, tmp.toString());
        assertEquals(4, d.recordLength());
        RowBlock back = readAll(d, 2);
        assertTrue(back.isBytes());
        assertArrayEquals(values, back.bytes());
        assertEquals(4, back.label(0));
    }

    @Test
    void aNonFiniteFloatIsRefusedOnRead() throws IOException {
        float[] values = {1, 2, Float.NaN, 4};
        // Written by hand: the writer takes rows from FrameRows, which never holds a NaN; a file can.
        write(List.of(RowBlock.ofFloats(0, 2, 2, values, new int[] {0, 1})), 2, true);
        PreparedDataset d = PreparedDataset.open(TestData.CONF, tmp.toString());
        DataFormatException e = assertThrows(DataFormatException.class, () -> readAll(d, 2));
        assertTrue(e.getMessage().contains("train.records: feature 0 of record 1 is NaN"), e.getMessage());
    }

    @Test
    void rowsOutOfOrderOrLabelsBeyondTheClassesWriteNothing() {
        Path dir = tmp.resolve("never");
        RowBlock late = RowBlock.ofFloats(5, 1, 1, new float[] {1}, new int[] {0});
        DataFormatException e = assertThrows(
                DataFormatException.class,
                () -> PreparedWriter.writeRows(
                        TestData.CONF,
                        dir.toString(),
                        PreparedWriter.rowsLayout(1, true, 2),
                        2,
                        "t",
                        new PreparedWriter.RowsPart("train", 1, List.of(late).iterator()),
                        Optional.empty()));
        assertTrue(e.getMessage().contains("where row 0"), e.getMessage());
        assertFalse(Files.exists(dir));
        RowBlock big = RowBlock.ofFloats(0, 1, 1, new float[] {1}, new int[] {2});
        e = assertThrows(
                DataFormatException.class,
                () -> PreparedWriter.writeRows(
                        TestData.CONF,
                        dir.toString(),
                        PreparedWriter.rowsLayout(1, true, 2),
                        2,
                        "t",
                        new PreparedWriter.RowsPart("train", 1, List.of(big).iterator()),
                        Optional.empty()));
        assertTrue(e.getMessage().contains("label 2 of row 0 is not below 2 classes"), e.getMessage());
        assertFalse(Files.exists(dir));
    }

    @Test
    void mismatchedMetadataIsRefused() throws IOException {
        write(floatRows(300, 3, 4, 2), 4, true);
        Path meta = tmp.resolve("prepared.json");
        String good = Files.readString(meta);
        String[][] cases = {
            {"\"value_type\": \"float32\"", "\"value_type\": \"float64\"", "value_type 'float64' is not bytes"},
            {"\"classes\": 4", "\"classes\": 400", "400 classes do not fit label_bytes 1"},
            {"\"classes\": 4", "\"classes\": 70000", "classes 70000 is out of range (1..65536)"},
            {"\"classes\": 4", "\"classes\": 5", "field 'label_counts' is missing or not a list of 5 counts"},
            {"\"label_bytes\": 1", "\"label_bytes\": 3", "label_bytes 3 is out of range (1..2)"},
            {"\"record_length\": 13", "\"record_length\": 14", "record_length 14 is out of range"},
            {"\"record_length\": 13", "\"record_length\": 12", "record_length 12 does not match 1 label bytes"},
            {"\"features\": 3", "\"features\": 0", "features 0 is out of range"},
            {
                "\"features\": 3",
                "\"features\": 4",
                "record_length 13 does not match 1 label bytes and 4 float32 features (expected 17)"
            },
            {"\"count\": 300", "\"count\": 299", "label_counts add up to 300, not count 299"},
        };
        for (String[] c : cases) {
            String bad = good.replaceFirst(Pattern.quote(c[0]), Matcher.quoteReplacement(c[1]));
            assertFalse(bad.equals(good), "case did not apply: " + c[0]);
            Files.writeString(meta, bad);
            DataFormatException e = assertThrows(
                    DataFormatException.class, () -> PreparedDataset.open(TestData.CONF, tmp.toString()), c[1]);
            assertTrue(e.getMessage().contains(c[2]), e.getMessage());
            assertTrue(e.getMessage().startsWith(meta.toString()), e.getMessage());
        }
    }
}
