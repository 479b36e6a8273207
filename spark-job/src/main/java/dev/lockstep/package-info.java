/**
 * Lockstep: synchronous data-parallel training of multi-layer perceptrons on Apache Spark. This package holds only
 * what every other package may use to speak to the user: the failures {@link dev.lockstep.LockstepException} (a
 * message for the user) and {@link dev.lockstep.UsageException} (a bad option or setting, exit code 2), and
 * {@link dev.lockstep.Printable} (quoted text made safe for a terminal).
 *
 * <p>The packages, from the bottom up: {@code nn} and {@code optim} (the network and its optimizers; pure Java),
 * {@code io} (JSON and files), {@code data} (reading training data), {@code model} (trained models and the
 * registry), {@code train} and its subpackages (training on Spark), {@code report} (charts and pages),
 * {@code workflow} (the services the commands are made of), {@code ml} (Spark ML pipeline stages), {@code bench}
 * (measurements) and {@code cli} (the commands). Each depends only on packages before it.
 */
package dev.lockstep;
