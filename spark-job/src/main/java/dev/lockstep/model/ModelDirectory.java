package dev.lockstep.model;

import dev.lockstep.io.HadoopPaths;
import org.apache.hadoop.fs.Path;

/**
 * File names inside a training output directory; the one place that knows them, so train, predict and evaluate
 * agree. Works for any Hadoop URI ({@code out}, {@code /abs/out}, {@code file:/..}, {@code hdfs://nn/out},
 * {@code s3a://bucket/out}), with or without a trailing slash.
 */
public final class ModelDirectory {
    public static final String MODEL_FILE = "model.lsm";
    public static final String SIDECAR_FILE = "model.json";
    public static final String METRICS_FILE = "metrics.json";
    public static final String HISTORY_FILE = "history.jsonl";

    private ModelDirectory() {}

    /** The binary model, see {@link ModelFile}. */
    public static String modelFile(String dir) {
        return resolve(dir, MODEL_FILE);
    }

    /** The human-readable description of the model, see {@link ModelSidecar}. */
    public static String sidecarFile(String dir) {
        return resolve(dir, SIDECAR_FILE);
    }

    /** Final metrics of the run. */
    public static String metricsFile(String dir) {
        return resolve(dir, METRICS_FILE);
    }

    /** One JSON line per epoch. */
    public static String historyFile(String dir) {
        return resolve(dir, HISTORY_FILE);
    }

    static String resolve(String dir, String name) {
        return new Path(HadoopPaths.of(dir), name).toString();
    }
}
