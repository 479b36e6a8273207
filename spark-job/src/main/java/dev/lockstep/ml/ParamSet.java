package dev.lockstep.ml;

import dev.lockstep.model.ModelFile;
import dev.lockstep.nn.Activation;
import dev.lockstep.nn.Architecture;
import dev.lockstep.optim.OptimizerSpec;
import dev.lockstep.optim.ScheduleSpec;
import dev.lockstep.train.TrainConfig;
import dev.lockstep.train.sum.WirePrecision;
import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import scala.runtime.AbstractFunction1;

/**
 * Every {@link LockstepParams} parameter of one owner, declared once: name, doc, validator and default. The
 * defaults are those of {@code train} (a default {@link TrainConfig}), so that the estimator and the command learn
 * the same model from the same rows. A validator refuses a value the way {@code train} refuses its flag: with the
 * same parser and the same reason.
 */
final class ParamSet implements Serializable {
    private static final long serialVersionUID = 1L;

    final IntArrayParam layers;
    final IntParam maxIter;
    final DoubleParam stepSize;
    final LongParam seed;
    final IntParam blockSize;
    final Param<Vector> initialWeights;
    final Param<String> activation;
    final Param<String> optimizer;
    final Param<String> schedule;
    final DoubleParam weightDecay;
    final IntParam numPartitions;
    final IntParam augmentShift;
    final Param<String> transfer;
    final BooleanParam standardization;
    final Param<String> checkpointDir;
    final IntParam checkpointInterval;
    final Param<String> validationIndicatorCol;
    final Param<String> solver;
    final DoubleParam tol;

