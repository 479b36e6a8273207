package dev.lockstep.train;

import dev.lockstep.nn.Activation;
import dev.lockstep.nn.Architecture;
import dev.lockstep.optim.OptimizerSpec;
import dev.lockstep.optim.ScheduleSpec;
import dev.lockstep.train.step.TaskLifetime;
import dev.lockstep.train.sum.WirePrecision;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything that decides what a training run learns, validated when built and immutable after. Carries the
 * provenance of each setting (default, a conf file, a Spark conf key, a command-line flag) so that metrics.json
 * can say where every value came from.
 */
public final class TrainConfig {
    private final Architecture architecture;
    private final int epochs;
    private final int batchSize;
    private final OptimizerSpec optimizer;
    private final double learningRate;
    private final ScheduleSpec schedule;
    private final double weightDecay;
    private final long seed;
    private final int partitions; // 0: Spark's default parallelism
    private final int partitionsPerTask; // 0: auto, from the master (Trainer)
    private final TaskLifetime taskLifetime; // null: auto, from the master (Trainer)
    private final int augmentShift;
    private final double validationFraction;
    private final WirePrecision transfer;
    private final Map<String, String> sources;

    /** Batch size and augmentation that are still to be chosen for the data ({@link #forTrainingRows}). */
    public static final int AUTO = -1;
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
        this.learningRate = b.learningRate != null ? b.learningRate : Double.NaN; // NaN: auto, from the batch size
        this.schedule = b.schedule;
        this.weightDecay = b.weightDecay;
        this.seed = b.seed;
        this.partitions = b.partitions;
        this.partitionsPerTask = b.partitionsPerTask;
        this.taskLifetime = b.taskLifetime;
        this.augmentShift = b.augmentShift;
        this.validationFraction = b.validationFraction;
        this.transfer = b.transfer;
        this.sources = Collections.unmodifiableMap(new LinkedHashMap<>(b.sources));
        require(epochs >= 0, "epochs must be 0 or more, got " + epochs);
        require(batchSize >= 1 || batchSize == AUTO, "batch size must be positive, got " + batchSize);
        require(Double.isNaN(learningRate) || learningRate > 0 && Double.isFinite(learningRate),
                "learning rate must be a positive number, got " + learningRate);
        require(weightDecay >= 0 && Double.isFinite(weightDecay), "weight decay must be 0 or more, got " + weightDecay);
        require(partitions >= 0, "partitions must be positive, got " + partitions);
        require(partitionsPerTask >= 0, "partitions per task must be positive, got " + partitionsPerTask);
        require(augmentShift >= 0 && augmentShift <= 4 || augmentShift == AUTO, "augment shift must be 0..4 pixels, got " + augmentShift);
        require(validationFraction > 0 && validationFraction <= 0.5,
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
        return batchSize != AUTO && augmentShift != AUTO && !Double.isNaN(learningRate);
    }

    /**
     * This configuration with its auto values chosen for a training set of {@code rows} rows, each recorded as
     * "auto" in {@link #sources()}:
     * <ul>
     * <li>batch: the largest power of two from 128 to 1024 that leaves at least 50 steps per epoch. Each step has a
     * fixed cost (a hand-over with resident tasks, a Spark job of a few ms otherwise: BENCHMARKS.md), so big data wants big
     * batches; small data wants enough steps to learn.</li>
     * <li>learning rate: the optimizer's rate at batch 128; above 128, times the square root of batch / 128 (a larger
     * batch gives a less noisy gradient, which takes a larger step).</li>
     * <li>augmentation: a one-pixel shift below 30,000 rows, where it regularises; above, 10 epochs underfit
     * and a shift only slows learning (BENCHMARKS.md).</li>
     * </ul>
     */
    public TrainConfig forTrainingRows(long rows) {
        if (isResolved()) return this;
        Builder b = toBuilder();
        String auto = String.format(java.util.Locale.ROOT, "auto for %,d training rows", rows);
        int batch = batchSize;
        if (batch == AUTO) {
            batch = MIN_AUTO_BATCH;
            while (batch * 2 <= MAX_AUTO_BATCH && (long) batch * 2 * AUTO_STEPS_PER_EPOCH <= rows) batch *= 2;
            b.batchSize(batch).source("batch", auto(auto, "batch"));
        }
        if (Double.isNaN(learningRate)) {
            b.learningRate(defaultLearningRate(optimizer) * Math.sqrt(Math.max(1, batch / 128.0))).source("lr", auto("auto for batch " + batch, "lr"));
        }
        if (augmentShift == AUTO) b.augmentShift(rows < AUGMENT_BELOW_ROWS ? 1 : 0).source("augmentShift", auto(auto, "augmentShift"));
        return b.build();
    }

