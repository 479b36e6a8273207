package dev.lockstep.model;

import static org.junit.jupiter.api.Assertions.*;

import com.sun.management.ThreadMXBean;
import dev.lockstep.LockstepException;
import dev.lockstep.nn.Activation;
import dev.lockstep.nn.Architecture;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {
    private final Configuration conf = new Configuration();

    @TempDir
    Path dir;

    private static MlpModel read(byte[] b, boolean lengthKnown) throws IOException {
        return ModelFile.read(new ByteArrayInputStream(b), "test.lsm", lengthKnown ? b.length : -1);
    }

    private static String rejection(byte[] b, boolean lengthKnown) {
        return assertThrows(LockstepException.class, () -> read(b, lengthKnown)).getMessage();
    }

    private static void assertBitIdentical(MlpModel expected, MlpModel actual) {
        assertEquals(expected.architecture(), actual.architecture());
        assertArrayEquals(expected.architecture().sizes(), actual.architecture().sizes());
        assertEquals(expected.architecture().hidden(), actual.architecture().hidden());
        InputScaling es = expected.scaling(), as = actual.scaling();
        assertEquals(es.isUniform(), as.isUniform());
        assertEquals(es.features(), as.features());
        for (int f = 0; f < Math.max(1, es.features()); f++) {
            assertEquals(Float.floatToRawIntBits(es.scale(f)), Float.floatToRawIntBits(as.scale(f)), "scale " + f);
            assertEquals(Float.floatToRawIntBits(es.offset(f)), Float.floatToRawIntBits(as.offset(f)), "offset " + f);
        }
        assertEquals(expected.byteInput(), actual.byteInput());
        assertEquals(expected.height(), actual.height());
        assertEquals(expected.width(), actual.width());
        float[] e = expected.parameters(), a = actual.parameters();
        assertEquals(e.length, a.length);
        for (int i = 0; i < e.length; i++) {
            assertEquals(Float.floatToRawIntBits(e[i]), Float.floatToRawIntBits(a[i]), "parameter " + i);
        }
    }

    @Test
    void networksBeyondTheFormatsLimitsAreRefusedBeforeAnythingIsWritten() {
        ModelFile.checkStorable(new Architecture(new int[] {784, 15000, 15000, 10}, Activation.RELU)); // 236,940,010
        String big = assertThrows(
                        IllegalArgumentException.class,
                        () -> ModelFile.checkStorable(
                                new Architecture(new int[] {784, 16384, 16384, 10}, Activation.RELU)))
                .getMessage();
        assertEquals(
                "281,477,130 parameters (1,074 MB of float32); a model file holds at most 268,435,456 (1,024 MB)", big);
        int[] deep = new int[ModelFile.MAX_SIZES + 1];
        Arrays.fill(deep, 2);
        assertEquals(
                "65 layer sizes; a model file holds 2 to 64",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> ModelFile.checkStorable(new Architecture(deep, Activation.RELU)))
                        .getMessage());
        ModelFile.checkStorable(new Architecture(Arrays.copyOf(deep, ModelFile.MAX_SIZES), Activation.RELU));
        // What write refuses, read would have refused: a 65-size network made anyway is not written.
        MlpModel tooDeep = new MlpModel(
                new Architecture(deep, Activation.RELU),
                new float[new Architecture(deep, Activation.RELU).parameterCount()],
                InputScaling.UNIT);
        assertThrows(IllegalArgumentException.class, () -> ModelFile.write(new ByteArrayOutputStream(), tooDeep));
    }

    @Test
    void streamRoundTripIsBitIdentical() throws IOException {
        MlpModel model = TestModels.small();
        byte[] b = TestModels.bytes(model);
        assertBitIdentical(model, read(b, true));
        assertBitIdentical(model, read(b, false));
    }

    @Test
    void fileSystemRoundTripWithPlainPathAndFileUri() {
        MlpModel model = TestModels.small();
        String plain = dir.resolve("out/model.lsm").toString();
        ModelFile.write(conf, plain, model);
        assertBitIdentical(model, ModelFile.read(conf, plain));
        String uri = dir.resolve("other/model.lsm").toUri().toString();
        assertTrue(uri.startsWith("file:"));
        ModelFile.write(conf, uri, model);
        assertBitIdentical(model, ModelFile.read(conf, uri));
    }

    @Test
    void aDigestedReadHashesTheBytesTheModelWasReadFromAndKeepsTheChecks() throws Exception {
        MlpModel model = TestModels.small();
        Path file = dir.resolve("digested/model.lsm");
        ModelFile.write(conf, file.toString(), model);
        ModelFile.Digested read = ModelFile.readDigested(conf, file.toString());
        assertBitIdentical(model, read.model());
        assertEquals(
                java.util.HexFormat.of()
                        .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                                .digest(Files.readAllBytes(file))),
                read.sha256());
        assertEquals("file:" + file, read.uri());

        String missing = dir.resolve("nowhere.lsm").toString();
        assertTrue(assertThrows(LockstepException.class, () -> ModelFile.readDigested(conf, missing))
                .getMessage()
                .endsWith("does not exist"));
        String directory = dir.resolve("digested").toString();
        assertTrue(assertThrows(LockstepException.class, () -> ModelFile.readDigested(conf, directory))
                .getMessage()
                .contains("is a directory"));
    }

    @Test
    void overwritesAnExistingModel() {
        String path = dir.resolve("model.lsm").toString();
        ModelFile.write(conf, path, TestModels.small());
        MlpModel bigger = TestModels.random(Activation.RELU, 5, 7, 3);
        ModelFile.write(conf, path, bigger);
        assertBitIdentical(bigger, ModelFile.read(conf, path));
    }

    @Test
    void largeModelRoundTripsAcrossChunkAndGrowthBoundaries() throws IOException {
        // 318,010 parameters: several 64 KiB chunks, and beyond the initial unknown-length array, so it must grow.
        MlpModel model = TestModels.random(Activation.SIGMOID, 784, 400, 10);
        byte[] b = TestModels.bytes(model);
        assertEquals(51 + 4 * 3 + 4L * 318_010, b.length);
        assertBitIdentical(model, read(b, true));
        assertBitIdentical(model, read(b, false));
    }

    @Test
    void layoutMatchesTheDocumentation() throws IOException {
        MlpModel model = TestModels.small();
        byte[] b = TestModels.bytes(model);
        assertEquals(51 + 4 * 3 + 4 * 23, b.length);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(b));
        byte[] magic = new byte[8];
        in.readFully(magic);
        assertEquals("LKSTPMDL", new String(magic, StandardCharsets.US_ASCII));
        assertEquals(2, in.readInt());
        assertEquals(27 + 4 * 3, in.readInt());
        assertEquals(3, in.readInt());
        assertEquals(4, in.readInt());
        assertEquals(3, in.readInt());
        assertEquals(2, in.readInt());
        assertEquals(Activation.TANH.code(), in.readByte());
        assertEquals(0, in.readByte(), "byte input");
        assertEquals(2, in.readInt(), "a 2x2 image");
        assertEquals(2, in.readInt());
        assertEquals(0, in.readByte(), "uniform scaling");
        assertEquals(1f / 127.5f, in.readFloat());
        assertEquals(-1f, in.readFloat());
        assertEquals(23, in.readInt());
        float[] p = model.parameters();
        for (float v : p) assertEquals(Float.floatToRawIntBits(v), Float.floatToRawIntBits(in.readFloat()));
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - 8);
        assertEquals(0, in.readInt(), "upper half of the trailer");
        assertEquals((int) crc.getValue(), in.readInt());
        assertEquals(-1, in.read());
    }

    @Test
    void perFeatureLayoutMatchesTheDocumentation() throws IOException {
        MlpModel model = TestModels.tabular();
        byte[] b = TestModels.bytes(model);
        int header = 27 + 4 * 3 + 4 * 2 * 3 - 8;
        assertEquals(16 + header + 4 * 17 + 8, b.length);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(b));
        in.skipNBytes(8);
        assertEquals(2, in.readInt());
        assertEquals(header, in.readInt());
        in.skipNBytes(4 + 4 * 3 + 1);
        assertEquals(1, in.readByte(), "float input");
        assertEquals(0, in.readInt(), "not an image");
        assertEquals(3, in.readInt(), "width: the input size");
        assertEquals(1, in.readByte(), "per-feature scaling");
        for (int f = 0; f < 3; f++) assertEquals(model.scaling().scale(f), in.readFloat());
        for (int f = 0; f < 3; f++) assertEquals(model.scaling().offset(f), in.readFloat());
        assertEquals(17, in.readInt());
        assertBitIdentical(model, read(b, true));
        assertBitIdentical(model, read(b, false));
        assertEquals(model, read(b, true));
    }

    @Test
    void insaneVersion2HeadersAreRejected() {
        int[] ok = {3, 2, 3};
        float[] uniform = {1f, 0f};
        float[] perFeature = {1f, 2f, 3f, 0f, 0f, 0f};
        assertNotNull(readQuietly(TestModels.fileV2(39, ok, 0, 1, 0, 3, 0, uniform, 17, 17)), "the well-formed base");
        assertNotNull(readQuietly(TestModels.fileV2(55, ok, 0, 1, 0, 3, 1, perFeature, 17, 17)));
        assertTrue(rejection(TestModels.fileV2(39, ok, 0, 2, 0, 3, 0, uniform, 17, 17), true)
                .contains("unknown input kind 2"));
        assertTrue(rejection(TestModels.fileV2(39, ok, 0, 1, 0, 4, 0, uniform, 17, 17), true)
                .contains("do not fit 3 inputs"));
        assertTrue(
                rejection(TestModels.fileV2(39, ok, 0, 1, 1, 3, 0, uniform, 17, 17), true)
                        .contains("do not fit 3 inputs"),
                "height 1 is not an image: it is written as 0");
        assertTrue(readQuietly(TestModels.fileV2(39, new int[] {4, 2, 3}, 0, 0, 2, 2, 0, uniform, 19, 19))
                .isImage());
        assertTrue(rejection(TestModels.fileV2(39, ok, 0, 1, 0, 3, 7, uniform, 17, 17), true)
                .contains("unknown input scaling kind 7"));
        // Per-feature arrays are as long as the input size says, never as the header length says.
        assertTrue(rejection(TestModels.fileV2(39, ok, 0, 1, 0, 3, 1, uniform, 17, 17), true)
                .contains("does not match 3 layers and a scaling of 3 features (expected 55)"));
        float[] nan = perFeature.clone();
        nan[4] = Float.NaN;
        assertTrue(rejection(TestModels.fileV2(55, ok, 0, 1, 0, 3, 1, nan, 17, 17), true)
                .contains("of feature 1 is not finite"));
        assertTrue(rejection(
                        TestModels.fileV2(39, ok, 0, 1, 0, 3, 0, new float[] {Float.POSITIVE_INFINITY, 0f}, 17, 17),
                        true)
                .contains("not finite"));
        assertTrue(rejection(TestModels.fileV2(600_000, ok, 0, 1, 0, 3, 0, uniform, 17, 17), true)
                .contains("header length 600000"));
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void aLongVersion2HeaderInAShortFileIsRejectedBeforeItIsRead() {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        // The largest legal header (64 layer sizes, 65536 per-feature pairs) claimed by a 100-byte file.
        int longest = 27 + 4 * 64 + 8 * 65536 - 8;
        byte[] lie = TestModels.fileV2(longest, new int[] {3, 2, 3}, 0, 1, 0, 3, 0, new float[] {1f, 0f}, 17, 10);
        assertTrue(lie.length < 200);
        assertTrue(rejection(lie, true)
                .contains("truncated: expected at least " + (16 + longest) + " bytes, found " + lie.length));
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 1L << 20, "allocated " + allocated + " bytes");
    }

    @Test
    void version1FilesStillLoadAsByteImagesWhenSquare() throws IOException {
        MlpModel square = read(TestModels.file(1, 29, new int[] {4, 3, 2}, 2, 1f, 0f, 23, 23), true);
        assertTrue(square.isImage());
        assertTrue(square.byteInput());
        assertEquals(2, square.height());
        MlpModel row = read(TestModels.file(1, 29, new int[] {3, 2, 3}, 2, 1f, 0f, 17, 17), true);
        assertFalse(row.isImage());
        assertEquals(3, row.width());
    }

    private static MlpModel readQuietly(byte[] b) {
        try {
            return read(b, true);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void everyTruncationIsRejected() {
        byte[] b = TestModels.bytes(TestModels.small());
        for (int len = 0; len < b.length; len++) {
            byte[] cut = Arrays.copyOf(b, len);
            for (boolean known : new boolean[] {true, false}) {
                String msg = rejection(cut, known);
                assertTrue(msg.startsWith("model file test.lsm: "), msg);
                if (len == 0) assertTrue(msg.contains("not a Lockstep model"), msg);
                else assertTrue(msg.contains("truncated"), len + ": " + msg);
                if (len >= 16 + 39) assertTrue(msg.contains("expected " + b.length + " bytes, found " + len), msg);
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void everyFlippedByteIsRejected() {
        byte[] b = TestModels.bytes(TestModels.small());
        for (int mask : new int[] {0xFF, 0x01, 0x80}) {
            for (int i = 0; i < b.length; i++) {
                byte[] bad = b.clone();
                bad[i] ^= (byte) mask;
                for (boolean known : new boolean[] {true, false}) {
                    String msg = rejection(bad, known);
                    if (i < 8) assertTrue(msg.contains("not a Lockstep model"), msg);
                    if (i >= 16 + 39) assertTrue(msg.contains("checksum mismatch: file is corrupt"), i + ": " + msg);
                }
            }
        }
    }

    @Test
    void trailingBytesAreRejected() {
        byte[] b = TestModels.bytes(TestModels.small());
        byte[] longer = Arrays.copyOf(b, b.length + 3);
        assertTrue(rejection(longer, true).contains("trailing bytes"));
        assertTrue(rejection(longer, false).contains("trailing bytes"));
    }

    @Test
    void wrongMagicSaysNotALockstepModel() {
        byte[] gzip = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
        for (byte[] b : new byte[][] {gzip, png, "hello".getBytes(StandardCharsets.US_ASCII)}) {
            assertTrue(rejection(b, true).contains("not a Lockstep model"));
            assertTrue(rejection(b, false).contains("not a Lockstep model"));
        }
    }

    @Test
    void futureAndInvalidVersionsAreRejected() {
        byte[] v7 = TestModels.file(7, 29, new int[] {4, 3, 2}, 2, 1f, 0f, 23, 23);
        assertEquals(
                "model file test.lsm: model format version 7 is newer than this Lockstep supports (2)",
                rejection(v7, true));
        byte[] v0 = TestModels.file(0, 29, new int[] {4, 3, 2}, 2, 1f, 0f, 23, 23);
        assertTrue(rejection(v0, true).contains("invalid model format version 0"));
    }

    @Test
    void insaneHeadersAreRejected() {
        int[] ok = {4, 3, 2};
        assertTrue(
                rejection(TestModels.file(1, 5000, ok, 2, 1f, 0f, 23, 23), true).contains("header length 5000"));
        assertTrue(
                rejection(TestModels.file(1, 33, ok, 2, 1f, 0f, 23, 23), true).contains("does not match 3 layers"));
        assertTrue(rejection(TestModels.file(1, 29, new int[] {4, 0, 2}, 2, 1f, 0f, 23, 23), true)
                .contains("layer size 0"));
        assertTrue(rejection(TestModels.file(1, 29, new int[] {4, 70000, 2}, 2, 1f, 0f, 23, 23), true)
                .contains("layer size 70000"));
        assertTrue(
                rejection(TestModels.file(1, 29, ok, 9, 1f, 0f, 23, 23), true).contains("unknown activation code 9"));
        assertTrue(rejection(TestModels.file(1, 29, ok, 2, Float.NaN, 0f, 23, 23), true)
                .contains("not finite"));
        assertTrue(
                rejection(TestModels.file(1, 29, ok, 2, 1f, 0f, 24, 23), true).contains("parameter count 24"));
        assertTrue(rejection(TestModels.file(1, 21, new int[] {4}, 2, 1f, 0f, 0, 0), true)
                .contains("header length 21"));
        // The output layer needs two classes; Architecture's own rule, reported as a header problem.
        assertTrue(rejection(TestModels.file(1, 29, new int[] {4, 3, 1}, 2, 1f, 0f, 19, 19), true)
                .contains("invalid header"));
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void headerClaimingHugeParameterCountsIsRejectedWithoutAllocating() {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        // 2^30 in the count field of an otherwise small file.
        byte[] lie = TestModels.file(1, 29, new int[] {4, 3, 2}, 2, 1f, 0f, 1 << 30, 10);
        assertTrue(lie.length < 100);
        assertTrue(rejection(lie, true).contains("parameter count 1073741824"));
        // Sizes that really imply ~2^30 parameters: over the cap.
        byte[] huge = TestModels.file(1, 29, new int[] {32768, 32768, 2}, 2, 1f, 0f, 1_073_840_130, 10);
        assertTrue(rejection(huge, false).contains("more than the supported"));
        // A legal, 1 GB-sized header in a 100-byte file: the length check (known) or growing reads (unknown) stop it.
        int count = 16000 * 16000 + 16000 + 16000 * 2 + 2;
        byte[] big = TestModels.file(1, 29, new int[] {16000, 16000, 2}, 0, 1f, 0f, count, 10);
        assertTrue(rejection(big, true)
                .contains("truncated: expected " + (41 + 12 + 4L * count) + " bytes, found " + big.length));
        assertTrue(rejection(big, false).contains("truncated"));
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 32L << 20, "allocated " + allocated + " bytes");
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void aStreamThatNeverEndsCannotMakeTheReaderAllocateMoreThanArrives() throws IOException {
        // Header of a 1 GB model followed by a slow trickle: the reader only holds what it has actually received.
        int count = 16000 * 16000 + 16000 + 16000 * 2 + 2;
        byte[] head = Arrays.copyOf(TestModels.file(1, 29, new int[] {16000, 16000, 2}, 0, 1f, 0f, count, 0), 45);
        InputStream stream = new SequenceInputStream(new ByteArrayInputStream(head), new InputStream() {
            long served;

            @Override
            public int read() {
                return served++ < 4_000_000 ? 0 : -1;
            }
        });
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        LockstepException e = assertThrows(LockstepException.class, () -> ModelFile.read(stream, "pipe", -1));
        assertTrue(
                e.getMessage().contains("truncated: expected " + (41 + 12 + 4L * count) + " bytes, found 4000045"),
                e.getMessage());
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 64L << 20, "allocated " + allocated + " bytes");
    }

    @Test
    void nonFiniteParameterInAnIntactFileIsRejected() {
        byte[] b = TestModels.bytes(TestModels.small());
        ByteBuffer.wrap(b).putFloat(16 + 39 + 4 * 6, Float.POSITIVE_INFINITY);
        String msg = rejection(TestModels.withValidChecksum(b), true);
        assertEquals("model file test.lsm: model has a non-finite parameter at index 6", msg);
    }

    @Test
    void missingFileAndDirectoryGiveClearMessages() throws IOException {
        String missing = dir.resolve("nope.lsm").toString();
        assertEquals(
                "model file " + missing + " does not exist",
                assertThrows(LockstepException.class, () -> ModelFile.read(conf, missing))
                        .getMessage());
        Files.createDirectories(dir.resolve("run"));
        String run = dir.resolve("run").toString();
        String msg = assertThrows(LockstepException.class, () -> ModelFile.read(conf, run))
                .getMessage();
        assertTrue(msg.contains("is a directory") && msg.contains("model.lsm"), msg);
    }

    @Test
    void corruptFileOnDiskNamesTheFile() throws IOException {
        Path p = dir.resolve("model.lsm");
        byte[] b = TestModels.bytes(TestModels.small());
        b[60] ^= 1;
        Files.write(p, b);
        String msg = assertThrows(LockstepException.class, () -> ModelFile.read(conf, p.toString()))
                .getMessage();
        assertEquals("model file " + p + ": checksum mismatch: file is corrupt", msg);
    }

    @Test
    void damagedFileWrittenThroughHadoopIsReportedByOurChecks() throws IOException {
        // ModelFile.write on the local FS leaves Hadoop's .model.lsm.crc beside the model; a later truncation or
        // bit flip must still produce our messages, not Hadoop's ChecksumException.
        Path p = dir.resolve("model.lsm");
        ModelFile.write(conf, p.toString(), TestModels.small());
        byte[] b = Files.readAllBytes(p);
        Files.write(p, Arrays.copyOf(b, 100));
        assertEquals(
                "model file " + p + ": truncated: expected 155 bytes, found 100",
                assertThrows(LockstepException.class, () -> ModelFile.read(conf, p.toString()))
                        .getMessage());
        b[100] ^= 4;
        Files.write(p, b);
        assertEquals(
                "model file " + p + ": checksum mismatch: file is corrupt",
                assertThrows(LockstepException.class, () -> ModelFile.read(conf, p.toString()))
                        .getMessage());
    }

    @Test
    void malformedPathsAreUserErrors() {
        assertThrows(LockstepException.class, () -> ModelFile.read(conf, ""));
        assertThrows(LockstepException.class, () -> ModelFile.read(conf, "a:b"));
        assertThrows(LockstepException.class, () -> ModelFile.write(conf, "a:b", TestModels.small()));
        String msg = assertThrows(LockstepException.class, () -> ModelFile.read(conf, "nosuchfs://x/model.lsm"))
                .getMessage();
        assertTrue(msg.contains("nosuchfs://x/model.lsm"), msg);
    }
}
