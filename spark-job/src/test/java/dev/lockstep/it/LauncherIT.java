package dev.lockstep.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/lockstep as a user meets it: help, and errors that are one line with the right exit code. */
class LauncherIT {
    @TempDir
    Path tmp;

    @Test
    void helpListsTheCommands() throws Exception {
        Processes.Result r =
                Processes.run(List.of(Processes.launcher().toString(), "--help"), TestData.projectDir(), 120);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("train"), r.out());

        Processes.Result t =
                Processes.run(List.of(Processes.launcher().toString(), "train", "--help"), TestData.projectDir(), 120);
        assertEquals(0, t.code(), t.err());
        for (String flag : List.of(
                "--data",
                "--out",
                "--epochs",
                "--layers",
                "--optimizer",
                "--lr",
                "--seed",
                "--partitions",
                "--master")) {
            assertTrue(t.out().contains(flag), flag + " missing from\n" + t.out());
        }
    }

    @Test
    void aBadOptionIsOneLineAndExitCodeTwo() throws Exception {
        Path out = tmp.resolve("out");
        Processes.Result r = Processes.run(
                List.of(
                        Processes.launcher().toString(),
                        "train",
                        "--data",
                        TestData.sampleDir().toString(),
                        "--out",
                        out.toString(),
                        "--epochs",
                        "-1"),
                TestData.projectDir(),
                120);
        assertEquals(2, r.code());
        assertEquals(
                List.of("lockstep: error: bad value '-1' for --epochs (from --epochs): expected a whole number of "
                        + "epochs, 1 or more"),
                r.err().lines().toList());
        assertFalse(Files.exists(out));
    }

    @Test
    void corruptDataIsOneLineAndExitCodeOne() throws Exception {
        Path data = tmp.resolve("data");
        Files.createDirectories(data);
        Files.write(data.resolve("train-images-idx3-ubyte"), new byte[] {0, 0, 8, 1, 0, 0, 0, 1, 7}); // a labels magic
        Files.copy(
                TestData.sampleDir().resolve("train-labels-idx1-ubyte.gz"), data.resolve("train-labels-idx1-ubyte.gz"));
        Processes.Result r = Processes.run(
                List.of(
                        Processes.launcher().toString(),
                        "train",
                        "--data",
                        data.toString(),
                        "--out",
                        tmp.resolve("out").toString()),
                TestData.projectDir(),
                120);
        assertEquals(1, r.code());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith("lockstep: error: ") && lines.get(0).contains("magic"), lines.get(0));
    }
}
