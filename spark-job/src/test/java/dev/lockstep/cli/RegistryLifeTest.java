package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.LockstepException;
import dev.lockstep.TestData;
import dev.lockstep.model.Registry;
import dev.lockstep.workflow.RegistryRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registry's life: first run promoted, a worse one rejected, a better one promoted, rollback, retention, a failure.
 */
class RegistryLifeTest {
    @TempDir
    Path tmp;

    private CommandRun.Outcome train(Path registry, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "train",
                "--registry",
                registry.toString(),
                "--data",
                TestData.sampleDir().toString(),
                "--layers",
                "784,32,10",
                "--partitions",
                "2",
                "--batch",
                "100"));
        args.addAll(List.of(extra));
        return CommandRun.run(args.toArray(String[]::new));
    }

    @Test
    void promotionRejectionRollbackAndRetention() throws Exception {
        Path root = tmp.resolve("registry");
        Registry registry = new Registry(new Configuration(), root.toString());

        CommandRun.Outcome first = train(root, "--epochs", "1");
        assertEquals(0, first.code(), first.err());
        String run1 = registry.current().orElseThrow();
        assertEquals("promoted", registry.status(run1).get("status"));
        assertEquals("first model in the registry", registry.status(run1).get("reason"));
        for (String f :
                List.of("model.lsm", "model.json", "metrics.json", "history.jsonl", "train.log", "status.json")) {
            assertTrue(Files.exists(root.resolve("runs").resolve(run1).resolve(f)), f);
        }
        byte[] servingModel = Files.readAllBytes(Path.of(registry.modelFile(run1)));

        CommandRun.Outcome worse = train(root, "--epochs", "1", "--lr", "1e-7"); // barely moves from its initialisation
        assertEquals(RegistryRun.EXIT_NOT_PROMOTED, worse.code(), worse.err());
        assertEquals(run1, registry.current().orElseThrow(), "a worse run leaves current alone");
        String run2 = registry.runs().get(1);
        Map<String, Object> rejected = registry.status(run2);
        assertEquals("rejected", rejected.get("status"));
        assertTrue(String.valueOf(rejected.get("reason")).contains("<"), rejected.toString());
        assertTrue(((Number) rejected.get("candidate_accuracy")).doubleValue()
                < ((Number) rejected.get("current_accuracy")).doubleValue());
        assertArrayEquals(
                servingModel,
                Files.readAllBytes(Path.of(registry.modelFile(registry.current().orElseThrow()))));

        CommandRun.Outcome better = train(root, "--epochs", "3");
        assertEquals(0, better.code(), better.err());
        String run3 = registry.current().orElseThrow();
        assertEquals(registry.runs().get(2), run3);

        CommandRun.Outcome list = CommandRun.run("registry", "list", "--registry", root.toString());
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().contains("* " + run3), list.out());
        assertTrue(list.out().contains(run2 + "  rejected"), list.out());

        CommandRun.Outcome back = CommandRun.run("registry", "rollback", "--registry", root.toString());
        assertEquals(0, back.code(), back.err());
        assertEquals(run1, registry.current().orElseThrow());
        assertEquals(
                Main.EXIT_FAILURE,
                CommandRun.run("registry", "rollback", "--registry", root.toString())
                        .code(),
                "nothing served before run1");

        CommandRun.Outcome prune = CommandRun.run("registry", "prune", "--registry", root.toString(), "--keep", "1");
        assertEquals(0, prune.code(), prune.err());
        assertEquals(List.of(run1, run3), registry.runs(), "newest kept, current never deleted, the rejected one gone");

        List<String> events = registry.events().stream()
                .map(e -> e.get("event") + " " + e.get("run"))
                .toList();
        assertEquals(
                List.of(
                        "promoted " + run1,
                        "rejected " + run2,
                        "promoted " + run3,
                        "rolled-back " + run1,
                        "pruned " + run2),
                events);
    }

    @Test
    void aFailedRunLeavesCurrentUntouched() throws Exception {
        Path root = tmp.resolve("registry");
        Registry registry = new Registry(new Configuration(), root.toString());
        assertEquals(0, train(root, "--epochs", "1").code());
        String serving = registry.current().orElseThrow();
        byte[] pointer = Files.readAllBytes(root.resolve("current.json"));

        Path broken = tmp.resolve("broken");
        Files.createDirectories(broken);
        Files.write(broken.resolve("train-images-idx3-ubyte"), new byte[] {0, 0, 8, 3, 0, 0, 0, 9});
        Files.copy(
                TestData.sampleDir().resolve("train-labels-idx1-ubyte.gz"),
                broken.resolve("train-labels-idx1-ubyte.gz"));
        CommandRun.Outcome failed = CommandRun.run("train", "--registry", root.toString(), "--data", broken.toString());
        assertEquals(Main.EXIT_FAILURE, failed.code());
        assertArrayEquals(pointer, Files.readAllBytes(root.resolve("current.json")));
        assertEquals(serving, registry.current().orElseThrow());
        String failedRun = registry.runs().get(1);
        assertEquals("failed", registry.status(failedRun).get("status"));
        assertFalse(Files.exists(Path.of(registry.modelFile(failedRun))));
    }

    @Test
    void aStaleDecisionDoesNotOverwriteAPointerThatChangedMeanwhile() throws Exception {
        Path root = tmp.resolve("registry");
        Registry registry = new Registry(new Configuration(), root.toString());
        assertEquals(0, train(root, "--epochs", "1").code());
        String first = registry.current().orElseThrow();
        assertEquals(0, train(root, "--epochs", "2", "--tolerance", "1").code());
        String second = registry.current().orElseThrow();
        // A decision made while `first` was current must not land now that `second` is.
        String message = assertThrows(LockstepException.class, () -> registry.promote(first, "stale", first))
                .getMessage();
        assertTrue(message.contains("changed"), message);
        assertEquals(second, registry.current().orElseThrow());
    }

    @Test
    void aLaterAttemptOfTheSameYarnApplicationContinuesTheRunItLeftUnfinished() throws Exception {
        // The reference: the same training into --out, checkpointing as it goes.
        Path reference = tmp.resolve("reference");
        List<String> args = new ArrayList<>(List.of(
                "train",
                "--out",
                reference.toString(),
                "--data",
                TestData.sampleDir().toString(),
                "--layers",
                "784,32,10",
                "--partitions",
                "2",
                "--batch",
                "100",
                "--epochs",
                "2",
                "--checkpoint-every",
                "20"));
        CommandRun.Outcome full = CommandRun.run(args.toArray(String[]::new));
        assertEquals(0, full.code(), full.err());
        byte[] referenceModel = Files.readAllBytes(reference.resolve("model.lsm"));

        // What a lost first attempt of application_1_0001 leaves: a claimed run with a checkpoint and no outcome.
        Path root = tmp.resolve("registry");
        Registry registry = new Registry(new Configuration(), root.toString());
        String lost = claimedRunWithACheckpoint(registry, "application_1_0001", reference);

        CommandRun.Outcome other =
                trainAs("application_2_0001", true, root, "--epochs", "2", "--checkpoint-every", "20");
        assertEquals(0, other.code(), other.err());
        assertFalse(other.err().contains("continuing"), "another application starts its own run: " + other.err());
        assertEquals(2, registry.runs().size());
        CommandRun.Outcome client = trainAs("application_1_0001", false, root, "--epochs", "2", "--tolerance", "1");
        assertEquals(0, client.code(), client.err());
        assertFalse(
                client.err().contains("continuing"),
                "a client-mode driver is not the application master's: " + client.err());
        assertEquals(3, registry.runs().size());

        CommandRun.Outcome second = trainAs(
                "application_1_0001", true, root, "--epochs", "2", "--checkpoint-every", "20", "--tolerance", "1");
        assertEquals(0, second.code(), second.err());
        assertTrue(second.err().contains("continuing run " + lost), second.err());
        assertTrue(second.err().contains("[lockstep] resuming after step"), second.err());
        assertEquals(3, registry.runs().size(), "no new run");
        assertEquals(lost, registry.current().orElseThrow());
        assertArrayEquals(
                referenceModel,
                Files.readAllBytes(Path.of(registry.modelFile(lost))),
                "the continued run's model differs from the uninterrupted run's");

        // An attempt after the outcome was recorded has nothing left to do.
        byte[] pointer = Files.readAllBytes(root.resolve("current.json"));
        CommandRun.Outcome third =
                trainAs("application_1_0001", true, root, "--epochs", "2", "--checkpoint-every", "20");
        assertEquals(0, third.code(), third.err());
        assertTrue(third.err().contains("run " + lost + " was already promoted"), third.err());
        assertFalse(third.err().contains("epoch 1/2"), "it trained again: " + third.err());
        assertEquals(3, registry.runs().size());
        assertArrayEquals(pointer, Files.readAllBytes(root.resolve("current.json")));

        // A driver stopped by a signal may record "failed" on its way out: the next attempt still continues the run.
        String failed = claimedRunWithACheckpoint(registry, "application_3_0001", reference);
        registry.setStatus(failed, "failed", "SIGTERM", Map.of());
        CommandRun.Outcome after = trainAs(
                "application_3_0001", true, root, "--epochs", "2", "--checkpoint-every", "20", "--tolerance", "1");
        assertEquals(0, after.code(), after.err());
        assertTrue(after.err().contains("continuing run " + failed), after.err());
        assertEquals("promoted", registry.status(failed).get("status"));
        assertArrayEquals(referenceModel, Files.readAllBytes(Path.of(registry.modelFile(failed))));

        // Lost between the pointer switch and the status: the run is served, so it was promoted.
        String served = claimedRunWithACheckpoint(registry, "application_4_0001", reference);
        Files.copy(reference.resolve("model.lsm"), Path.of(registry.modelFile(served)));
        registry.promote(served, "by the lost attempt");
        CommandRun.Outcome last = trainAs("application_4_0001", true, root, "--epochs", "2");
        assertEquals(0, last.code(), last.err());
        assertTrue(last.err().contains("run " + served + " was already promoted"), last.err());
        assertEquals("promoted", registry.status(served).get("status"));
        assertEquals(served, registry.current().orElseThrow());

        CommandRun.Outcome resume = CommandRun.run(
                "train",
                "--registry",
                root.toString(),
                "--data",
                TestData.sampleDir().toString(),
                "--resume");
        assertEquals(Main.EXIT_USAGE, resume.code(), resume.err());
    }

    /** A run {@code application} claimed, holding the oldest of the reference run's checkpoints and nothing else. */
    private static String claimedRunWithACheckpoint(Registry registry, String application, Path reference)
            throws Exception {
        String id = Registry.newRunId();
        registry.claim(id, application, Map.of());
        Path oldest;
        try (var files = Files.list(reference.resolve("checkpoints"))) {
            oldest = files.sorted().findFirst().orElseThrow();
        }
        Path kept = Path.of(registry.runDir(id)).resolve("checkpoints").resolve(oldest.getFileName());
        Files.createDirectories(kept.getParent());
        Files.copy(oldest, kept);
        return id;
    }

    /**
     * train --registry with YARN's application id set, as YARN's application master sets it for the driver in cluster
     * deploy mode ({@code cluster} true) or as a user could set it by hand for a client-mode run.
     */
    private CommandRun.Outcome trainAs(String application, boolean cluster, Path registry, String... extra) {
        System.setProperty("spark.yarn.app.id", application);
        if (cluster) System.setProperty("spark.submit.deployMode", "cluster");
        try {
            return train(registry, extra);
        } finally {
            System.clearProperty("spark.yarn.app.id");
            System.clearProperty("spark.submit.deployMode");
        }
    }
}
