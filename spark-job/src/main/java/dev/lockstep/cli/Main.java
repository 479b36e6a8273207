package dev.lockstep.cli;

import dev.lockstep.LockstepException;
import dev.lockstep.UsageException;
import dev.lockstep.workflow.RegistryRun;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point for {@code deploy/lockstep} and {@code spark-submit}. Errors end as one line on stderr and a
 * non-zero exit: 2 for a bad command line or setting, 1 for a failure while running (bad data, divergence).
 */
@Command(
        name = "lockstep",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Synchronous data-parallel neural-network training on Apache Spark.",
        subcommands = {
            TrainCommand.class,
            PrepareCommand.class,
            EvaluateCommand.class,
            PredictCommand.class,
            ExportCommand.class,
            RegistryCommand.class,
            ReportCommand.class,
            ImagineCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = {"", "Run 'lockstep COMMAND --help' for a command's options."})
public final class Main implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    /** Whether commands write to the process's own stderr (which may be a terminal), not a caller's stream. */
    private boolean processStderr;

    boolean writesToProcessStderr() {
        return processStderr;
    }

    public static void main(String[] args) {
        int code = run(args, System.err);
        if (exitsJvm(code, System.getProperty("spark.submit.deployMode"))) System.exit(code);
    }

    /**
     * Whether main ends with System.exit. Not in a cluster-mode driver (YARN's application master runs main in a
     * thread): there returning is how a run reports success, and System.exit, even with 0, is taken as a failure and
     * YARN starts another attempt. A registry run that was not promoted did its work, so it returns too (its
     * status.json says why); spark-submit then reports success.
     */
    static boolean exitsJvm(int code, String deployMode) {
        return !"cluster".equals(deployMode) || (code != 0 && code != RegistryRun.EXIT_NOT_PROMOTED);
    }

    /** Runs a command and returns its exit code; never calls System.exit, so tests can call it. */
    public static int run(String[] args, PrintStream err) {
        Main main = new Main();
        main.processStderr = err == System.err;
        CommandLine cli = new CommandLine(main);
        cli.setErr(new PrintWriter(err, true));
        cli.setParameterExceptionHandler((ex, a) -> {
            err.println(ErrorLine.of(parameterProblem(ex) + " (see '"
                    + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')"));
            return EXIT_USAGE;
        });
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            err.println(ErrorLine.of(LockstepException.describe(ex)));
            if (System.getenv("LOCKSTEP_DEBUG") != null) ex.printStackTrace(err);
            return ex instanceof UsageException ? EXIT_USAGE : EXIT_FAILURE;
        });
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError | StackOverflowError e) { // picocli handles Exceptions only
            err.println(ErrorLine.of(e + " (for OutOfMemoryError raise LOCKSTEP_DRIVER_MEMORY or --driver-memory)"));
            return EXIT_FAILURE;
        }
    }

    /** Picocli's message, but a word that is no command of one that has commands is called so. */
    private static String parameterProblem(CommandLine.ParameterException ex) {
        if (ex instanceof CommandLine.UnmatchedArgumentException u
                && !ex.getCommandLine().getSubcommands().isEmpty()
                && !u.getUnmatched().isEmpty()
                && !u.getUnmatched().get(0).startsWith("-")) {
            return "unknown command '" + u.getUnmatched().get(0) + "'";
        }
        return ex.getMessage();
    }

    /** No command given: show what there is. */
    @Override
    public Integer call() {
        return missingCommand(spec);
    }

    /** For a command that only groups others, called without one: an error line, then its usage; exit 2. */
    static int missingCommand(CommandLine.Model.CommandSpec spec) {
        PrintWriter err = spec.commandLine().getErr();
        err.println(ErrorLine.of("no command given (see '" + spec.qualifiedName() + " --help')"));
        spec.commandLine().usage(err);
        return EXIT_USAGE;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"lockstep " + (v == null ? "dev" : v)};
        }
    }
}
