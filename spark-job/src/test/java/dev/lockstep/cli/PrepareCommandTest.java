package dev.lockstep.cli;

import static dev.lockstep.cli.CommandRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.TestData;
import dev.lockstep.cli.CommandRun.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prepare command, and training from what it writes. */
class PrepareCommandTest {
    @TempDir
    Path tmp;

    @Test
    void preparesWithATestSetAndTrainsTheSameModelAsFromTheFiles() throws Exception {
        String images =
                TestData.sampleDir().resolve("train-images-idx3-ubyte.gz").toString();
        Path prepared = tmp.resolve("prepared");
        Outcome p = run("prepare", "--train", images, "--test", images, "--out", prepared.toString());
        assertEquals(0, p.code(), p.err());
        assertEquals(
                "[lockstep] prepared 10,000 training rows and 10,000 test rows of 28x28 in " + prepared,
                p.err().strip());
        assertEquals(7_850_000, Files.size(prepared.resolve("test.records")));

        String[] settings = {"--layers", "784,16,10", "--epochs", "1", "--batch", "200", "--partitions", "3"};
        Outcome a = run(concat(
                new String[] {
                    "train",
                    "--data",
                    prepared.toString(),
                    "--out",
                    tmp.resolve("a").toString()
                },
                settings));
        Outcome b = run(concat(
                new String[] {
                    "train",
                    "--train",
                    images,
                    "--test",
                    images,
                    "--out",
                    tmp.resolve("b").toString()
                },
                settings));
        assertEquals(0, a.code(), a.err());
        assertEquals(0, b.code(), b.err());
        assertTrue(a.err().contains("(test: 10,000 rows)"), a.err());
        assertArrayEquals(
                Files.readAllBytes(tmp.resolve("b/model.lsm")), Files.readAllBytes(tmp.resolve("a/model.lsm")));
    }

    @Test
    void corruptInputFailsWithOneLineAndWritesNothing() throws Exception {
        Path data = tmp.resolve("data");
        Files.createDirectories(data);
        byte[] images = Files.readAllBytes(TestData.sampleDir().resolve("train-images-idx3-ubyte.gz"));
        Files.write(data.resolve("train-images-idx3-ubyte.gz"), Arrays.copyOf(images, images.length / 2));
        Files.copy(
                TestData.sampleDir().resolve("train-labels-idx1-ubyte.gz"), data.resolve("train-labels-idx1-ubyte.gz"));
        Path out = tmp.resolve("out");

        Outcome o = run("prepare", "--data", data.toString(), "--out", out.toString());

        assertEquals(Main.EXIT_FAILURE, o.code());
        assertEquals(List.of(o.err().strip()), o.errorLines());
        assertTrue(o.err().contains("train-images-idx3-ubyte.gz"), o.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void badCommandLinesAreUsageErrors() {
        String data = TestData.sampleDir().toString();
        Path out = tmp.resolve("never");
        String[][] cases = {
            {"prepare", "--data", data},
            {"prepare", "--out", out.toString()},
            {"prepare", "--data", data, "--train", data + "/train-images-idx3-ubyte.gz", "--out", out.toString()},
            {"prepare", "--data", data, "--out", out.toString(), "--epochs", "3"},
            {"prepare", "--verify", out.toString(), "--out", out.toString()},
        };
        for (String[] args : cases) {
            Outcome o = run(args);
            assertEquals(Main.EXIT_USAGE, o.code(), String.join(" ", args) + "\n" + o.err());
            assertEquals(1, o.err().lines().count(), o.err());
            assertEquals(1, o.errorLines().size(), o.err());
            assertFalse(Files.exists(out));
        }
    }

    @Test
    void trainingFromADamagedPreparedDirectoryFailsWithOneLine() throws Exception {
        Path prepared = tmp.resolve("prepared");
        assertEquals(
                0,
                run("prepare", "--data", TestData.sampleDir().toString(), "--out", prepared.toString())
                        .code());
        Path records = prepared.resolve("train.records");
        byte[] bytes = Files.readAllBytes(records);
        Files.write(records, Arrays.copyOf(bytes, bytes.length - 785));

        Outcome o = run(
                "train",
                "--data",
                prepared.toString(),
                "--out",
                tmp.resolve("run").toString());

        assertEquals(Main.EXIT_FAILURE, o.code());
        assertEquals(List.of(o.err().strip()), o.errorLines());
        assertTrue(o.err().contains("train.records: 7,849,215 bytes"), o.err());
        assertFalse(Files.exists(tmp.resolve("run")));
    }

    @Test
    void metadataPointingOutsideTheDatasetOrOverflowingFailsWithOneLine() throws Exception {
        Path prepared = tmp.resolve("prepared");
        assertEquals(
                0,
                run("prepare", "--data", TestData.sampleDir().toString(), "--out", prepared.toString())
                        .code());
        Path meta = prepared.resolve("prepared.json");
        String good = Files.readString(meta);
        String[][] cases = {
            {
                "\"file\": \"train.records\"",
                "\"file\": \"x:y\"",
                "train.file 'x:y' must be a plain file name in " + prepared
            },
            {
                "\"file\": \"train.records\"",
                "\"file\": \"file:passwd\"",
                "train.file 'file:passwd' must be a plain file name"
            },
            {"\"file\": \"train.records\"", "\"file\": \"../other\"", "train.file '../other' must be a plain file name"
            },
            {"\"block_records\": 1024", "\"block_records\": 4194304", "block_records 4194304 is out of range (1..1024)"
            },
        };
        for (String[] c : cases) {
            String bad = good.replace(c[0], c[1]);
            assertFalse(bad.equals(good), "case did not apply: " + c[0]);
            Files.writeString(meta, bad);

            Outcome o = run(
                    "train",
                    "--data",
                    prepared.toString(),
                    "--out",
                    tmp.resolve("run").toString(),
                    "--epochs",
                    "1");

            assertEquals(Main.EXIT_FAILURE, o.code(), o.err());
            assertEquals(List.of(o.err().strip()), o.errorLines());
            assertTrue(o.err().startsWith("lockstep: error: " + meta) && o.err().contains(c[2]), o.err());
            assertFalse(Files.exists(tmp.resolve("run/model.lsm")));
        }
    }

    @Test
    void verifyReadsEveryByteAndNamesTheCorruptFile() throws Exception {
        Path prepared = tmp.resolve("prepared");
        assertEquals(
                0,
                run("prepare", "--data", TestData.sampleDir().toString(), "--out", prepared.toString())
                        .code());
        Outcome intact = run("prepare", "--verify", prepared.toString());
        assertEquals(0, intact.code(), intact.err());
        assertEquals(
                "[lockstep] " + prepared + " is intact: 10,000 training rows, every byte matches its checksum",
                intact.err().strip());

        Path records = prepared.resolve("train.records");
        byte[] bytes = Files.readAllBytes(records);
        bytes[785 * 5000 + 400] ^= 0x10; // one pixel bit of record 5000: same length, labels still valid
        Files.write(records, bytes);
        Outcome corrupt = run("prepare", "--verify", prepared.toString());
        assertEquals(Main.EXIT_FAILURE, corrupt.code());
        assertEquals(List.of(corrupt.err().strip()), corrupt.errorLines());
        assertTrue(
                corrupt.err().contains("train.records: CRC32C") && corrupt.err().contains("the file is corrupt"),
                corrupt.err());

        Outcome missing = run("prepare", "--verify", tmp.resolve("nothing-here").toString());
        assertEquals(Main.EXIT_FAILURE, missing.code());
        assertTrue(missing.err().contains("not a prepared dataset"), missing.err());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
