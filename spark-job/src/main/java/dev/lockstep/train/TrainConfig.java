package dev.lockstep.train;

import dev.lockstep.nn.Activation;
import dev.lockstep.nn.Architecture;
import dev.lockstep.optim.OptimizerSpec;
import dev.lockstep.optim.ScheduleSpec;
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
    private final int augmentShift;
    private final double validationFraction;
    private final Map<String, String> sources;

    private TrainConfig(Builder b) {
        this.architecture = new Architecture(b.layers, b.activation);
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.optimizer = b.optimizer;
        this.learningRate = b.learningRate != null ? b.learningRate : defaultLearningRate(b.optimizer);
        this.schedule = b.schedule;
        this.weightDecay = b.weightDecay;
        this.seed = b.seed;
        this.partitions = b.partitions;
        this.augmentShift = b.augmentShift;
        this.validationFraction = b.validationFraction;
        this.sources = Collections.unmodifiableMap(new LinkedHashMap<>(b.sources));
        require(epochs >= 0, "epochs must be 0 or more, got " + epochs);
        require(batchSize >= 1, "batch size must be positive, got " + batchSize);
        require(learningRate > 0 && Double.isFinite(learningRate), "learning rate must be a positive number, got " + learningRate);
        require(weightDecay >= 0 && Double.isFinite(weightDecay), "weight decay must be 0 or more, got " + weightDecay);
        require(partitions >= 0, "partitions must be positive, got " + partitions);
        require(augmentShift >= 0 && augmentShift <= 4, "augment shift must be 0..4 pixels, got " + augmentShift);
        require(validationFraction > 0 && validationFraction <= 0.5,
                "validation fraction must be in (0, 0.5], got " + validationFraction);
    }

    /** Adam wants a small step; plain SGD a large one. */
    static double defaultLearningRate(OptimizerSpec spec) {
        return switch (spec.kind()) {
            case ADAM -> 0.003;
            case SGD -> 0.1;
            default -> 0.05;
        };
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
    public int augmentShift() { return augmentShift; }
    public double validationFraction() { return validationFraction; }
    public Map<String, String> sources() { return sources; }

    /** The resolved values, as written to metrics.json. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("layers", architecture.layersString());
        m.put("activation", architecture.hidden().displayName());
        m.put("epochs", epochs);
        m.put("batch", batchSize);
        m.put("optimizer", optimizer.describe());
        m.put("lr", learningRate);
        m.put("schedule", schedule.describe());
        m.put("weight_decay", weightDecay);
        m.put("seed", seed);
        m.put("partitions", partitions);
        m.put("augment_shift", augmentShift);
        m.put("validation_fraction", validationFraction);
        return m;
    }

    public static final class Builder {
        private int[] layers = {784, 256, 128, 10};
        private Activation activation = Activation.RELU;
        private int epochs = 10;
        private int batchSize = 128;
        private OptimizerSpec optimizer = OptimizerSpec.parse("adam");
        private Double learningRate;
        private ScheduleSpec schedule = ScheduleSpec.parse("cosine:warmup=5%");
        private double weightDecay = 1e-4;
        private long seed = 1;
        private int partitions;
        private int augmentShift = 1;
        private double validationFraction = 0.1;
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
        public Builder augmentShift(int v) { augmentShift = v; return this; }
        public Builder validationFraction(double v) { validationFraction = v; return this; }
        /** Records where a setting's value came from, e.g. ("epochs", "--epochs"). */
        public Builder source(String key, String source) { sources.put(key, source); return this; }

        public TrainConfig build() { return new TrainConfig(this); }
    }
}
