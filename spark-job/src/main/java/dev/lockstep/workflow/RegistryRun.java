package dev.lockstep.workflow;

import dev.lockstep.LockstepException;
import dev.lockstep.io.AtomicFiles;
import dev.lockstep.model.Registry;
import dev.lockstep.train.TrainingResult;
import dev.lockstep.train.rows.RowSource;
import java.io.PrintWriter;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * A training run that goes into a registry: its own run directory, then the promotion decision, the status, the
 * pointer switch, and retention. A failed run is recorded as failed and changes nothing else.
 *
 * <p>A driver that YARN runs (cluster deploy mode) claims its run for its application. When YARN starts the
 * application again after losing that driver, the new attempt finds the run it left unfinished and continues it,
 * from its newest checkpoint with {@code --checkpoint-every}, instead of starting a second run.
 */
public final class RegistryRun {
    /** Exit code of a run that trained fine but did not replace the serving model. */
    public static final int EXIT_NOT_PROMOTED = 3;

    private final Configuration conf;
    private final Registry registry;
    private final String runId;
    private final double tolerance;
    private final int keep;
    private final Optional<String> application;
    private final boolean continuing;
    /** The status of the run an earlier attempt of this application began, or null. */
    private final String earlierStatus;
    /**
     * The outcome an earlier attempt of this application already decided for the run ("promoted", "rejected"), or null.
     */
    private final String decidedEarlier;
    /** Set once the run's outcome is recorded: a later failure (log, pruning) must not rewrite it as "failed". */
    private boolean concluded;
    /** For a run from the serving model: the run that served when it began (empty: none); null until begun. */
    private Optional<String> servingParent;

    /** The claim's key for {@link #servingParent}: a run id, or null when the registry served nothing. */
    static final String SERVING_PARENT = "init_from_current";

    /** @param application the YARN application whose driver this is, if YARN runs it */
    public RegistryRun(Configuration conf, String root, double tolerance, int keep, Optional<String> application) {
        this.conf = conf;
        this.registry = new Registry(conf, root);
        Optional<String> earlier = application.flatMap(registry::runClaimedBy);
        this.runId = earlier.orElseGet(Registry::newRunId);
        this.tolerance = tolerance;
        this.keep = keep;
        this.application = application;
        this.earlierStatus =
                earlier.isPresent() ? String.valueOf(registry.status(runId).get("status")) : null;
        // Lost after the pointer switch but before its status: promoted all the same.
        boolean served = earlier.isPresent() && earlier.equals(registry.current());
        this.decidedEarlier = served
                ? "promoted"
                : "promoted".equals(earlierStatus) || "rejected".equals(earlierStatus) ? earlierStatus : null;
        // No outcome yet, or "failed" (a driver stopped by a signal records that on its way out): train on.
        this.continuing = earlier.isPresent() && decidedEarlier == null;
    }

    /** Whether an earlier attempt of this YARN application started this run, so that it resumes rather than starts. */
    public boolean continuesEarlierAttempt() {
        return continuing;
    }

    /**
     * Before training: claims a new run for this application, or says which run it continues. Returns the exit code
     * when an earlier attempt already decided the run's outcome and there is nothing left to do (then nothing else is
     * read). Otherwise, for a run from the serving model ({@code --init-from current}), settles which run that is
     * ({@link #servingParent()}): for a new run the one serving now, recorded in its claim when YARN runs it; for a
     * continued run the one the earlier attempt recorded, so that it resumes from the same weights even when another
     * run was promoted in between.
     */
    public OptionalInt begin(PrintWriter err, boolean fromServingModel) {
        if (decidedEarlier != null) {
            if (!decidedEarlier.equals(earlierStatus)) { // served, its status never written
                registry.setStatus(
                        runId,
                        decidedEarlier,
                        "promoted by an earlier attempt of " + application.orElseThrow(),
                        Map.of());
            }
            concluded = true;
            err.println("[lockstep] registry: run " + runId + " was already " + decidedEarlier
                    + " by an earlier attempt of " + application.orElseThrow() + "; nothing to train");
            return OptionalInt.of(decidedEarlier.equals("promoted") ? 0 : EXIT_NOT_PROMOTED);
        }
        if (continuing) {
            err.println("[lockstep] registry: continuing run " + runId + ", which an earlier attempt of "
                    + application.orElseThrow() + " left unfinished");
            servingParent = fromServingModel ? recordedServingParent() : Optional.empty();
        } else {
            servingParent = fromServingModel ? registry.current() : Optional.empty();
            Map<String, Object> more =
                    fromServingModel ? Collections.singletonMap(SERVING_PARENT, servingParent.orElse(null)) : Map.of();
            application.ifPresent(a -> registry.claim(runId, a, more));
        }
        return OptionalInt.empty();
    }

