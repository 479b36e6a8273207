/**
 * The step engine: one synchronous step's summed gradient from the cluster ({@link dev.lockstep.train.step.SyncStep}),
 * with a Spark job per step or tasks resident for the epoch ({@link dev.lockstep.train.step.EpochSteps},
 * {@link dev.lockstep.train.step.ResidentEpoch}, {@link dev.lockstep.train.step.TaskLifetime}); what a task computes
 * ({@link dev.lockstep.train.step.TaskGradient}, {@link dev.lockstep.train.step.BatchGradient}, the task classes), the
 * parameters it is shipped, the input it feeds the network, where the work is placed
 * ({@link dev.lockstep.train.step.Placement}), and the distributed evaluation
 * ({@link dev.lockstep.train.step.Evaluation}).
 *
 * <p>May depend on {@code train.exchange}, {@code train.rows}, {@code train.sum}, {@code train.timing}, {@code nn},
 * {@code data}, {@code model} and Spark; not on {@code train} itself, which drives it.
 */
package dev.lockstep.train.step;
