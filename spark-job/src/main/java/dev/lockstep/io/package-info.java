/**
 * Generic file I/O shared by the data, model, training and command packages: JSON in one fixed style
 * ({@link dev.lockstep.io.Json}), files replaced all at once or not at all ({@link dev.lockstep.io.AtomicFiles}),
 * and Hadoop paths for local files, HDFS and object stores ({@link dev.lockstep.io.HadoopPaths}).
 *
 * <p>Depends on nothing of Lockstep's but {@link dev.lockstep.LockstepException}: every other package may use it.
 */
package dev.lockstep.io;
