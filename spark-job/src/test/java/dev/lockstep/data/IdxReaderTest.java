package dev.lockstep.data;

import static dev.lockstep.data.TestData.CONF;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.LockstepException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxReaderTest {
    @TempDir
    Path dir;

    private final LabeledImages data = TestData.random(50, 4, 3, 7);

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void roundTrip(boolean gzip) {
        String[] files = TestData.writeIdxPair(dir, "train", data, gzip);

        LabeledImages read = IdxReader.read(CONF, files[0], files[1]);

        assertEquals(50, read.count());
        assertEquals(4, read.rows());
        assertEquals(3, read.cols());
        assertArrayEquals(data.pixels(), read.pixels());
        assertArrayEquals(data.labels(), read.labels());
        assertTrue(read.source().contains("train-images-idx3-ubyte"), read.source());
    }

    @Test
    void readsFileUris() {
        String[] files = TestData.writeIdxPair(dir, "train", data, true);

        LabeledImages read = IdxReader.read(CONF, "file://" + files[0], "file://" + files[1]);

        assertArrayEquals(data.labels(), read.labels());
    }

    @Test
    void readsTheBundledMnistSample() {
        Path mnist = ProjectDir.find().resolve("data/mnist");

        LabeledImages sample = IdxReader.read(
                CONF,
                mnist.resolve("train-images-idx3-ubyte.gz").toString(),
                mnist.resolve("train-labels-idx1-ubyte.gz").toString());

        assertEquals(10_000, sample.count());
        assertEquals(28, sample.rows());
        assertEquals(28, sample.cols());
        assertEquals(5, sample.label(0));
        int[] classCounts = new int[10];
        for (byte label : sample.labels()) {
            classCounts[label]++;
        }
        assertArrayEquals(new int[] {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978}, classCounts);
    }

    @Test
    void imageFileGivenAsLabelsIsABadMagicNumber() {
        String[] files = TestData.writeIdxPair(dir, "train", data, true);

        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.read(CONF, files[0], files[0]));

        assertEquals(
                files[0] + ": bad magic number 0x00000803 at offset 0 (expected 0x00000801 for an IDX"
                        + " label file); this is an image file",
                e.getMessage());
    }

    @Test
    void truncatedRawPayload() {
        String[] files = TestData.writeIdxPair(dir, "train", data, false);
        byte[] images = TestData.imagesIdx(data);
        TestData.write(Path.of(files[0]), Arrays.copyOf(images, images.length - 10));

        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.read(CONF, files[0], files[1]));

        assertEquals(
                files[0] + ": truncated: expected 600 bytes of pixel data after the 16-byte header"
                        + " (50 images of 4x3) but found only 590",
                e.getMessage());
    }

    @Test
    void truncatedPayloadInsideIntactGzip() {
        String[] files = TestData.writeIdxPair(dir, "train", data, true);
        byte[] labels = TestData.labelsIdx(data);
        TestData.write(Path.of(files[1]), TestData.gzip(Arrays.copyOf(labels, labels.length - 1)));

        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.read(CONF, files[0], files[1]));

        assertEquals(
                files[1] + ": truncated: expected 50 bytes of label data after the 8-byte header"
                        + " (50 labels) but found only 49",
                e.getMessage());
    }

    @Test
    void truncatedGzipStream() {
        String[] files = TestData.writeIdxPair(dir, "train", TestData.random(2000, 28, 28, 1), true);
        byte[] gz = TestData.gzip(TestData.imagesIdx(TestData.random(2000, 28, 28, 1)));
        TestData.write(Path.of(files[0]), Arrays.copyOf(gz, gz.length / 2));

        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.read(CONF, files[0], files[1]));

        assertTrue(e.getMessage().startsWith(files[0] + ": corrupt or truncated gzip data after "), e.getMessage());
    }

    @Test
    void flippedBytesInGzipStream() throws Exception {
        // Deflate data is not self-checking: damage may inflate to more, fewer or different bytes, and
        // only the gzip CRC catches it. Each of these must still be reported as corruption.
        Path mnist = ProjectDir.find().resolve("data/mnist");
        byte[] gz = Files.readAllBytes(mnist.resolve("train-images-idx3-ubyte.gz"));
        String labels = mnist.resolve("train-labels-idx1-ubyte.gz").toString();
        for (int at : new int[] {5_000, 100_000, 800_000, 1_600_000}) {
            byte[] damaged = gz.clone();
            for (int i = at; i < at + 100; i++) {
                damaged[i] ^= 0x5a;
            }
            String images = TestData.write(dir.resolve("damaged-" + at + ".gz"), damaged);

            DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.read(CONF, images, labels));

            assertTrue(e.getMessage().startsWith(images + ": corrupt or truncated gzip data after "), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void trailingBytes(boolean gzip) {
        String[] files = TestData.writeIdxPair(dir, "train", data, gzip);
        byte[] labels = Arrays.copyOf(TestData.labelsIdx(data), 8 + 50 + 3);
        TestData.write(Path.of(files[1]), gzip ? TestData.gzip(labels) : labels);

        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.read(CONF, files[0], files[1]));

        assertEquals(
                files[1] + ": 3 unexpected bytes after the end of the label data at offset 58"
                        + " (header declares 50 labels)",
                e.getMessage());
    }

    @Test
    void imageAndLabelCountsMustAgree() {
        String[] files = TestData.writeIdxPair(dir, "train", data, true);
        String labels =
                TestData.write(dir.resolve("other-labels.gz"), TestData.gzip(TestData.labelsIdx(data.slice(0, 49))));

        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.read(CONF, files[0], labels));

        assertEquals(
                files[0] + " has 50 images but " + labels + " has 49 labels (expected the same count)", e.getMessage());
    }

    @Test
    void labelOutOfRange() {
        String[] files = TestData.writeIdxPair(dir, "train", data, true);
        byte[] labels = TestData.labelsIdx(data);
        labels[8 + 17] = 10;
        TestData.write(Path.of(files[1]), TestData.gzip(labels));

        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.read(CONF, files[0], files[1]));

        assertEquals(files[1] + ": label 10 of item 17 at offset 25 is out of range (expected 0-9)", e.getMessage());
    }

    @Test
    void headerCountBeyondAnyArrayFailsBeforeAllocating() {
        String images = TestData.write(
                dir.resolve("huge-images.gz"),
                TestData.gzip(TestData.idx(IdxHeader.IMAGES_MAGIC, new int[] {1 << 30, 28, 28}, new byte[100])));
        String labels = TestData.write(
                dir.resolve("huge-labels.gz"),
                TestData.gzip(TestData.idx(IdxHeader.LABELS_MAGIC, new int[] {1 << 30}, new byte[100])));

        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.read(CONF, images, labels));

        assertTrue(
                e.getMessage()
                        .startsWith(images + ": header declares 1073741824 images of 28x28 = "
                                + "841813590016 bytes of pixel data"),
                e.getMessage());
    }

    @Test
    void largeHeaderCountInTinyFilesFailsWithoutAllocatingIt() {
        // 2.5 million 28x28 images would be 1.96 GB; the files hold 100 bytes.
        int count = 2_500_000;
        String imagesGz = TestData.write(
                dir.resolve("big-images.gz"),
                TestData.gzip(TestData.idx(IdxHeader.IMAGES_MAGIC, new int[] {count, 28, 28}, new byte[100])));
        String imagesRaw = TestData.write(
                dir.resolve("big-images"),
                TestData.idx(IdxHeader.IMAGES_MAGIC, new int[] {count, 28, 28}, new byte[100]));
        String labels = TestData.write(
                dir.resolve("big-labels"), TestData.idx(IdxHeader.LABELS_MAGIC, new int[] {count}, new byte[count]));
        long before = usedHeap();

        DataFormatException gz = assertThrows(DataFormatException.class, () -> IdxReader.read(CONF, imagesGz, labels));
        DataFormatException raw =
                assertThrows(DataFormatException.class, () -> IdxReader.read(CONF, imagesRaw, labels));

        assertTrue(gz.getMessage().contains("but found only 100"), gz.getMessage());
        assertTrue(raw.getMessage().contains("but found only 100"), raw.getMessage());
        assertTrue(usedHeap() - before < 500_000_000L, "allocated far more than the files hold");
    }

    @Test
    void headerLargerThanTheHeapFreeIsRefusedBeforeReading() {
        // 10,000 28x28 images are 7.5 MB; this "heap" has 4 MB free, and the files hold 100 bytes each.
        int count = 10_000;
        String images = TestData.write(
                dir.resolve("big-images.gz"),
                TestData.gzip(TestData.idx(IdxHeader.IMAGES_MAGIC, new int[] {count, 28, 28}, new byte[100])));
        String labels = TestData.write(
                dir.resolve("big-labels.gz"),
                TestData.gzip(TestData.idx(IdxHeader.LABELS_MAGIC, new int[] {count}, new byte[100])));
        HeapBudget fourMegabytes = HeapBudget.fixed(4 << 20);

        DataFormatException pair =
                assertThrows(DataFormatException.class, () -> IdxReader.read(CONF, images, labels, fourMegabytes));
        DataFormatException alone =
                assertThrows(DataFormatException.class, () -> IdxReader.readImagesOnly(CONF, images, fourMegabytes));

        String expected = images + ": header declares 10000 images of 28x28 = 8 MB of pixel data, more than the 4 MB"
                + " of heap free (of 4 MB); raise the driver's heap with LOCKSTEP_DRIVER_MEMORY (spark-submit: "
                + "--driver-memory)";
        assertEquals(expected, pair.getMessage());
        assertEquals(expected, alone.getMessage());
        // The same files on a heap that holds them are only truncated.
        DataFormatException truncated = assertThrows(
                DataFormatException.class, () -> IdxReader.read(CONF, images, labels, HeapBudget.fixed(64 << 20)));
        assertTrue(truncated.getMessage().contains("but found only 100"), truncated.getMessage());
    }

    @Test
    void gzipInflatingFarBeyondItsHeaderIsRefusedWithoutInflatingTheRest() throws Exception {
        // 50 labels, then 256 MB of zeros in 256 KB of gzip: the reader stops a little past the declared end.
        Path labels = dir.resolve("bomb-labels.gz");
        try (var gz = new GZIPOutputStream(Files.newOutputStream(labels), 1 << 16)) {
            gz.write(TestData.labelsIdx(data));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 256; i++) gz.write(zeros);
        }
        String[] files = TestData.writeIdxPair(dir, "train", data, true);

        DataFormatException e =
                assertThrows(DataFormatException.class, () -> IdxReader.read(CONF, files[0], labels.toString()));

        Matcher m = Pattern.compile(Pattern.quote(labels.toString())
                        + ": at least (\\d+) unexpected bytes after the end of the label data at offset 58 "
                        + "\\(header declares 50 labels\\)")
                .matcher(e.getMessage());
        assertTrue(m.matches(), e.getMessage());
        long read = Long.parseLong(m.group(1));
        assertTrue(read > IdxReader.TRAILING_PROBE_BYTES && read < 2 * IdxReader.TRAILING_PROBE_BYTES, e.getMessage());
    }

    @Test
    void badDimensions() {
        String images = TestData.write(
                dir.resolve("wide-images"),
                TestData.idx(IdxHeader.IMAGES_MAGIC, new int[] {1, 1, 2000}, new byte[2000]));
        String labels = TestData.write(
                dir.resolve("wide-labels"), TestData.idx(IdxHeader.LABELS_MAGIC, new int[] {1}, new byte[1]));

        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.read(CONF, images, labels));

        assertEquals(images + ": column count 2000 at offset 12 (expected 1-1024)", e.getMessage());
    }

    @Test
    void emptyFile() {
        String images = TestData.write(dir.resolve("empty-images"), new byte[0]);
        String labels = TestData.write(dir.resolve("labels"), TestData.labelsIdx(data));

        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.read(CONF, images, labels));

        assertEquals(
                images + ": too short for an IDX image file: found 0 bytes, expected a header of 16", e.getMessage());
    }

    @Test
    void missingFile() {
        String[] files = TestData.writeIdxPair(dir, "train", data, true);
        String missing = dir.resolve("nope-labels.gz").toString();

        LockstepException e = assertThrows(LockstepException.class, () -> IdxReader.read(CONF, files[0], missing));

        assertEquals(missing + ": no such file", e.getMessage());
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
