package dev.lockstep.cli;

import dev.lockstep.model.Json;
import dev.lockstep.model.Registry;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "registry", mixinStandardHelpOptions = true,
        description = "Inspect and manage a model registry: list runs, show one, promote a run by hand, roll back, prune.",
        subcommands = {RegistryCommand.ListRuns.class, RegistryCommand.Show.class, RegistryCommand.Promote.class,
            RegistryCommand.Rollback.class, RegistryCommand.Prune.class})
final class RegistryCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override public Integer call() {
        return Main.missingCommand(spec);
    }

    /** The --registry option every subcommand takes. */
    static final class Location {
        @Option(names = "--registry", required = true, paramLabel = "URI", description = "The registry (any Hadoop FileSystem URI).")
        String uri;

        Configuration conf() {
            return SparkSetup.Environment.load().hadoop();
        }

        Registry open() {
            return new Registry(conf(), uri);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every run, oldest first: status, accuracy, reason; * marks the current one.")
    static final class ListRuns implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin Location location;

        @Override public Integer call() {
            Registry r = location.open();
            String current = r.current().orElse("");
            PrintWriter out = spec.commandLine().getOut();
            out.printf("  %-20s  %-9s  %-9s  %s%n", "run", "status", "accuracy", "reason");
            for (String run : r.runs()) {
                Map<String, Object> st = r.status(run);
                Object acc = st.get("candidate_accuracy");
                out.printf(Locale.ROOT, "%s %-20s  %-9s  %-9s  %s%n", run.equals(current) ? "*" : " ", run, st.get("status"),
                        acc instanceof Number n ? String.format(Locale.ROOT, "%.4f", n.doubleValue()) : "-",
                        st.getOrDefault("reason", ""));
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "A run's status and metrics, as JSON ('current' for the serving run).")
    static final class Show implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin Location location;
        @Parameters(paramLabel = "RUN") String run;

        @Override public Integer call() {
            Configuration conf = location.conf();
            Registry r = new Registry(conf, location.uri);
            String id = run.equals("current")
                    ? r.current().orElseThrow(() -> new dev.lockstep.LockstepException(location.uri + " has no current model")) : run;
            if (!r.runs().contains(id)) throw new dev.lockstep.LockstepException("no run " + id + " in " + location.uri);
            Map<String, Object> doc = new java.util.LinkedHashMap<>(r.status(id));
            doc.put("current", id.equals(r.current().orElse(null)));
            doc.put("model", r.modelFile(id));
            String metrics = dev.lockstep.model.ModelDirectory.metricsFile(r.runDir(id));
            try {
                doc.put("metrics", Json.readMap(conf, metrics));
            } catch (dev.lockstep.LockstepException e) {
                doc.put("metrics", null); // a failed run has none
            }
            spec.commandLine().getOut().println(Json.pretty(doc));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true, description = "Make RUN the serving model, whatever its score (an operator's decision).")
    static final class Promote implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin Location location;
        @Parameters(paramLabel = "RUN") String run;

        @Override public Integer call() {
            Registry r = location.open();
            if (!r.runs().contains(run)) throw new dev.lockstep.LockstepException("no run " + run + " in " + location.uri);
            r.promote(run, "promoted by hand");
            spec.commandLine().getErr().println("[lockstep] registry: " + run + " is now current");
            return 0;
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true, description = "Serve again the run that served before the current one.")
    static final class Rollback implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin Location location;

        @Override public Integer call() {
            String back = location.open().rollback();
            spec.commandLine().getErr().println("[lockstep] registry: rolled back; " + back + " is now current");
            return 0;
        }
    }

    @Command(name = "prune", mixinStandardHelpOptions = true, description = "Delete all but the newest K runs (never the current one or those a rollback can reach).")
    static final class Prune implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin Location location;
        @Option(names = "--keep", required = true, paramLabel = "K") int keep;

        @Override public Integer call() {
            if (keep < 1) throw new ResolvedSettings.UsageException("bad value '" + keep + "' for --keep: expected a whole number of runs, 1 or more");
            List<String> gone = location.open().prune(keep);
            spec.commandLine().getErr().println("[lockstep] registry: removed " + (gone.isEmpty() ? "nothing" : String.join(", ", gone)));
            return 0;
        }
    }
}
