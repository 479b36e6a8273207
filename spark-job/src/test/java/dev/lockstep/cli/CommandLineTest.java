package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.cli.CommandRun.Outcome;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the command line itself gets wrong: a usage error (exit 2), one line first, pointing at the right help. */
class CommandLineTest {
    private static String firstLine(Outcome o) {
        return o.err().lines().findFirst().orElse("");
    }

    @Test
    void noCommandIsAnErrorLineThenTheUsage() {
        Outcome o = CommandRun.run();
        assertEquals(Main.EXIT_USAGE, o.code());
        assertEquals("lockstep: error: no command given (see 'lockstep --help')", firstLine(o));
        assertEquals(1, o.errorLines().size(), o.err());
        assertTrue(o.err().contains("Usage: lockstep") && o.err().contains("train"), o.err());

        Outcome registry = CommandRun.run("registry");
        assertEquals(Main.EXIT_USAGE, registry.code());
        assertEquals("lockstep: error: no command given (see 'lockstep registry --help')", firstLine(registry));
        assertTrue(registry.err().contains("rollback"), registry.err());
    }

    @Test
    void unknownCommandsAndOptionsPointAtTheirOwnHelp() {
        String[][] cases = {
            {"bogus"},
            {"lockstep: error: unknown command 'bogus' (see 'lockstep --help')"},
            {"--bogus"},
            {"lockstep: error: Unknown option: '--bogus' (see 'lockstep --help')"},
            {"train", "--bogus"},
            {"lockstep: error: Unknown option: '--bogus' (see 'lockstep train --help')"},
            {"registry", "bogus"},
            {"lockstep: error: unknown command 'bogus' (see 'lockstep registry --help')"},
            {"registry", "list"},
            {"lockstep: error: Missing required option: '--registry=URI' (see 'lockstep registry list --help')"},
            {"registry", "prune", "--registry", "r", "--keep", "0"},
            {"lockstep: error: bad value '0' for --keep: expected a whole number of runs, 1 or more"},
        };
        for (int i = 0; i < cases.length; i += 2) {
            Outcome o = CommandRun.run(cases[i]);
            assertEquals(Main.EXIT_USAGE, o.code(), o.err());
            assertEquals(List.of(cases[i + 1][0]), o.err().lines().toList());
        }
    }

    @Test
    void missingInputIsAUsageErrorForEveryCommandThatReadsData() {
        String[][] cases = {
            {"train", "--out", "o"}, {"prepare", "--out", "o"}, {"evaluate", "--model", "m"},
        };
        for (String[] args : cases) {
            Outcome o = CommandRun.run(args);
            assertEquals(Main.EXIT_USAGE, o.code(), String.join(" ", args) + ": " + o.err());
            assertEquals(1, o.errorLines().size(), o.err());
        }
    }
}
