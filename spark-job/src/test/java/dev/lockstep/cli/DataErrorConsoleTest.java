package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.TestData;
import dev.lockstep.data.PreparedWriter;
import dev.lockstep.model.MlpModel;
import dev.lockstep.model.ModelFile;
import dev.lockstep.nn.Activation;
import dev.lockstep.nn.Architecture;
import dev.lockstep.nn.Initializer;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees on the console when an executor finds bad input: one error line, none of Spark's task-failure
 * logs or stack traces, and no task retried, on a local master that retries like a cluster ({@code local[2,4]}: 4
 * attempts per task). Each command runs in a JVM of its own, with the launcher's conf/ and log configuration, since
 * this JVM's console and SparkContext are the test suite's.
 */
class DataErrorConsoleTest {
    private static final Configuration CONF = new Configuration();

    @TempDir
    Path tmp;

    @Test
    void aCorruptPreparedBlockIsOneLine() throws Exception {
        Path data = tmp.resolve("prepared");
        PreparedWriter.write(CONF, data.toString(), TestData.sample().slice(0, 2000), Optional.empty(), "sample");
        Path records = data.resolve("train.records");
        byte[] bytes = Files.readAllBytes(records);
        bytes[1500 * 785 + 300] ^= 0x04; // a pixel of record 1500, in the second block
        Files.write(records, bytes);

        Result r = run(
                "train",
                "--data",
                data.toString(),
                "--out",
                tmp.resolve("run").toString(),
                "--layers",
                "784,16,10",
                "--epochs",
                "1",
                "--partitions",
                "2");
        r.assertOneLine(records + ": records 1024-1999 fail their CRC32C check");
        assertTrue(Files.notExists(tmp.resolve("run/model.lsm")));
    }

    @Test
    void anUnreadablePictureIsOneLine() throws Exception {
        Architecture arch = Architecture.parse("784,16,10", Activation.RELU);
        Path model = tmp.resolve("model.lsm");
        ModelFile.write(CONF, model.toString(), new MlpModel(arch, Initializer.initialize(arch, 1)));
        Path pictures = Files.createDirectories(tmp.resolve("pictures"));
        BufferedImage digit = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 6; y < 22; y++)
            for (int x = 12; x < 16; x++) digit.getRaster().setSample(x, y, 0, 255); // a "1"
        ImageIO.write(digit, "png", pictures.resolve("a.png").toFile());
        byte[] png = Files.readAllBytes(pictures.resolve("a.png"));
        Files.write(pictures.resolve("b.png"), Arrays.copyOf(png, 40)); // its header, then nothing

        Result r = run(
                "predict",
                "--model",
                model.toString(),
                "--out",
                tmp.resolve("predictions.csv").toString(),
                pictures.toString());
        r.assertOneLine("b.png: cannot read image: corrupt or unsupported");
        assertTrue(Files.notExists(tmp.resolve("predictions.csv")));
    }

    record Result(int code, String out, String err) {
        void assertOneLine(String expected) {
            assertEquals(1, code, err);
            List<String> errors =
                    err.lines().filter(l -> l.startsWith("lockstep: error: ")).toList();
            assertEquals(1, errors.size(), err);
            assertTrue(errors.get(0).contains(expected), errors.get(0));
            for (String noise : List.of(
                    "\tat ",
                    "Exception in task",
                    "Lost task",
                    "aborting job",
                    "Executor:",
                    "TaskSetManager:",
                    "TaskSchedulerImpl:",
                    "DAGScheduler:",
                    "BlockManager:",
                    " ERROR ",
                    " WARN ")) {
                assertTrue(!err.contains(noise), "'" + noise + "' on stderr:\n" + err);
            }
            String counts = out.lines()
                    .filter(l -> l.startsWith("tasks "))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(out));
            String[] f = counts.split(" ");
            assertTrue(Integer.parseInt(f[1]) > 0, counts);
            assertEquals(
                    "retried 0 failed 0",
                    f[2] + " " + f[3] + " " + f[4] + " " + f[5],
                    "every task ran once and none failed: " + counts);
        }
    }

    /** The command in a JVM of its own, as deploy/lockstep runs it, on local[2,4], counting Spark's task attempts. */
    private Result run(String... command) throws Exception {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(List.of("--master", "local[2,4]"));
        ChildJvm.Result r = ChildJvm.run(
                tmp,
                "1g",
                List.of("-Dspark.extraListeners=" + ConsoleRun.Attempts.class.getName()),
                ConsoleRun.class,
                args);
        return new Result(r.code(), r.out(), r.err());
    }
}
