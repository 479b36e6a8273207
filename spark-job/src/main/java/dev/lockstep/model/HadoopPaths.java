package dev.lockstep.model;

import dev.lockstep.LockstepException;
import org.apache.hadoop.fs.Path;

/** Turns a user-supplied location into a Hadoop {@link Path}, reporting malformed ones as user errors. */
final class HadoopPaths {
    private HadoopPaths() {}

    static Path of(String uri) {
        if (uri == null || uri.isBlank()) throw new LockstepException("a file path is required, got an empty one");
        try {
            return new Path(uri);
        } catch (IllegalArgumentException e) { // e.g. "a:b" (relative path with a colon), bad URI syntax
            throw new LockstepException("invalid path '" + uri + "': " + e.getMessage());
        }
    }
}
