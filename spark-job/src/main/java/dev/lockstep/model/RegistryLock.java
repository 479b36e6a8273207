package dev.lockstep.model;

import dev.lockstep.LockstepException;
import dev.lockstep.io.HadoopPaths;
import dev.lockstep.io.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * One writer at a time in a registry: the file {@code REGISTRY/.lock}, which only one process can create. A writer
 * holds it while it reads, decides and replaces {@code current.json} or {@code events.jsonl} (milliseconds; never
 * while training), so two writers on different hosts cannot lose each other's promotion or event.
 *
 * <p>Creation is exclusive on HDFS (the NameNode refuses a second create) and on the local file system
 * ({@code O_EXCL}); object stores such as s3a only check, then write. A holder that dies inside its few milliseconds
 * leaves the file behind: others wait for it, then fail naming the holder, and an operator deletes it. The lock is
 * never taken over automatically, since two waiters breaking the same stale lock could both end up holding it.
 * Nor is it released unless it still names its holder (a random token), see {@link #close}.
 */
final class RegistryLock implements AutoCloseable {
    static final String NAME = ".lock";
    private static final long MAX_POLL_MILLIS = 500;

    private final FileSystem fs;
    private final Path path;
    private final String token;
    private final Consumer<String> warnings;

    private RegistryLock(FileSystem fs, Path path, String token, Consumer<String> warnings) {
        this.fs = fs;
        this.path = path;
        this.token = token;
        this.warnings = warnings;
    }

    static RegistryLock acquire(Configuration conf, String root, String action, Duration wait) {
        return acquire(conf, root, action, wait, Registry.STDERR_WARNINGS);
    }

    /**
     * Takes the registry's lock for {@code action}, waiting up to {@code wait} for another holder to let go.
     *
     * @param warnings told when the lock cannot be released
     * @throws LockstepException if it is still held after that, naming the holder
     */
    static RegistryLock acquire(
            Configuration conf, String root, String action, Duration wait, Consumer<String> warnings) {
        Path path = new Path(root, NAME);
        String token = UUID.randomUUID().toString();
        byte[] content = (Json.line(holder(action, token)) + "\n").getBytes(StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + wait.toNanos();
        long pause = 10;
        try {
            FileSystem fs = HadoopPaths.fileSystem(path, conf);
            fs.mkdirs(path.getParent());
            while (true) {
                if (tryCreate(fs, path, content)) return new RegistryLock(fs, path, token, warnings);
                if (System.nanoTime() > deadline) {
                    throw new LockstepException("the registry " + root + " is locked by " + describeHolder(fs, path)
                            + "; waited " + wait.toSeconds() + " s. If that process is gone, delete " + path);
                }
                Thread.sleep(pause);
                pause = Math.min(MAX_POLL_MILLIS, pause * 2);
            }
        } catch (IOException e) {
            throw new LockstepException("cannot lock the registry " + root + " (" + path + "): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockstepException("interrupted while waiting for the registry lock " + path);
        }
    }

    /** Creates the lock file if nobody has; false if it exists. */
    private static boolean tryCreate(FileSystem fs, Path path, byte[] content) throws IOException {
        OutputStream out;
        try {
            if (fs instanceof RawLocalFileSystem local) {
                // Hadoop's local create(overwrite=false) checks, then opens: two processes could both pass.
                out = Files.newOutputStream(
                        local.pathToFile(path).toPath(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } else {
                out = fs.create(path, false);
            }
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            // HDFS: FileAlreadyExistsException, or AlreadyBeingCreatedException while the holder is still writing it.
            if (fs.exists(path)) return false;
            throw e;
        }
        try (out) {
            out.write(content);
        } catch (IOException e) {
            fs.delete(path, false); // ours, but unfinished: a lock nobody could release
            throw e;
        }
        return true;
    }

    private static Map<String, Object> holder(String action, String token) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("action", action);
        m.put("host", hostName());
        m.put("pid", ProcessHandle.current().pid());
        m.put("since", ZonedDateTime.now(ZoneOffset.UTC).toString());
        m.put("jvm", ManagementFactory.getRuntimeMXBean().getName());
        m.put("token", token);
        return m;
    }

    private static String hostName() {
        return Host.NAME;
    }

    /** Looked up once per JVM: a host with slow name resolution pays for it once, not on every registry write. */
    private static final class Host {
        static final String NAME = lookUp();

        private static String lookUp() {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                return "unknown host";
            }
        }
    }

    private static String describeHolder(FileSystem fs, Path path) {
        Map<String, Object> h = read(fs, path);
        return h == null ? "another writer" : describe(h);
    }

    private static String describe(Map<String, Object> h) {
        return "\"" + h.get("action") + "\" of pid " + h.get("pid") + " on " + h.get("host") + " since "
                + h.get("since");
    }

    /** The holder's record, or null if the file is gone, still empty or not ours to parse. */
    private static Map<String, Object> read(FileSystem fs, Path path) {
        try (var in = fs.open(path)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            return text.isEmpty() ? null : Json.parseMap(text, path.toString());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Lets go, only if the file still carries this holder's token. Anything else is someone else's: another writer
     * that took it after an operator deleted ours, or one still writing its record (empty), or a file that cannot be
     * read just now. Deleting that could let two writers in at once, so it is left in place with a warning; at
     * worst a lock of ours stays and the next writer's error says which file to delete. Never throws: what the lock
     * guarded is done and stands (a promotion must not turn into a failed run here).
     */
    @Override
    public void close() {
        Map<String, Object> h = read(fs, path);
        if (h == null || !token.equals(h.get("token"))) {
            if (h != null || exists()) {
                warnings.accept("left the registry lock " + path + " in place: "
                        + (h == null ? "it is empty or cannot be read" : "it now names " + describe(h))
                        + ", not this writer; if no other writer is running, delete it");
            }
            return;
        }
        try {
            fs.delete(path, false);
        } catch (IOException e) {
            warnings.accept("could not release the registry lock " + path + ": " + e.getMessage());
        }
    }

    /** Whether the lock file is there; true when that cannot be told, so that the caller warns. */
    private boolean exists() {
        try {
            return fs.exists(path);
        } catch (IOException e) {
            return true;
        }
    }
}
