package dev.lockstep.cli;

import dev.lockstep.UsageException;
import dev.lockstep.train.ProgressListener.Mode;
import java.util.Locale;

/**
 * Bar or lines: {@code --progress} wins, then {@code LOCKSTEP_PROGRESS}, else a bar only when the output really
 * is a terminal. Java 17 cannot ask whether stderr itself is a terminal; {@code System.console()} is non-null
 * when the process's standard input and output are, which is the interactive case. So the bar needs that, the
 * stream to be the process's own stderr (not a test's buffer or a log file's writer), and a {@code TERM} that can
 * move the cursor. Cron, YARN and captured output get lines.
 */
final class ProgressChoice {
    private ProgressChoice() {}

    static Mode choose(String flag, String env, boolean processStderr, boolean console, String term) {
        if (flag != null) return parse(flag, "--progress");
        if (env != null && !env.isBlank()) return parse(env, "LOCKSTEP_PROGRESS");
        boolean terminal = processStderr && console && term != null && !term.isBlank() && !term.equals("dumb");
        return terminal ? Mode.BAR : Mode.LINES;
    }

    static Mode forProcess(String flag, boolean processStderr) {
        return choose(
                flag,
                System.getenv("LOCKSTEP_PROGRESS"),
                processStderr,
                System.console() != null,
                System.getenv("TERM"));
    }

    private static Mode parse(String v, String where) {
        return switch (v.strip().toLowerCase(Locale.ROOT)) {
            case "bar" -> Mode.BAR;
            case "lines" -> Mode.LINES;
            default -> throw new UsageException("bad value '" + v + "' for " + where + ": expected bar or lines");
        };
    }
}
