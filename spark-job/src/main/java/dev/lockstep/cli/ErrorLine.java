package dev.lockstep.cli;

import dev.lockstep.Printable;

/**
 * The one line an error ends a command with. Messages quote what came in (a file's bytes, a value from a conf file,
 * an argument), so the message is made {@link Printable} before it reaches what may be a terminal.
 */
final class ErrorLine {
    static final String PREFIX = "lockstep: error: ";

    private ErrorLine() {}

    static String of(String message) {
        return PREFIX + Printable.escape(message == null ? "" : message);
    }
}
