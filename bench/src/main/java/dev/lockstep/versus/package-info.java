/**
 * Lockstep against Spark MLlib's multilayer perceptron on the same DataFrames, in one run: {@link
 * dev.lockstep.versus.VersusMllib} and the seeded tabular data it also uses.
 */
package dev.lockstep.versus;
