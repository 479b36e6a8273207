/**
 * The measurements behind {@code lockstep bench}: the dense-layer kernels alone
 * ({@link dev.lockstep.bench.KernelBench}), the training loop without Spark on 1..N threads
 * ({@link dev.lockstep.bench.SparkFreeLoop}), the same steps on Spark with their cost split into parts
 * ({@link dev.lockstep.bench.SparkStepBench}), and the per-thread CPU time they report
 * ({@link dev.lockstep.bench.ThreadCpu}). Nothing that trains depends on it.
 *
 * <p>May depend on {@code train} and its subpackages, {@code nn}, {@code data} and {@code io}.
 */
package dev.lockstep.bench;
