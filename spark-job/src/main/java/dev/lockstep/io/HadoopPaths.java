package dev.lockstep.io;

import dev.lockstep.LockstepException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/** Turns a user-supplied location into a Hadoop {@link Path}, reporting malformed ones as user errors. */
public final class HadoopPaths {
    private HadoopPaths() {}

    /**
     * The file system for our own files. On the local file system, the raw one: our formats carry their own
     * checksums, we write no Hadoop {@code .crc} side files, and a stale {@code .crc} left beside a file by an
     * older writer must not make a good file unreadable.
     */
    public static FileSystem fileSystem(Path path, Configuration conf) throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
    }

    public static Path of(String uri) {
        if (uri == null || uri.isBlank()) throw new LockstepException("a file path is required, got an empty one");
        try {
            return new Path(uri);
        } catch (IllegalArgumentException e) { // e.g. "a:b" (relative path with a colon), bad URI syntax
            throw new LockstepException("invalid path '" + uri + "': " + e.getMessage());
        }
    }

    /** A whole small text file (metrics, history, pointers), UTF-8. */
    public static String readText(Configuration conf, String uri) {
        Path p = of(uri);
        try (var in = fileSystem(p, conf).open(p)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LockstepException("cannot read " + uri + ": " + e.getMessage(), e);
        }
    }

    public static boolean exists(Configuration conf, String uri) {
        Path p = of(uri);
        try {
            return fileSystem(p, conf).exists(p);
        } catch (IOException e) {
            throw new LockstepException("cannot read " + uri + ": " + e.getMessage(), e);
        }
    }
}
