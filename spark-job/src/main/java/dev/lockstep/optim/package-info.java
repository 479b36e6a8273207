/**
 * Optimizers, learning-rate schedules and weight decay for the driver's flat parameter vector. Pure Java, no Spark.
 *
 * <p>One training step on the driver:
 * <pre>{@code
 *   Optimizer opt = OptimizerSpec.parse("adam").create(arch.parameterCount());
 *   LearningRateSchedule lr = ScheduleSpec.parse("cosine:warmup=5%").create(0.001, totalSteps, stepsPerEpoch);
 *   WeightDecay wd = new WeightDecay(1e-4f, arch.weightRanges());
 *   ...
 *   wd.apply(params, gradient);                 // gradient += lambda * weights (biases excluded)
 *   opt.update(params, gradient, lr.rate(step)); // step counts from 0
 * }</pre>
 * For checkpoints, save {@code opt.state()} with the parameters and the step; on resume {@code restore} it into a
 * freshly created optimizer of the same spec. Every piece is deterministic, so the resumed run is bit-identical.
 */
package dev.lockstep.optim;
