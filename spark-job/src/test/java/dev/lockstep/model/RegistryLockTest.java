package dev.lockstep.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.LockstepException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writers sharing a registry: the lock keeps their read-decide-replace steps from interleaving. */
class RegistryLockTest {
    private static final Configuration CONF = new Configuration();

    @TempDir
    Path tmp;

    private Registry registry(Duration wait) {
        return new Registry(CONF, tmp.resolve("registry").toString(), wait);
    }

    private String runWithModel(Registry r, String id) throws Exception {
        ModelFile.write(CONF, r.modelFile(id), TestModels.small());
        return id;
    }

    private Path lockFile() {
        return tmp.resolve("registry").resolve(RegistryLock.NAME);
    }

    @Test
    void concurrentWritersKeepEveryEvent() throws Exception {
        Registry r = registry(Duration.ofSeconds(30));
        int writers = 8;
        int each = 5;
        CyclicBarrier start = new CyclicBarrier(writers);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int id = w;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++)
                        r.setStatus(String.format("20261122-000000-%03d-%04x", i, id), "rejected", "test", Map.of());
                    return null;
                }));
            }
            for (Future<?> f : done) f.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        // events.jsonl is rewritten whole on every append: without the lock, concurrent appends drop lines.
        assertEquals(writers * each, r.events().size());
        assertFalse(Files.exists(lockFile()), "the lock is released");
    }

    @Test
    void competingPromotionsJudgedAgainstTheSameCurrentOnlyOneWins() throws Exception {
        Registry r = registry(Duration.ofSeconds(30));
        String base = runWithModel(r, "20261122-000000-000-0000");
        r.promote(base, "first");
        for (int round = 0; round < 10; round++) {
            String current = r.current().orElseThrow();
            String a = runWithModel(r, String.format("20261123-0000%02d-000-000a", round));
            String b = runWithModel(r, String.format("20261123-0000%02d-000-000b", round));
            CyclicBarrier start = new CyclicBarrier(2);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            int wins = 0;
            try {
                List<Future<Boolean>> tries = new ArrayList<>();
                for (String candidate : List.of(a, b)) {
                    tries.add(pool.submit(() -> {
                        start.await();
                        try {
                            r.promote(candidate, "better", current);
                            return true;
                        } catch (LockstepException e) {
                            assertTrue(e.getMessage().contains("changed"), e.getMessage());
                            return false;
                        }
                    }));
                }
                for (Future<Boolean> f : tries) if (f.get(60, TimeUnit.SECONDS)) wins++;
            } finally {
                pool.shutdownNow();
            }
            assertEquals(1, wins, "round " + round);
            Registry.Pointer p = r.pointer().orElseThrow();
            assertTrue(p.current().equals(a) || p.current().equals(b), p.toString());
            assertEquals(current, p.previous().get(0), "the run that served before is still one rollback away");
        }
    }

    @Test
    void aHeldLockMakesOthersWaitThenFailNamingItsHolder() throws Exception {
        Registry r = registry(Duration.ofMillis(300));
        String run = runWithModel(r, "20261122-000000-000-0001");
        try (RegistryLock held =
                RegistryLock.acquire(CONF, tmp.resolve("registry").toString(), "test holder", Duration.ZERO)) {
            LockstepException e = assertThrows(LockstepException.class, () -> r.promote(run, "waits"));
            assertTrue(
                    e.getMessage()
                            .contains("\"test holder\" of pid "
                                    + ProcessHandle.current().pid()),
                    e.getMessage());
            assertTrue(
                    e.getMessage().contains("delete " + "file:" + lockFile())
                            || e.getMessage().contains("delete " + lockFile()),
                    e.getMessage());
            assertTrue(r.current().isEmpty(), "nothing was promoted");
        }
        r.promote(run, "after release");
        assertEquals(run, r.current().orElseThrow());
    }

    @Test
    void aLockReleasedWithinTheWaitIsTaken() throws Exception {
        Registry r = registry(Duration.ofSeconds(30));
        String run = runWithModel(r, "20261122-000000-000-0002");
        RegistryLock held = RegistryLock.acquire(CONF, tmp.resolve("registry").toString(), "short", Duration.ZERO);
        Thread releaser = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            held.close();
        });
        long start = System.nanoTime();
        releaser.start();
        r.promote(run, "waited");
        long waited = System.nanoTime() - start;
        releaser.join();
        assertEquals(run, r.current().orElseThrow());
        assertTrue(waited >= 250_000_000L, "it waited for the holder: " + waited / 1_000_000 + " ms");
    }

    @Test
    void releasingDoesNotRemoveALockThatIsNoLongerOurs() throws Exception {
        String root = tmp.resolve("registry").toString();
        RegistryLock first = RegistryLock.acquire(CONF, root, "first", Duration.ZERO);
        Files.delete(lockFile()); // an operator clears what looks like a stale lock
        try (RegistryLock second = RegistryLock.acquire(CONF, root, "second", Duration.ZERO)) {
            first.close();
            assertTrue(Files.exists(lockFile()), "the second holder keeps its lock");
            assertTrue(Files.readString(lockFile()).contains("\"second\""));
        }
        assertFalse(Files.exists(lockFile()));
    }

    @Test
    void releasingLeavesALockFileThatIsEmptyOrUnreadableAndSaysSo() throws Exception {
        String root = tmp.resolve("registry").toString();
        for (String content : List.of("", "{not json", "{\"token\": 7}")) {
            List<String> warnings = new ArrayList<>();
            RegistryLock held = RegistryLock.acquire(CONF, root, "holder", Duration.ZERO, warnings::add);
            // What another writer's lock looks like while it is being created, or a file we cannot make sense of.
            Files.writeString(lockFile(), content);
            held.close();
            assertTrue(
                    Files.exists(lockFile()), "a lock that does not name its holder is not deleted: '" + content + "'");
            assertEquals(content, Files.readString(lockFile()));
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(
                    warnings.get(0).contains("left the registry lock ")
                            && warnings.get(0).contains("delete it"),
                    warnings.get(0));
            Files.delete(lockFile());
        }
        // One that is simply gone (deleted by an operator) needs no warning.
        List<String> warnings = new ArrayList<>();
        RegistryLock held = RegistryLock.acquire(CONF, root, "holder", Duration.ZERO, warnings::add);
        Files.delete(lockFile());
        held.close();
        assertEquals(List.of(), warnings);
    }

    @Test
    void aLockThatNamesAnotherHolderIsLeftWithAWarningNamingIt() throws Exception {
        String root = tmp.resolve("registry").toString();
        List<String> warnings = new ArrayList<>();
        RegistryLock first = RegistryLock.acquire(CONF, root, "first", Duration.ZERO, warnings::add);
        Files.delete(lockFile());
        try (RegistryLock second = RegistryLock.acquire(CONF, root, "second", Duration.ZERO)) {
            first.close();
            assertTrue(Files.readString(lockFile()).contains("\"second\""));
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("\"second\" of pid"), warnings.get(0));
        }
    }
}
