/**
 * What a warm start buys: {@link dev.lockstep.warm.WarmStartBench} trains a previous model on part of Fashion-MNIST,
 * then on all of it from that model and from scratch, and compares their test accuracy.
 */
package dev.lockstep.warm;
