package dev.lockstep.cli;

import dev.lockstep.model.ModelFile;
import dev.lockstep.nn.Activation;
import dev.lockstep.nn.Architecture;
import dev.lockstep.optim.OptimizerSpec;
import dev.lockstep.optim.ScheduleSpec;
import dev.lockstep.train.EarlyStop;
import dev.lockstep.train.EpochSelection;
import dev.lockstep.train.exchange.Exchange;
import dev.lockstep.train.step.TaskLifetime;
import dev.lockstep.train.sum.WirePrecision;
import java.util.Locale;
import java.util.function.Function;

/**
 * Every training setting, with its one name in all the places it can be given: the Spark conf key
 * {@code spark.lockstep.<key>} (from {@code conf/lockstep.conf}, {@code --properties-file} or {@code --conf}) and
 * the command-line flag. Later sources override earlier: default, conf file, Spark conf, flag.
 *
 * <p>Each setting also declares, once, what a valid value is and how its text becomes one, so that a value is
 * refused where it is read, whichever source it came from ({@link ResolvedSettings#value}).
 */
enum Setting {
    DATA("data", "--data", "a directory", Setting::path),
    TRAIN("train", "--train", "a path", Setting::path),
    TEST("test", "--test", "a path", Setting::path),
    OUT("out", "--out", "a directory", Setting::path),
    // auto (null): 784,256,128,10 for images from files, <features>,256,128,<classes> for table input.
    LAYERS(
            "layers",
            "--layers",
            "auto or comma-separated layer sizes, e.g. 784,128,10",
            v -> isAuto(v) ? null : layers(v)),
    ACTIVATION("activation", "--activation", "relu, sigmoid or tanh", Activation::parse),
    // 0 epochs would replace a trained model with an untrained one.
    EPOCHS("epochs", "--epochs", "a whole number of epochs, 1 or more", v -> whole(v, 1, Integer.MAX_VALUE)),
    BATCH(
            "batch",
            "--batch",
            "auto or a whole number, 1 or more",
            v -> isAuto(v) ? null : whole(v, 1, Integer.MAX_VALUE)),
    OPTIMIZER("optimizer", "--optimizer", "sgd, momentum, nesterov or adam", OptimizerSpec::parse),
    // null stands for auto, as in TrainConfig, for every setting that has an auto value; a NaN given is refused.
    LR("lr", "--lr", "auto or a number > 0", v -> isAuto(v) ? null : number(v, 0, false, Double.MAX_VALUE)),
    SCHEDULE("schedule", "--schedule", "constant, cosine or step", ScheduleSpec::parse),
    WEIGHT_DECAY("weightDecay", "--weight-decay", "a number >= 0", v -> number(v, 0, true, Double.MAX_VALUE)),
    SEED("seed", "--seed", "a whole number", Long::parseLong),
    PARTITIONS(
            "partitions",
            "--partitions",
            "a whole number of partitions, 1 or more",
            v -> whole(v, 1, Integer.MAX_VALUE)),
    PARTITIONS_PER_TASK(
            "partitionsPerTask",
            "--partitions-per-task",
            "auto or a whole number, 1 or more",
            v -> isAuto(v) ? null : whole(v, 1, Integer.MAX_VALUE)),
    TASK_LIFETIME("taskLifetime", "--task-lifetime", "step, epoch or auto", TaskLifetime::parse),
    EXCHANGE("exchange", "--exchange", "driver, sharded or auto", Exchange::parse),
    AUGMENT_SHIFT("augmentShift", "--augment-shift", "auto or 0 to 4 pixels", v -> isAuto(v) ? null : whole(v, 0, 4)),
    VALIDATION_FRACTION(
            "validationFraction",
            "--validation-fraction",
            "a fraction above 0 and at most 0.5",
            v -> number(v, 0, false, 0.5)),
    TRANSFER("transfer", "--transfer", "float32 or bf16", WirePrecision::parse),
    STANDARDIZATION("standardization", "--standardization", "true or false", Setting::bool),
    // off: every epoch runs; else patience=N[,min-delta=X][,metric=loss|accuracy].
    EARLY_STOP(
            "earlyStop",
            "--early-stop",
            "off or patience=N[,min-delta=X][,metric=loss|accuracy]",
            v -> v.equalsIgnoreCase("off") ? null : EarlyStop.parse(v)),
    // --keep takes best|last or, with --registry, a number of runs (KEEP); TrainCommand tells them apart.
    KEEP_PARAMS("keepParams", "--keep", "best or last", EpochSelection.Keep::parse),
    CHECKPOINT_EVERY(
            "checkpointEvery",
            "--checkpoint-every",
            "a whole number of steps, 1 or more",
            v -> whole(v, 1, Integer.MAX_VALUE)),
    CHECKPOINT_DIR("checkpointDir", "--checkpoint-dir", "a directory", Setting::path),
    RESUME("resume", "--resume", "true or false", Setting::bool),
    // A model file, a run directory, or "current" (the serving model of --registry); unset: from scratch.
    INIT_FROM("initFrom", "--init-from", "a model file, a run directory or current", Setting::path),
    REGISTRY("registry", "--registry", "a registry URI", Setting::path),
    TOLERANCE("promotionTolerance", "--tolerance", "a fraction from 0 to 1", v -> number(v, 0, true, 1)),
    KEEP("keepRuns", "--keep", "a whole number of runs, 1 or more", v -> whole(v, 1, Integer.MAX_VALUE)),
    // A Spark data source: --data/--train/--test are then its locations (or, for "table", table names).
    FORMAT("format", "--format", "a Spark data source (parquet, orc, json, csv, ...) or table", Setting::path),
    FEATURES_COL("featuresCol", "--features-col", "a column name", Setting::path),
    LABEL_COL("labelCol", "--label-col", "a column name", Setting::path);

