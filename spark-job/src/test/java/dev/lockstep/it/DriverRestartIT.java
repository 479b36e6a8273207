package dev.lockstep.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver JVM killed with SIGKILL mid-run, then --resume: the same model as a run never killed. */
class DriverRestartIT {
    @TempDir
    Path tmp;

    private List<String> train(Path out, String... extra) {
        List<String> cmd = new ArrayList<>(List.of(
                Processes.launcher().toString(),
                "train",
                "--master",
                "local[2]",
                "--data",
                TestData.sampleDir().toString(),
                "--out",
                out.toString(),
                "--layers",
                "784,64,10",
                "--epochs",
                "3",
                "--batch",
                "100",
                "--partitions",
                "2",
                "--seed",
                "11",
                "--checkpoint-every",
                "20"));
        cmd.addAll(List.of(extra));
        return cmd;
    }

    @Test
    void killedDriverResumesToTheIdenticalModel() throws Exception {
        Path project = TestData.projectDir();
        Path straight = tmp.resolve("straight");
        Processes.Result s = Processes.run(train(straight), project, 300);
        assertEquals(0, s.code(), s.err());

        Path killed = tmp.resolve("killed");
        Process p = new ProcessBuilder(train(killed))
                .directory(project.toFile())
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("killed.log").toFile())
                .start();
        Path checkpoints = killed.resolve("checkpoints");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        // Wait until at least two checkpoints exist, so the kill lands mid-run with one to resume from.
        while (countCheckpoints(checkpoints) < 2 && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(50);
        assertTrue(
                p.isAlive(),
                "the run ended before it could be killed:\n" + Files.readString(tmp.resolve("killed.log")));
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly(); // SIGKILL: no shutdown hooks, nothing flushed
        p.waitFor(30, TimeUnit.SECONDS);
        assertFalse(Files.exists(killed.resolve("model.lsm")), "the killed run must not have finished");

        Processes.Result r = Processes.run(train(killed, "--resume"), project, 300);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("[lockstep] resuming after step"), r.err());
        assertArrayEquals(
                Files.readAllBytes(straight.resolve("model.lsm")), Files.readAllBytes(killed.resolve("model.lsm")));
    }

    private static long countCheckpoints(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) return 0;
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("ckpt-\\d+\\.lsc"))
                    .count();
        }
    }
}
