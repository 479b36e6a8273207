package dev.lockstep.optim;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The small spec syntax shared by {@link OptimizerSpec} and {@link ScheduleSpec}: {@code kind[:key=value,...]},
 * e.g. {@code adam:beta2=0.99} or {@code cosine:warmup=5%,min=0.01}. Kind and keys are case-insensitive.
 */
final class Options {
    final String kind;
    final Map<String, String> values;

    private Options(String kind, Map<String, String> values) {
        this.kind = kind;
        this.values = values;
    }

    /** @param what e.g. "optimizer", used in messages */
    static Options parse(String text, String what) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException(what + " is empty");
        String s = text.trim();
        int colon = s.indexOf(':');
        String kind = (colon < 0 ? s : s.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
        Map<String, String> values = new LinkedHashMap<>();
        if (colon >= 0) {
            for (String part : s.substring(colon + 1).split(",", -1)) {
                int eq = part.indexOf('=');
                if (eq < 0) {
                    throw new IllegalArgumentException(
                            "bad " + what + " option '" + part.trim() + "' in '" + text + "' (expected key=value)");
                }
                String key = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                String value = part.substring(eq + 1).trim();
                if (values.put(key, value) != null) {
                    throw new IllegalArgumentException(what + " option '" + key + "' given twice in '" + text + "'");
                }
            }
        }
        return new Options(kind, values);
    }

    /** Rejects keys outside {@code allowed}, naming the ones that are accepted for this kind. */
    void checkKeys(String what, String allowedList, Set<String> allowed) {
        for (String k : values.keySet()) {
            if (!allowed.contains(k)) {
                throw new IllegalArgumentException("unknown option '" + k + "' for " + kind + " " + what
                        + (allowed.isEmpty() ? " (it takes none)" : " (expected " + allowedList + ")"));
            }
        }
    }

    static double parseDouble(String key, String value) {
        try {
            double d = Double.parseDouble(value);
            if (Double.isFinite(d)) return d;
        } catch (NumberFormatException ignored) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("bad value '" + value + "' for " + key + ": expected a finite number");
    }

    static long parseLong(String key, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad value '" + value + "' for " + key + ": expected a whole number");
        }
    }

    /** Formats a double without a trailing ".0" for whole numbers, for compact round-trippable spec strings. */
    static String format(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
        return Double.toString(d);
    }
}
