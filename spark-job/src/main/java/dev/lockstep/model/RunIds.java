package dev.lockstep.model;

import dev.lockstep.LockstepException;
import dev.lockstep.Printable;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * A registry's run ids: the UTC start time to the millisecond and four random hex digits,
 * {@code 20261122-214500-123-3fa2}. The one place that says what an id may be. Every id that comes from outside
 * (current.json, events.jsonl, a listing of {@code runs/}, the command line) is checked here before it is joined to
 * a path, so a file naming {@code ..} or {@code /etc} cannot lead a registry command out of its registry.
 */
public final class RunIds {
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS");
    private static final Pattern PATTERN = Pattern.compile("[0-9]{8}-[0-9]{6}-[0-9]{3}-[0-9a-f]{4}");
    /** What an id looks like, for messages. */
    public static final String EXAMPLE = "20261122-214500-123-3fa2";

    private RunIds() {}

    /** A new id for a run starting now. */
    public static String next() {
        return ZonedDateTime.now(ZoneOffset.UTC).format(TIME)
                + String.format("-%04x", ThreadLocalRandom.current().nextInt(1 << 16));
    }

    /** Whether {@code id} has the shape of a run id (and so is a plain directory name, never {@code ..} or a path). */
    public static boolean isValid(String id) {
        return id != null && PATTERN.matcher(id).matches() && startTime(id) != null;
    }

    /**
     * {@code id}, if it is a run id.
     *
     * @param source where the id came from (a file, "the command line"), named in the error
     * @throws LockstepException if it is not one
     */
    public static String require(String id, String source) {
        if (!isValid(id))
            throw new LockstepException(source + ": " + describe(id) + " is not a run id (like " + EXAMPLE + ")");
        return id;
    }

    /** The id's start time (UTC), or null when it is not a run id's. */
    public static Instant startTime(String id) {
        if (id == null || !PATTERN.matcher(id).matches()) return null;
        try {
            return LocalDateTime.parse(id.substring(0, 19), TIME).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The value as a message can show it: quoted, shortened, control characters escaped. */
    static String describe(Object value) {
        if (value == null) return "null";
        String s = String.valueOf(value);
        return "'" + Printable.escape(s.length() > 80 ? s.substring(0, 80) : s) + (s.length() > 80 ? "...'" : "'");
    }
}
