/**
 * What a run learned, drawn without Spark: charts of its history and metrics (XChart), grids of scored digits,
 * the first layer's weights, inputs the network finds most like each class, and one self-contained HTML page.
 * Entry points: {@link dev.lockstep.report.RunReport}, {@link dev.lockstep.report.RegistryReport},
 * {@link dev.lockstep.report.Imagine}.
 */
package dev.lockstep.report;
