package dev.lockstep.cli;

import static dev.lockstep.cli.CommandRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.TestData;
import dev.lockstep.cli.CommandRun.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fresh run with --checkpoint-every leaves another run's checkpoints alone until its own first one is written. */
class FreshRunCheckpointsTest {
    @TempDir
    Path tmp;

    private String[] train(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "train",
                "--data",
                TestData.sampleDir().toString(),
                "--out",
                out.toString(),
                "--layers",
                "784,16,10",
                "--epochs",
                "1",
                "--batch",
                "300",
                "--partitions",
                "2",
                "--no-report"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static Map<String, byte[]> files(Path dir) throws Exception {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : list.toList()) files.put(p.getFileName().toString(), Files.readAllBytes(p));
        }
        return files;
    }

    @Test
    void aRunFailingBeforeItsFirstCheckpointLeavesTheOldOnesAndOneSucceedingReplacesThem() throws Exception {
        Path out = tmp.resolve("run");
        Path checkpoints = out.resolve("checkpoints");
        Outcome earlier = run(train(out, "--checkpoint-every", "10"));
        assertEquals(0, earlier.code(), earlier.err());
        Map<String, byte[]> before = files(checkpoints);
        assertEquals(
                List.of("ckpt-000000000010.lsc", "ckpt-000000000020.lsc", "ckpt-000000000030.lsc"),
                List.copyOf(before.keySet()));

        Outcome diverged = run(
                train(out, "--optimizer", "sgd", "--lr", "1e6", "--schedule", "constant", "--checkpoint-every", "10"));
        assertEquals(Main.EXIT_FAILURE, diverged.code(), diverged.err());
        assertTrue(
                diverged.errorLines().get(0).matches("lockstep: error: training diverged at step [2-9] .*"),
                diverged.err());
        Map<String, byte[]> after = files(checkpoints);
        assertEquals(before.keySet(), after.keySet());
        for (String name : before.keySet()) assertArrayEquals(before.get(name), after.get(name), name);

        Outcome fresh = run(train(out, "--seed", "5", "--checkpoint-every", "7"));
        assertEquals(0, fresh.code(), fresh.err());
        assertEquals(
                List.of("ckpt-000000000014.lsc", "ckpt-000000000021.lsc", "ckpt-000000000028.lsc"),
                List.copyOf(files(checkpoints).keySet()));
    }
}
