/**
 * The network: its shape and flat parameter layout ({@link dev.lockstep.nn.Architecture}), seeded initialization,
 * and the forward and backward passes over a batch ({@link dev.lockstep.nn.Mlp}) on dense-layer kernels
 * ({@link dev.lockstep.nn.DenseKernels}: the Vector API when the JVM has it, plain loops otherwise).
 *
 * <p>Pure Java, no Spark; depends on no other Lockstep package.
 */
package dev.lockstep.nn;
