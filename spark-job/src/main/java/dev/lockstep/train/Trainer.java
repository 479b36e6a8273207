package dev.lockstep.train;

import dev.lockstep.LockstepException;
import dev.lockstep.io.Json;
import dev.lockstep.model.InputScaling;
import dev.lockstep.nn.Architecture;
import dev.lockstep.nn.Initializer;
import dev.lockstep.optim.Optimizer;
import dev.lockstep.train.rows.CachedRows;
import dev.lockstep.train.rows.RowSource;
import dev.lockstep.train.step.EpochSteps;
import dev.lockstep.train.step.Evaluation;
import dev.lockstep.train.step.InputTransform;
import dev.lockstep.train.step.Placement;
import dev.lockstep.train.step.SyncStep;
import dev.lockstep.train.step.TaskLifetime;
import dev.lockstep.train.timing.StepTime;
import dev.lockstep.train.timing.StepTimeSamples;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The synchronous training loop: for each step, the batch plan names the rows, the cluster computes the summed
 * gradient, and the driver averages it and applies weight decay and the optimizer. Optimizer state never leaves
 * the driver. Everything else (progress, history, checkpoints) hangs off {@link TrainingListener}s.
 */
public final class Trainer {
    private final JavaSparkContext sc;
    private final TrainConfig config;
    private final List<TrainingListener> listeners;

    public Trainer(JavaSparkContext sc, TrainConfig config, List<TrainingListener> listeners) {
        this.sc = sc;
        this.config = config;
        this.listeners = List.copyOf(listeners);
    }

    /**
     * The checks of {@code config} that need the training set's size, for callers to make before they start Spark
     * and cache the data: the batch fits in the data, the schedule's warm-up is shorter than the run.
     *
     * @throws IllegalArgumentException naming the setting at fault
     */
    public static void checkAgainstData(TrainConfig config, long trainRows) {
        TrainConfig c = config.forTrainingRows(trainRows);
        if (trainRows < c.batchSize()) {
            throw new IllegalArgumentException(String.format("--batch %d is larger than the %,d training rows", c.batchSize(), trainRows));
        }
        BatchPlan plan = new BatchPlan(c.seed(), trainRows, c.batchSize());
        long totalSteps = (long) plan.stepsPerEpoch() * c.epochs();
        try {
            c.schedule().create(c.learningRate(), Math.max(1, totalSteps), plan.stepsPerEpoch());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--schedule " + c.schedule() + ": " + e.getMessage(), e);
        }
    }

    /** Trains from scratch. */
    public TrainingResult fit(RowSource train, RowSource eval, String evalName) {
        return fit(train, eval, evalName, Optional.empty());
    }