    private String auto(String how, String key) {
        return how + " (" + sources.getOrDefault(key, "default") + ")";
    }

    private Builder toBuilder() {
        Builder b = new Builder().layers(architecture.sizes()).activation(architecture.hidden()).epochs(epochs)
                .batchSize(batchSize).optimizer(optimizer).schedule(schedule).weightDecay(weightDecay).seed(seed)
                .partitions(partitions).partitionsPerTask(partitionsPerTask).taskLifetime(taskLifetime).augmentShift(augmentShift).validationFraction(validationFraction).transfer(transfer);
        if (!Double.isNaN(learningRate)) b.learningRate(learningRate);
        sources.forEach(b::source);
        return b;
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }

    public static Builder builder() { return new Builder(); }

    public Architecture architecture() { return architecture; }
    public int epochs() { return epochs; }
    public int batchSize() { return batchSize; }
    public OptimizerSpec optimizer() { return optimizer; }
    public double learningRate() { return learningRate; }
    public ScheduleSpec schedule() { return schedule; }
    public double weightDecay() { return weightDecay; }
    public long seed() { return seed; }
    public int partitions() { return partitions; }
    /** How many partitions each task computes, on as many threads; 0: chosen for the master. Never changes the model. */
    public int partitionsPerTask() { return partitionsPerTask; }
    /** How long training tasks live, or null to choose for the master. Never changes the model. */
    public TaskLifetime taskLifetime() { return taskLifetime; }
    public int augmentShift() { return augmentShift; }
    public double validationFraction() { return validationFraction; }
    public WirePrecision transfer() { return transfer; }
    public Map<String, String> sources() { return sources; }

    /** The resolved values, as written to metrics.json: what the run learns, with where it works after the partitions. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        learned(partitions).forEach((key, value) -> {
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
        m.put("partitions_per_task", partitionsPerTask == 0 ? "auto" : partitionsPerTask);
        m.put("task_lifetime", taskLifetime == null ? "auto" : taskLifetime.displayName());
        return m;
    }

    /**
     * What the run learns: every setting that changes its model, on {@code partitions} partitions (they set the
     * order in which gradients add up), in metrics.json's order and names. The wire precision is among them: it
     * rounds the gradients.
     */
    Map<String, Object> learned(int partitions) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("layers", architecture.layersString());
        m.put("activation", architecture.hidden().displayName());
        m.put("epochs", epochs);
        m.put("batch", batchSize == AUTO ? "auto" : batchSize);
        m.put("optimizer", optimizer.describe());
        m.put("lr", Double.isNaN(learningRate) ? "auto" : learningRate);
        m.put("schedule", schedule.describe());
        m.put("weight_decay", weightDecay);
        m.put("seed", seed);
        m.put("partitions", partitions);
        m.put("augment_shift", augmentShift == AUTO ? "auto" : augmentShift);
        m.put("validation_fraction", validationFraction);
        m.put("transfer", transfer.displayName());
        return m;
    }

    public static final class Builder {
        private int[] layers = {784, 256, 128, 10};
        private Activation activation = Activation.RELU;
        private int epochs = 10;
        private int batchSize = AUTO;
        private OptimizerSpec optimizer = OptimizerSpec.parse("adam");
        private Double learningRate;
        private ScheduleSpec schedule = ScheduleSpec.parse("cosine:warmup=5%");
        private double weightDecay = 1e-4;
        private long seed = 1;
        private int partitions;
        private int partitionsPerTask;
        private TaskLifetime taskLifetime;
        private int augmentShift = AUTO;
        private double validationFraction = 0.1;
        private WirePrecision transfer = WirePrecision.FLOAT32;
        private final Map<String, String> sources = new LinkedHashMap<>();

        public Builder layers(int[] v) { layers = v.clone(); return this; }
        public Builder activation(Activation v) { activation = v; return this; }
        public Builder epochs(int v) { epochs = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder optimizer(OptimizerSpec v) { optimizer = v; return this; }
        public Builder learningRate(double v) { learningRate = v; return this; }
        public Builder schedule(ScheduleSpec v) { schedule = v; return this; }
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder partitions(int v) { partitions = v; return this; }
        public Builder partitionsPerTask(int v) { partitionsPerTask = v; return this; }
        /** null: auto. */
        public Builder taskLifetime(TaskLifetime v) { taskLifetime = v; return this; }
        public Builder augmentShift(int v) { augmentShift = v; return this; }
        public Builder validationFraction(double v) { validationFraction = v; return this; }
        public Builder transfer(WirePrecision v) { transfer = java.util.Objects.requireNonNull(v); return this; }
        /** Records where a setting's value came from, e.g. ("epochs", "--epochs"). */
        public Builder source(String key, String source) { sources.put(key, source); return this; }

        public TrainConfig build() { return new TrainConfig(this); }
    }
}
