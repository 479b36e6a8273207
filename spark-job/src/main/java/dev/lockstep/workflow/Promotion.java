package dev.lockstep.workflow;

import dev.lockstep.LockstepException;
import dev.lockstep.io.HadoopPaths;
import dev.lockstep.model.MlpModel;
import dev.lockstep.model.ModelFile;
import dev.lockstep.model.Registry;
import dev.lockstep.train.Evaluator;
import dev.lockstep.train.rows.RowSource;
import dev.lockstep.train.step.Evaluation;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Whether a freshly trained run may replace the serving model. It must be sane: its file loads back (finite
 * weights, intact checksum) and, scored again, reproduces the accuracy its training recorded. And it must be
 * good enough: on the same held-out rows, scored in the same run, its accuracy is at least the current model's
 * minus the tolerance.
 */
final class Promotion {
    record Decision(boolean promote, String reason, Map<String, Object> details) {}

    private Promotion() {}

    static Decision decide(
            JavaSparkContext sc,
            Configuration conf,
            Registry registry,
            String runId,
            double recordedAccuracy,
            RowSource eval,
            String evalName,
            int partitions,
            double tolerance) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("eval_set", evalName);
        details.put("tolerance", tolerance);
        MlpModel candidate;
        try {
            candidate = ModelFile.read(conf, registry.modelFile(runId));
        } catch (LockstepException e) {
            return new Decision(false, "the candidate does not load back: " + e.getMessage(), details);
        }
        double again = Evaluator.evaluate(sc, candidate, eval, partitions).accuracy();
        details.put("candidate_accuracy", again);
        if (Double.compare(again, recordedAccuracy) != 0) {
            return new Decision(
                    false,
                    String.format(
                            Locale.ROOT,
                            "the candidate scores %.4f when reloaded but recorded %.4f",
                            again,
                            recordedAccuracy),
                    details);
        }
        Optional<String> current = registry.current();
        if (current.isEmpty()) return new Decision(true, "first model in the registry", details);
        details.put("current_run", current.get());
        MlpModel serving;
        if (!HadoopPaths.exists(conf, registry.modelFile(current.get()))) {
            return new Decision(true, "the current run " + current.get() + " has no model file", details);
        }
        try {
            serving = ModelFile.read(conf, registry.modelFile(current.get()));
        } catch (LockstepException e) {
            // Could be a passing I/O error (NameNode failover, throttling) as well as damage: never promote blind.
            return new Decision(
                    false,
                    "the current model could not be read to compare against (" + e.getMessage()
                            + "); promote by hand with 'lockstep registry promote " + runId
                            + "' if it is really broken",
                    details);
        }
        if (serving.architecture().inputSize() != candidate.architecture().inputSize()
                || serving.architecture().outputSize()
                        != candidate.architecture().outputSize()) {
            return new Decision(
                    false,
                    "the current model takes other inputs or classes, so the two cannot be compared; "
                            + "promote by hand with 'lockstep registry promote " + runId + "'",
                    details);
        }
        Evaluation servingScore = Evaluator.evaluate(sc, serving, eval, partitions);
        details.put("current_accuracy", servingScore.accuracy());
        boolean ok = again >= servingScore.accuracy() - tolerance;
        String reason = String.format(
                Locale.ROOT,
                "%s accuracy %.4f %s current %s's %.4f minus tolerance %.4f",
                evalName,
                again,
                ok ? ">=" : "<",
                current.get(),
                servingScore.accuracy(),
                tolerance);
        return new Decision(ok, reason, details);
    }
}
