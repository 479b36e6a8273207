package dev.lockstep.train;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The early-stopping setting, {@code patience=N[,min-delta=X][,metric=loss|accuracy]}: stop once the validation
 * metric has not improved by more than {@code minDelta} for {@code patience} epochs in a row. Validated when built.
 *
 * @param patience epochs without improvement that end the run, 1 or more
 * @param minDelta how much the metric must improve to count, 0 or more (a fraction of rows for accuracy)
 * @param metric   the validation measure that must improve
 */
public record EarlyStop(int patience, double minDelta, Metric metric) {
    /** The validation measure that must improve: loss must drop, accuracy must rise. */
    public enum Metric {
        LOSS,
        ACCURACY;

        public String displayName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public EarlyStop {
        if (patience < 1) throw new IllegalArgumentException("early-stop patience must be 1 or more, got " + patience);
        if (!(minDelta >= 0) || Double.isInfinite(minDelta)) {
            throw new IllegalArgumentException("early-stop min-delta must be a number >= 0, got " + minDelta);
        }
        if (metric == null) throw new IllegalArgumentException("early-stop metric is missing");
        if (metric == Metric.ACCURACY && minDelta >= 1) {
            throw new IllegalArgumentException("early-stop min-delta for accuracy must be below 1, got " + minDelta);
        }
    }

    /** Parses e.g. {@code patience=3}, {@code patience=5,min-delta=0.001,metric=accuracy}; keys in any order. */
    public static EarlyStop parse(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("early-stop is empty");
        Map<String, String> values = new LinkedHashMap<>();
        for (String part : text.trim().split(",", -1)) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException(
                        "expected patience=N[,min-delta=X][,metric=loss|accuracy], got '" + part.trim() + "'");
            }
            String key = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            if (!key.equals("patience") && !key.equals("min-delta") && !key.equals("metric")) {
                throw new IllegalArgumentException(
                        "unknown early-stop option '" + key + "' (expected patience, min-delta, metric)");
            }
            if (values.put(key, part.substring(eq + 1).trim()) != null) {
                throw new IllegalArgumentException("early-stop option '" + key + "' given twice");
            }
        }
        String patience = values.get("patience");
        if (patience == null) throw new IllegalArgumentException("early-stop needs patience=N (epochs, 1 or more)");
        int n;
        try {
            n = Integer.parseInt(patience);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("early-stop patience must be a whole number, got '" + patience + "'");
        }
        double delta = 0;
        if (values.containsKey("min-delta")) {
            try {
                delta = Double.parseDouble(values.get("min-delta"));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "early-stop min-delta must be a number >= 0, got '" + values.get("min-delta") + "'");
            }
        }
        Metric metric = switch (values.getOrDefault("metric", "loss").toLowerCase(Locale.ROOT)) {
            case "loss" -> Metric.LOSS;
            case "accuracy" -> Metric.ACCURACY;
            default ->
                throw new IllegalArgumentException(
                        "early-stop metric must be loss or accuracy, got '" + values.get("metric") + "'");
        };
        return new EarlyStop(n, delta, metric);
    }

    /** The canonical spelling, which {@link #parse} reads back: metrics.json's {@code early_stop}. */
    @Override
    public String toString() {
        return "patience=" + patience + ",min-delta=" + minDeltaText() + ",metric=" + metric.displayName();
    }

    /** min-delta as written: 0, not 0.0. */
    public String minDeltaText() {
        return minDelta == Math.rint(minDelta) ? Long.toString((long) minDelta) : Double.toString(minDelta);
    }
}
