package dev.lockstep.train;

import dev.lockstep.UsageException;
import dev.lockstep.io.Json;
import dev.lockstep.model.InputScaling;
import dev.lockstep.train.rows.CachedRows;
import dev.lockstep.train.rows.RowSource;
import dev.lockstep.train.step.Placement;
import dev.lockstep.train.step.TaskLifetime;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * A run with every "auto" setting settled and what follows from them, built once: {@link Trainer} takes it and only
 * loops. Some settings depend on the cluster, so they are settled in stages, all of them here:
 * <ol>
 * <li>{@link #of}, before Spark starts: batch, learning rate and augmentation for the training rows
 *     ({@link TrainConfig#forTrainingRows}), then the checks that the data fits the layers and that the batch and
 *     the schedule fit the data (the only place they run: a bad setting fails before Spark starts), and the batch
 *     plan.</li>
 * <li>{@link #placedOn}, at the start of training: the partitions (Spark's default parallelism when not given, on a
 *     local master only), the partitions per task (from the master's cores and task slots, so that every task can
 *     stay resident; on a fresh cluster it first waits for the executors asked for, since the rows are cached by
 *     task) and the checkpoint fingerprint.</li>
 * <li>{@link Placed#taskLifetime}, once the training rows are cached: it counts the task slots of the executors
 *     registered then, and warns when they are too few for resident tasks.</li>
 * </ol>
 */
public final class RunPlan {
    private final TrainConfig config;
    private final RowSource train;
    private final RowSource eval;
    private final String evalName;
    private final RowSource test;
    private final BatchPlan batches;
    private final long totalSteps;

    private RunPlan(
            TrainConfig config, RowSource train, RowSource eval, String evalName, RowSource test, BatchPlan batches) {
        this.config = config;
        this.train = train;
        this.eval = eval;
        this.evalName = evalName;
        this.test = test;
        this.batches = batches;
        this.totalSteps = (long) batches.stepsPerEpoch() * config.epochs();
    }

    /**
     * The plan of a run of {@code config} on {@code train}, evaluated on {@code eval} after every epoch.
     *
     * @param eval     null: a run without evaluation rows (no per-epoch evaluation)
     * @param evalName "test" or "validation", for messages; null with {@code eval}
     * @throws UsageException naming the setting at fault when the data does not fit the layers, or the batch or the
     *                        schedule do not fit the data
     */
    public static RunPlan of(TrainConfig config, RowSource train, RowSource eval, String evalName) {
        return of(config, train, eval, evalName, null);
    }

    /**
     * As {@link #of(TrainConfig, RowSource, RowSource, String)}, for a run that chooses between its epochs
     * ({@link TrainConfig#selectsEpochs}) on {@code eval}, held out of the training rows, and has a test set too:
     * {@code test} is scored once, after training, on the kept parameters, and never seen before.
     *
     * @param test null: the final evaluation is the kept epoch's, on {@code eval}
     */
    public static RunPlan of(TrainConfig config, RowSource train, RowSource eval, String evalName, RowSource test) {
        if (config.selectsEpochs() && eval == null) {
            throw new UsageException("--early-stop and --keep best choose an epoch by its evaluation on held-out rows,"
                    + " but this run has none");
        }
        if (test != null && !config.selectsEpochs()) {
            throw new IllegalArgumentException("a test set apart from the evaluation rows is for runs that select");
        }
        boolean images = isImage(train);
        TrainConfig c = config.forTrainingRows(train.count(), images);
        if (!images && c.augmentShift() > 0) {
            throw new UsageException("--augment-shift " + c.augmentShift() + " shifts images, but the training rows "
                    + "are not images (" + train.describe() + "); give 0 or auto");
        }
        checkFits(c, train, "the training data");
        if (eval != null) checkFits(c, eval, "the " + evalName + " data");
        if (test != null) checkFits(c, test, "the test data");
        long rows = train.count();
        if (rows < c.batchSize()) {
            throw new UsageException(
                    String.format("--batch %d is larger than the %,d training rows", c.batchSize(), rows));
        }
        RunPlan plan = new RunPlan(c, train, eval, evalName, test, new BatchPlan(c.seed(), rows, c.batchSize()));
        try {
            c.schedule().create(c.learningRate(), Math.max(1, plan.totalSteps), plan.batches.stepsPerEpoch());
        } catch (IllegalArgumentException e) {
            throw new UsageException("--schedule " + c.schedule() + ": " + e.getMessage());
        }
        return plan;
    }

    /** Pictures that augmentation can shift: pixels 0-255 in more than one row. */
    static boolean isImage(RowSource rows) {
        return rows.byteFeatures() && rows.height() > 1;
    }

    private static void checkFits(TrainConfig c, RowSource data, String what) {
        String misfit = DataFit.LAYERS.misfit(c.architecture(), data, what);
        if (misfit != null) throw new UsageException(misfit);
    }

    /** The run's parameter update; a zero-epoch run (a baseline of the untrained network) still needs a schedule. */
    ParameterUpdate update() {
        return ParameterUpdate.forRun(config, Math.max(1, totalSteps), batches.stepsPerEpoch());
    }

    /** The settings, every auto value chosen for the data (metrics.json's {@code config}). */
    public TrainConfig config() {
        return config;
    }

    public RowSource train() {
        return train;
    }

    /** The evaluation rows; null when the run has none. */
    public RowSource eval() {
        return eval;
    }

    public String evalName() {
        return evalName;
    }

    /** The test rows scored once after training, apart from {@link #eval()}; null when the run has none. */
    public RowSource test() {
        return test;
    }

    public BatchPlan batches() {
        return batches;
    }

    public long totalSteps() {
        return totalSteps;
    }

    /**
     * This plan on the cluster of {@code sc}: its partitions, partitions per task and fingerprint.
     *
     * @throws UsageException when the partitions are left to Spark on a cluster, where its default depends on how
     *                        many executors have registered, so that two runs could train on different partitionings
     */
    public Placed placedOn(JavaSparkContext sc) {
        return placedOn(sc, null);
    }

    /**
     * As {@link #placedOn(JavaSparkContext)}, for a run that starts from given weights rather than the seeded
     * initialisation: their digest (which covers the input scaling they bring, if any) joins the fingerprint, so that
     * the run resumes only checkpoints of runs that started from the same weights, and a seeded run never resumes one
     * of its; a scaling they bring is the one the run's float rows get ({@link Placed#startScaling}).
     *
     * @param start null for the seeded initialisation
     */
    public Placed placedOn(JavaSparkContext sc, StartWeights start) {
        boolean local = sc.master().startsWith("local");
        if (config.partitions().isEmpty() && !local && !sc.getConf().contains("spark.default.parallelism")) {
            throw new UsageException("on a cluster, give --partitions (e.g. the total executor cores): "
                    + "Spark's default depends on how many executors have registered when the job starts, so two runs "
                    + "could train on different partitionings");
        }
        int partitions = config.partitions().orElseGet(sc::defaultParallelism);
        int perTask = Math.min(partitions, Placement.partitionsPerTask(sc, config.partitionsPerTask(), partitions));
        String fingerprint = fingerprint(config, partitions, train, eval, start == null ? null : start.digest());
        InputScaling scaling = start == null ? null : start.scaling().orElse(null);
        return new Placed(this, partitions, perTask, fingerprint, scaling);
    }

    /**
     * What a checkpoint must share with the run resuming it for the result to be the same: what the run learns
     * ({@link TrainConfig#learned}), on how many partitions, from which data. Where the work runs is not in it:
     * resuming under another grouping or task lifetime is fine.
     */
    static String fingerprint(TrainConfig config, int partitions, RowSource train, RowSource eval) {
        return fingerprint(config, partitions, train, eval, null);
    }

    private static String fingerprint(
            TrainConfig config, int partitions, RowSource train, RowSource eval, String initialWeights) {
        Map<String, Object> m = config.learned(partitions);
        // Absent for the seeded initialisation, so that the fingerprints of seeded runs stay as they were.
        if (initialWeights != null) m.put("initial_weights", initialWeights);
        m.put("train_data", train.fingerprint());
        m.put("eval_data", eval == null ? "none" : eval.fingerprint());
        // It changes nothing on byte rows, and checkpoints of byte rows written before it existed must resume.
        if (train.byteFeatures()) m.remove("standardization");
        // Off, as they were before they existed: the fingerprints of such runs stay as they were.
        if (config.earlyStop().isEmpty()) m.remove("early_stop");
        if (config.keep() == EpochSelection.Keep.LAST) m.remove("keep");
        return Json.line(m);
    }

    /**
     * A plan placed on a cluster: {@code partitionsPerTask} is at most {@code partitions}; {@code startScaling}, when
     * not null, is the input scaling of the weights the run starts from, which its float rows get instead of one fitted
     * on them.
     */
    public record Placed(
            RunPlan plan, int partitions, int partitionsPerTask, String fingerprint, InputScaling startScaling) {
        /**
         * How long training tasks live: as asked, or the longest the cluster can hold; once the rows are cached.
         *
         * @param warnings told, in one line, when auto falls back to a job per step and what that costs
         */
        public TaskLifetime taskLifetime(JavaSparkContext sc, CachedRows trainRows, Consumer<String> warnings) {
            return Placement.taskLifetime(
                    sc,
                    plan.config.taskLifetime(),
                    partitions,
                    trainRows.layout().tasks(),
                    warnings);
        }
    }
}
