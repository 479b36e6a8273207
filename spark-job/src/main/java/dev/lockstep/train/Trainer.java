package dev.lockstep.train;

import dev.lockstep.LockstepException;
import dev.lockstep.model.InputScaling;
import dev.lockstep.model.MlpModel;
import dev.lockstep.nn.Architecture;
import dev.lockstep.nn.Initializer;
import dev.lockstep.optim.Optimizer;
import dev.lockstep.train.exchange.Exchange;
import dev.lockstep.train.rows.CachedRows;
import dev.lockstep.train.rows.FeatureMoments;
import dev.lockstep.train.rows.RowSource;
import dev.lockstep.train.step.EpochSteps;
import dev.lockstep.train.step.Evaluation;
import dev.lockstep.train.step.InputTransform;
import dev.lockstep.train.step.SyncStep;
import dev.lockstep.train.step.TaskLifetime;
import dev.lockstep.train.timing.StepTime;
import dev.lockstep.train.timing.StepTimeSamples;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The synchronous training loop: for each step, the batch plan names the rows, the cluster computes the summed
 * gradient, and the driver averages it and applies weight decay and the optimizer. Optimizer state never leaves
 * the driver. Everything else (progress, history, checkpoints) hangs off {@link TrainingListener}s. What the loop
 * runs is settled beforehand, in a {@link RunPlan}.
 */
public final class Trainer {
    private final JavaSparkContext sc;
    private final TrainConfig config;
    private final List<TrainingListener> listeners;

    /** A trainer for plans made by the caller ({@link #fit(RunPlan.Placed, Optional)}). */
    public Trainer(JavaSparkContext sc, List<TrainingListener> listeners) {
        this(sc, null, listeners);
    }

    /** A trainer that plans runs of {@code config} itself, for the fits that take the data. */
    public Trainer(JavaSparkContext sc, TrainConfig config, List<TrainingListener> listeners) {
        this.sc = sc;
        this.config = config;
        this.listeners = List.copyOf(listeners);
    }

    /** Trains from scratch. */
    public TrainingResult fit(RowSource train, RowSource eval, String evalName) {
        return fit(train, eval, evalName, Optional.empty());
    }

    /**
     * Trains on {@code train} and evaluates on {@code eval} (null: none) after every epoch, as
     * {@link #fit(RunPlan.Placed, Optional)} with the plan of this trainer's config.
     *
     * @param evalName "test" or "validation", for messages
     */
    public TrainingResult fit(RowSource train, RowSource eval, String evalName, Optional<Checkpoint> resume) {
        return fit(RunPlan.of(config, train, eval, evalName).placedOn(sc), resume);
    }

