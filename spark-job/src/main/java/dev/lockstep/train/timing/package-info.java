/**
 * Where a step's time goes: one step's parts ({@link dev.lockstep.train.timing.StepTime}, with the one table of part
 * names, {@link dev.lockstep.train.timing.StepTime.Part}), collected over steps
 * ({@link dev.lockstep.train.timing.StepTimeSamples}) and summarised as medians
 * ({@link dev.lockstep.train.timing.StepTimeMedians}). Tasks, the step engine, the listeners, checkpoints and the
 * bench all speak it.
 *
 * <p>Pure Java; depends on no other Lockstep package.
 */
package dev.lockstep.train.timing;
