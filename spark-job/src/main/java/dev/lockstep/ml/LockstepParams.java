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
    /**
     * The stage's own declarations, made in its constructor. Java classes cannot share fields the way Spark's Scala
     * param traits do, so the accessors below read them from here.
     */
    ParamSet paramSet();

    /** Layer sizes, input first, output (the number of classes) last. */
    default IntArrayParam layers() {
        return paramSet().layers;
    }

    /** Epochs: passes over the training rows. */
    default IntParam maxIter() {
        return paramSet().maxIter;
    }

    /** Peak learning rate; 0: auto. */
    default DoubleParam stepSize() {
        return paramSet().stepSize;
    }

    /** Seed for initialisation, batches and augmentation. */
    default LongParam seed() {
        return paramSet().seed;
    }

    /** Global batch size, split over the partitions; 0: auto. */
    default IntParam blockSize() {
        return paramSet().blockSize;
    }

    /** Starting weights in MLlib's layout; unset: seeded initialisation. */
    default Param<Vector> initialWeights() {
        return paramSet().initialWeights;
    }

    /** MLlib's solver ("l-bfgs" or "gd"), accepted and ignored: Lockstep trains with {@link #optimizer()}. */
    default Param<String> solver() {
        return paramSet().solver;
    }

    /** MLlib's convergence tolerance, accepted and unused: training runs {@link #maxIter()} epochs. */
    default DoubleParam tol() {
        return paramSet().tol;
    }

    /** Hidden activation. */
    default Param<String> activation() {
        return paramSet().activation;
    }

    /** Optimizer, as {@code train --optimizer} takes it. */
    default Param<String> optimizer() {
        return paramSet().optimizer;
    }

    /** Learning-rate schedule, as {@code train --schedule} takes it. */
    default Param<String> schedule() {
        return paramSet().schedule;
    }

    /** L2 weight decay on weights, not biases. */
    default DoubleParam weightDecay() {
        return paramSet().weightDecay;
    }

    /** Lockstep partitions of the training rows; 0: Spark's default parallelism (local masters only). */
    default IntParam numPartitions() {
        return paramSet().numPartitions;
    }

    /** Random shift of image rows in pixels; -1: auto. */
    default IntParam augmentShift() {
        return paramSet().augmentShift;
    }

    /** Precision of weights and gradients on the wire. */
    default Param<String> transfer() {
        return paramSet().transfer;
    }

    /** Standardize float features with the training rows' mean and deviation. */
    default BooleanParam standardization() {
        return paramSet().standardization;
    }

    /** Where checkpoints go; "": none. */
    default Param<String> checkpointDir() {
        return paramSet().checkpointDir;
    }

    /** A checkpoint every this many steps, or -1 for none. */
    default IntParam checkpointInterval() {
        return paramSet().checkpointInterval;
    }

    /** A boolean column: true for rows that only validate (evaluated after each epoch, never trained on). */
    default Param<String> validationIndicatorCol() {
        return paramSet().validationIndicatorCol;
    }

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
