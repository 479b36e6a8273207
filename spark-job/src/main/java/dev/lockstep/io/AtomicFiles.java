package dev.lockstep.io;

import dev.lockstep.LockstepException;
import java.io.FileNotFoundException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.hdfs.DistributedFileSystem;

/**
 * Replaces a file all at once, on any Hadoop file system: readers see the old content or the new, never a half.
 *
 * <p>The content goes to {@code .<name>.tmp-<random>} in the target's directory (same file system, so the rename
 * is cheap), which is closed and then renamed over the target. If the writer or the close fails, the temporary
 * file is deleted and the target is untouched.
 *
 * <p>How the final rename overwrites: on HDFS with {@code Options.Rename.OVERWRITE}, atomically; on the local
 * file system {@code rename(2)} replaces the target atomically. Stores whose rename refuses an existing target
 * (object stores such as s3a, where rename is a copy anyway) get delete-then-rename: in that short window the
 * target is absent, and a crash inside it leaves the complete new content in the temporary file.
 *
 * <p>On a local file system a rename lives in the directory, not in the file: until the directory itself is synced,
 * a power loss can bring back the old name (or no file at all) although the content was synced. So once the files
 * are renamed, their directories are synced too ({@code fsync} on the directory). HDFS persists a rename in the
 * NameNode's edit log before it returns, and object stores have no directories to sync, so there this step is none.
 *
 * <p>{@link #writeAll} replaces a set of files that belong together (a run's model, sidecar and metrics).
 */
public final class AtomicFiles {
    private static final String TMP_MARKER = ".tmp-";

    /** Told of each local directory synced after a rename; lets tests see that it happens. */
    static volatile Consumer<java.nio.file.Path> directorySynced = dir -> {};

    /** Writes the content of a file; may wrap or close the stream it is given. */
    @FunctionalInterface
    public interface IOConsumer<T> {
        void accept(T t) throws IOException;
    }

    private AtomicFiles() {}

    /** Atomically replaces (or creates) {@code uri} with what {@code writer} writes; creates parent directories. */
    public static void write(Configuration conf, String uri, IOConsumer<OutputStream> writer) {
        writeAll(conf, List.of(Map.entry(uri, writer)));
    }

    /**
     * Replaces several files as one set, as far as a file system allows: every file is written and synced under its
     * temporary name first, and only once all are written are they renamed into place, in the given order. A
     * failure while writing (a full disk, a lost connection, a bad value) replaces none of them; only a crash
     * between the renames, a window of milliseconds, can leave old and new files side by side.
     */
    public static void writeAll(Configuration conf, List<Map.Entry<String, IOConsumer<OutputStream>>> files) {
        List<Path> targets = new ArrayList<>();
        List<FileSystem> systems = new ArrayList<>();
        List<Path> staged = new ArrayList<>();
        boolean done = false;
        try {
            for (Map.Entry<String, IOConsumer<OutputStream>> file : files) {
                Path target = HadoopPaths.of(file.getKey());
                FileSystem fs = prepare(conf, file.getKey(), target);
                staged.add(stage(fs, file.getKey(), target, file.getValue()));
                targets.add(target);
                systems.add(fs);
            }
            Map<Path, FileSystem> directories = new LinkedHashMap<>();
            for (int i = 0; i < staged.size(); i++) {
                try {
                    replace(systems.get(i), staged.get(i), targets.get(i));
                } catch (IOException e) {
                    throw new LockstepException("cannot write " + targets.get(i) + ": " + e.getMessage(), e);
                }
                directories.putIfAbsent(targets.get(i).getParent(), systems.get(i));
            }
            done = true;
            directories.forEach(AtomicFiles::syncDirectory);
        } finally {
            if (!done) for (int i = 0; i < staged.size(); i++) deleteQuietly(systems.get(i), staged.get(i));
        }
    }

