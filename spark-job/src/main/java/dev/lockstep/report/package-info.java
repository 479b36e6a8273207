/**
 * What a run learned, drawn without Spark: charts of its history and metrics (XChart) for any class count; for an
 * image model also grids of scored digits, the first layer's weights and inputs the network finds most like each
 * class; and one self-contained HTML page.
 * Entry points: {@link dev.lockstep.report.RunReport}, {@link dev.lockstep.report.RegistryReport},
 * {@link dev.lockstep.report.Imagine} (with {@link dev.lockstep.report.ImagePrior}, its prior).
 */
package dev.lockstep.report;
