/**
 * Training on Spark, as a library: {@link dev.lockstep.train.Trainer} runs the synchronous loop on a
 * {@link dev.lockstep.train.TrainConfig}, reports to {@link dev.lockstep.train.TrainingListener}s (progress, step
 * timings) and returns a {@link dev.lockstep.train.TrainingResult}; {@link dev.lockstep.train.Evaluator} scores a
 * saved model. Here too: the batch plan, the driver's parameter update, the choice of the epoch a run keeps and
 * where it stops ({@link dev.lockstep.train.EpochSelection}, {@link dev.lockstep.train.EarlyStop}), the
 * {@link dev.lockstep.train.Checkpoint} a run resumes from, and the {@link dev.lockstep.train.StartWeights} a warm
 * start begins with.
 *
 * <p>The machinery lives in subpackages, each depending only on those after it: {@code checkpoint} (checkpoint
 * files; builds on this package), then {@code step} (the step engine and its tasks), {@code exchange} (how
 * parameters and gradients travel between the driver and resident tasks), {@code rows} (the data as the cluster
 * caches it), {@code sum} (the deterministic sum) and {@code timing} (where a step's time goes). This package may
 * depend on {@code step}, {@code rows}, {@code sum}, {@code timing}, {@code nn}, {@code optim}, {@code model} and
 * {@code io}.
 */
package dev.lockstep.train;