    /** The target's file system, once the target is known not to be a directory and its parent exists. */
    private static FileSystem prepare(Configuration conf, String uri, Path target) {
        try {
            FileSystem fs = HadoopPaths.fileSystem(target, conf); // no .crc side files cluttering output directories
            if (isDirectory(fs, target)) {
                throw new LockstepException("cannot write " + uri + ": it is a directory");
            }
            Path parent = target.getParent();
            if (parent != null && !fs.exists(parent)) {
                Path highestNew = parent;
                while (highestNew.getParent() != null && !fs.exists(highestNew.getParent()))
                    highestNew = highestNew.getParent();
                if (!fs.mkdirs(parent)) throw new IOException("could not create directory " + parent);
                // A new directory is an entry in its parent, as a renamed file is: synced too, or a power loss could
                // keep the file's rename but lose the directory it went into (a registry's new run).
                for (Path made = parent; ; made = made.getParent()) {
                    syncDirectory(made.getParent(), fs);
                    if (made.equals(highestNew)) break;
                }
            }
            return fs;
        } catch (IOException e) {
            throw new LockstepException("cannot write " + uri + ": " + e.getMessage(), e);
        }
    }

    /** Writes the content under a temporary sibling of {@code target}, synced where the store can, and names it. */
    private static Path stage(FileSystem fs, String uri, Path target, IOConsumer<OutputStream> writer) {
        Path tmp = temporarySibling(target);
        boolean written = false;
        try {
            try (FSDataOutputStream out = fs.create(tmp, false)) {
                // The writer may close what it is given (e.g. through a Writer); we still need to sync and close.
                writer.accept(new FilterOutputStream(out) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                    }

                    @Override
                    public void close() throws IOException {
                        out.flush();
                    }
                });
                out.flush();
                // Durable before the rename publishes it; stores without hsync (s3a) persist on close instead.
                if (out.hasCapability(StreamCapabilities.HSYNC)) out.hsync();
            }
            written = true;
            return tmp;
        } catch (IOException e) {
            throw new LockstepException("cannot write " + uri + ": " + e.getMessage(), e);
        } finally {
            if (!written) deleteQuietly(fs, tmp);
        }
    }

    /** Atomically replaces (or creates) {@code uri} with {@code content} in UTF-8. */
    public static void writeString(Configuration conf, String uri, String content) {
        write(conf, uri, utf8(content));
    }

    /** A writer of {@code content} in UTF-8. */
    public static IOConsumer<OutputStream> utf8(String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        return out -> out.write(bytes);
    }

    static Path temporarySibling(Path target) {
        String random = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        return new Path(target.getParent(), "." + target.getName() + TMP_MARKER + random);
    }

    /** True for names this class uses for in-flight files, so listings can skip them. */
    public static boolean isTemporary(String fileName) {
        return fileName.startsWith(".") && fileName.contains(TMP_MARKER);
    }

    private static void replace(FileSystem fs, Path tmp, Path target) throws IOException {
        if (fs instanceof DistributedFileSystem dfs) {
            dfs.rename(tmp, target, Options.Rename.OVERWRITE);
            return;
        }
        if (fs.rename(tmp, target)) return;
        // rename refused, most likely because the target exists: the non-atomic fallback documented above.
        if (fs.exists(target) && !isDirectory(fs, target)) {
            fs.delete(target, false);
            if (fs.rename(tmp, target)) return;
        }
        throw new IOException("could not rename " + tmp + " to " + target);
    }

    /**
     * Makes the renames into {@code dir} durable where that takes a step of its own: a local directory is opened
     * and forced. A platform that cannot open a directory (Windows) has nothing to force; a failure to force is the
     * disk's and is reported as a warning, since the new file might not survive a power loss.
     */
    static void syncDirectory(Path dir, FileSystem fs) {
        if (dir == null || !(fs instanceof RawLocalFileSystem local)) return;
        java.nio.file.Path path = local.pathToFile(dir).toPath();
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException | UnsupportedOperationException e) {
            return;
        }
        try (channel) {
            channel.force(true);
        } catch (IOException e) {
            // The renames have taken effect: failing now would report a write that is done (a promotion that
            // switched) as failed. Only its survival of a power loss is in doubt, and that is what the user is told.
            System.err.println("[lockstep] warning: could not sync directory " + path + " after writing into it ("
                    + e.getMessage() + "); its new files may not survive a power loss");
            return;
        }
        directorySynced.accept(path);
    }

    private static boolean isDirectory(FileSystem fs, Path path) throws IOException {
        try {
            FileStatus status = fs.getFileStatus(path);
            return status.isDirectory();
        } catch (FileNotFoundException e) {
            return false;
        }
    }

    private static void deleteQuietly(FileSystem fs, Path tmp) {
        try {
            fs.delete(tmp, false);
        } catch (IOException | RuntimeException ignored) {
            // Best effort: the original failure is what the user needs to see.
        }
    }
}
