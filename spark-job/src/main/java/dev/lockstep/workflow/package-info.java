/**
 * The services the commands are made of, callable without picocli: a training run's inputs
 * ({@link dev.lockstep.workflow.TrainingInputs}, from a Spark data source {@link dev.lockstep.workflow.TableInputs})
 * and outputs ({@link dev.lockstep.workflow.RunOutputs}), the model a warm start begins from
 * ({@link dev.lockstep.workflow.ParentModel}), a run under
 * the model registry and its promotion ({@link dev.lockstep.workflow.RegistryRun},
 * {@link dev.lockstep.workflow.Promotion}), and predictions for files of rows or pictures, on the driver or on the
 * cluster ({@link dev.lockstep.workflow.PredictionInput}, {@link dev.lockstep.workflow.PictureReader},
 * {@link dev.lockstep.workflow.BatchPredictions}).
 *
 * <p>May depend on {@code train} and its subpackages, {@code model}, {@code nn}, {@code data}, {@code io} and
 * {@code report};
 * not on {@code cli}, which calls it. Bad input is a {@link dev.lockstep.LockstepException}, a bad option a
 * {@link dev.lockstep.UsageException}.
 */
package dev.lockstep.workflow;
