/**
 * Lockstep as Spark ML pipeline stages: {@link dev.lockstep.ml.LockstepClassifier}, an estimator that stands in for
 * MLlib's {@code MultilayerPerceptronClassifier}, and the {@link dev.lockstep.ml.LockstepClassificationModel} it
 * fits. Training goes through the library API of {@code dev.lockstep.train} on the DataFrame's rows
 * ({@code FrameRows}); a saved model holds Lockstep's own model file. Depends on {@code train}, {@code model},
 * {@code nn}, {@code optim} and Spark ML (a provided dependency: every Spark distribution ships it).
 */
package dev.lockstep.ml;
