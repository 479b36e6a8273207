package dev.lockstep.data;

import dev.lockstep.LockstepException;
import java.io.FileNotFoundException;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** File-system look-ups through Hadoop, so local paths, file://, hdfs:// and s3a:// behave alike. */
final class HadoopFiles {
    private HadoopFiles() {}

    static Path path(String uri) {
        try {
            return new Path(uri);
        } catch (IllegalArgumentException e) {
            throw new LockstepException(uri + ": not a valid path or URI (" + e.getMessage() + ")", e);
        }
    }

    static FileSystem fileSystem(Configuration conf, Path path) {
        try {
            return path.getFileSystem(conf);
        } catch (IOException e) {
            throw new LockstepException(path + ": cannot reach its file system (" + e.getMessage() + ")", e);
        }
    }

    /** The file's status, or null when nothing exists at {@code uri}. */
    static FileStatus statusOrNull(Configuration conf, String uri) {
        Path path = path(uri);
        try {
            return fileSystem(conf, path).getFileStatus(path);
        } catch (FileNotFoundException e) {
            return null;
        } catch (IOException e) {
            throw new LockstepException(uri + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    static boolean isFile(Configuration conf, String uri) {
        FileStatus status = statusOrNull(conf, uri);
        return status != null && status.isFile();
    }

    /** The status of a file that must exist and must not be a directory. */
    static FileStatus existingFile(Configuration conf, String uri) {
        FileStatus status = statusOrNull(conf, uri);
        if (status == null) {
            throw new LockstepException(uri + ": no such file");
        }
        if (status.isDirectory()) {
            throw new LockstepException(uri + ": is a directory, expected a file");
        }
        return status;
    }

    /** {@code name} inside directory {@code dir}, keeping the directory's scheme (or lack of one). */
    static String child(String dir, String name) {
        return new Path(path(dir), name).toString();
    }
}
