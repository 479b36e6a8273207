package dev.lockstep.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * How a table read with {@code --format} maps to rows, declared once for every command that reads tables. Null
 * when not given: train resolves the columns through its conf keys, the other commands take the defaults.
 */
final class TableOptions {
    @Option(
            names = "--features-col",
            paramLabel = "NAME",
            description = "With --format: the features column, a vector or an array of numbers (default features).")
    String featuresCol;

    @Option(
            names = "--label-col",
            paramLabel = "NAME",
            description = "With --format: the label column, class numbers 0, 1, 2, ... (default label).")
    String labelCol;

    @Option(
            names = "--read-option",
            paramLabel = "KEY=VALUE",
            description = "With --format: an option of the data source, e.g. header=true for CSV; repeatable.")
    Map<String, String> readOptions = new LinkedHashMap<>();

    /** True when any of these was given: they mean nothing without {@code --format}. */
    boolean given() {
        return featuresCol != null || labelCol != null || !readOptions.isEmpty();
    }

    String featuresColOrDefault() {
        return featuresCol != null ? featuresCol : "features";
    }

    String labelColOrDefault() {
        return labelCol != null ? labelCol : "label";
    }
}
