package dev.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prepared format without Spark: what prepare writes, and how damaged directories are refused. */
class PreparedDatasetTest {
    @TempDir
    Path tmp;

    private PreparedDataset prepare(LabeledImages train, LabeledImages test) {
        return PreparedWriter.write(TestData.CONF, tmp.toString(), train, Optional.ofNullable(test), "the source");
    }

    private static RowBlock readAll(
            PreparedDataset.Part part, int features, long[] keep, long first, int span, int count) throws IOException {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(part.uri());
        try (FSDataInputStream in = FileSystem.getLocal(TestData.CONF).open(path)) {
            return PreparedRecords.read(
                    in, part.uri(), features, part.maxLabel(), new PreparedRecords.Slice(0, count, first, span, keep));
        }
    }

    @Test
    void roundTripKeepsEveryByteAndDescribesItself() throws IOException {
        LabeledImages train = TestData.random(5000, 3, 5, 1);
        LabeledImages test = TestData.random(700, 3, 5, 2);
        assertFalse(PreparedDataset.isPrepared(TestData.CONF, tmp.toString()));

        prepare(train, test);

        assertTrue(PreparedDataset.isPrepared(TestData.CONF, tmp.toString()));
        PreparedDataset d = PreparedDataset.open(TestData.CONF, tmp.toString());
        assertEquals(3, d.rows());
        assertEquals(5, d.cols());
        assertEquals(16, d.recordLength());
        assertEquals("the source", d.source());
        assertEquals(5000, d.train().count());
        assertEquals(700, d.test().orElseThrow().count());
        assertEquals(5000L * 16, Files.size(tmp.resolve("train.records")));
        long[] expectedCounts = new long[10];
        for (byte label : train.labels()) expectedCounts[label]++;
        assertArrayEquals(expectedCounts, d.train().labelCounts());
        d.verifyChecksum(TestData.CONF, d.train());
        d.verifyChecksum(TestData.CONF, d.test().orElseThrow());

        RowBlock all = readAll(d.train(), 15, null, 0, 5000, 5000);
        assertArrayEquals(train.pixels(), all.bytes());
        assertArrayEquals(train.labels(), labelsOf(all));
        // A subset: records 1, 2 and 4 of the run starting at record 100.
        RowBlock some = readAll(d.train(), 15, new long[] {0b10110}, 100, 5, 3);
        LabeledImages expected = train.select(new int[] {101, 102, 104});
        assertArrayEquals(expected.pixels(), some.bytes());
        assertArrayEquals(expected.labels(), labelsOf(some));

        Map<String, Object> meta =
                Json.readMap(TestData.CONF, tmp.resolve("prepared.json").toString());
        assertEquals("lockstep-prepared", meta.get("format"));
        assertEquals(1, meta.get("version"));
        assertEquals(16, meta.get("record_length"));
        try (var files = Files.list(tmp)) {
            assertEquals(3, files.count(), "the records files and the metadata, no temporary or .crc files");
        }
    }

    @Test
    void withoutTestSetThereIsNoTestPart() {
        prepare(TestData.random(10, 2, 2, 3), null);
        PreparedDataset d = PreparedDataset.open(TestData.CONF, tmp.toString());
        assertTrue(d.test().isEmpty());
        assertFalse(Files.exists(tmp.resolve("test.records")));
    }

