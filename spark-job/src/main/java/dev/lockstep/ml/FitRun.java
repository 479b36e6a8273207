package dev.lockstep.ml;

import dev.lockstep.LockstepException;
import dev.lockstep.UsageException;
import dev.lockstep.model.MlpModel;
import dev.lockstep.train.Checkpoint;
import dev.lockstep.train.DriverMemory;
import dev.lockstep.train.RunPlan;
import dev.lockstep.train.StartWeights;
import dev.lockstep.train.TrainConfig;
import dev.lockstep.train.Trainer;
import dev.lockstep.train.TrainingListener;
import dev.lockstep.train.checkpoint.CheckpointListener;
import dev.lockstep.train.checkpoint.Checkpoints;
import dev.lockstep.train.rows.FrameRows;
import dev.lockstep.train.step.TaskLifetime;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
    /** What the rows are called in the messages about the training DataFrame. */
    static final String TRAINING_ROWS = "the training rows";
    /** {@code solver} is ignored, which is said once per JVM rather than once per fit of a grid search. */
    private static final AtomicBoolean SOLVER_TOLD = new AtomicBoolean();
    /** Fits running in this JVM (whose one SparkContext they share): a CrossValidator with parallelism > 1. */
    private static final AtomicInteger RUNNING = new AtomicInteger();

    private final LockstepClassifier params;
    private final JavaSparkContext sc;

    FitRun(LockstepClassifier params, JavaSparkContext sc) {
        this.params = params;
        this.sc = sc;
    }

    /** The trained network, with the input scaling and input kind of the rows it was trained on. */
    MlpModel fit(Dataset<Row> df) {
        int others = RUNNING.getAndIncrement();
        try {
            // Resident tasks need all their slots at once, which a fit running beside another may wait for until
            // the stall time: a job per step shares the cores instead, and computes the same model.
            return fit(df, others > 0 ? TaskLifetime.STEP : null);
        } finally {
            RUNNING.decrementAndGet();
        }
    }

    private MlpModel fit(Dataset<Row> df, TaskLifetime lifetime) {
        if (lifetime != null) {
            LOG.info("{}: another fit runs in this Spark context: a job per step, not resident tasks", params.uid());
        }
        TrainConfig config = TrainSettings.config(params, lifetime);
        checkThresholds(config);
        if (params.isSet(params.solver()) && !SOLVER_TOLD.getAndSet(true)) {
            LOG.info(
                    "{}: solver {} is ignored: Lockstep trains with its optimizer parameter ({})",
                    params.uid(),
                    params.getSolver(),
                    params.getOptimizer());
        }
        checkDriverMemory(config);
        StartWeights initial = params.isDefined(params.initialWeights())
                ? StartWeights.of(MllibLayout.toLockstep(config.architecture(), params.getInitialWeights()))
                : null;
        String features = params.getFeaturesCol();
        String label = params.getLabelCol();
        Dataset<Row> training = df;
        Dataset<Row> validation = null;
        if (!params.getValidationIndicatorCol().isEmpty()) {
            String indicator = params.getValidationIndicatorCol();
            if (!Arrays.asList(df.schema().fieldNames()).contains(indicator)) {
                throw new UsageException(String.format(
                        "%s: no validationIndicatorCol column '%s' (its columns: %s)",
                        TRAINING_ROWS, indicator, String.join(", ", df.schema().fieldNames())));
            }
            if (!df.schema().apply(indicator).dataType().equals(DataTypes.BooleanType)) {
                throw new UsageException("validationIndicatorCol '" + indicator + "' is "
                        + df.schema().apply(indicator).dataType().simpleString() + "; it must be boolean");
            }
            training = df.filter(functions.not(functions.coalesce(functions.col(indicator), functions.lit(false))));
            validation = df.filter(functions.coalesce(functions.col(indicator), functions.lit(false)));
        }
        try (FrameRows train = FrameRows.of(training, features, label, TRAINING_ROWS);
                FrameRows eval =
                        validation == null ? null : FrameRows.of(validation, features, label, "the validation rows")) {
            RunPlan.Placed placed;
            try {
                placed = RunPlan.of(config, train, eval, eval == null ? null : "validation")
                        .placedOn(sc, initial);
            } catch (UsageException e) {
                throw new UsageException(inParamNames(e.getMessage()));
            }
            config = placed.plan().config();
            List<TrainingListener> listeners = new ArrayList<>(List.of(new LogListener(params.uid())));
            Optional<Checkpoint> resumed = resumed(placed, config);
            Optional<Checkpoint> start = resumed.isPresent() || initial == null
                    ? resumed
                    : Optional.of(initial.checkpoint(placed)); // a run resumed before its first step, too
            boolean fresh = resumed.isEmpty();
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
     * The newest checkpoint in {@code checkpointDir} of this very run: same settings, rows and starting weights
     * (their digest is in the fingerprint), if there is one.
     */
    private Optional<Checkpoint> resumed(RunPlan.Placed placed, TrainConfig config) {
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

    /** One line, before any row is read, when {@code thresholds} do not have one value per class. */
    private void checkThresholds(TrainConfig config) {
        if (!params.isSet(params.thresholds())) return;
        int classes = config.architecture().sizes()[config.architecture().sizes().length - 1];
        int given = params.getThresholds().length;
        if (given != classes) {
            throw new UsageException("thresholds has " + given + " values; layers ends with " + classes
                    + " classes, and thresholds needs one per class");
        }
    }

    /** As {@code train}: a network the driver's heap cannot hold is refused before any row is read. */
    private void checkDriverMemory(TrainConfig config) {
        boolean checkpointing = !params.getCheckpointDir().isEmpty() && params.getCheckpointInterval() > 0;
        try {
            DriverMemory.check(
                    config,
                    checkpointing,
                    DriverMemory.localThreads(sc.master(), config.partitions()),
                    Runtime.getRuntime().maxMemory());
        } catch (UsageException e) {
            throw new UsageException(inParamNames(e.getMessage()));
        }
    }

    private Optional<Checkpoints> checkpoints() {
        if (params.getCheckpointDir().isEmpty()) return Optional.empty();
        try {
            return Optional.of(new Checkpoints(sc.hadoopConfiguration(), params.getCheckpointDir(), KEEP_CHECKPOINTS));
        } catch (IllegalArgumentException e) {
            throw new LockstepException("checkpointDir " + params.getCheckpointDir() + ": " + e.getMessage());
        }
    }
}
