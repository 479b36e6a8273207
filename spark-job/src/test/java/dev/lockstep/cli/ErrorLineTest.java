package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.Printable;
import dev.lockstep.cli.CommandRun.Outcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whatever a message quotes, the error line reaches the terminal as one line of printable text. */
class ErrorLineTest {
    @TempDir
    Path tmp;

    @Test
    void controlCharactersAreEscapedAndTheRestIsKept() {
        assertEquals(
                "lockstep: error: a\\x1b[2J\\x1b]0;title\\x07 b\\x00c\\x7f\\x9b d\\ne\\rf\\tg",
                ErrorLine.of("a\u001b[2J\u001b]0;title\u0007 b\u0000c\u007f\u009b d\ne\rf\tg"));
        assertEquals(
                "lockstep: error: abc\\u202eexe.txt \\u2028 \\ufeff", ErrorLine.of("abc\u202eexe.txt \u2028 \ufeff"));
        String plain = "cannot read /tmp/données/日本.csv: line 3 — 'x'";
        assertSame(plain, Printable.escape(plain), "nothing to escape: the same string");
        assertEquals("lockstep: error: ", ErrorLine.of(null));
    }

    @Test
    void aBadFileCannotWriteToTheTerminal() throws Exception {
        Path csv = tmp.resolve("train.csv");
        Files.write(csv, "label,p0\n\u001b[2J\u001b]0;owned\u0007\u0000,1\n".getBytes(StandardCharsets.ISO_8859_1));
        Outcome o = CommandRun.run(
                "train", "--train", csv.toString(), "--out", tmp.resolve("out").toString());
        assertEquals(Main.EXIT_FAILURE, o.code(), o.err());
        assertEquals(1, o.err().lines().count(), o.err());
        assertFalse(o.err().strip().chars().anyMatch(c -> c < 0x20 || c == 0x7f), o.err());
        String line = o.errorLines().get(0);
        assertTrue(
                line.startsWith("lockstep: error: " + csv) && line.contains("'\\x1b[2J\\x1b]0;owned\\x07\\x00'"), line);
    }

    @Test
    void aBadArgumentCannotEither() {
        Outcome o = CommandRun.run("train", "--data", "d", "--out", "o", "--epochs", "1\u001b[31m");
        assertEquals(Main.EXIT_USAGE, o.code());
        assertEquals(
                List.of("lockstep: error: bad value '1\\x1b[31m' for --epochs (from --epochs): expected a whole "
                        + "number of epochs, 1 or more"),
                o.errorLines());
    }
}