    static final String PREFIX = "spark.lockstep.";

    final String key;
    final String flag;
    /** What a valid value is, in the user's words: the end of the message that refuses one. */
    final String expected;

    private final Function<String, ?> parser;

    Setting(String key, String flag, String expected, Function<String, ?> parser) {
        this.key = key;
        this.flag = flag;
        this.expected = expected;
        this.parser = parser;
    }

    String sparkKey() {
        return PREFIX + key;
    }

    /**
     * The value of {@code text}, checked. A {@link NumberFormatException} (also for a number out of range) means
     * "not what {@link #expected} says"; any other {@link IllegalArgumentException} carries its own reason.
     */
    Object parse(String text) {
        return parser.apply(text);
    }

    static Setting fromSparkKey(String sparkKey) {
        String k = sparkKey.substring(PREFIX.length());
        for (Setting s : values()) if (s.key.equalsIgnoreCase(k)) return s;
        return null;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    private static boolean isAuto(String v) {
        return v.equalsIgnoreCase("auto");
    }

    private static String path(String v) {
        if (v.isEmpty()) throw new NumberFormatException("empty");
        return v;
    }

    /** The layer sizes of a network that can be trained here and then stored: the model file's limits apply. */
    private static int[] layers(String v) {
        Architecture arch = Architecture.parse(v, Activation.RELU); // the activation does not change the sizes' limits
        ModelFile.checkStorable(arch);
        return arch.sizes();
    }

    private static int whole(String v, int min, int max) {
        int n = Integer.parseInt(v);
        if (n < min || n > max) throw new NumberFormatException("out of range");
        return n;
    }

    /** A finite number from {@code min} (included or not) to {@code max}: NaN and infinities are never a setting. */
    private static double number(String v, double min, boolean minIncluded, double max) {
        double x = Double.parseDouble(v);
        if (!Double.isFinite(x) || x < min || (x == min && !minIncluded) || x > max)
            throw new NumberFormatException("out of range");
        return x;
    }

    private static boolean bool(String v) {
        if (v.equalsIgnoreCase("true")) return true;
        if (v.equalsIgnoreCase("false")) return false;
        throw new NumberFormatException("not a boolean");
    }
}
