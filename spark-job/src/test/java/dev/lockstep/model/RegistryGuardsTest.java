package dev.lockstep.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.LockstepException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a registry refuses to follow, serve or delete, and what it skips with a warning instead of failing. */
class RegistryGuardsTest {
    private static final Configuration CONF = new Configuration();
    private static final String A = "20261120-020000-000-aaaa";
    private static final String B = "20261121-020000-000-bbbb";
    private static final String C = "20261122-020000-000-cccc";

    @TempDir
    Path tmp;

    private final List<String> warnings = new ArrayList<>();

    private Path root() {
        return tmp.resolve("registry");
    }

    private Registry registry() {
        return new Registry(CONF, root().toString(), Duration.ofSeconds(5), warnings::add);
    }

    private String run(Registry r, String id, String status) {
        ModelFile.write(CONF, r.modelFile(id), TestModels.small());
        if (status != null) r.setStatus(id, status, "test", Map.of());
        return id;
    }

    /** Every file under the registry and its bytes, to show that a refused operation changed nothing. */
    private Map<String, byte[]> snapshot() throws Exception {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root())) {
            for (Path p : all.filter(Files::isRegularFile).toList())
                files.put(root().relativize(p).toString(), Files.readAllBytes(p));
        }
        return files;
    }

    private void assertUnchanged(Map<String, byte[]> before) throws Exception {
        Map<String, byte[]> after = snapshot();
        assertEquals(before.keySet(), after.keySet());
        for (String f : before.keySet()) assertArrayEquals(before.get(f), after.get(f), f);
    }

    @Test
    void runIdsAreTheRegistrysOwnShapeAndNothingElse() {
        assertTrue(RunIds.isValid(Registry.newRunId()));
        assertTrue(RunIds.isValid(A));
        for (String bad : new String[] {
            null,
            "",
            "..",
            ".",
            "../../tmp",
            "/",
            ":",
            "a:b",
            "x/y",
            "20261120-020000-000-aaaa/..",
            "20261120-020000-000-AAAA",
            "20261120-020000-000-aaa",
            " 20261120-020000-000-aaaa",
            "20261120-020000-000-aaaa\n",
            "20261399-020000-000-aaaa",
            "run-1"
        }) {
            assertFalse(RunIds.isValid(bad), String.valueOf(bad));
            LockstepException e =
                    assertThrows(LockstepException.class, () -> registry().runDir(bad));
            assertTrue(e.getMessage().contains("is not a run id (like 20261122-214500-123-3fa2)"), e.getMessage());
        }
        assertEquals(Instant.parse("2026-11-20T02:00:00Z"), RunIds.startTime(A));
        assertNull(RunIds.startTime("20261399-020000-000-aaaa"));
    }

    @Test
    void aPointerNamingSomethingOtherThanARunIsRefusedNotFollowed() throws Exception {
        Registry r = registry();
        run(r, A, "promoted");
        r.promote(A, "first");
        for (String pointer : List.of(
                "{\"current\": \"..\", \"previous\": []}",
                "{\"current\": \"" + A + "\", \"previous\": [\"../../tmp\"]}",
                "{\"current\": \"" + A + "\", \"previous\": [7]}",
                "{\"current\": \"" + A + "\", \"previous\": \"" + B + "\"}",
                "{\"current\": \"/\"}")) {
            Files.writeString(root().resolve("current.json"), pointer);
            Map<String, byte[]> before = snapshot();
            LockstepException e = assertThrows(LockstepException.class, r::pointer, pointer);
            assertTrue(e.getMessage().startsWith(root().resolve("current.json").toString()), e.getMessage());
            assertThrows(LockstepException.class, r::rollback, pointer);
            assertThrows(LockstepException.class, () -> r.prune(1), pointer);
            assertUnchanged(before);
        }
    }

    @Test
    void promotionAndRollbackReadTheTargetsModelBackUnderTheLockAndRefuseABrokenOne() throws Exception {
        Registry r = registry();
        run(r, A, "promoted");
        run(r, B, "promoted");
        r.promote(A, "first");
        r.promote(B, "second");

        // A's model damaged (one bit) since it served: rolling back to it must not make it current.
        Path modelA = Path.of(r.modelFile(A));
        byte[] good = Files.readAllBytes(modelA);
        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 0x10;
        Files.write(modelA, flipped);
        Map<String, byte[]> before = snapshot();
        LockstepException e = assertThrows(LockstepException.class, r::rollback);
        assertTrue(e.getMessage().startsWith("cannot roll back to run " + A + ": "), e.getMessage());
        assertTrue(
                e.getMessage().contains("checksum") && e.getMessage().endsWith("current.json is unchanged"),
                e.getMessage());
        assertUnchanged(before);

        // Gone altogether.
        try (Stream<Path> all = Files.walk(modelA.getParent())) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
        before = snapshot();
        e = assertThrows(LockstepException.class, r::rollback);
        assertTrue(e.getMessage().contains("its directory") && e.getMessage().contains("is gone"), e.getMessage());
        assertUnchanged(before);

        // Promotion by hand of a run whose model is missing or not a model.
        String c = run(r, C, null);
        Files.write(Path.of(r.modelFile(c)), new byte[] {1});
        before = snapshot();
        e = assertThrows(LockstepException.class, () -> r.promote(c, "by hand"));
        assertTrue(e.getMessage().startsWith("cannot promote run " + c + ": "), e.getMessage());
        Files.delete(Path.of(r.modelFile(c)));
        e = assertThrows(LockstepException.class, () -> r.promote(c, "by hand"));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        before.remove("runs/" + c + "/model.lsm");
        assertUnchanged(before);
        assertEquals(B, r.current().orElseThrow());
        assertFalse(Files.exists(root().resolve(RegistryLock.NAME)), "the lock is released after a refusal");
    }

    @Test
    void aRunWithAGarbageStatusIsNamedAndSkippedNotFatal() throws Exception {
        Registry r = registry();
        run(r, A, "promoted");
        run(r, B, "rejected");
        run(r, C, "rejected");
        Path statusB = Path.of(r.runDir(B)).resolve("status.json");
        for (String garbage : List.of(
                "not json",
                "[1, 2]",
                "{\"status\": 3, \"reason\": \"x\"}",
                "{\"reason\": \"no status\"}",
                "{\"status\": \"rejected\", \"reason\": \"x\", \"candidate_accuracy\": \"high\"}")) {
            Files.writeString(statusB, garbage);
            warnings.clear();
            assertEquals(List.of(A, C), List.copyOf(r.statuses().keySet()), garbage);
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).startsWith("skipping run " + B + ": " + statusB), warnings.get(0));
            LockstepException e = assertThrows(LockstepException.class, () -> r.status(B));
            assertTrue(e.getMessage().startsWith(statusB.toString()), e.getMessage());
        }
        // Prune deletes the old rejected run and leaves the damaged one for an operator.
        r.promote(A, "first");
        r.promote(C, "second"); // A stays reachable by rollback
        Files.createDirectories(root().resolve("runs").resolve("not-a-run"));
        warnings.clear();
        assertEquals(List.of(), r.prune(1));
        assertTrue(Files.exists(statusB));
        assertTrue(warnings.stream().anyMatch(w -> w.startsWith("skipping run " + B)), warnings.toString());
        assertTrue(
                warnings.stream().anyMatch(w -> w.contains("not-a-run") && w.contains("not a run directory")),
                warnings.toString());
        assertTrue(
                Files.isDirectory(root().resolve("runs").resolve("not-a-run")), "what is not a run is never deleted");
    }

    @Test
    void eventsNamingSomethingOtherThanRunsAreSkipped() throws Exception {
        Registry r = registry();
        run(r, A, "rejected");
        Path events = root().resolve("events.jsonl");
        Files.writeString(
                events,
                Files.readString(events) + "garbage\n{\"event\": \"promoted\", \"run\": \"..\"}\n"
                        + "{\"event\": \"pruned\", \"run\": \"" + A + "," + B + "\"}\n");
        List<Map<String, Object>> read = r.events();
        assertEquals(
                List.of("rejected", "pruned"),
                read.stream().map(e -> e.get("event")).toList());
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(
                warnings.get(1).contains("line 3") && warnings.get(1).contains("'..' is not a run id"),
                warnings.get(1));
    }

    @Test
    void pruneLeavesAnUnfinishedRunAloneWithinTheGracePeriod() throws Exception {
        Registry r = registry();
        String old = run(r, A, "rejected");
        String training = Registry.newRunId(); // started now, on another host, no outcome yet
        Files.createDirectories(Path.of(r.runDir(training)).resolve("checkpoints"));
        String stale = "20200101-000000-000-0001"; // started long ago and died without an outcome
        Path staleDir = Files.createDirectories(Path.of(r.runDir(stale)).resolve("checkpoints"));
        Files.writeString(staleDir.resolve("step-10.ckpt"), "x");
        ageTree(Path.of(r.runDir(stale)), Duration.ofDays(3));
        String newest = run(r, "20301231-000000-000-ffff", "rejected");

        assertEquals(List.of(stale, old), r.prune(1).stream().sorted().toList());
        assertEquals(List.of(training, newest), r.runs());

        // A long run still writing checkpoints: its start is old, its last file is new.
        String longRun = "20200101-000000-000-0002";
        Path longDir = Files.createDirectories(Path.of(r.runDir(longRun)).resolve("checkpoints"));
        ageTree(Path.of(r.runDir(longRun)), Duration.ofDays(3));
        Files.writeString(longDir.resolve("step-9000.ckpt"), "x");
        assertEquals(List.of(), r.prune(1));
        assertEquals(List.of(longRun, training), r.prune(1, Duration.ZERO), "no grace: only the outcome protects");
        assertEquals(List.of(newest), r.runs());
    }

    private static void ageTree(Path dir, Duration age) throws Exception {
        FileTime then = FileTime.from(Instant.now().minus(age));
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.toList()) Files.setLastModifiedTime(p, then);
        }
    }
}
