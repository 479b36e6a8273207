package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.model.MlpModel;
import dev.lockstep.model.ModelFile;
import dev.lockstep.nn.Activation;
import dev.lockstep.nn.Architecture;
import dev.lockstep.workflow.PictureReaderTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile inputs are refused within a small heap: each command runs in a child JVM with {@code -Xmx256m} and must
 * end with exit 1 and one {@code lockstep: error:} line, never an {@code OutOfMemoryError}.
 */
class BoundedMemoryTest {
    private static final String HEAP = "256m";
    /** How much the bombs inflate to past their IDX header. */
    private static final int ZERO_GIGABYTES = 4;

    @TempDir
    static Path tmp;

    static Path model;
    /** Claims 1,000,000 28x28 images (748 MB), more than the heap, then 4 GB of zeros: a few MB of gzip. */
    static Path[] claimsTooMuch;
    /** Claims 10,000 images (7.5 MB), which fit, then 4 GB of zeros past them. */
    static Path[] inflatesPastItsEnd;

    @BeforeAll
    static void hostileFiles() throws IOException {
        model = tmp.resolve("model.lsm");
        Architecture arch = new Architecture(new int[] {784, 16, 10}, Activation.RELU);
        ModelFile.write(new Configuration(), model.toString(), new MlpModel(arch, new float[arch.parameterCount()]));
        claimsTooMuch = bombPair(tmp.resolve("claims"), 1_000_000);
        inflatesPastItsEnd = bombPair(tmp.resolve("inflates"), 10_000);
        assertTrue(Files.size(claimsTooMuch[0]) < 16 << 20, "a few MB on disk: " + Files.size(claimsTooMuch[0]));
    }

    @Test
    void predictRefusesAGzipBombWithinASmallHeap() throws Exception {
        Result claims = lockstep("predict", "--model", model.toString(), claimsTooMuch[0].toString());
        claims.assertRefused(claimsTooMuch[0] + ": header declares 1000000 images of 28x28 = 748 MB of pixel data, more"
                + " than the ");
        assertTrue(
                claims.line()
                        .endsWith("; raise the driver's heap with LOCKSTEP_DRIVER_MEMORY (spark-submit:"
                                + " --driver-memory)"),
                claims.line());

        Result inflates = lockstep("predict", "--model", model.toString(), inflatesPastItsEnd[0].toString());
        inflates.assertRefused(inflatesPastItsEnd[0] + ": at least ");
        assertTrue(
                inflates.line().contains(" unexpected bytes after the end of the pixel data at offset 7840016"),
                inflates.line());
    }

    @Test
    void trainRefusesAGzipBombWithinASmallHeapBeforeSparkStarts() throws Exception {
        for (Path[] bomb : new Path[][] {claimsTooMuch, inflatesPastItsEnd}) {
            Path out = tmp.resolve("run-" + bomb[0].getParent().getFileName());
            Result r = lockstep(
                    "train",
                    "--train",
                    bomb[0] + "," + bomb[1],
                    "--out",
                    out.toString(),
                    "--layers",
                    "784,16,10",
                    "--epochs",
                    "1");
            r.assertRefused(bomb[0] + ": ");
            // Nothing but the error line (and the JVM's note on the Vector API): Spark, which logs as it starts, never
            // started.
            assertEquals(
                    List.of(r.line()),
                    r.err()
                            .lines()
                            .filter(l -> !l.startsWith("WARNING: Using incubator modules"))
                            .toList());
            assertFalse(Files.exists(out.resolve("model.lsm")));
        }
    }

    @Test
    void predictRefusesAPictureDeclaringHugeDimensionsWithinASmallHeap() throws Exception {
        Path png = tmp.resolve("huge.png");
        Path gif = tmp.resolve("huge.gif");
        Files.write(png, PictureReaderTest.PictureFiles.pngDeclaring(30000, 30000));
        Files.write(gif, PictureReaderTest.PictureFiles.gifDeclaring(30000, 30000));
        for (Path picture : new Path[] {png, gif}) {
            Result r = lockstep("predict", "--model", model.toString(), picture.toString());
            r.assertRefused(picture + ": the picture is 30000x30000 pixels, more than the 8192 pixels a side");
        }
    }

    /**
     * An IDX pair whose images file declares {@code count} 28x28 images and inflates to gigabytes of zeros, and a
     * labels file that matches its header. The zeros are one 64 MB gzip member written many times: gzip readers
     * read concatenated members as one stream, and compressing the gigabytes themselves would take the test
     * longer than reading them takes the command.
     */
    static Path[] bombPair(Path dir, int count) throws IOException {
        Files.createDirectories(dir);
        Path images = dir.resolve("bomb-images-idx3-ubyte.gz");
        Path labels = dir.resolve("bomb-labels-idx1-ubyte.gz");
        byte[] zeros = gzip(new byte[0], 64 << 20);
        try (OutputStream out = Files.newOutputStream(images)) {
            out.write(gzip(
                    ByteBuffer.allocate(16)
                            .putInt(0x803)
                            .putInt(count)
                            .putInt(28)
                            .putInt(28)
                            .array(),
                    0));
            for (int i = 0; i < ZERO_GIGABYTES * 16; i++) out.write(zeros);
        }
        Files.write(
                labels, gzip(ByteBuffer.allocate(8).putInt(0x801).putInt(count).array(), count));
        return new Path[] {images, labels};
    }

    /** {@code head} followed by {@code zeros} zero bytes, gzip-compressed. */
    private static byte[] gzip(byte[] head, int zeros) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes, 1 << 16)) {
            gz.write(head);
            byte[] chunk = new byte[1 << 20];
            for (int left = zeros; left > 0; left -= chunk.length) gz.write(chunk, 0, Math.min(left, chunk.length));
        }
        return bytes.toByteArray();
    }

    /** Runs {@code lockstep ARGS} in a child JVM with a small heap, as deploy/lockstep would. */
    static Result lockstep(String... args) throws IOException, InterruptedException {
        ChildJvm.Result r = ChildJvm.run(tmp, HEAP, List.of(), Main.class, List.of(args));
        return new Result(String.join(" ", args), r.code(), r.err());
    }

    record Result(String command, int code, String err) {
        /** The one error line. */
        String line() {
            List<String> lines =
                    err.lines().filter(l -> l.startsWith("lockstep: error: ")).toList();
            assertEquals(1, lines.size(), command + ":\n" + err);
            return lines.get(0);
        }

        void assertRefused(String messageStart) {
            assertFalse(err.contains("OutOfMemoryError"), command + ":\n" + err);
            assertEquals(Main.EXIT_FAILURE, code, command + ":\n" + err);
            assertTrue(line().startsWith("lockstep: error: " + messageStart), command + ":\n" + err);
        }
    }
}
