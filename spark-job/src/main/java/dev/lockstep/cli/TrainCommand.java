package dev.lockstep.cli;

import dev.lockstep.LockstepException;
import dev.lockstep.UsageException;
import dev.lockstep.nn.Architecture;
import dev.lockstep.report.RunReport;
import dev.lockstep.train.Checkpoint;
import dev.lockstep.train.DriverMemory;
import dev.lockstep.train.ProgressListener;
import dev.lockstep.train.RunPlan;
import dev.lockstep.train.StartWeights;
import dev.lockstep.train.StepTimingListener;
import dev.lockstep.train.TrainConfig;
import dev.lockstep.train.Trainer;
import dev.lockstep.train.TrainingListener;
import dev.lockstep.train.TrainingResult;
import dev.lockstep.train.checkpoint.CheckpointListener;
import dev.lockstep.train.checkpoint.Checkpoints;
import dev.lockstep.workflow.ParentModel;
import dev.lockstep.workflow.RegistryRun;
import dev.lockstep.workflow.RunOutputs;
import dev.lockstep.workflow.TableInputs;
import dev.lockstep.workflow.TrainingInputs;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "train",
        sortOptions = false,
        mixinStandardHelpOptions = true,
        description = "Train an MLP classifier on images or table rows with synchronous data-parallel SGD on Spark.",
        footer = {
            "",
            "Every option can also be set as a Spark conf key spark.lockstep.<name> (e.g. in conf/lockstep.conf,",
            "or spark-submit --conf spark.lockstep.epochs=20); flags win over conf keys."
        })
final class TrainCommand implements Callable<Integer> {
    /** Older checkpoints are deleted: one to resume from, two in reserve should the newest be damaged. */
    static final int KEEP_CHECKPOINTS = 3;
    /** A candidate may score this much lower than the serving model (run-to-run noise) and still replace it. */
    static final double DEFAULT_TOLERANCE = 0.002;

