/**
 * Checkpoints on disk: the file format of a {@link dev.lockstep.train.Checkpoint}
 * ({@link dev.lockstep.train.checkpoint.CheckpointFile}), the directory that keeps the latest few
 * ({@link dev.lockstep.train.checkpoint.Checkpoints}), and the listener that writes them as a run goes
 * ({@link dev.lockstep.train.checkpoint.CheckpointListener}).
 *
 * <p>Builds on {@code train} (the checkpoint record, the config, the listener interface), {@code train.timing} and
 * {@code io}; {@code train} does not depend on it.
 */
package dev.lockstep.train.checkpoint;
