package dev.lockstep.io;

import static org.junit.jupiter.api.Assertions.*;

import dev.lockstep.LockstepException;
import dev.lockstep.model.ModelFile;
import dev.lockstep.model.TestModels;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FilterFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    private final Configuration conf = new Configuration();

    @TempDir
    Path dir;

    private List<String> names(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private void assertNoTemporaryFiles(Path d) throws IOException {
        for (String name : names(d)) assertFalse(name.contains(".tmp-"), "left behind: " + name);
    }

    @Test
    void createsParentsAndReplacesContent() throws IOException {
        Path target = dir.resolve("a/b/metrics.json");
        AtomicFiles.writeString(conf, target.toString(), "first\n");
        assertEquals("first\n", Files.readString(target));
        AtomicFiles.writeString(conf, target.toUri().toString(), "second, ünïcode\n");
        assertEquals("second, ünïcode\n", Files.readString(target, StandardCharsets.UTF_8));
        assertNoTemporaryFiles(target.getParent());
    }

    @Test
    void writerMayCloseTheStreamItIsGiven() throws IOException {
        Path target = dir.resolve("history.jsonl");
        AtomicFiles.write(conf, target.toString(), out -> {
            try (Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
                w.write("{\"epoch\":1}\n");
            }
        });
        assertEquals("{\"epoch\":1}\n", Files.readString(target));
    }

    @Test
    void failingWriterLeavesTheOldFileAndNoTemporary() throws IOException {
        Path target = dir.resolve("model.lsm");
        ModelFile.write(conf, target.toString(), TestModels.small());
        byte[] before = Files.readAllBytes(target);
        List<String> namesBefore = names(dir);

        IOException io = new IOException("disk on fire");
        LockstepException e = assertThrows(
                LockstepException.class,
                () -> AtomicFiles.write(conf, target.toString(), out -> {
                    out.write(new byte[1000]);
                    throw io;
                }));
        assertSame(io, e.getCause());
        assertTrue(
                e.getMessage().contains(target.toString()) && e.getMessage().contains("disk on fire"), e.getMessage());
        RuntimeException boom = new IllegalStateException("bug");
        assertSame(
                boom,
                assertThrows(
                        IllegalStateException.class,
                        () -> AtomicFiles.write(conf, target.toString(), out -> {
                            out.write(new byte[70_000]);
                            throw boom;
                        })));

        assertArrayEquals(before, Files.readAllBytes(target));
        assertEquals(namesBefore, names(dir));
        assertNoTemporaryFiles(dir);
    }

    @Test
    void aSetOfFilesIsReplacedOnlyOnceEveryOneIsWritten() throws IOException {
        List<Path> targets =
                List.of(dir.resolve("model.json"), dir.resolve("sub/metrics.json"), dir.resolve("history.jsonl"));
        for (Path t : targets) AtomicFiles.writeString(conf, t.toString(), "old " + t.getFileName());
        LockstepException e = assertThrows(
                LockstepException.class,
                () -> AtomicFiles.writeAll(
                        conf,
                        List.of(
                                Map.entry(targets.get(0).toString(), AtomicFiles.utf8("new 0")),
                                Map.entry(targets.get(1).toString(), AtomicFiles.utf8("new 1")),
                                Map.entry(targets.get(2).toString(), out -> {
                                    out.write(new byte[100]);
                                    throw new IOException("disk full");
                                }))));
        assertTrue(e.getMessage().contains("history.jsonl") && e.getMessage().contains("disk full"), e.getMessage());
        for (Path t : targets)
            assertEquals("old " + t.getFileName(), Files.readString(t), "a failure in the last file replaces none");
        assertNoTemporaryFiles(dir);
        assertNoTemporaryFiles(dir.resolve("sub"));

        AtomicFiles.writeAll(
                conf,
                List.of(
                        Map.entry(targets.get(0).toString(), AtomicFiles.utf8("new 0")),
                        Map.entry(targets.get(1).toString(), AtomicFiles.utf8("new 1")),
                        Map.entry(targets.get(2).toString(), AtomicFiles.utf8("new 2"))));
        for (int i = 0; i < 3; i++) assertEquals("new " + i, Files.readString(targets.get(i)));
        assertNoTemporaryFiles(dir);
    }

    @Test
    void failingWriterWithNoPreviousFileLeavesNothing() throws IOException {
        Path target = dir.resolve("model.lsm");
        assertThrows(
                LockstepException.class,
                () -> AtomicFiles.write(conf, target.toString(), out -> {
                    out.write(1);
                    throw new IOException("no");
                }));
        assertEquals(List.of(), names(dir));
    }

    @Test
    void refusesToReplaceADirectory() throws IOException {
        Path target = dir.resolve("model.lsm");
        Files.createDirectories(target);
        LockstepException e =
                assertThrows(LockstepException.class, () -> AtomicFiles.writeString(conf, target.toString(), "x"));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
        assertTrue(Files.isDirectory(target));
        assertNoTemporaryFiles(dir);
    }

    @Test
    void temporaryNamesAreHiddenSiblings() {
        org.apache.hadoop.fs.Path tmp = AtomicFiles.temporarySibling(new org.apache.hadoop.fs.Path("/x/y/model.lsm"));
        assertEquals("/x/y", tmp.getParent().toString());
        assertTrue(tmp.getName().startsWith(".model.lsm.tmp-"), tmp.getName());
        assertTrue(AtomicFiles.isTemporary(tmp.getName()));
        assertFalse(AtomicFiles.isTemporary("model.lsm"));
    }

    @Test
    void theDirectoryOfEveryRenamedFileIsSyncedOnALocalFileSystem() throws IOException {
        List<Path> synced = new CopyOnWriteArrayList<>();
        AtomicFiles.directorySynced = synced::add;
        try {
            Path pointer = dir.resolve("current.json");
            AtomicFiles.writeString(conf, pointer.toUri().toString(), "{}\n");
            assertEquals(List.of(dir.toRealPath()), realPaths(synced));
            assertEquals("{}\n", Files.readString(pointer));

            synced.clear();
            AtomicFiles.writeAll(
                    conf,
                    List.of(
                            Map.entry(dir.resolve("run/model.lsm").toString(), AtomicFiles.utf8("m")),
                            Map.entry(dir.resolve("run/model.json").toString(), AtomicFiles.utf8("j")),
                            Map.entry(dir.resolve("other/metrics.json").toString(), AtomicFiles.utf8("x"))));
            assertEquals(
                    List.of(
                            dir.toRealPath(),
                            dir.toRealPath(),
                            dir.resolve("run").toRealPath(),
                            dir.resolve("other").toRealPath()),
                    realPaths(synced),
                    "the parent of each directory made, then each directory once, after its files are in place");

            synced.clear();
            AtomicFiles.writeString(conf, dir.resolve("a/b/c.json").toString(), "{}\n");
            assertEquals(
                    List.of(
                            dir.resolve("a").toRealPath(),
                            dir.toRealPath(),
                            dir.resolve("a/b").toRealPath()),
                    realPaths(synced),
                    "every directory made is synced into its parent");

            synced.clear();
            assertThrows(
                    LockstepException.class,
                    () -> AtomicFiles.write(conf, dir.resolve("run/model.lsm").toString(), out -> {
                        throw new IOException("full");
                    }));
            assertEquals(List.of(), synced, "nothing renamed, nothing to sync");
        } finally {
            AtomicFiles.directorySynced = d -> {};
        }
    }

    @Test
    void syncingADirectoryIsNothingOnAFileSystemWithoutOne() throws IOException {
        List<Path> synced = new ArrayList<>();
        AtomicFiles.directorySynced = synced::add;
        try {
            // Any file system other than the raw local one (HDFS, s3a; here a wrapper) has no directory to force.
            FileSystem wrapped = new FilterFileSystem(FileSystem.getLocal(conf).getRawFileSystem());
            AtomicFiles.syncDirectory(new org.apache.hadoop.fs.Path(dir.toUri()), wrapped);
            assertEquals(List.of(), synced);
            AtomicFiles.syncDirectory(
                    new org.apache.hadoop.fs.Path(dir.toUri()),
                    FileSystem.getLocal(conf).getRawFileSystem());
            assertEquals(List.of(dir.toRealPath()), realPaths(synced));
        } finally {
            AtomicFiles.directorySynced = d -> {};
        }
    }

    private static List<Path> realPaths(List<Path> paths) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : paths) out.add(p.toRealPath());
        return out;
    }
}
