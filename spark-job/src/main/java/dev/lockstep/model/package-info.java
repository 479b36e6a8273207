/**
 * Trained models: the model itself ({@link dev.lockstep.model.MlpModel}, with its
 * {@link dev.lockstep.model.InputScaling}, the one definition of how raw features become inputs), its file format and
 * sidecar ({@link dev.lockstep.model.ModelFile}, {@link dev.lockstep.model.ModelSidecar}), scoring on the driver
 * ({@link dev.lockstep.model.Classifier}), and the model registry ({@link dev.lockstep.model.Registry}). Export to
 * other formats (ONNX) is in {@code onnx}.
 *
 * <p>May depend on {@code nn} and {@code io}; no Spark.
 */
package dev.lockstep.model;
