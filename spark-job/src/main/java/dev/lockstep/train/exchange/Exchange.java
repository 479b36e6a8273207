package dev.lockstep.train.exchange;

import dev.lockstep.train.sum.WirePrecision;
import java.util.Locale;

/**
 * How a resident epoch's gradients reach the driver. Every way adds the same numbers in the same order, so the model
 * is the same bit for bit; they differ in what the driver's link carries per step. Auto (no value) is {@link
 * LocalStepChannel in this JVM} on a local master and {@link #SHARDED} on a cluster.
 */
public enum Exchange {
    /**
     * Every task sends its whole gradient to the driver and gets the whole parameters from it ({@link RpcStepChannel}).
     */
    DRIVER("driver"),
    /**
     * A reduce-scatter among the tasks: the driver moves about one model's bytes each way ({@link ShardedStepChannel}).
     */
    SHARDED("sharded");

    private final String displayName;

    Exchange(String displayName) {
        this.displayName = displayName;
    }

    public String displayName() {
        return displayName;
    }

    /** "driver", "sharded", or null for auto. */
    public static Exchange parse(String s) {
        if (s == null || s.equalsIgnoreCase("auto")) return null;
        for (Exchange e : values()) if (e.displayName.equals(s.toLowerCase(Locale.ROOT))) return e;
        throw new IllegalArgumentException("exchange must be driver, sharded or auto, got '" + s + "'");
    }

    /** The exchange {@code requested} (null: auto) comes to; null for the driver's own JVM (a local master's). */
    public static Exchange resolve(Exchange requested, boolean localMaster) {
        return requested != null ? requested : localMaster ? null : SHARDED;
    }

    /**
     * The channel of one resident epoch for {@code requested} (null: auto) on a local master or not.
     *
     * @param shape the answers of tasks sending whole gradients: the layout and the model's size
     */
    public static StepChannel open(Exchange requested, boolean localMaster, AnswerShape shape, WirePrecision wire) {
        Exchange e = resolve(requested, localMaster);
        if (e == null) return LocalStepChannel.open(shape);
        return e == DRIVER ? RpcStepChannel.open(shape) : ShardedStepChannel.open(shape, wire);
    }
}
