package dev.lockstep.cli;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;

/** Progress goes to the terminal and into the run's train.log alike. */
final class TeeWriter extends Writer {
    private final Writer terminal;
    private final StringWriter copy = new StringWriter();

    TeeWriter(Writer terminal) {
        this.terminal = terminal;
    }

    String captured() {
        return copy.toString();
    }

    @Override
    public void write(char[] buf, int off, int len) {
        copy.write(buf, off, len);
        try {
            terminal.write(buf, off, len);
        } catch (IOException e) {
            // The terminal going away must not stop training; the log copy is kept.
        }
    }

    @Override
    public void flush() {
        try {
            terminal.flush();
        } catch (IOException ignored) {
            // as above
        }
    }

    @Override
    public void close() {
        flush();
    }
}
