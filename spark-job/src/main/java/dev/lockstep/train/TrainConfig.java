package dev.lockstep.train;

import dev.lockstep.nn.Activation;
import dev.lockstep.nn.Architecture;
import dev.lockstep.optim.OptimizerSpec;
import dev.lockstep.optim.ScheduleSpec;
import dev.lockstep.train.exchange.Exchange;
import dev.lockstep.train.step.TaskLifetime;
import dev.lockstep.train.sum.WirePrecision;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Everything that decides what a training run learns, validated when built and immutable after. Carries the
 * provenance of each setting (default, a conf file, a Spark conf key, a command-line flag) so that metrics.json
 * can say where every value came from.
 *
 * <p>"Auto" has one form: null, given to the builder and held here. Batch, learning rate and augmentation are chosen
 * for the data ({@link #forTrainingRows}, by {@link RunPlan}) and read only after; partitions, partitions per task and
 * task lifetime read as empty optionals until the plan is placed on a cluster, which chooses them.
 */
public final class TrainConfig {
    private final Architecture architecture;
    private final int epochs;
    private final Integer batchSize;
    private final OptimizerSpec optimizer;
    private final Double learningRate;
    private final ScheduleSpec schedule;
    private final double weightDecay;
    private final long seed;
    private final Integer partitions;
    private final Integer partitionsPerTask;
    private final TaskLifetime taskLifetime;
    private final Exchange exchange;
    private final Integer augmentShift;
    private final double validationFraction;
    private final WirePrecision transfer;
    private final boolean standardization;
    private final EarlyStop earlyStop;
    private final EpochSelection.Keep keep;
    private final Map<String, String> sources;

    /** The largest auto batch: beyond it, the learning-rate schedule would need retuning. */
    static final int MAX_AUTO_BATCH = 1024;

    static final int MIN_AUTO_BATCH = 128;
    /** The auto batch keeps at least this many steps per epoch. */
    static final int AUTO_STEPS_PER_EPOCH = 50;
    /** Below this many training rows, auto augmentation shifts images by a pixel. */
    static final long AUGMENT_BELOW_ROWS = 30_000;

    private TrainConfig(Builder b) {
        this.architecture = new Architecture(b.layers, b.activation);
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.optimizer = b.optimizer;
        this.learningRate = b.learningRate;
        this.schedule = b.schedule;
        this.weightDecay = b.weightDecay;
        this.seed = b.seed;
        this.partitions = b.partitions;
        this.partitionsPerTask = b.partitionsPerTask;
        this.taskLifetime = b.taskLifetime;
        this.exchange = b.exchange;
        this.augmentShift = b.augmentShift;
        this.validationFraction = b.validationFraction;
        this.transfer = b.transfer;
        this.standardization = b.standardization;
        this.earlyStop = b.earlyStop;
        this.keep = b.keep;
        this.sources = Collections.unmodifiableMap(new LinkedHashMap<>(b.sources));
        require(epochs >= 0, "epochs must be 0 or more, got " + epochs);
        require(batchSize == null || batchSize >= 1, "batch size must be positive, got " + batchSize);
        require(
                learningRate == null || learningRate > 0 && Double.isFinite(learningRate),
                "learning rate must be a positive number, got " + learningRate);
        require(weightDecay >= 0 && Double.isFinite(weightDecay), "weight decay must be 0 or more, got " + weightDecay);
        require(partitions == null || partitions >= 1, "partitions must be positive, got " + partitions);
        require(
                partitionsPerTask == null || partitionsPerTask >= 1,
                "partitions per task must be positive, got " + partitionsPerTask);
        require(
                augmentShift == null || augmentShift >= 0 && augmentShift <= 4,
                "augment shift must be 0..4 pixels, got " + augmentShift);
        require(
                validationFraction > 0 && validationFraction <= 0.5,
                "validation fraction must be in (0, 0.5], got " + validationFraction);
    }

    /** At batch 128: Adam wants a small step; plain SGD a large one. */
    static double defaultLearningRate(OptimizerSpec spec) {
        return switch (spec.kind()) {
            case ADAM -> 0.003;
            case SGD -> 0.1;
            default -> 0.05;
        };
    }

    /** Whether batch size, learning rate and augmentation are all settled (no auto value left). */
    public boolean isResolved() {
        return batchSize != null && augmentShift != null && learningRate != null;
    }

    /** As {@link #forTrainingRows(long, boolean)} for rows of images, as every source was before tabular data. */
    public TrainConfig forTrainingRows(long rows) {
        return forTrainingRows(rows, true);
    }

    /**
     * This configuration with its auto values chosen for a training set of {@code rows} rows, each recorded as
     * "auto" in {@link #sources()}:
     * <ul>
     * <li>batch: the largest power of two from 128 to 1024 that leaves at least 50 steps per epoch. Each step has a
     * fixed cost (a hand-over with resident tasks, a Spark job of a few ms otherwise: BENCHMARKS.md), so big data
     * wants big batches; small data wants enough steps to learn.</li>
     * <li>learning rate: the optimizer's rate at batch 128; above 128, times the square root of batch / 128 (a larger
     * batch gives a less noisy gradient, which takes a larger step).</li>
     * <li>augmentation: a one-pixel shift below 30,000 rows, where it regularises; above, 10 epochs underfit
     * and a shift only slows learning (BENCHMARKS.md); always 0 when the rows are not {@code images} (nothing to
     * shift).</li>
     * </ul>
     */
    public TrainConfig forTrainingRows(long rows, boolean images) {
        if (isResolved()) return this;
        Builder b = toBuilder();
        String auto = String.format(Locale.ROOT, "auto for %,d training rows", rows);
        int batch;
        if (batchSize != null) {
            batch = batchSize;
        } else {
            batch = MIN_AUTO_BATCH;
            while (batch * 2 <= MAX_AUTO_BATCH && (long) batch * 2 * AUTO_STEPS_PER_EPOCH <= rows) batch *= 2;
            b.batchSize(batch).source("batch", auto(auto, "batch"));
        }
        if (learningRate == null) {
            b.learningRate(defaultLearningRate(optimizer) * Math.sqrt(Math.max(1, batch / 128.0)))
                    .source("lr", auto("auto for batch " + batch, "lr"));
        }
        if (augmentShift == null)
            b.augmentShift(images && rows < AUGMENT_BELOW_ROWS ? 1 : 0)
                    .source("augmentShift", auto(images ? auto : "auto for rows that are not images", "augmentShift"));
        return b.build();
    }

    private String auto(String how, String key) {
        return how + " (" + sources.getOrDefault(key, "default") + ")";
    }

    private Builder toBuilder() {
        Builder b = new Builder()
                .layers(architecture.sizes())
                .activation(architecture.hidden())
                .epochs(epochs)
                .batchSize(batchSize)
                .learningRate(learningRate)
                .optimizer(optimizer)
                .schedule(schedule)
                .weightDecay(weightDecay)
                .seed(seed)
                .partitions(partitions)
                .partitionsPerTask(partitionsPerTask)
                .taskLifetime(taskLifetime)
                .exchange(exchange)
                .augmentShift(augmentShift)
                .validationFraction(validationFraction)
                .transfer(transfer)
                .standardization(standardization)
                .earlyStop(earlyStop)
                .keep(keep);
        sources.forEach(b::source);
        return b;
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Architecture architecture() {
        return architecture;
    }

    public int epochs() {
        return epochs;
    }
    /** @throws IllegalStateException while auto: it is chosen for the data ({@link #forTrainingRows}) */
    public int batchSize() {
        return chosen(batchSize, "batch");
    }

    public OptimizerSpec optimizer() {
        return optimizer;
    }
    /** @throws IllegalStateException while auto: it is chosen for the batch ({@link #forTrainingRows}) */
    public double learningRate() {
        return chosen(learningRate, "lr");
    }

    public ScheduleSpec schedule() {
        return schedule;
    }

    public double weightDecay() {
        return weightDecay;
    }

    public long seed() {
        return seed;
    }
    /** Empty: Spark's default parallelism, on a local master ({@link RunPlan#placedOn}). */
    public OptionalInt partitions() {
        return optional(partitions);
    }
    /** Partitions each task computes, on as many threads; empty: chosen for the master. Never changes the model. */
    public OptionalInt partitionsPerTask() {
        return optional(partitionsPerTask);
    }
    /** How long training tasks live; empty: chosen for the master. Never changes the model. */
    public Optional<TaskLifetime> taskLifetime() {
        return Optional.ofNullable(taskLifetime);
    }
    /** How resident tasks' gradients reach the driver; empty: chosen for the master. Never changes the model. */
    public Optional<Exchange> exchange() {
        return Optional.ofNullable(exchange);
    }
    /** @throws IllegalStateException while auto: it is chosen for the data ({@link #forTrainingRows}) */
    public int augmentShift() {
        return chosen(augmentShift, "augment_shift");
    }

    public double validationFraction() {
        return validationFraction;
    }

    public WirePrecision transfer() {
        return transfer;
    }

    /**
     * Whether float rows are standardized with a per-feature mean and deviation fitted on the training rows (byte
     * rows are always scaled by 1/255).
     */
    public boolean standardization() {
        return standardization;
    }

    /** Empty: the run goes on for all its epochs. */
    public Optional<EarlyStop> earlyStop() {
        return Optional.ofNullable(earlyStop);
    }

    /** Which epoch's parameters become the model; by default the best with early stopping, else the last. */
    public EpochSelection.Keep keep() {
        if (keep != null) return keep;
        return earlyStop != null ? EpochSelection.Keep.BEST : EpochSelection.Keep.LAST;
    }

    /**
     * Whether epochs are chosen between (early stopping, or keep best): every epoch is then evaluated on held-out
     * training rows, never on a test set.
     */
    public boolean selectsEpochs() {
        return earlyStop != null || keep() == EpochSelection.Keep.BEST;
    }

    public Map<String, String> sources() {
        return sources;
    }

    private static <T> T chosen(T value, String key) {
        if (value == null)
            throw new IllegalStateException(key + " is auto until chosen for the data (forTrainingRows)");
        return value;
    }

    private static OptionalInt optional(Integer value) {
        return value == null ? OptionalInt.empty() : OptionalInt.of(value);
    }

    private static Object orAuto(Object value) {
        return value == null ? "auto" : value;
    }

    /** The values as metrics.json has them: what the run learns, with where it works after the partitions. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        // Auto partitions read 0 here, as metrics.json has always said; the run's own count is in its results.
        learned(partitions == null ? 0 : partitions).forEach((key, value) -> {
            m.put(key, value);
            if (key.equals("partitions")) m.putAll(placement());
        });
        return m;
    }

    /**
     * Where the run works, which never changes what it computes: partitions per task and task lifetime, as
     * metrics.json names them.
     */
    Map<String, Object> placement() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("partitions_per_task", orAuto(partitionsPerTask));
        m.put("task_lifetime", taskLifetime == null ? "auto" : taskLifetime.displayName());
        m.put("exchange", exchange == null ? "auto" : exchange.displayName());
        return m;
    }

    /**
     * What the run learns: every setting that changes its model, on {@code partitions} partitions (they set the
     * order in which gradients add up), in metrics.json's order and names. The wire precision is among them: it
     * rounds the gradients. Standardization is last: it changes only runs on float rows ({@link RunPlan} leaves it
     * out of the fingerprint of byte rows, so checkpoints written before it existed still resume). Early stopping and
     * which epoch is kept follow it; {@link RunPlan} leaves them out of the fingerprint when off and last, for the
     * same reason.
     */
    Map<String, Object> learned(int partitions) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("layers", architecture.layersString());
        m.put("activation", architecture.hidden().displayName());
        m.put("epochs", epochs);
        m.put("batch", orAuto(batchSize));
        m.put("optimizer", optimizer.describe());
        m.put("lr", orAuto(learningRate));
        m.put("schedule", schedule.describe());
        m.put("weight_decay", weightDecay);
        m.put("seed", seed);
        m.put("partitions", partitions);
        m.put("augment_shift", orAuto(augmentShift));
        m.put("validation_fraction", validationFraction);
        m.put("transfer", transfer.displayName());
        m.put("standardization", standardization);
        m.put("early_stop", earlyStop == null ? "off" : earlyStop.toString());
        m.put("keep", keep().displayName());
        return m;
    }

    public static final class Builder {
        private int[] layers = {784, 256, 128, 10};
        private Activation activation = Activation.RELU;
        private int epochs = 10;
        private Integer batchSize;
        private OptimizerSpec optimizer = OptimizerSpec.parse("adam");
        private Double learningRate;
        private ScheduleSpec schedule = ScheduleSpec.parse("cosine:warmup=5%");
        private double weightDecay = 1e-4;
        private long seed = 1;
        private Integer partitions;
        private Integer partitionsPerTask;
        private TaskLifetime taskLifetime;
        private Exchange exchange;
        private Integer augmentShift;
        private double validationFraction = 0.1;
        private WirePrecision transfer = WirePrecision.FLOAT32;
        private boolean standardization = true;
        private EarlyStop earlyStop;
        private EpochSelection.Keep keep;
        private final Map<String, String> sources = new LinkedHashMap<>();

        public Builder layers(int[] v) {
            layers = v.clone();
            return this;
        }

        public Builder activation(Activation v) {
            activation = v;
            return this;
        }

        public Builder epochs(int v) {
            epochs = v;
            return this;
        }
        /** null: auto, as for every setting that has an auto value. */
        public Builder batchSize(Integer v) {
            batchSize = v;
            return this;
        }

        public Builder optimizer(OptimizerSpec v) {
            optimizer = v;
            return this;
        }

        public Builder learningRate(Double v) {
            learningRate = v;
            return this;
        }

        public Builder schedule(ScheduleSpec v) {
            schedule = v;
            return this;
        }

        public Builder weightDecay(double v) {
            weightDecay = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder partitions(Integer v) {
            partitions = v;
            return this;
        }

        public Builder partitionsPerTask(Integer v) {
            partitionsPerTask = v;
            return this;
        }

        public Builder exchange(Exchange v) {
            exchange = v;
            return this;
        }

        public Builder taskLifetime(TaskLifetime v) {
            taskLifetime = v;
            return this;
        }

        public Builder augmentShift(Integer v) {
            augmentShift = v;
            return this;
        }

        public Builder validationFraction(double v) {
            validationFraction = v;
            return this;
        }

        public Builder transfer(WirePrecision v) {
            transfer = Objects.requireNonNull(v);
            return this;
        }

        /** Standardize float rows (the default); byte rows are unaffected. */
        public Builder standardization(boolean v) {
            standardization = v;
            return this;
        }

        /** null: no early stopping (the default). */
        public Builder earlyStop(EarlyStop v) {
            earlyStop = v;
            return this;
        }

        /** null: the default, best with early stopping and last without. */
        public Builder keep(EpochSelection.Keep v) {
            keep = v;
            return this;
        }

        /** Records where a setting's value came from, e.g. ("epochs", "--epochs"). */
        public Builder source(String key, String source) {
            sources.put(key, source);
            return this;
        }

        public TrainConfig build() {
            return new TrainConfig(this);
        }
    }
}
