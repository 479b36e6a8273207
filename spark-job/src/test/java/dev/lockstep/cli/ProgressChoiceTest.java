package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lockstep.UsageException;
import dev.lockstep.train.ProgressListener.Mode;
import org.junit.jupiter.api.Test;

class ProgressChoiceTest {
    @Test
    void aBarOnlyOnARealTerminalUnlessForced() {
        assertEquals(Mode.BAR, ProgressChoice.choose(null, null, true, true, "xterm-256color"));
        assertEquals(Mode.LINES, ProgressChoice.choose(null, null, true, true, "dumb"));
        assertEquals(Mode.LINES, ProgressChoice.choose(null, null, true, true, null));
        assertEquals(
                Mode.LINES, ProgressChoice.choose(null, null, true, false, "xterm"), "no console: cron, YARN, a pipe");
        assertEquals(
                Mode.LINES,
                ProgressChoice.choose(null, null, false, true, "xterm"),
                "a caller's stream, not the process's stderr");
        assertEquals(Mode.BAR, ProgressChoice.choose(null, "bar", false, false, null));
        assertEquals(
                Mode.LINES,
                ProgressChoice.choose("lines", "bar", true, true, "xterm"),
                "the flag wins over the environment");
        assertEquals(Mode.BAR, ProgressChoice.choose("BAR", null, false, false, null));
        assertThrows(UsageException.class, () -> ProgressChoice.choose("fancy", null, true, true, "xterm"));
    }
}