    /** The serving run the earlier attempt started from, as its claim records it; a claim without one: today's. */
    private Optional<String> recordedServingParent() {
        Map<String, Object> claim = registry.claimOf(runId);
        if (!claim.containsKey(SERVING_PARENT)) return registry.current(); // claimed before it was recorded
        Object run = claim.get(SERVING_PARENT);
        if (run != null && !(run instanceof String)) {
            throw new LockstepException("the claim of run " + runId + ": \"" + SERVING_PARENT + "\" is not a run id");
        }
        return Optional.ofNullable((String) run);
    }

    /**
     * For a run from the serving model, once {@link #begin(PrintWriter, boolean) begun}: the registry run it starts
     * from; empty when the registry served nothing (it trains from scratch).
     *
     * @throws IllegalStateException before {@code begin}
     */
    public Optional<String> servingParent() {
        if (servingParent == null) throw new IllegalStateException("the run has not begun");
        return servingParent;
    }

    /** The model file of registry run {@code runId}. */
    public String modelFile(String runId) {
        return registry.modelFile(runId);
    }

    /** The registry's root, as given. */
    public String root() {
        return registry.root();
    }

    public String outDir() {
        return registry.runDir(runId);
    }

    public void failed(Throwable cause, String log) {
        if (concluded) return;
        writeLog(log);
        registry.setStatus(runId, "failed", LockstepException.describe(cause), Map.of());
    }

    /** Decides, records and applies promotion; returns the command's exit code. */
    public int conclude(JavaSparkContext sc, TrainingResult result, RowSource eval, String evalName, PrintWriter err) {
        Promotion.Decision d = Promotion.decide(
                sc,
                conf,
                registry,
                runId,
                result.finalEvaluation().accuracy(),
                eval,
                evalName,
                result.partitions(),
                tolerance);
        if (d.promote()) {
            // The pointer first: once it names this run the run is served, and its record must say so.
            registry.promote(runId, d.reason(), d.details().get("current_run"));
            concluded = true;
            registry.setStatus(runId, "promoted", d.reason(), d.details());
            err.println("[lockstep] registry: run " + runId + " promoted: " + d.reason());
        } else {
            registry.setStatus(runId, "rejected", d.reason(), d.details());
            concluded = true;
            err.println("[lockstep] registry: run " + runId + " not promoted, "
                    + registry.current().orElse("nothing") + " stays current: " + d.reason());
        }
        try {
            for (String gone : registry.prune(keep)) err.println("[lockstep] registry: removed old run " + gone);
        } catch (RuntimeException e) {
            err.println("[lockstep] warning: could not prune old runs: "
                    + LockstepException.describe(e)); // the outcome stands
        }
        return d.promote() ? 0 : EXIT_NOT_PROMOTED;
    }

    /** The run's log; after the outcome is recorded, failing to write it is only a warning. */
    public void writeLog(String log) {
        try {
            AtomicFiles.writeString(conf, new Path(outDir(), "train.log").toString(), log);
        } catch (RuntimeException e) {
            if (!concluded) throw e;
        }
    }
}