    /**
     * Trains on {@code train} and evaluates on {@code eval} after every epoch, continuing from {@code resume} when
     * given: the result is then bit-for-bit the one an uninterrupted run would have produced.
     *
     * @param evalName "test" or "validation", for messages
     */
    public TrainingResult fit(RowSource train, RowSource eval, String evalName, Optional<Checkpoint> resume) {
        TrainConfig config = this.config.forTrainingRows(train.count());
        Architecture arch = config.architecture();
        DataFit.LAYERS.check(arch, train, "the training data");
        DataFit.LAYERS.check(arch, eval, "the " + evalName + " data");
        try {
            checkAgainstData(config, train.count());
        } catch (IllegalArgumentException e) {
            throw new LockstepException(e.getMessage());
        }
        int partitions = config.partitions() > 0 ? config.partitions() : sc.defaultParallelism();
        int perTask = Placement.partitionsPerTask(sc, config.partitionsPerTask(), partitions);
        BatchPlan plan = new BatchPlan(config.seed(), train.count(), config.batchSize());
        long totalSteps = (long) plan.stepsPerEpoch() * config.epochs();
        String fingerprint = fingerprint(config, partitions, train, eval);

        RunState run = new RunState(fingerprint, Initializer.initialize(arch, config.seed()), config.optimizer().create(arch.parameterCount()));
        resume.ifPresent(c -> run.restore(c, plan.stepsPerEpoch()));
        // A zero-epoch run (a baseline of the untrained network) still needs a valid schedule, though it never asks it.
        ParameterUpdate update = ParameterUpdate.forRun(config, Math.max(1, totalSteps), plan.stepsPerEpoch());
        InputTransform trainInput = InputTransform.forTraining(arch.inputSize(), config.seed(), config.augmentShift(),
                train.height(), train.width());
        InputTransform evalInput = InputTransform.plain(arch.inputSize(), InputScaling.UNIT);
        SyncStep step = new SyncStep(sc, arch, config.transfer());

        try (CachedRows trainRows = CachedRows.cache(sc, train, partitions, perTask, "lockstep-train");
             CachedRows evalRows = CachedRows.cache(sc, eval, partitions, perTask, "lockstep-" + evalName)) {
            TaskLifetime lifetime = Placement.taskLifetime(sc, config.taskLifetime(), trainRows.layout().tasks());
            listeners.forEach(l -> l.onStart(new TrainingListener.RunInfo(config, train.count(), eval.count(), evalName, partitions,
                    trainRows.partitionsPerTask(), lifetime, plan.stepsPerEpoch(), run.globalStep)));
            Evaluation evaluation = run.history.isEmpty()
                    ? step.evaluate(evalRows, run.params, evalInput, "lockstep evaluate " + evalName + " before training")
                    : run.history.get(run.history.size() - 1).eval();
            StepTimeSamples epochTimings = new StepTimeSamples();
            for (; run.epoch < config.epochs(); run.epoch++, run.nextStep = 0, run.epochLossSum = 0, run.epochCorrect = 0, run.epochRows = 0) {
                long started = System.nanoTime();
                int firstStep = run.nextStep; // not 0 when this epoch resumed from a checkpoint
                int[] permutation = plan.permutation(run.epoch);
                epochTimings.clear();
                double rate = Double.NaN;
                String epochJob = String.format(java.util.Locale.ROOT, "lockstep train epoch %d/%d steps %d-%d (resident tasks)",
                        run.epoch + 1, config.epochs(), firstStep + 1, plan.stepsPerEpoch());
                try (EpochSteps steps = step.epoch(lifetime, trainRows, run.epoch, trainInput, epochJob, w -> listeners.forEach(l -> l.onWarning(w)))) {
                    for (; run.nextStep < plan.stepsPerEpoch(); ) {
                        long t0 = System.nanoTime();
                        String job = String.format(java.util.Locale.ROOT, "lockstep train epoch %d/%d step %d/%d", run.epoch + 1, config.epochs(),
                                run.nextStep + 1, plan.stepsPerEpoch());
                        SyncStep.Result r = steps.gradient(run.params, plan.batch(permutation, run.nextStep), job);
                        long t1 = System.nanoTime();
                        rate = update.apply(run.params, run.optimizer, r.gradientSum(), r.lossSum(), r.rows(), run.globalStep,
                                run.epoch, run.nextStep);
                        long t2 = System.nanoTime();
                        double loss = r.lossSum() / r.rows();
                        run.epochLossSum += loss;
                        run.epochCorrect += r.correct();
                        run.epochRows += r.rows();
                        run.globalStep++;
                        run.nextStep++;
                        StepTime timings = r.time().with(StepTime.Part.UPDATE, t2 - t1).with(StepTime.Part.TOTAL, t2 - t0);
                        TrainingListener.StepInfo info = new TrainingListener.StepInfo(run.epoch + 1, run.nextStep,
                                run.globalStep, plan.stepsPerEpoch(), loss, rate, timings, run);
                        epochTimings.add(timings);
                        listeners.forEach(l -> l.onStep(info));
                    }
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                run.trainSeconds += seconds;
                evaluation = step.evaluate(evalRows, run.params, evalInput, String.format(java.util.Locale.ROOT,
                        "lockstep evaluate %s after epoch %d/%d", evalName, run.epoch + 1, config.epochs()));
                if (Double.isNaN(rate)) rate = update.rate(run.globalStep - 1); // resumed after the epoch's last step
                EpochSummary summary = new EpochSummary(run.epoch + 1, run.globalStep, run.epochLossSum / plan.stepsPerEpoch(),
                        evaluation, seconds, (double) (plan.stepsPerEpoch() - firstStep) * plan.batchSize() / seconds,
                        run.epochRows == 0 ? Double.NaN : (double) run.epochCorrect / run.epochRows, rate, epochTimings.medians());
                run.history.add(summary);
                listeners.forEach(l -> l.onEpoch(summary));
            }
            TrainingResult result = new TrainingResult(arch, run.params, evaluation, List.copyOf(run.history), run.globalStep,
                    run.globalStep * plan.batchSize(), run.trainSeconds, partitions, trainRows.partitionsPerTask(), lifetime);
            listeners.forEach(l -> l.onEnd(result));
            return result;
        }
    }

    /** The settings and data a checkpoint must share with the run resuming it for the result to be the same. */
    static String fingerprint(TrainConfig config, int partitions, RowSource train, RowSource eval) {
        Map<String, Object> m = config.toMap();
        m.remove("partitions_per_task"); // where the work runs, not what it computes: resuming under another grouping is fine
        m.remove("task_lifetime");
        m.put("partitions", partitions);
        m.put("train_data", train.fingerprint());
        m.put("eval_data", eval.fingerprint());
        return Json.line(m);
    }

    /** The mutable position of a run, and its snapshot for checkpoints. */
    private static final class RunState implements TrainingListener.TrainingState {
        final String fingerprint;
        float[] params;
        final Optimizer optimizer;
        int epoch;
        int nextStep;
        long globalStep;
        double epochLossSum;
        long epochCorrect;
        long epochRows;
        double trainSeconds;
        final List<EpochSummary> history = new ArrayList<>();

        RunState(String fingerprint, float[] params, Optimizer optimizer) {
            this.fingerprint = fingerprint;
            this.params = params;
            this.optimizer = optimizer;
        }

        void restore(Checkpoint c, int stepsPerEpoch) {
            if (!c.configFingerprint().equals(fingerprint)) {
                throw new LockstepException("the checkpoint was written with other settings or data; resume with the same ones "
                        + "(checkpoint: " + c.configFingerprint() + ", now: " + fingerprint + ")");
            }
            if (c.parameters().length != params.length || c.nextStep() > stepsPerEpoch) {
                throw new LockstepException("the checkpoint does not fit this run's model or data");
            }
            params = c.parameters().clone();
            optimizer.restore(c.optimizer());
            epoch = c.epoch();
            nextStep = c.nextStep();
            globalStep = c.globalStep();
            epochLossSum = c.epochLossSum();
            epochCorrect = c.epochCorrect();
            epochRows = c.epochRows();
            trainSeconds = c.trainSeconds();
            history.addAll(c.history());
        }

        @Override public Checkpoint snapshot() {
            return new Checkpoint(fingerprint, epoch, nextStep, globalStep, epochLossSum, trainSeconds, history,
                    params.clone(), optimizer.state(), epochCorrect, epochRows);
        }
    }
}
