package dev.lockstep.data;

import java.util.Arrays;

/**
 * The lines of a CSV file as bytes, for the two CSV readers ({@link CsvParser}: pixels, {@link FeatureCsv}: any
 * numbers): buffered, a UTF-8 byte order mark skipped, lines counted from 1 for messages, and a bound on a line's
 * length so that a file that is not CSV ends in one line of error, not in an exhausted heap.
 */
final class CsvLines {
    /** No legitimate row comes near this; a longer "line" means the file is not CSV. */
    static final int MAX_LINE_BYTES = 1 << 24;

    private final InputFile in;
    private final byte[] buffer = new byte[1 << 16];
    private int bufferPos;
    private int bufferEnd;
    private byte[] line = new byte[1 << 14];
    private int length;
    private long number;
    private boolean started;

    CsvLines(InputFile in) {
        this.in = in;
    }

    /** Reads the next line (without its terminator; a trailing {@code \r} stays); false at end of file. */
    boolean next() {
        if (!started) {
            started = true;
            skipByteOrderMark();
        }
        length = 0;
        boolean any = false;
        while (true) {
            if (bufferPos == bufferEnd && !fill()) {
                if (any) number++;
                return any;
            }
            any = true;
            byte b = buffer[bufferPos++];
            if (b == '\n') {
                number++;
                return true;
            }
            if (length == line.length) {
                if (length >= MAX_LINE_BYTES) {
                    number++;
                    throw error("line longer than " + MAX_LINE_BYTES + " bytes; is this really a CSV file?");
                }
                line = Arrays.copyOf(line, 2 * length);
            }
            line[length++] = b;
        }
    }

    /** The current line's bytes, [0, {@link #length()}); the array is reused by the next call of {@link #next()}. */
    byte[] bytes() {
        return line;
    }

    int length() {
        return length;
    }

    /** The current line's number, from 1; 0 before the first. */
    long number() {
        return number;
    }

    /** A problem of the current line, in the file's words: {@code <file>: line N: problem}. */
    DataFormatException error(String problem) {
        return in.error("line " + number + ": " + problem);
    }

    private boolean fill() {
        int n = in.readSome(buffer, 0, buffer.length);
        bufferPos = 0;
        bufferEnd = Math.max(n, 0);
        return n > 0;
    }

    private void skipByteOrderMark() {
        if (fill()
                && bufferEnd >= 3
                && (buffer[0] & 0xff) == 0xef
                && (buffer[1] & 0xff) == 0xbb
                && (buffer[2] & 0xff) == 0xbf) {
            bufferPos = 3;
        }
    }
}
