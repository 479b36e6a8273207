/**
 * The {@code lockstep} commands (picocli): {@link dev.lockstep.cli.Main} and one class per command, with what only
 * the commands need: settings resolved from flags, conf files and defaults ({@link dev.lockstep.cli.Setting},
 * {@link dev.lockstep.cli.ResolvedSettings}), the Spark session ({@link dev.lockstep.cli.SparkSetup}), the driver's
 * memory check, and the one error line a command ends with ({@link dev.lockstep.cli.ErrorLine}). The work itself
 * is done by {@code workflow}, {@code train} and {@code report}.
 *
 * <p>May depend on every other package; none depends on it.
 */
package dev.lockstep.cli;