    static final int DEFAULT_KEEP = 10;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--data",
            paramLabel = "DIR",
            description = "Directory with train-*/t10k-* IDX files (or train.csv/test.csv); with --format, the "
                    + "training table.")
    String data;

    @Option(
            names = "--train",
            paramLabel = "PATH",
            description = "Training file: IDX images (labels found beside it), IMAGES,LABELS, or CSV.")
    String train;

    @Option(
            names = "--test",
            paramLabel = "PATH",
            description = "Test file, same forms as --train. Without one, a seeded validation split is held out.")
    String test;

    @Option(
            names = "--format",
            paramLabel = "SOURCE",
            description = "Read --data/--train/--test with this Spark data source (parquet, orc, json, csv, ...; "
                    + "table: catalog table names) instead of as IDX, CSV or prepared files.")
    String format;

    @Mixin
    TableOptions table = new TableOptions();

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (any Hadoop FileSystem URI).")
    String out;

    @Option(
            names = "--layers",
            paramLabel = "N,N,...",
            description = "Layer sizes (default auto: 784,256,128,10; with --format, the data's features,256,128,"
                    + "its classes).")
    String layers;

    @Option(names = "--activation", description = "Hidden activation: relu, sigmoid, tanh (default relu).")
    String activation;

    @Option(names = "--epochs", description = "Passes over the training data (default 10).")
    String epochs;

    @Option(
            names = "--batch",
            description =
                    "Global mini-batch size, split over partitions (default auto: the largest power of two from 128 "
                            + "to 1024 " + "that leaves 50 steps per epoch).")
    String batch;

    @Option(names = "--optimizer", description = "sgd, momentum, nesterov or adam (default adam).")
    String optimizer;

    @Option(
            names = "--lr",
            description =
                    "Peak learning rate (default auto: 0.003 for adam, 0.05 momentum, 0.1 sgd, at batch 128; above it, "
                            + "times sqrt(batch/128)).")
    String lr;

    @Option(
            names = "--schedule",
            description = "Learning-rate schedule: constant, cosine or step (default cosine, 5%% warm-up).")
    String schedule;

    @Option(names = "--weight-decay", description = "L2 weight decay on weights, not biases (default 1e-4).")
    String weightDecay;

    @Option(names = "--seed", description = "Seed for initialisation, batches and augmentation (default 1).")
    String seed;

    @Option(names = "--partitions", description = "Data partitions (default: Spark's default parallelism).")
    String partitions;

    @Option(
            names = "--partitions-per-task",
            paramLabel = "N|auto",
            description = "Partitions each Spark task computes, one thread each; never changes the model "
                    + "(default auto: the local master's cores, or spark.executor.cores on a cluster, else "
                    + "1; at most --partitions).")
    String partitionsPerTask;

    @Option(
            names = "--task-lifetime",
            paramLabel = "step|epoch|auto",
            description = "How long a training task lives: one step (a Spark job per step) "
                    + "or one epoch (one job per epoch, its tasks handed each step's parameters); never "
                    + "changes the model (default auto: epoch where all the "
                    + "tasks can run at once, on the local master's cores or the registered executors' "
                    + "slots, else step).")
    String taskLifetime;

    @Option(
            names = "--exchange",
            paramLabel = "driver|sharded|auto",
            description = "How resident tasks' gradients reach the driver: sharded (reduced among the executors, "
                    + "about one model's bytes each way at the driver whatever their number) or driver (every "
                    + "task's whole gradient to the driver); never changes the model (default auto: in the "
                    + "driver's JVM on a local master, sharded on a cluster).")
    String exchange;

    @Option(
            names = "--augment-shift",
            paramLabel = "PIXELS",
            description = "Random translation of training images, 0 to disable (default auto: 1 below 30,000 training "
                    + "rows, else 0).")
    String augmentShift;

    @Option(
            names = "--validation-fraction",
            description = "Held-out fraction when there is no test set, or with --early-stop or --keep best "
                    + "(default 0.1).")
    String validationFraction;

    @Option(
            names = "--transfer",
            paramLabel = "float32|bf16",
            description =
                    "Precision of weights and gradients on the wire; the driver keeps float32 either way (default "
                            + "float32, exact).")
    String transfer;

    @Option(
            names = "--standardization",
            paramLabel = "true|false",
            description = "Standardize float features with a per-feature mean and deviation fitted on the training "
                    + "rows, recorded in the model; byte features (images) are always scaled by 1/255 (default true).")
    String standardization;

    @Option(
            names = "--early-stop",
            paramLabel = "patience=N[,min-delta=X][,metric=loss|accuracy]",
            description = "Stop when the validation loss (or accuracy) has not improved by more than min-delta "
                    + "(default 0) for N epochs; epochs are then evaluated on a seeded hold-out of the training rows, "
                    + "and a test set is scored once, at the end (default off).")
    String earlyStop;

    @Option(
            names = "--checkpoint-every",
            paramLabel = "STEPS",
            description = "Save a checkpoint every STEPS steps (default: never).")
    String checkpointEvery;

    @Option(
            names = "--checkpoint-dir",
            paramLabel = "DIR",
            description = "Where checkpoints go (default OUT/checkpoints).")
    String checkpointDir;

    @Option(
            names = "--resume",
            arity = "0..1",
            fallbackValue = "true",
            paramLabel = "true|false",
            description =
                    "Continue from the newest complete checkpoint, if there is one; the result is the same model as "
                            + "an uninterrupted run.")
    String resume;

    @Option(
            names = "--init-from",
            paramLabel = "MODEL",
            description = "Start from this model's weights (fresh optimizer state): a model file, a run directory, or "
                    + "current, the serving model of --registry (none yet: from scratch). Its layers, activation and "
                    + "input kind must be this run's.")
    String initFrom;

    @Option(
            names = "--registry",
            paramLabel = "URI",
            description = "Train into a new run of this model registry (instead of --out) and promote it if it is good "
                    + "enough.")
    String registry;

    @Option(
            names = "--tolerance",
            paramLabel = "FRACTION",
            description = "With --registry: promote when accuracy >= the current model's minus this (default 0.002).")
    String tolerance;

    @Option(
            names = "--keep",
            paramLabel = "best|last|RUNS",
            description = "best or last: which epoch's parameters become the model (default best with --early-stop, "
                    + "else last). A number, with --registry: keep this many newest runs, plus the current and "
                    + "rollback ones (default 10). May be given twice, once of each.")
    List<String> keep = List.of();

    @Option(names = "--master", description = "Spark master when run with the embedded Spark (default local[*]).")
    String master;

    @Option(
            names = "--progress",
            paramLabel = "bar|lines",
            description = "Progress as a bar redrawn in place, or as plain lines "
                    + "(default: bar on a terminal, else lines; or LOCKSTEP_PROGRESS).")
    String progress;

    @Option(
            names = "--no-report",
            negatable = false,
            description = "Do not write report.html and its pictures into the run directory.")
    boolean noReport;

    @picocli.CommandLine.ParentCommand
    Main parent;

    @Override
    public Integer call() {
        SparkSetup.Environment env = SparkSetup.Environment.load();
        ResolvedSettings settings = resolve(env);
        TrainConfig config = toConfig(settings);
        // Flags win over conf files: a flag for one side of an either/or pair sets aside the other side from a conf
        // file.
        settings.preferFlag(Setting.DATA, Setting.TRAIN);
        settings.preferFlag(Setting.OUT, Setting.REGISTRY);
        if (settings.has(Setting.DATA) && settings.has(Setting.TRAIN)) {
            throw new UsageException("give either --data DIR or --train PATH, not both");
        }
        if (settings.has(Setting.OUT) == settings.has(Setting.REGISTRY)) {
            throw new UsageException("give either --out DIR or --registry URI (which makes a run directory in it)");
        }
        if (!settings.has(Setting.DATA) && !settings.has(Setting.TRAIN)) {
            throw new UsageException("no training data given: use --data DIR or --train PATH");
        }
        for (Setting path : new Setting[] {
            Setting.DATA, Setting.TRAIN, Setting.TEST, Setting.OUT, Setting.REGISTRY, Setting.CHECKPOINT_DIR
        }) {
            settings.value(path); // an empty one is refused here, not as a missing file later
        }
        settings.value(Setting.INIT_FROM); // likewise
        if (master != null) SparkSetup.checkMaster(master);
        String tableFormat = settings.value(Setting.FORMAT);
        if (tableFormat == null && table.given()) {
            throw new UsageException(
                    "--features-col, --label-col and --read-option are for table input: give --format");
        }
        Integer everyGiven = settings.value(Setting.CHECKPOINT_EVERY);
        int every = everyGiven == null ? 0 : everyGiven;
        boolean resumeAsked = Boolean.TRUE.equals(settings.value(Setting.RESUME));
        if (resumeAsked && settings.has(Setting.REGISTRY)) {
            throw new UsageException("--resume needs --out DIR: each --registry run starts a new run directory "
                    + "(a YARN application's later attempt continues its own run without it)");
        }
        Double tolerance = settings.value(Setting.TOLERANCE);
        Integer keepRuns = settings.value(Setting.KEEP);
        // The flag only: a conf file may set keepRuns for all runs, registry or not.
        if (keepRuns != null
                && settings.source(Setting.KEEP).equals(Setting.KEEP.flag)
                && !settings.has(Setting.REGISTRY)) {
            throw new UsageException(
                    "--keep " + keepRuns + " is how many runs of --registry to keep, and this run has no "
                            + "registry: give --registry URI, or --keep best|last for which epoch's parameters to keep");
        }
        // Before anything is read or written: a network this driver cannot hold would only end in OutOfMemoryError.
        checkDriverMemory(config, every > 0, masterOf(env));
        Configuration hadoop = env.hadoop();
        RegistryRun registryRun = settings.has(Setting.REGISTRY)
                ? new RegistryRun(
                        hadoop,
                        settings.text(Setting.REGISTRY),
                        tolerance != null ? tolerance : DEFAULT_TOLERANCE,
                        keepRuns != null ? keepRuns : DEFAULT_KEEP,
                        yarnApplication(env.sparkConf()))
                : null;
        String outDir = registryRun != null ? registryRun.outDir() : settings.text(Setting.OUT);
        boolean resuming = resumeAsked || (registryRun != null && registryRun.continuesEarlierAttempt());

        ProgressListener.Mode progressMode =
                ProgressChoice.forProcess(progress, parent != null && parent.writesToProcessStderr());
        TeeWriter log = new TeeWriter(spec.commandLine().getErr());
        PrintWriter err = new PrintWriter(log, true);
        if (registryRun != null) {
            OptionalInt decided = registryRun.begin(err, ParentModel.CURRENT.equals(settings.text(Setting.INIT_FROM)));
            if (decided.isPresent()) return decided.getAsInt();
        }
        SparkSetup.Session early = null; // table input is read by Spark, so Spark starts before the plan
        TrainingInputs inputs = null;
        try {
            // After begin: a run already decided reads no model, and a continued one starts from the same parent.
            Optional<ParentModel> parentModel = settings.has(Setting.INIT_FROM)
                    ? ParentModel.resolve(hadoop, settings.text(Setting.INIT_FROM), registryRun, err)
                    : Optional.empty();
            if (parentModel.isPresent()) {
                config = inheritNetwork(settings, parentModel.get());
                checkDriverMemory(config, every > 0, masterOf(env));
            }
            RunOutputs outputs = new RunOutputs(
                    hadoop, outDir, parentModel.map(ParentModel::toMap).orElse(null));
            outputs.checkWritable();
            if (tableFormat != null) {
                early = SparkSetup.start(env.sparkConf(), master, "lockstep-train");
                inputs = TableInputs.on(
                                early.context(),
                                tableFormat,
                                settings.has(Setting.FEATURES_COL) ? settings.value(Setting.FEATURES_COL) : "features",
                                settings.has(Setting.LABEL_COL) ? settings.value(Setting.LABEL_COL) : "label")
                        .withOptions(table.readOptions)
                        .open(
                                settings.has(Setting.DATA) ? settings.text(Setting.DATA) : settings.text(Setting.TRAIN),
                                settings.text(Setting.TEST),
                                config.validationFraction(),
                                config.seed(),
                                config.selectsEpochs());
                if (settings.value(Setting.LAYERS) == null) {
                    config = autoLayers(settings, inputs);
                    checkDriverMemory(config, every > 0, early.context().master());
                }
            } else {
                inputs = TrainingInputs.open(
                        hadoop,
                        settings.text(Setting.DATA),
                        settings.text(Setting.TRAIN),
                        settings.text(Setting.TEST),
                        config.validationFraction(),
                        config.seed(),
                        config.selectsEpochs());
                if (settings.value(Setting.LAYERS) == null && inputs.train().height() == 1) {
                    config = autoLayers(settings, inputs); // a prepared table's rows: sized as from the table
                    checkDriverMemory(config, every > 0, masterOf(env));
                }
            }
            // Before training (for files, before Spark) starts: a bad option fails fast.
            RunPlan plan = RunPlan.of(config, inputs.train(), inputs.eval(), inputs.evalName(), inputs.test());
            config = plan.config();
            int epochs = config.epochs();
            config.earlyStop()
                    .filter(stop -> stop.patience() >= epochs)
                    .ifPresent(stop -> err.println("[lockstep] warning: --early-stop patience=" + stop.patience()
                            + " is not below --epochs " + epochs + ": the run cannot stop early"));
            Architecture arch = config.architecture();
            boolean bytes = inputs.train().byteFeatures();
            parentModel.ifPresent(p -> {
                p.checkFits(arch, bytes);
                err.println("[lockstep] --init-from: starting from the weights of " + p.uri());
            });
            StartWeights start = parentModel.map(ParentModel::startWeights).orElse(null);
            Checkpoints checkpoints = new Checkpoints(
                    hadoop,
                    settings.has(Setting.CHECKPOINT_DIR)
                            ? settings.text(Setting.CHECKPOINT_DIR)
                            : new Path(outDir, "checkpoints").toString(),
                    KEEP_CHECKPOINTS);
            Optional<Checkpoint> from = resuming ? checkpoints.latest(config, err) : Optional.empty();
            if (resuming && from.isEmpty()) {
                err.println("[lockstep] " + (resumeAsked ? "--resume" : "registry") + ": no checkpoint in "
                        + checkpoints.directory() + ", starting from the beginning");
            }
            StepTimingListener timings = new StepTimingListener();
            List<TrainingListener> listeners =
                    new ArrayList<>(List.of(new ProgressListener(err, progressMode), timings));
            if (every > 0)
                listeners.add(new CheckpointListener(
                        checkpoints, every, !resuming)); // a fresh run replaces others' checkpoints

            // Resources close in reverse: the rows are released while Spark still runs.
            try (SparkSetup.Session session =
                            early != null ? early : SparkSetup.start(env.sparkConf(), master, "lockstep-train");
                    TrainingInputs closedFirst = inputs) {
                RunPlan.Placed placed = plan.placedOn(session.context(), start);
                if (from.isEmpty() && start != null) from = Optional.of(start.checkpoint(placed));
                TrainingResult result = new Trainer(session.context(), listeners).fit(placed, from);
                Map<String, Object> location = new LinkedHashMap<>();
                location.put("data", qualified(hadoop, settings.text(Setting.DATA)));
                location.put("train", qualified(hadoop, settings.text(Setting.TRAIN)));
                location.put("test", qualified(hadoop, settings.text(Setting.TEST)));
                if (tableFormat != null) {
                    location.put("format", tableFormat);
                    if (tableFormat.equals(TableInputs.TABLE)) { // names, not paths
                        location.put("data", settings.text(Setting.DATA));
                        location.put("train", settings.text(Setting.TRAIN));
                        location.put("test", settings.text(Setting.TEST));
                    }
                }
                outputs.write(
                        config,
                        result,
                        inputs.scoredName(),
                        inputs.description(),
                        inputs.fingerprint(),
                        location,
                        timings.medianMillis());
                if (timings.steps() > 0) err.println("[lockstep] " + timings.describe());
                err.printf(
                        Locale.ROOT,
                        "[lockstep] done: %s_accuracy %.2f%%  %s_loss %.4f  %d steps in %.1f s (%,.0f examples/s); "
                                + "model in %s%n",
                        inputs.scoredName(),
                        100 * result.finalEvaluation().accuracy(),
                        inputs.scoredName(),
                        result.finalEvaluation().loss(),
                        result.steps(),
                        result.trainSeconds(),
                        result.examplesPerSecond(),
                        outputs.modelUri());
                if (!noReport) report(hadoop, outDir, err);
                if (registryRun == null) return 0;
                int code = registryRun.conclude(session.context(), result, inputs.scored(), inputs.scoredName(), err);
                registryRun.writeLog(log.captured());
                return code;
            }
        } catch (RuntimeException e) {
            if (inputs != null) inputs.close(); // a no-op when the session's end did it
            if (early != null) early.close();
            if (registryRun != null) {
                try {
                    registryRun.failed(e, log.captured());
                } catch (RuntimeException recording) {
                    e.addSuppressed(recording); // the training failure is the news, not the bookkeeping one
                }
            }
            throw e;
        }
    }

    /** The Spark master this run will use: {@code --master}, else the conf's, else the embedded default. */
    private String masterOf(SparkSetup.Environment env) {
        return master != null ? master : env.sparkConf().get("spark.master", SparkSetup.DEFAULT_MASTER);
    }

    /**
     * Before anything (more) is read or written: a network this driver cannot hold would only end in
     * OutOfMemoryError. Again whenever the network changes (auto layers, a parent's network).
     */
    private static void checkDriverMemory(TrainConfig config, boolean checkpointing, String master) {
        DriverMemory.check(
                config,
                checkpointing,
                DriverMemory.localThreads(master, config.partitions()),
                Runtime.getRuntime().maxMemory());
    }

    /**
     * A warm start continues its parent's network: {@code --layers auto} and an activation given nowhere become the
     * parent's, recorded as such in the run's config sources. Given ones stay, and must then match the parent's. So
     * does a float parent's {@code --standardization}, checked here: its scaling is kept, not refitted.
     */
    private static TrainConfig inheritNetwork(ResolvedSettings settings, ParentModel parent) {
        String from = "from --init-from " + parent.uri();
        if (settings.value(Setting.LAYERS) == null) {
            settings.put(
                    Setting.LAYERS,
                    parent.architecture().layersString(),
                    from + " (" + settings.source(Setting.LAYERS) + ")");
        }
        if (!settings.has(Setting.ACTIVATION)) {
            settings.put(Setting.ACTIVATION, parent.architecture().hidden().displayName(), from);
        }
        Optional<Boolean> standardization = parent.standardization(); // empty: on bytes, where it changes nothing
        if (standardization.isPresent()) {
            if (settings.has(Setting.STANDARDIZATION)) {
                parent.checkStandardization(
                        settings.value(Setting.STANDARDIZATION), settings.source(Setting.STANDARDIZATION));
            } else {
                settings.put(Setting.STANDARDIZATION, standardization.get().toString(), from);
            }
        }
        return toConfig(settings);
    }

    /**
     * {@code --layers auto} for table input: the rows' width, the two hidden layers of the image default, and a class
     * for every label seen (at least two); recorded as auto in the run's config sources. Always storable: a table's
     * rows are refused beyond the largest layer's width, and its labels beyond the largest layer's classes.
     */
    private static TrainConfig autoLayers(ResolvedSettings settings, TrainingInputs inputs) {
        int features = inputs.train().features();
        int labels = Math.max(
                inputs.train().maxLabel(),
                Math.max(inputs.eval().maxLabel(), inputs.scored().maxLabel()));
        int classes = Math.max(2, labels + 1);
        settings.put(
                Setting.LAYERS,
                features + ",256,128," + classes,
                String.format(
                        Locale.ROOT,
                        "auto for %d features and %d classes (%s)",
                        features,
                        classes,
                        settings.source(Setting.LAYERS)));
        return toConfig(settings);
    }

    /**
     * The YARN application whose driver this is, if YARN runs the driver: its application master sets the id and the
     * cluster deploy mode, the same for every attempt of the application.
     */
    static Optional<String> yarnApplication(SparkConf conf) {
        // Both, so that a spark.yarn.app.id given by hand to client-mode runs cannot join one night's run to the next.
        if (!"cluster".equals(conf.get("spark.submit.deployMode", "client"))) return Optional.empty();
        return Optional.ofNullable(conf.get("spark.yarn.app.id", null));
    }

    /**
     * The model is written and good whatever happens here: a report that cannot be drawn is a warning, not a
     * failed run (nor, with --registry, a reason to keep the current model).
     */
    private static void report(Configuration hadoop, String outDir, PrintWriter err) {
        try {
            ReportCommand.print(err, RunReport.write(hadoop, outDir, null));
        } catch (RuntimeException | LinkageError e) {
            err.println("[lockstep] warning: no report: " + LockstepException.describe(e));
        }
    }

    /**
     * Relative paths made absolute, so that a report run from elsewhere finds the data; IMAGES,LABELS pairs part by
     * part.
     */
    static String qualified(Configuration hadoop, String path) {
        if (path == null) return null;
        StringBuilder b = new StringBuilder();
        for (String part : path.split(",", -1)) {
            if (b.length() > 0) b.append(',');
            try {
                Path p = new Path(part.strip());
                b.append(p.getFileSystem(hadoop).makeQualified(p));
            } catch (IOException | IllegalArgumentException e) {
                b.append(part); // as given: the report can still be pointed at the data with --data
            }
        }
        return b.toString();
    }

    /** Defaults, then conf files, then Spark conf keys, then flags. */
    private ResolvedSettings resolve(SparkSetup.Environment env) {
        Map<Setting, String> flags = new EnumMap<>(Setting.class);
        flags.put(Setting.DATA, data);
        flags.put(Setting.TRAIN, train);
        flags.put(Setting.TEST, test);
        flags.put(Setting.OUT, out);
        flags.put(Setting.LAYERS, layers);
        flags.put(Setting.ACTIVATION, activation);
        flags.put(Setting.EPOCHS, epochs);
        flags.put(Setting.BATCH, batch);
        flags.put(Setting.OPTIMIZER, optimizer);
        flags.put(Setting.LR, lr);
        flags.put(Setting.SCHEDULE, schedule);
        flags.put(Setting.WEIGHT_DECAY, weightDecay);
        flags.put(Setting.SEED, seed);
        flags.put(Setting.PARTITIONS, partitions);
        flags.put(Setting.PARTITIONS_PER_TASK, partitionsPerTask);
        flags.put(Setting.TASK_LIFETIME, taskLifetime);
        flags.put(Setting.EXCHANGE, exchange);
        flags.put(Setting.AUGMENT_SHIFT, augmentShift);
        flags.put(Setting.VALIDATION_FRACTION, validationFraction);
        flags.put(Setting.TRANSFER, transfer);
        flags.put(Setting.STANDARDIZATION, standardization);
        flags.put(Setting.CHECKPOINT_EVERY, checkpointEvery);
        flags.put(Setting.CHECKPOINT_DIR, checkpointDir);
        flags.put(Setting.RESUME, resume);
        flags.put(Setting.INIT_FROM, initFrom);
        flags.put(Setting.REGISTRY, registry);
        flags.put(Setting.TOLERANCE, tolerance);
        flags.put(Setting.EARLY_STOP, earlyStop);
        keepFlags(flags);
        flags.put(Setting.FORMAT, format);
        flags.put(Setting.FEATURES_COL, table.featuresCol);
        flags.put(Setting.LABEL_COL, table.labelCol);
        return resolve(env.confFiles(), env.sparkConf(), flags);
    }

    /** {@code --keep best|last} and {@code --keep RUNS} share the flag: a whole number is the runs. */
    private void keepFlags(Map<Setting, String> flags) {
        for (String value : keep) {
            Setting s = value.strip().matches("[+-]?\\d+") ? Setting.KEEP : Setting.KEEP_PARAMS;
            if (flags.put(s, value) != null) {
                throw new UsageException("--keep given twice for "
                        + (s == Setting.KEEP ? "the runs to keep" : "which epoch to keep") + ": give it once");
            }
        }
    }

    static ResolvedSettings resolve(SparkSetup.ConfFiles files, SparkConf sparkConf, Map<Setting, String> flags) {
        ResolvedSettings s = new ResolvedSettings();
        String fileName = files.description() + "/lockstep.conf";
        files.entries().forEach((k, v) -> {
            Setting setting = k.startsWith(Setting.PREFIX) ? Setting.fromSparkKey(k) : null;
            if (setting != null) s.put(setting, v, fileName);
        });
        for (scala.Tuple2<String, String> kv : sparkConf.getAllWithPrefix(Setting.PREFIX)) {
            Setting setting = Setting.fromSparkKey(Setting.PREFIX + kv._1());
            if (setting == null) {
                throw new UsageException("unknown setting " + Setting.PREFIX + kv._1() + " (known: "
                        + Arrays.stream(Setting.values()).map(x -> x.key).collect(Collectors.joining(", "))
                        + ")");
            }
            // The conf file's entries were copied into the Spark conf; only a different value came from elsewhere.
            String fromFile = files.entries().get(Setting.PREFIX + kv._1());
            if (!kv._2().equals(fromFile)) s.put(setting, kv._2(), "spark conf " + setting.sparkKey());
        }
        flags.forEach((setting, value) -> s.put(setting, value, setting.flag));
        return s;
    }

    static TrainConfig toConfig(ResolvedSettings s) {
        TrainConfig.Builder b = TrainConfig.builder();
        if (s.has(Setting.ACTIVATION)) b.activation(s.value(Setting.ACTIVATION));
        int[] layers = s.value(Setting.LAYERS);
        if (layers != null) b.layers(layers); // auto: the builder's 784,256,128,10, or table input's (autoLayers)
        if (s.has(Setting.EPOCHS)) b.epochs(s.value(Setting.EPOCHS));
        if (s.has(Setting.BATCH)) b.batchSize(s.value(Setting.BATCH));
        if (s.has(Setting.OPTIMIZER)) b.optimizer(s.value(Setting.OPTIMIZER));
        if (s.has(Setting.LR)) b.learningRate(s.value(Setting.LR));
        if (s.has(Setting.SCHEDULE)) b.schedule(s.value(Setting.SCHEDULE));
        if (s.has(Setting.WEIGHT_DECAY)) b.weightDecay(s.value(Setting.WEIGHT_DECAY));
        if (s.has(Setting.SEED)) b.seed(s.value(Setting.SEED));
        if (s.has(Setting.PARTITIONS)) b.partitions(s.value(Setting.PARTITIONS));
        if (s.has(Setting.PARTITIONS_PER_TASK)) b.partitionsPerTask(s.value(Setting.PARTITIONS_PER_TASK));
        if (s.has(Setting.TASK_LIFETIME)) b.taskLifetime(s.value(Setting.TASK_LIFETIME));
        if (s.has(Setting.EXCHANGE)) b.exchange(s.value(Setting.EXCHANGE));
        if (s.has(Setting.AUGMENT_SHIFT)) b.augmentShift(s.value(Setting.AUGMENT_SHIFT));
        if (s.has(Setting.TRANSFER)) b.transfer(s.value(Setting.TRANSFER));
        if (s.has(Setting.STANDARDIZATION)) b.standardization(s.value(Setting.STANDARDIZATION));
        if (s.has(Setting.VALIDATION_FRACTION)) b.validationFraction(s.value(Setting.VALIDATION_FRACTION));
        if (s.has(Setting.EARLY_STOP)) b.earlyStop(s.value(Setting.EARLY_STOP));
        if (s.has(Setting.KEEP_PARAMS)) b.keep(s.value(Setting.KEEP_PARAMS));
        s.sources().forEach(b::source);
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /**
     * Spark's default parallelism on a cluster counts the executor cores registered when the job starts, which
     * varies from run to run; the partition count is part of what makes a run reproducible, so it must be chosen.
     */
}