    /**
     * Runs {@code placed}, continuing from {@code resume} when given: the result is then bit-for-bit the one an
     * uninterrupted run would have produced.
     */
    public TrainingResult fit(RunPlan.Placed placed, Optional<Checkpoint> resume) {
        RunPlan runPlan = placed.plan();
        TrainConfig config = runPlan.config();
        RowSource train = runPlan.train();
        RowSource eval = runPlan.eval();
        String evalName = runPlan.evalName();
        Architecture arch = config.architecture();
        int partitions = placed.partitions();
        BatchPlan plan = runPlan.batches();
        EpochSelection selection = EpochSelection.of(config); // null: the last epoch's parameters, all epochs run

        RunState run = new RunState(
                placed.fingerprint(),
                Initializer.initialize(arch, config.seed()),
                config.optimizer().create(arch.parameterCount()),
                selection != null && selection.keepsBest());
        resume.ifPresent(c -> run.restore(c, plan.stepsPerEpoch()));
        // A function of the history: a resumed run goes on counting where the checkpointed one was.
        boolean stopped = selection != null && selection.after(run.history).stop();
        ParameterUpdate update = runPlan.update();
        SyncStep step = new SyncStep(sc, arch, config.transfer(), config.exchange());

        // A null resource is skipped at close: a run without evaluation rows caches none.
        try (CachedRows trainRows =
                        CachedRows.cache(sc, train, partitions, placed.partitionsPerTask(), "lockstep-train");
                CachedRows evalRows = eval == null
                        ? null
                        : CachedRows.cache(sc, eval, partitions, placed.partitionsPerTask(), "lockstep-" + evalName)) {
            InputScaling scaling = scaling(config, train, trainRows, placed.startScaling());
            InputTransform trainInput = InputTransform.forTraining(
                    arch.inputSize(), scaling, config.seed(), config.augmentShift(), train.height(), train.width());
            InputTransform evalInput = InputTransform.plain(arch.inputSize(), scaling);
            TaskLifetime lifetime = placed.taskLifetime(sc, trainRows, w -> listeners.forEach(l -> l.onWarning(w)));
            listeners.forEach(l -> l.onStart(new TrainingListener.RunInfo(
                    config,
                    train.count(),
                    eval == null ? 0 : eval.count(),
                    evalName,
                    partitions,
                    trainRows.partitionsPerTask(),
                    lifetime,
                    lifetime == TaskLifetime.EPOCH
                            ? Exchange.resolve(config.exchange().orElse(null), sc.isLocal())
                            : null,
                    plan.stepsPerEpoch(),
                    run.globalStep)));
            Evaluation evaluation = evalRows == null
                    ? null
                    : run.history.isEmpty()
                            ? step.evaluate(
                                    evalRows,
                                    run.params,
                                    evalInput,
                                    "lockstep evaluate " + evalName + " before training")
                            : run.history.get(run.history.size() - 1).eval();
            StepTimeSamples epochTimings = new StepTimeSamples();
            for (;
                    run.epoch < config.epochs() && !stopped;
                    run.epoch++, run.nextStep = 0, run.epochLossSum = 0, run.epochCorrect = 0, run.epochRows = 0) {
                long started = System.nanoTime();
                int firstStep = run.nextStep; // not 0 when this epoch resumed from a checkpoint
                int[] permutation = plan.permutation(run.epoch);
                epochTimings.clear();
                double rate = Double.NaN;
                String epochJob = String.format(
                        Locale.ROOT,
                        "lockstep train epoch %d/%d steps %d-%d (resident tasks)",
                        run.epoch + 1,
                        config.epochs(),
                        firstStep + 1,
                        plan.stepsPerEpoch());
                try (EpochSteps steps = step.epoch(
                        lifetime,
                        trainRows,
                        run.epoch,
                        trainInput,
                        epochJob,
                        w -> listeners.forEach(l -> l.onWarning(w)))) {
                    for (; run.nextStep < plan.stepsPerEpoch(); ) {
                        long t0 = System.nanoTime();
                        String job = String.format(
                                Locale.ROOT,
                                "lockstep train epoch %d/%d step %d/%d",
                                run.epoch + 1,
                                config.epochs(),
                                run.nextStep + 1,
                                plan.stepsPerEpoch());
                        SyncStep.Result r = steps.gradient(run.params, plan.batch(permutation, run.nextStep), job);
                        long t1 = System.nanoTime();
                        rate = update.apply(
                                run.params,
                                run.optimizer,
                                r.gradientSum(),
                                r.lossSum(),
                                r.rows(),
                                run.globalStep,
                                run.epoch,
                                run.nextStep);
                        long t2 = System.nanoTime();
                        double loss = r.lossSum() / r.rows();
                        run.epochLossSum += loss;
                        run.epochCorrect += r.correct();
                        run.epochRows += r.rows();
                        run.globalStep++;
                        run.nextStep++;
                        StepTime timings =
                                r.time().with(StepTime.Part.UPDATE, t2 - t1).with(StepTime.Part.TOTAL, t2 - t0);
                        TrainingListener.StepInfo info = new TrainingListener.StepInfo(
                                run.epoch + 1,
                                run.nextStep,
                                run.globalStep,
                                plan.stepsPerEpoch(),
                                loss,
                                rate,
                                timings,
                                run);
                        epochTimings.add(timings);
                        listeners.forEach(l -> l.onStep(info));
                    }
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                run.trainSeconds += seconds;
                if (evalRows != null) {
                    evaluation = step.evaluate(
                            evalRows,
                            run.params,
                            evalInput,
                            String.format(
                                    Locale.ROOT,
                                    "lockstep evaluate %s after epoch %d/%d",
                                    evalName,
                                    run.epoch + 1,
                                    config.epochs()));
                }
                if (Double.isNaN(rate)) rate = update.rate(run.globalStep - 1); // resumed after the epoch's last step
                EpochSummary summary = new EpochSummary(
                        run.epoch + 1,
                        run.globalStep,
                        run.epochLossSum / plan.stepsPerEpoch(),
                        evaluation,
                        seconds,
                        (double) (plan.stepsPerEpoch() - firstStep) * plan.batchSize() / seconds,
                        run.epochRows == 0 ? Double.NaN : (double) run.epochCorrect / run.epochRows,
                        rate,
                        epochTimings.medians());
                run.history.add(summary);
                if (selection != null) {
                    EpochSelection.Standing standing = selection.after(run.history);
                    if (run.keepsBest && standing.bestEpoch() == summary.epoch()) run.best = run.params.clone();
                    stopped = standing.stop();
                }
                listeners.forEach(l -> l.onEpoch(summary));
                if (stopped) break; // the epoch counters stay as they are: nothing runs after this
            }
            int height = RunPlan.isImage(train) ? train.height() : 1;
            int width = RunPlan.isImage(train) ? train.width() : train.features();
            float[] kept = run.params;
            Evaluation finalEvaluation = evaluation;
            EpochSelection.Outcome outcome = null;
            if (selection != null) {
                EpochSelection.Standing standing = selection.after(run.history);
                int keptEpoch = run.history.size();
                if (run.keepsBest && standing.bestEpoch() > 0) {
                    kept = run.best;
                    keptEpoch = standing.bestEpoch();
                    finalEvaluation = run.history.get(keptEpoch - 1).eval();
                }
                if (runPlan.test() != null) {
                    // Scored once, on the kept parameters, by the pass promotion scores a reloaded model with.
                    finalEvaluation = Evaluator.evaluate(
                            sc,
                            new MlpModel(arch, kept, scaling, train.byteFeatures(), height, width),
                            runPlan.test(),
                            partitions);
                }
                outcome = new EpochSelection.Outcome(
                        evalName,
                        eval.count(),
                        standing.bestEpoch(),
                        keptEpoch,
                        run.history.size(),
                        standing.stop() ? EpochSelection.NO_IMPROVEMENT : EpochSelection.MAX_EPOCHS,
                        runPlan.test() != null ? "test" : evalName);
            }
            TrainingResult result = new TrainingResult(
                    arch,
                    kept,
                    finalEvaluation,
                    List.copyOf(run.history),
                    run.globalStep,
                    run.globalStep * plan.batchSize(),
                    run.trainSeconds,
                    partitions,
                    trainRows.partitionsPerTask(),
                    lifetime,
                    scaling,
                    train.byteFeatures(),
                    height,
                    width,
                    outcome);
            listeners.forEach(l -> l.onEnd(result));
            return result;
        }
    }

    /**
     * How the run's rows enter the network: byte rows (pixels) by 1/255, as they always have; float rows by the
     * scaling of the weights the run starts from, when they bring one (refitted on other rows, it would feed those
     * weights inputs on another scale), else standardized with the moments of the cached training rows
     * ({@link FeatureMoments}), or as they are when {@link TrainConfig#standardization()} is off.
     *
     * @param given null: none given
     */
    private InputScaling scaling(TrainConfig config, RowSource train, CachedRows trainRows, InputScaling given) {
        if (train.byteFeatures()) return InputScaling.UNIT;
        if (given != null) return given;
        if (!config.standardization()) return InputScaling.IDENTITY;
        sc.setJobGroup("lockstep-standardize", "lockstep fit standardization on the training rows", false);
        try {
            FeatureMoments m = FeatureMoments.of(sc, trainRows, train.features());
            return InputScaling.standardize(m.mean(), m.std());
        } finally {
            sc.clearJobGroup();
        }
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
        /** Whether the run keeps the best epoch's parameters, and so holds a copy of them once there is one. */
        final boolean keepsBest;
        /** The best epoch's parameters so far; replaced, never written into, so a snapshot may share it. */
        float[] best;

        RunState(String fingerprint, float[] params, Optimizer optimizer, boolean keepsBest) {
            this.fingerprint = fingerprint;
            this.params = params;
            this.optimizer = optimizer;
            this.keepsBest = keepsBest;
        }

        void restore(Checkpoint c, int stepsPerEpoch) {
            if (!c.configFingerprint().equals(fingerprint)) {
                throw new LockstepException(
                        "the checkpoint was written with other settings or data; resume with the same ones "
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
            if (keepsBest && !history.isEmpty()) {
                if (c.bestParameters() == null || c.bestParameters().length != params.length) {
                    throw new LockstepException("the checkpoint does not hold the best epoch's parameters");
                }
                best = c.bestParameters().clone();
            }
        }

        @Override
        public Checkpoint snapshot() {
            return new Checkpoint(
                    fingerprint,
                    epoch,
                    nextStep,
                    globalStep,
                    epochLossSum,
                    trainSeconds,
                    history,
                    params.clone(),
                    optimizer.state(),
                    epochCorrect,
                    epochRows,
                    best);
        }
    }
}
