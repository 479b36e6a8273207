package dev.lockstep.ml;

import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The parameters of {@link LockstepClassifier} and its {@link LockstepClassificationModel}, besides the columns and
 * {@code thresholds} every Spark ML probabilistic classifier has. Those of MLlib's
 * {@code MultilayerPerceptronClassifier} keep its names and meaning; the rest are the {@code train} command's
 * settings. Each is declared once, with its doc, default and validator, in {@link ParamSet}. Every one but
 * {@code initialWeights} (as in MLlib) has a default; "auto" is a sentinel value the doc names (0, -1 or "").
 */
public interface LockstepParams extends Params {
    /** Layer sizes, input first, output (the number of classes) last. */
    IntArrayParam layers();

    /** Epochs: passes over the training rows. */
    IntParam maxIter();

    /** Peak learning rate; 0: auto. */
    DoubleParam stepSize();

    /** Seed for initialisation, batches and augmentation. */
    LongParam seed();

    /** Global batch size, split over the partitions; 0: auto. */
    IntParam blockSize();

    /** Starting weights in MLlib's layout; unset: seeded initialisation. */
    Param<Vector> initialWeights();

    /** MLlib's solver ("l-bfgs" or "gd"), accepted and ignored: Lockstep trains with {@link #optimizer()}. */
    Param<String> solver();

    /** MLlib's convergence tolerance, accepted and unused: training runs {@link #maxIter()} epochs. */
    DoubleParam tol();

    /** Hidden activation. */
    Param<String> activation();

    /** Optimizer, as {@code train --optimizer} takes it. */
    Param<String> optimizer();

    /** Learning-rate schedule, as {@code train --schedule} takes it. */
    Param<String> schedule();

    /** L2 weight decay on weights, not biases. */
    DoubleParam weightDecay();

    /** Lockstep partitions of the training rows; 0: Spark's default parallelism (local masters only). */
    IntParam numPartitions();

    /** Random shift of image rows in pixels; -1: auto. */
    IntParam augmentShift();

    /** Precision of weights and gradients on the wire. */
    Param<String> transfer();

    /** Standardize float features with the training rows' mean and deviation. */
    BooleanParam standardization();

    /** Where checkpoints go; "": none. */
    Param<String> checkpointDir();

    /** A checkpoint every this many steps, or -1 for none. */
    IntParam checkpointInterval();

    /** A boolean column: true for rows that only validate (evaluated after each epoch, never trained on). */
    Param<String> validationIndicatorCol();

    default int[] getLayers() {
        return getOrDefault(layers());
    }

    default int getMaxIter() {
        return (Integer) getOrDefault(maxIter());
    }

    default double getStepSize() {
        return (Double) getOrDefault(stepSize());
    }

    default long getSeed() {
        return (Long) getOrDefault(seed());
    }

    default int getBlockSize() {
        return (Integer) getOrDefault(blockSize());
    }

    default Vector getInitialWeights() {
        return getOrDefault(initialWeights());
    }

    default String getSolver() {
        return getOrDefault(solver());
    }

    default double getTol() {
        return (Double) getOrDefault(tol());
    }

    default String getActivation() {
        return getOrDefault(activation());
    }

    default String getOptimizer() {
        return getOrDefault(optimizer());
    }

    default String getSchedule() {
        return getOrDefault(schedule());
    }

    default double getWeightDecay() {
        return (Double) getOrDefault(weightDecay());
    }

    default int getNumPartitions() {
        return (Integer) getOrDefault(numPartitions());
    }

    default int getAugmentShift() {
        return (Integer) getOrDefault(augmentShift());
    }

    default String getTransfer() {
        return getOrDefault(transfer());
    }

    default boolean getStandardization() {
        return (Boolean) getOrDefault(standardization());
    }

    default String getCheckpointDir() {
        return getOrDefault(checkpointDir());
    }

    default int getCheckpointInterval() {
        return (Integer) getOrDefault(checkpointInterval());
    }

    default String getValidationIndicatorCol() {
        return getOrDefault(validationIndicatorCol());
    }
}
