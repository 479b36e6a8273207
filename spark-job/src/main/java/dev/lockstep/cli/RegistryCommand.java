package dev.lockstep.cli;

import dev.lockstep.LockstepException;
import dev.lockstep.Printable;
import dev.lockstep.UsageException;
import dev.lockstep.io.Json;
import dev.lockstep.model.ModelDirectory;
import dev.lockstep.model.Registry;
import dev.lockstep.model.RunIds;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "registry",
        mixinStandardHelpOptions = true,
        description =
                "Inspect and manage a model registry: list runs, show one, promote a run by hand, roll back, prune.",
        subcommands = {
            RegistryCommand.ListRuns.class,
            RegistryCommand.Show.class,
            RegistryCommand.Promote.class,
            RegistryCommand.Rollback.class,
            RegistryCommand.Prune.class
        })
final class RegistryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return Main.missingCommand(spec);
    }

    /** The --registry option every subcommand takes. */
    static final class Location {
        @Option(
                names = "--registry",
                required = true,
                paramLabel = "URI",
                description = "The registry (any Hadoop FileSystem URI).")
        String uri;

        Configuration conf() {
            return SparkSetup.Environment.load().hadoop();
        }

        /** The registry, warning on the command's standard error about runs it skips. */
        Registry open(CommandSpec spec) {
            return open(conf(), spec);
        }

        Registry open(Configuration conf, CommandSpec spec) {
            PrintWriter err = spec.commandLine().getErr();
            return new Registry(conf, uri, m -> {
                err.println(Printable.warning(m));
                err.flush();
            });
        }
    }

    /** A RUN argument: a run id of this registry, never a path. */
    static String runArgument(String run) {
        if (!RunIds.isValid(run)) {
            throw new UsageException(
                    "RUN must be a run id such as " + RunIds.EXAMPLE + " (see 'lockstep registry list'), not "
                            + (run.isEmpty() ? "an empty one" : "'" + Printable.escape(run) + "'"));
        }
        return run;
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Every run, oldest first: status, accuracy, reason; * marks the current one.")
    static final class ListRuns implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Location location;

        @Override
        public Integer call() {
            Registry r = location.open(spec);
            String current = r.current().orElse("");
            PrintWriter out = spec.commandLine().getOut();
            Map<String, Map<String, Object>> statuses = r.statuses();
            out.printf("  %-20s  %-9s  %-9s  %s%n", "run", "status", "accuracy", "reason");
            for (Map.Entry<String, Map<String, Object>> e : statuses.entrySet()) {
                String run = e.getKey();
                Map<String, Object> st = e.getValue();
                Object acc = st.get("candidate_accuracy");
                out.printf(
                        Locale.ROOT,
                        "%s %-20s  %-9s  %-9s  %s%n",
                        run.equals(current) ? "*" : " ",
                        run,
                        st.get("status"),
                        acc instanceof Number n ? String.format(Locale.ROOT, "%.4f", n.doubleValue()) : "-",
                        st.getOrDefault("reason", ""));
            }
            out.flush();
            return 0;
        }
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "A run's status and metrics, as JSON ('current' for the serving run).")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Location location;

        @Parameters(paramLabel = "RUN")
        String run;

        @Override
        public Integer call() {
            Configuration conf = location.conf();
            Registry r = location.open(conf, spec);
            String id = run.equals("current")
                    ? r.current().orElseThrow(() -> new LockstepException(location.uri + " has no current model"))
                    : runArgument(run);
            if (!r.runs().contains(id)) throw new LockstepException("no run " + id + " in " + location.uri);
            Map<String, Object> doc = new LinkedHashMap<>(r.status(id));
            doc.put("current", id.equals(r.current().orElse(null)));
            doc.put("model", r.modelFile(id));
            String metrics = ModelDirectory.metricsFile(r.runDir(id));
            try {
                doc.put("metrics", Json.readMap(conf, metrics));
            } catch (LockstepException e) {
                doc.put("metrics", null); // a failed run has none
            }
            spec.commandLine().getOut().println(Json.pretty(doc));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(
            name = "promote",
            mixinStandardHelpOptions = true,
            description = "Make RUN the serving model, whatever its score (an operator's decision).")
    static final class Promote implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Location location;

        @Parameters(paramLabel = "RUN")
        String run;

        @Override
        public Integer call() {
            runArgument(run);
            Registry r = location.open(spec);
            if (!r.runs().contains(run)) throw new LockstepException("no run " + run + " in " + location.uri);
            r.promote(run, "promoted by hand");
            spec.commandLine().getErr().println("[lockstep] registry: " + run + " is now current");
            return 0;
        }
    }

    @Command(
            name = "rollback",
            mixinStandardHelpOptions = true,
            description = "Serve again the run that served before the current one.")
    static final class Rollback implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Location location;

        @Override
        public Integer call() {
            String back = location.open(spec).rollback();
            spec.commandLine().getErr().println("[lockstep] registry: rolled back; " + back + " is now current");
            return 0;
        }
    }

    @Command(
            name = "prune",
            mixinStandardHelpOptions = true,
            description = "Delete all but the newest K runs (never the current one "
                    + "or those a rollback can reach, nor a run without an outcome that showed signs of "
                    + "life within the grace period).")
    static final class Prune implements Callable<Integer> {
        /** {@link Registry#PRUNE_GRACE}, as the option takes it. */
        static final String DEFAULT_GRACE = "24h";

        @Spec
        CommandSpec spec;

        @Mixin
        Location location;

        @Option(names = "--keep", required = true, paramLabel = "K")
        int keep;

        @Option(
                names = "--grace",
                paramLabel = "TIME",
                converter = GraceConverter.class,
                defaultValue = DEFAULT_GRACE,
                description =
                        "Leave alone a run without an outcome (still training, maybe on another host) whose start "
                                + "or newest "
                                + "file is younger than this: e.g. 36h, 90m, 7d, 0 (default: ${DEFAULT-VALUE}).")
        Duration grace;

        @Override
        public Integer call() {
            if (keep < 1)
                throw new UsageException(
                        "bad value '" + keep + "' for --keep: expected a whole number of runs, 1 or more");
            List<String> gone = location.open(spec).prune(keep, grace);
            spec.commandLine()
                    .getErr()
                    .println("[lockstep] registry: removed " + (gone.isEmpty() ? "nothing" : String.join(", ", gone)));
            return 0;
        }
    }

    /** {@code 36h}, {@code 90m}, {@code 7d}, {@code 600s} or {@code 0}. */
    static final class GraceConverter implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern AMOUNT = Pattern.compile("([0-9]{1,6})([smhd]?)");

        @Override
        public Duration convert(String value) {
            Matcher m = AMOUNT.matcher(value.trim());
            if (!m.matches() || (m.group(2).isEmpty() && Long.parseLong(m.group(1)) != 0)) {
                throw new CommandLine.TypeConversionException(
                        "expected a time such as 24h, 90m, 7d or 0, got '" + Printable.escape(value) + "'");
            }
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ZERO;
            };
        }
    }
}
