package dev.lockstep.cli;

import dev.lockstep.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs a command of {@link Main} in this JVM, on the suite's SparkContext, capturing what it prints. */
public final class CommandRun {
    private CommandRun() {}

    /** The exit code, standard output and standard error of one command. */
    public record Outcome(int code, String out, String err) {
        /** The error lines ({@code lockstep: error: ...}) on standard error. */
        public List<String> errorLines() {
            return err.lines().filter(l -> l.startsWith("lockstep: error:")).toList();
        }
    }

    public static Outcome run(String... args) {
        SharedSpark.context(); // join the suite's context instead of starting one per command
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            code = Main.run(args, new PrintStream(err, true, StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
        }
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
