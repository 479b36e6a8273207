package dev.lockstep.workflow;

import dev.lockstep.LockstepException;
import dev.lockstep.io.AtomicFiles;
import dev.lockstep.io.Json;
import dev.lockstep.model.MlpModel;
import dev.lockstep.model.ModelDirectory;
import dev.lockstep.model.ModelFile;
import dev.lockstep.model.ModelSidecar;
import dev.lockstep.train.EpochSelection;
import dev.lockstep.train.EpochSummary;
import dev.lockstep.train.TrainConfig;
import dev.lockstep.train.TrainingResult;
import dev.lockstep.train.step.Evaluation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A training run's output directory: the model and its sidecar, metrics.json and history.jsonl. All four are
 * written whole under temporary names, and renamed only once all are written ({@link AtomicFiles#writeAll});
 * nothing is written until training has succeeded, so a failed run leaves whatever the directory held before
 * untouched.
 */
public final class RunOutputs {
    private final Configuration conf;
    private final String dir;
    private final Map<String, Object> parent;

    public RunOutputs(Configuration conf, String dir) {
        this(conf, dir, null);
    }

    /** @param parent the model the run started from ({@link ParentModel#toMap}); null for a run from scratch */
    public RunOutputs(Configuration conf, String dir, Map<String, Object> parent) {
        this.conf = conf;
        this.dir = dir;
        this.parent = parent;
    }

    public String modelUri() {
        return ModelDirectory.modelFile(dir);
    }

    /**
     * Fails before any training when the output location is unusable: a file, or a directory (or, while it does not
     * exist yet, its nearest existing ancestor) where a file cannot be created. The probe is an empty hidden file,
     * deleted at once, so a run that fails later still leaves nothing behind.
     */
    public void checkWritable() {
        Path p = new Path(dir);
        try {
            FileSystem fs = p.getFileSystem(conf);
            Path existing = p;
            while (existing != null && !fs.exists(existing)) existing = existing.getParent();
            if (existing == null) return; // nothing exists up to the root of this file system: creating it will tell
            if (!fs.getFileStatus(existing).isDirectory()) {
                throw new LockstepException(
                        existing.equals(p)
                                ? "--out " + dir + " is a file, not a directory"
                                : "cannot use --out " + dir + ": " + existing + " is a file");
            }
            Path probe = new Path(existing, ".lockstep-write-probe-" + Long.toHexString(System.nanoTime()));
            fs.create(probe, false).close();
            fs.delete(probe, false);
        } catch (IOException e) {
            throw new LockstepException("cannot write to --out " + dir + ": " + e.getMessage());
        }
    }

    /**
     * @param dataFingerprint what the rows were, by content
     * @param dataLocation where the data came from ({@code data}, {@code train}, {@code test}), for the report to
     * find it again
     */
    public void write(
            TrainConfig config,
            TrainingResult result,
            String evalName,
            String dataDescription,
            String dataFingerprint,
            Map<String, Object> dataLocation,
            Map<String, Object> stepMillis) {
        MlpModel model = result.model();
        Map<String, Object> metrics = metrics(config, result, evalName, dataDescription);
        metrics.put("data_fingerprint", dataFingerprint);
        metrics.put("data_location", dataLocation);
        metrics.put("step_time_ms", stepMillis);
        StringBuilder history = new StringBuilder();
        for (Map<String, Object> line : historyLines(config, result))
            history.append(Json.line(line)).append('\n');

        // The sidecar records the parent once, beside dataFingerprint, not again in its copy of the metrics.
        String sidecar = ModelSidecar.text(model, metrics, configMap(config, result), dataFingerprint, parent);
        if (parent != null) metrics.put("parent", parent);
        AtomicFiles.writeAll(
                conf,
                List.of(
                        Map.entry(ModelDirectory.modelFile(dir), out -> ModelFile.write(out, model)),
                        Map.entry(ModelDirectory.sidecarFile(dir), AtomicFiles.utf8(sidecar)),
                        Map.entry(ModelDirectory.historyFile(dir), AtomicFiles.utf8(history.toString())),
                        Map.entry(ModelDirectory.metricsFile(dir), AtomicFiles.utf8(Json.pretty(metrics) + "\n"))));
    }

    /**
     * history.jsonl's lines: each epoch's summary; with early stopping or keep best, also the best epoch so far, and
     * on the last line why the run stopped there.
     */
    static List<Map<String, Object>> historyLines(TrainConfig config, TrainingResult result) {
        List<EpochSummary> epochs = result.history();
        EpochSelection selection = result.selection() == null ? null : EpochSelection.of(config);
        List<Map<String, Object>> lines = new ArrayList<>();
        for (int i = 0; i < epochs.size(); i++) {
            Map<String, Object> line = epochs.get(i).toMap();
            if (selection != null) {
                line.put("best_epoch", selection.after(epochs.subList(0, i + 1)).bestEpoch());
                if (i == epochs.size() - 1)
                    line.put("stop_reason", result.selection().stopReason());
            }
            lines.add(line);
        }
        return lines;
    }

    static Map<String, Object> metrics(
            TrainConfig config, TrainingResult result, String evalName, String dataDescription) {
        Map<String, Object> m = new LinkedHashMap<>();
        Evaluation eval = result.finalEvaluation(); // null for a run without evaluation rows
        m.put("test_accuracy", eval == null ? null : eval.accuracy());
        m.put("test_loss", eval == null ? null : eval.loss());
        m.put("eval_set", evalName);
        m.put("eval_rows", eval == null ? 0 : eval.rows());
        if (result.selection() != null) {
            m.put("selection", EpochSelection.of(config).toMap(result.selection()));
        }
        m.put("epochs", result.history().size());
        m.put("steps", result.steps());
        m.put("examples", result.examples());
        m.put("train_seconds", result.trainSeconds());
        m.put("examples_per_second", result.examplesPerSecond());
        m.put("partitions", result.partitions());
        m.put("parameters", result.architecture().parameterCount());
        m.put("data", dataDescription);
        m.put("confusion_matrix", eval == null ? null : eval.confusionMatrix());
        m.put("config", configMap(config, result));
        m.put("config_sources", config.sources());
        return m;
    }

    private static Map<String, Object> configMap(TrainConfig config, TrainingResult result) {
        Map<String, Object> c = config.toMap();
        c.put("partitions", result.partitions()); // the resolved count, also when it defaulted to Spark's parallelism
        c.put("partitions_per_task", result.partitionsPerTask());
        c.put("task_lifetime", result.taskLifetime().displayName());
        return c;
    }
}
