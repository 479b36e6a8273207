/**
 * Export of trained models as standard ONNX graphs, so that any ONNX runtime can score them without Lockstep.
 *
 * <p>ONNX files are protocol buffers. Rather than take on a protobuf code generator and the ONNX schema for a
 * handful of messages, {@link dev.lockstep.model.onnx.ProtoWriter} writes the protobuf wire format directly, and
 * {@link dev.lockstep.model.onnx.OnnxExport} builds just the messages an MLP needs, with the field numbers of
 * {@code onnx/onnx.proto}.
 *
 * <p>May depend on {@code model}, {@code nn} and {@code io}; no Spark.
 */
package dev.lockstep.model.onnx;
