package dev.lockstep.cli;

import dev.lockstep.UsageException;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** The winning value of each setting that was given anywhere, and where it came from. */
final class ResolvedSettings {
    record Value(String text, String source) {}

    private final Map<Setting, Value> values = new EnumMap<>(Setting.class);

    /** Sets a value unless {@code text} is null; later calls (from later sources) win. */
    void put(Setting s, String text, String source) {
        if (text != null) values.put(s, new Value(text.trim(), source));
    }

    boolean has(Setting s) {
        return values.containsKey(s);
    }

    /** Of two exclusive settings, drops the one that came from a conf key when the other came from a flag. */
    void preferFlag(Setting a, Setting b) {
        if (!has(a) || !has(b)) return;
        boolean aFlag = source(a).equals(a.flag), bFlag = source(b).equals(b.flag);
        if (aFlag && !bFlag) values.remove(b);
        else if (bFlag && !aFlag) values.remove(a);
    }

    String text(Setting s) {
        Value v = values.get(s);
        return v == null ? null : v.text();
    }

    String source(Setting s) {
        Value v = values.get(s);
        return v == null ? "default" : v.source();
    }

    /**
     * The setting's value, parsed and checked by the setting's own validator ({@link Setting#parse}), or null when
     * it was not given; a bad value is one line naming the setting, the value, its source and what was expected.
     */
    @SuppressWarnings("unchecked")
    <T> T value(Setting s) {
        Value v = values.get(s);
        if (v == null) return null;
        try {
            return (T) s.parse(v.text());
        } catch (RuntimeException e) { // a parser's slip on odd text is still the value's fault, not a crash
            String why = e instanceof NumberFormatException || e.getMessage() == null
                    ? "expected " + s.expected
                    : e.getMessage();
            throw new UsageException(
                    String.format("bad value '%s' for %s (from %s): %s", v.text(), s.flag, v.source(), why));
        }
    }

    Map<String, String> sources() {
        Map<String, String> m = new LinkedHashMap<>();
        for (Setting s : Setting.values()) {
            // Only when given: the config of a run from scratch stays as it was before warm starts.
            if (s == Setting.INIT_FROM && !has(s)) continue;
            m.put(s.key, source(s));
        }
        return m;
    }
}