    /** Declares the parameters of {@code owner} and sets their defaults on it. */
    ParamSet(Params owner) {
        String uid = owner.uid();
        TrainConfig d = TrainConfig.builder().build();
        layers = new IntArrayParam(
                owner,
                "layers",
                "layer sizes, the input's first and the number of classes last: [20, 64, 3] takes 20 features"
                        + " through a hidden layer of 64 units to 3 classes",
                new Rule<int[]>(uid, "layers", v -> {
                    ModelFile.checkStorable(new Architecture(v, Activation.RELU));
                    return null;
                }));
        maxIter = new IntParam(
                owner,
                "maxIter",
                "epochs: how many times training passes over the rows (>= 1)",
                new Rule<>(uid, "maxIter", v -> (Integer) v >= 1 ? null : "epochs must be 1 or more"));
        stepSize = new DoubleParam(
                owner,
                "stepSize",
                "peak learning rate of the schedule (> 0), or 0 for auto: 0.003 for adam, 0.05 momentum, 0.1 sgd"
                        + " at batch 128; above it, times sqrt(batch/128)",
                new Rule<>(uid, "stepSize", v -> (Double) v == 0 ? null : positive((Double) v)));
        seed = new LongParam(owner, "seed", "random seed: initialisation, batches and augmentation");
        blockSize = new IntParam(
                owner,
                "blockSize",
                "rows per step, the global mini-batch split over the partitions (>= 1), or 0 for auto: the largest"
                        + " power of two from 128 to 1024 that leaves 50 steps per epoch",
                new Rule<>(uid, "blockSize", v -> (Integer) v >= 0 ? null : "the batch must be 1 or more rows, or 0"));
        initialWeights = new Param<>(
                owner,
                "initialWeights",
                "weights to start from, laid out as MultilayerPerceptronClassifier has them: per layer, its out x in"
                        + " matrix column-major (input i to output o at i*out + o), then its out biases. Unset: seeded"
                        + " initialisation");
        activation = new Param<>(
                owner,
                "activation",
                "hidden activation: relu, sigmoid or tanh (the output is always softmax)",
                new Rule<>(uid, "activation", v -> {
                    Activation.parse(v);
                    return null;
                }));
        optimizer = new Param<>(
                owner,
                "optimizer",
                "optimizer: sgd, momentum, nesterov or adam, optionally with :key=value options (e.g."
                        + " adam:beta2=0.99)",
                new Rule<>(uid, "optimizer", v -> {
                    OptimizerSpec.parse(v);
                    return null;
                }));
        schedule = new Param<>(
                owner,
                "schedule",
                "learning-rate schedule: constant, cosine or step, optionally with options (e.g."
                        + " cosine:warmup=5%,min=0.01)",
                new Rule<>(uid, "schedule", v -> {
                    ScheduleSpec.parse(v);
                    return null;
                }));
        weightDecay = new DoubleParam(
                owner,
                "weightDecay",
                "L2 weight decay on weights, not biases (>= 0)",
                new Rule<>(uid, "weightDecay", v -> {
                    double x = (Double) v;
                    return Double.isFinite(x) && x >= 0 ? null : "weight decay must be 0 or more";
                }));
        numPartitions = new IntParam(
                owner,
                "numPartitions",
                "partitions of the training rows (>= 1); they set the order in which gradients add up. 0 for"
                        + " Spark's default parallelism, on a local master only",
                new Rule<>(uid, "numPartitions", v -> (Integer) v >= 0 ? null : "partitions must be 1 or more, or 0"));
        augmentShift = new IntParam(
                owner,
                "augmentShift",
                "random shift of image rows by up to this many pixels (0 to 4), or -1 for auto: 1 below 30,000"
                        + " training rows of images, else 0",
                new Rule<>(uid, "augmentShift", v -> {
                    int x = (Integer) v;
                    return x >= -1 && x <= 4 ? null : "the shift must be 0 to 4 pixels, or -1";
                }));
        transfer = new Param<>(
                owner,
                "transfer",
                "precision of weights and gradients on the wire: float32 (exact) or bf16",
                new Rule<>(uid, "transfer", v -> {
                    WirePrecision.parse(v);
                    return null;
                }));
        standardization = new BooleanParam(
                owner,
                "standardization",
                "whether to standardize float features with the training rows' mean and standard deviation"
                        + " (recorded in the model); byte features (all integers 0-255) are divided by 255 either way");
        checkpointDir = new Param<>(
                owner,
                "checkpointDir",
                "directory (any Hadoop URI) for training checkpoints; a fit with the same settings and rows resumes"
                        + " from the newest one there; \"\" (the default) for none",
                new Rule<>(uid, "checkpointDir", v -> !v.isEmpty() && v.isBlank() ? "a directory is needed" : null));
        checkpointInterval = new IntParam(
                owner,
                "checkpointInterval",
                "steps between checkpoints into checkpointDir (>= 1), or -1 for none",
                new Rule<>(uid, "checkpointInterval", v -> {
                    int x = (Integer) v;
                    return x >= 1 || x == -1 ? null : "a number of steps, 1 or more, or -1";
                }));
        validationIndicatorCol = new Param<>(
                owner,
                "validationIndicatorCol",
                "a boolean column: rows where it is true are held out of training and evaluated after each epoch;"
                        + " false or null rows train. \"\" (the default): none");
        solver = new Param<>(
                owner,
                "solver",
                "MultilayerPerceptronClassifier's solver, l-bfgs or gd: accepted so that its code runs, and ignored;"
                        + " Lockstep trains with the optimizer parameter",
                new Rule<>(uid, "solver", v -> v.equals("l-bfgs") || v.equals("gd") ? null : "expected l-bfgs or gd"));
        tol = new DoubleParam(
                owner,
                "tol",
                "MultilayerPerceptronClassifier's convergence tolerance (>= 0): accepted so that its code runs, and"
                        + " unused; training runs maxIter epochs",
                new Rule<>(uid, "tol", v -> (Double) v >= 0 ? null : "it must be 0 or more"));

        owner.setDefault(maxIter, d.epochs());
        owner.setDefault(seed, d.seed());
        owner.setDefault(activation, d.architecture().hidden().displayName());
        owner.setDefault(optimizer, d.optimizer().toString());
        owner.setDefault(schedule, d.schedule().toString());
        owner.setDefault(weightDecay, d.weightDecay());
        owner.setDefault(transfer, d.transfer().displayName());
        owner.setDefault(standardization, true);
        owner.setDefault(checkpointInterval, -1);
        // 0, -1 and "" mean auto or none, so that every getter answers (Spark ML code reads params unguarded).
        owner.setDefault(stepSize, 0.0);
        owner.setDefault(blockSize, 0);
        owner.setDefault(numPartitions, 0);
        owner.setDefault(augmentShift, -1);
        owner.setDefault(checkpointDir, "");
        owner.setDefault(validationIndicatorCol, "");
        owner.setDefault(solver, "l-bfgs");
        owner.setDefault(tol, 1e-6);
    }

    private static String positive(double x) {
        return Double.isFinite(x) && x > 0 ? null : "it must be a number > 0";
    }

    /**
     * A validator that says why: Spark's own message ("given invalid value") followed by the reason, which for the
     * settings {@code train} parses is the parser's own.
     */
    static final class Rule<T> extends AbstractFunction1<T, Object> implements Serializable {
        private static final long serialVersionUID = 1L;

        /** What is wrong with a value, or null when it is fine; may throw IllegalArgumentException instead. */
        interface Check<T> extends Serializable {
            String problem(T value);
        }

        private final String owner;
        private final String name;
        private final Check<T> check;

        Rule(String owner, String name, Check<T> check) {
            this.owner = owner;
            this.name = name;
            this.check = check;
        }

        @Override
        public Object apply(T value) {
            String problem;
            try {
                problem = value == null ? "a value is needed" : check.problem(value);
            } catch (IllegalArgumentException e) {
                problem = e.getMessage();
            }
            if (problem != null) {
                String shown = value instanceof int[] a ? Arrays.toString(a) : String.valueOf(value);
                throw new IllegalArgumentException(
                        owner + " parameter " + name + " given invalid value " + shown + ": " + problem);
            }
            return Boolean.TRUE;
        }
    }
}
