package dev.lockstep.cli;

import java.util.Locale;

/**
 * Every training setting, with its one name in all the places it can be given: the Spark conf key
 * {@code spark.lockstep.<key>} (from {@code conf/lockstep.conf}, {@code --properties-file} or {@code --conf}) and
 * the command-line flag. Later sources override earlier: default, conf file, Spark conf, flag.
 */
enum Setting {
    DATA("data", "--data"),
    TRAIN("train", "--train"),
    TEST("test", "--test"),
    OUT("out", "--out"),
    LAYERS("layers", "--layers"),
    ACTIVATION("activation", "--activation"),
    EPOCHS("epochs", "--epochs"),
    BATCH("batch", "--batch"),
    OPTIMIZER("optimizer", "--optimizer"),
    LR("lr", "--lr"),
    SCHEDULE("schedule", "--schedule"),
    WEIGHT_DECAY("weightDecay", "--weight-decay"),
    SEED("seed", "--seed"),
    PARTITIONS("partitions", "--partitions"),
    PARTITIONS_PER_TASK("partitionsPerTask", "--partitions-per-task"),
    TASK_LIFETIME("taskLifetime", "--task-lifetime"),
    AUGMENT_SHIFT("augmentShift", "--augment-shift"),
    VALIDATION_FRACTION("validationFraction", "--validation-fraction"),
    TRANSFER("transfer", "--transfer"),
    CHECKPOINT_EVERY("checkpointEvery", "--checkpoint-every"),
    CHECKPOINT_DIR("checkpointDir", "--checkpoint-dir"),
    RESUME("resume", "--resume"),
    REGISTRY("registry", "--registry"),
    TOLERANCE("promotionTolerance", "--tolerance"),
    KEEP("keepRuns", "--keep");

    static final String PREFIX = "spark.lockstep.";

    final String key;
    final String flag;

    Setting(String key, String flag) {
        this.key = key;
        this.flag = flag;
    }

    String sparkKey() { return PREFIX + key; }

    static Setting fromSparkKey(String sparkKey) {
        String k = sparkKey.substring(PREFIX.length());
        for (Setting s : values()) if (s.key.equalsIgnoreCase(k)) return s;
        return null;
    }

    @Override public String toString() { return name().toLowerCase(Locale.ROOT); }
}