    @Test
    void truncatedRecordsAreRefusedNamingTheFile() throws IOException {
        prepare(TestData.random(100, 2, 2, 4), null);
        Path records = tmp.resolve("train.records");
        byte[] bytes = Files.readAllBytes(records);
        Files.write(records, Arrays.copyOf(bytes, bytes.length - 5));

        DataFormatException e =
                assertThrows(DataFormatException.class, () -> PreparedDataset.open(TestData.CONF, tmp.toString()));

        assertTrue(e.getMessage().contains("train.records: 495 bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("100 records of 5 bytes (500 bytes)"), e.getMessage());
    }

    @Test
    void mismatchedMetadataIsRefused() throws IOException {
        prepare(TestData.random(100, 2, 2, 5), null);
        Path meta = tmp.resolve("prepared.json");
        String good = Files.readString(meta);
        String[][] cases = {
            {"\"count\" : 100", "\"count\" : 101", "label_counts add up to 100, not count 101"},
            {"\"version\" : 1", "\"version\" : 3", "version 3 is not supported"},
            {"\"lockstep-prepared\"", "\"something-else\"", "format 'something-else'"},
            {"\"record_length\" : 5", "\"record_length\" : 6", "record_length 6 does not match 2x2"},
            {"\"rows\" : 2", "\"rows\" : \"two\"", "field 'rows' is missing or not a whole number"},
            {"\"file\" : \"train.records\"", "\"file\" : \"../train.records\"", "must be a plain file name"},
            {"\"block_records\" : 1024", "\"block_records\" : 50", "block_crc32c holds 1.0 checksums, expected 2"},
            {"\"block_records\" : 1024", "\"block_records\" : 0", "block_records 0 is out of range"},
        };
        for (String[] c : cases) { // written as Jackson's printer spaces them
            c[0] = Pattern.quote(c[0].replace(" : ", ": "));
            c[1] = c[1].replace(" : ", ": ");
        }
        assertEachRefused(meta, good, cases);
    }

    @Test
    void fileNamesStayInsideTheDataset() throws IOException {
        prepare(TestData.random(100, 2, 2, 6), null);
        Path meta = tmp.resolve("prepared.json");
        String good = Files.readString(meta);
        for (String name : new String[] {
            "x:y",
            "file:passwd",
            "hdfs://elsewhere/train.records",
            "../other",
            "/etc/passwd",
            "",
            "..",
            ".hidden",
            "a\\\\b",
            "sub/train.records",
            "train records"
        }) {
            Files.writeString(meta, good.replace("\"file\": \"train.records\"", "\"file\": \"" + name + "\""));
            DataFormatException e = assertThrows(
                    DataFormatException.class, () -> PreparedDataset.open(TestData.CONF, tmp.toString()), name);
            String shown = name.replace("\\\\", "\\");
            assertEquals(
                    meta + ": train.file '" + shown + "' must be a plain file name in " + tmp
                            + " (letters, digits, '.', '_' and '-', not starting with '.')",
                    e.getMessage());
        }
        Files.writeString(meta, good);
        assertEquals(
                100, PreparedDataset.open(TestData.CONF, tmp.toString()).train().count());
    }

    @Test
    void sizesThatWouldOverflowAreRefused() throws IOException {
        prepare(TestData.random(100, 2, 2, 7), null);
        Path meta = tmp.resolve("prepared.json");
        String good = Files.readString(meta);
        String[][] cases = {
            // Blocks of 2^22 or 2^30 records: one block would not fit an int-sized array.
            {"\"block_records\": 1024", "\"block_records\": 4194304", "block_records 4194304 is out of range (1..1024)"
            },
            {
                "\"block_records\": 1024",
                "\"block_records\": 1073741824",
                "block_records 1073741824 is out of range (1..1024)"
            },
            {"\"rows\": 2", "\"rows\": 2000000", "rows 2000000 is out of range (1..1048576)"},
            {"\"rows\": 2", "\"rows\": 0", "rows 0 is out of range (1..1048576)"},
            {"\"cols\": 2", "\"cols\": 1048576", "images of 2x1048576 are 2097152 pixels, more than the 1048576"},
            {
                "\"record_length\": 5",
                "\"record_length\": 4294967297",
                "record_length 4294967297 is out of range (2..1048577)"
            },
            {"\"count\": 100", "\"count\": -1", "count -1 is out of range"},
            {"\"count\": 100", "\"count\": 9223372036854775807", "count 9223372036854775807 is out of range"},
            {"\"count\": 100", "\"count\": 1e3", "field 'count' is missing or not a whole number"},
            // Label counts that wrap around to the right sum.
            {
                "\"label_counts\"\\s*:\\s*\\[[^\\]]*\\]",
                "\"label_counts\": [9223372036854775807, 9223372036854775807, 102, 0, 0, 0, 0, 0, 0, 0]",
                "label_counts has 9223372036854775807, more than count 100"
            },
        };
        for (String[] c : cases) if (!c[0].startsWith("\"label_counts")) c[0] = Pattern.quote(c[0]);
        assertEachRefused(meta, good, cases);
    }

    /**
     * For each case {regex, replacement, expected}: prepared.json with the first match replaced is refused by
     * {@link PreparedDataset#open}, with a message naming the file and containing the expected text.
     */
    private void assertEachRefused(Path meta, String good, String[][] cases) throws IOException {
        for (String[] c : cases) {
            String bad = good.replaceFirst(c[0], Matcher.quoteReplacement(c[1]));
            assertFalse(bad.equals(good), "case did not apply: " + c[0]);
            Files.writeString(meta, bad);
            DataFormatException e = assertThrows(
                    DataFormatException.class, () -> PreparedDataset.open(TestData.CONF, tmp.toString()), c[1]);
            assertTrue(e.getMessage().contains(c[2]), e.getMessage());
            assertTrue(e.getMessage().startsWith(meta.toString()), e.getMessage());
        }
    }

    @Test
    void labelsBeyondTheMetadataAreRefusedOnRead() throws IOException {
        LabeledImages data = new LabeledImages(1, 2, new byte[6], new byte[] {0, 1, 1}, "tiny");
        prepare(data, null);
        Path records = tmp.resolve("train.records");
        byte[] bytes = Files.readAllBytes(records);
        bytes[2 * 3] = 7; // record 2's label; the metadata says labels go up to 1
        Files.write(records, bytes);
        PreparedDataset d = PreparedDataset.open(TestData.CONF, tmp.toString());

        DataFormatException e = assertThrows(DataFormatException.class, () -> readAll(d.train(), 2, null, 0, 3, 3));

        assertTrue(e.getMessage().contains("train.records: label 7 of record 2 at offset 6"), e.getMessage());
    }

    @Test
    void aDirectoryWithoutMetadataIsNotADataset() {
        DataFormatException e =
                assertThrows(DataFormatException.class, () -> PreparedDataset.open(TestData.CONF, tmp.toString()));
        assertTrue(e.getMessage().contains("not a prepared dataset"), e.getMessage());
    }

    private static byte[] labelsOf(RowBlock b) {
        byte[] labels = new byte[b.count()];
        for (int i = 0; i < labels.length; i++) labels[i] = (byte) b.label(i);
        return labels;
    }
}
