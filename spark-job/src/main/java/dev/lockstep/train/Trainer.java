package dev.lockstep.train;

import dev.lockstep.LockstepException;
import dev.lockstep.nn.Architecture;
import dev.lockstep.nn.Initializer;
import dev.lockstep.optim.LearningRateSchedule;
import dev.lockstep.optim.Optimizer;
import dev.lockstep.optim.WeightDecay;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The synchronous training loop: for each step, the batch plan names the rows, the cluster computes the summed
 * gradient, and the driver averages it and applies weight decay and the optimizer. Optimizer state never leaves
 * the driver. Everything else (progress, history, checkpoints) hangs off {@link TrainingListener}s.
 */
public final class Trainer {
    /** Pixels 0..255 become 0..1. */
    public static final float PIXEL_SCALE = 1f / 255f;
    public static final float PIXEL_OFFSET = 0f;

    private final JavaSparkContext sc;
    private final TrainConfig config;
    private final List<TrainingListener> listeners;

    public Trainer(JavaSparkContext sc, TrainConfig config, List<TrainingListener> listeners) {
        this.sc = sc;
        this.config = config;
        this.listeners = List.copyOf(listeners);
    }

    /**
     * Trains on {@code train} and evaluates on {@code eval} after every epoch.
     *
     * @param evalName "test" or "validation", for messages
     */
    public TrainingResult fit(RowSource train, RowSource eval, String evalName) {
        Architecture arch = config.architecture();
        checkCompatible(arch, train, "training");
        checkCompatible(arch, eval, evalName);
        if (train.count() < config.batchSize()) {
            throw new LockstepException(String.format("--batch %d is larger than the %,d training rows",
                    config.batchSize(), train.count()));
        }
        int partitions = config.partitions() > 0 ? config.partitions() : sc.defaultParallelism();
        BatchPlan plan = new BatchPlan(config.seed(), train.count(), config.batchSize());
        long totalSteps = (long) plan.stepsPerEpoch() * config.epochs();

        float[] params = Initializer.initialize(arch, config.seed());
        Optimizer optimizer = config.optimizer().create(params.length);
        LearningRateSchedule schedule = config.schedule().create(config.learningRate(), totalSteps, plan.stepsPerEpoch());
        WeightDecay decay = new WeightDecay((float) config.weightDecay(), arch.weightRanges());
        Augmentation augmentation = new Augmentation(config.seed(), config.augmentShift(), train.height(), train.width());
        InputTransform trainInput = new InputTransform(arch.inputSize(), PIXEL_SCALE, PIXEL_OFFSET, augmentation);
        InputTransform evalInput = InputTransform.plain(arch.inputSize(), PIXEL_SCALE, PIXEL_OFFSET);
        SyncStep step = new SyncStep(sc, arch);

        try (CachedRows trainRows = CachedRows.cache(sc, train, partitions, "lockstep-train");
             CachedRows evalRows = CachedRows.cache(sc, eval, partitions, "lockstep-" + evalName)) {
            listeners.forEach(l -> l.onStart(new TrainingListener.RunInfo(
                    config, train.count(), eval.count(), evalName, partitions, plan.stepsPerEpoch())));
            List<EpochSummary> history = new ArrayList<>();
            Evaluation evaluation = step.evaluate(evalRows, params, evalInput);
            long globalStep = 0;
            double trainSeconds = 0;
            for (int epoch = 0; epoch < config.epochs(); epoch++) {
                long started = System.nanoTime();
                int[] permutation = plan.permutation(epoch);
                double epochLoss = 0;
                for (int s = 0; s < plan.stepsPerEpoch(); s++) {
                    SyncStep.Result r = step.gradient(trainRows, params, plan.batch(permutation, s), epoch, trainInput);
                    globalStep++;
                    float[] gradient = average(r, globalStep, epoch, s);
                    double rate = schedule.rate(globalStep - 1);
                    decay.apply(params, gradient);
                    optimizer.update(params, gradient, (float) rate);
                    double loss = r.lossSum() / r.rows();
                    epochLoss += loss;
                    TrainingListener.StepInfo info = new TrainingListener.StepInfo(
                            epoch + 1, s + 1, globalStep, plan.stepsPerEpoch(), loss, rate);
                    listeners.forEach(l -> l.onStep(info));
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                trainSeconds += seconds;
                evaluation = step.evaluate(evalRows, params, evalInput);
                EpochSummary summary = new EpochSummary(epoch + 1, globalStep, epochLoss / plan.stepsPerEpoch(),
                        evaluation, seconds, (double) plan.stepsPerEpoch() * plan.batchSize() / seconds);
                history.add(summary);
                listeners.forEach(l -> l.onEpoch(summary));
            }
            TrainingResult result = new TrainingResult(arch, params, evaluation, List.copyOf(history), globalStep,
                    globalStep * plan.batchSize(), trainSeconds, partitions);
            listeners.forEach(l -> l.onEnd(result));
            return result;
        }
    }

    /**
     * Divides the summed gradient by the batch's row count, refusing a non-finite loss or gradient: applying it
     * would poison every parameter, and nothing after could recover.
     */
    private static float[] average(SyncStep.Result r, long globalStep, int epoch, int step) {
        float[] g = r.gradientSum();
        float inv = 1f / r.rows();
        double check = r.lossSum();
        for (int i = 0; i < g.length; i++) {
            g[i] *= inv;
            check += g[i];
        }
        if (!Double.isFinite(check)) {
            throw new LockstepException(String.format(
                    "training diverged at step %d (epoch %d, step %d): the loss or gradient is not finite; "
                            + "try a smaller --lr. No model was written.", globalStep, epoch + 1, step + 1));
        }
        return g;
    }

    private static void checkCompatible(Architecture arch, RowSource data, String what) {
        if (data.features() != arch.inputSize()) {
            throw new LockstepException(String.format("the %s data has %d features per row (%dx%d) but --layers starts with %d",
                    what, data.features(), data.height(), data.width(), arch.inputSize()));
        }
        int maxLabel = data.maxLabel();
        if (maxLabel >= arch.outputSize()) {
            throw new LockstepException(String.format("the %s data has label %d but --layers ends with %d classes",
                    what, maxLabel, arch.outputSize()));
        }
    }
}
