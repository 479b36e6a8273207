package dev.lockstep.ml;

import dev.lockstep.LockstepException;
import dev.lockstep.UsageException;
import dev.lockstep.model.MlpModel;
import dev.lockstep.train.Checkpoint;
import dev.lockstep.train.RunPlan;
import dev.lockstep.train.TrainConfig;
import dev.lockstep.train.Trainer;
import dev.lockstep.train.TrainingListener;
import dev.lockstep.train.checkpoint.CheckpointListener;
import dev.lockstep.train.checkpoint.Checkpoints;
import dev.lockstep.train.rows.FrameRows;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One fit of {@link LockstepClassifier}: the DataFrame's rows ({@link FrameRows}) trained by the engine of
 * {@code train} ({@link RunPlan}, {@link Trainer}) on the parameters' {@link TrainConfig}. The same settings, rows
 * and partitions make the same model, bit for bit, as {@code train} on the same rows.
 */
final class FitRun {
    private static final Logger LOG = LoggerFactory.getLogger(LockstepClassifier.class);
    /** As {@code train}: one checkpoint to resume from, two in reserve should the newest be damaged. */
    static final int KEEP_CHECKPOINTS = 3;

    private final LockstepClassifier params;
    private final JavaSparkContext sc;

    FitRun(LockstepClassifier params, JavaSparkContext sc) {
        this.params = params;
        this.sc = sc;
    }

    /** The trained network, with the input scaling and input kind of the rows it was trained on. */
    MlpModel fit(Dataset<Row> df) {
        TrainConfig config = TrainSettings.config(params);
        String features = params.getFeaturesCol();
        String label = params.getLabelCol();
        Dataset<Row> training = df;
        Dataset<Row> validation = null;
        if (params.isDefined(params.validationIndicatorCol())
                && !params.getValidationIndicatorCol().isEmpty()) {
            String indicator = params.getValidationIndicatorCol();
            if (!df.schema().apply(indicator).dataType().equals(DataTypes.BooleanType)) {
                throw new UsageException("validationIndicatorCol '" + indicator + "' is "
                        + df.schema().apply(indicator).dataType().simpleString() + "; it must be boolean");
            }
            training = df.filter(functions.not(functions.coalesce(functions.col(indicator), functions.lit(false))));
            validation = df.filter(functions.coalesce(functions.col(indicator), functions.lit(false)));
        }
        try (FrameRows train = FrameRows.of(training, features, label, "the training rows");
                FrameRows eval =
                        validation == null ? null : FrameRows.of(validation, features, label, "the validation rows")) {
            RunPlan.Placed placed;
            try {
                placed = RunPlan.of(config, train, eval, eval == null ? null : "validation")
                        .placedOn(sc);
            } catch (UsageException e) {
                throw new UsageException(inParamNames(e.getMessage()));
            }
            config = placed.plan().config();
            List<TrainingListener> listeners = new ArrayList<>(List.of(new LogListener(params.uid())));
            Optional<Checkpoint> start = start(placed, config);
            boolean fresh = start.isEmpty() || params.isDefined(params.initialWeights());
            checkpoints().ifPresent(c -> {
                // A fresh run's first checkpoint replaces the directory's others: never resume another run's.
                if (params.getCheckpointInterval() > 0) {
                    listeners.add(new CheckpointListener(c, params.getCheckpointInterval(), fresh));
                }
            });
            return new Trainer(sc, listeners).fit(placed, start).model();
        }
    }

    /**
     * Where the run starts: from {@code initialWeights} when given (a run resumed before its first step), else from
     * the newest checkpoint in {@code checkpointDir} of this very run (same settings and rows), else from the
     * seeded initialisation.
     */
    private Optional<Checkpoint> start(RunPlan.Placed placed, TrainConfig config) {
        if (params.isDefined(params.initialWeights())) {
            var arch = config.architecture();
            float[] initial = MllibLayout.toLockstep(arch, params.getInitialWeights());
            return Optional.of(new Checkpoint(
                    placed.fingerprint(),
                    0,
                    0,
                    0,
                    0,
                    0,
                    List.of(),
                    initial,
                    config.optimizer().create(arch.parameterCount()).state()));
        }
        Optional<Checkpoints> dir = checkpoints();
        if (dir.isEmpty()) return Optional.empty();
        StringWriter warnings = new StringWriter();
        Optional<Checkpoint> latest;
        try (PrintWriter w = new PrintWriter(warnings)) {
            latest = dir.get().latest(config, w);
        }
        warnings.toString().lines().forEach(l -> LOG.warn("{}: {}", params.uid(), l));
        Optional<Checkpoint> same = latest.filter(c -> c.configFingerprint().equals(placed.fingerprint()));
        same.ifPresent(c -> LOG.info(
                "{}: resuming from the checkpoint at step {} in {}",
                params.uid(),
                c.globalStep(),
                dir.get().directory()));
        return same;
    }

    /** The plan speaks of {@code train}'s flags; here they are parameters. */
    static String inParamNames(String message) {
        String[][] names = {
            {"--layers", "layers"},
            {"--batch", "blockSize"},
            {"--epochs", "maxIter"},
            {"--lr", "stepSize"},
            {"--schedule", "schedule"},
            {"--augment-shift", "augmentShift"},
            {"--partitions", "numPartitions"}
        };
        for (String[] n : names) message = message.replaceAll(Pattern.quote(n[0]) + "\\b", n[1]);
        return message;
    }

    private Optional<Checkpoints> checkpoints() {
        if (!params.isDefined(params.checkpointDir())) return Optional.empty();
        try {
            return Optional.of(new Checkpoints(sc.hadoopConfiguration(), params.getCheckpointDir(), KEEP_CHECKPOINTS));
        } catch (IllegalArgumentException e) {
            throw new LockstepException("checkpointDir " + params.getCheckpointDir() + ": " + e.getMessage());
        }
    }
}
