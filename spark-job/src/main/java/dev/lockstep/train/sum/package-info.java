/**
 * The deterministic sum of a step: the fixed tree over partitions in which gradients and losses add up
 * ({@link dev.lockstep.train.sum.SumTree}, {@link dev.lockstep.train.sum.NodeSum}), and the precision they travel in
 * ({@link dev.lockstep.train.sum.WirePrecision}). The order of the additions is part of the model: change nothing
 * here without the bit-for-bit tests.
 *
 * <p>Pure Java, no Spark; depends on no other Lockstep package.
 */
package dev.lockstep.train.sum;
