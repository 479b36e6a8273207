package dev.lockstep.data;

import dev.lockstep.LockstepException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * One input file read through Hadoop, gunzipped when it starts with the gzip magic, whose read errors
 * come out as one-line messages naming the file instead of raw IOExceptions.
 */
final class InputFile implements AutoCloseable {
    private static final int BUFFER_BYTES = 1 << 16;
    private static final int GZIP_MAGIC_0 = 0x1f;
    private static final int GZIP_MAGIC_1 = 0x8b;

    private final String name;
    private final long fileLength;
    private final boolean compressed;
    private final InputStream in;
    /** Bytes of (uncompressed) content consumed so far: the offset that messages report. */
    private long position;

    private InputFile(String name, long fileLength, boolean compressed, InputStream in) {
        this.name = name;
        this.fileLength = fileLength;
        this.compressed = compressed;
        this.in = in;
    }

    static InputFile open(Configuration conf, String uri) {
        FileStatus status = HadoopFiles.existingFile(conf, uri);
        Path path = status.getPath();
        InputStream raw;
        try {
            raw = new BufferedInputStream(HadoopFiles.fileSystem(conf, path).open(path, BUFFER_BYTES), BUFFER_BYTES);
        } catch (IOException e) {
            throw new LockstepException(uri + ": cannot open (" + e.getMessage() + ")", e);
        }
        try {
            if (!startsWithGzipMagic(raw)) {
                return new InputFile(uri, status.getLen(), false, raw);
            }
            return new InputFile(uri, status.getLen(), true, new GZIPInputStream(raw, BUFFER_BYTES));
        } catch (IOException e) {
            closeQuietly(raw);
            throw new DataFormatException(
                    uri + ": starts like gzip but its gzip header is corrupt (" + e.getMessage() + ")", e);
        }
    }

    private static boolean startsWithGzipMagic(InputStream in) throws IOException {
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == GZIP_MAGIC_0 && b1 == GZIP_MAGIC_1;
    }

    String name() {
        return name;
    }

    boolean compressed() {
        return compressed;
    }

    /** Size on disk: the exact content length for uncompressed files. */
    long fileLength() {
        return fileLength;
    }

    long position() {
        return position;
    }

    /** Reads up to {@code len} bytes, returning fewer only at end of file. */
    int read(byte[] buffer, int offset, int len) {
        int total = 0;
        try {
            while (total < len) {
                int n = in.read(buffer, offset + total, len - total);
                if (n < 0) {
                    break;
                }
                total += n;
            }
        } catch (IOException e) {
            throw readFailure(position + total, e);
        }
        position += total;
        return total;
    }

    /** Reads whatever is available in one go (at least one byte unless at end), -1 at end of file. */
    int readSome(byte[] buffer, int offset, int len) {
        try {
            int n = in.read(buffer, offset, len);
            if (n > 0) {
                position += n;
            }
            return n;
        } catch (IOException e) {
            throw readFailure(position, e);
        }
    }

    /**
     * Reads to the end and returns how many bytes were left, but stops once more than {@code limit} are found:
     * a gzip stream can inflate to far more than any file holds, and its excess need not be read to be refused.
     * Draining a gzip stream makes it check its CRC, so corruption is reported as such rather than as a wrong
     * length.
     */
    long remaining(long limit) {
        byte[] scratch = new byte[BUFFER_BYTES];
        long start = position;
        while (position - start <= limit && readSome(scratch, 0, scratch.length) >= 0) {
            // keep reading
        }
        return position - start;
    }

    DataFormatException error(String problem) {
        return new DataFormatException(name + ": " + problem);
    }

    private LockstepException readFailure(long offset, IOException e) {
        // A damaged .gz surfaces as ZipException or EOFException from the inflater; say so plainly.
        if (compressed) {
            return new DataFormatException(
                    name + ": corrupt or truncated gzip data after " + offset + " uncompressed bytes (" + e.getMessage()
                            + ")",
                    e);
        }
        return new LockstepException(name + ": read failed at offset " + offset + " (" + e.getMessage() + ")", e);
    }

    @Override
    public void close() {
        closeQuietly(in);
    }

    private static void closeQuietly(InputStream stream) {
        try {
            stream.close();
        } catch (IOException ignored) {
            // Everything needed has been read; a failing close changes nothing for the caller.
        }
    }
}
