package dev.lockstep.train.exchange;

import dev.lockstep.train.sum.WirePrecision;
import java.io.Serializable;
import java.util.List;

/**
 * The parameter vector cut into contiguous slices, one per task of a sharded exchange ({@link ShardedStepChannel}):
 * slice {@code k} is values [{@link #lo}, {@link #hi}), the first {@code values % count} slices one value longer.
 * Every sum and every wire encoding of the step works value by value, so a slice summed on its own is bit for bit
 * the same as that slice of the whole sum.
 */
public record Slices(int values, int count) implements Serializable {
    public Slices {
        if (values < 1 || count < 1 || count > values) {
            throw new IllegalArgumentException("cannot cut " + values + " values into " + count + " slices");
        }
    }

    public int lo(int k) {
        int base = values / count;
        return k * base + Math.min(k, values % count);
    }

    public int hi(int k) {
        return lo(k + 1);
    }

    public int length(int k) {
        return hi(k) - lo(k);
    }

    /** Slice {@code k} of values encoded at {@code bytesPerValue} bytes each. */
    byte[] cut(byte[] encoded, int k, int bytesPerValue) {
        byte[] out = new byte[length(k) * bytesPerValue];
        System.arraycopy(encoded, lo(k) * bytesPerValue, out, 0, out.length);
        return out;
    }

    /** Puts slice {@code k}, encoded at {@code bytesPerValue} bytes a value, into its place in {@code whole}. */
    void paste(byte[] slice, int k, int bytesPerValue, byte[] whole) {
        if (slice.length != length(k) * bytesPerValue) {
            throw new IllegalArgumentException(
                    "slice " + k + " has " + slice.length + " bytes, expected " + length(k) * bytesPerValue);
        }
        System.arraycopy(slice, 0, whole, lo(k) * bytesPerValue, slice.length);
    }

    /**
     * The whole sum from a sharded exchange's answers, one per task in task order, each its slice's sum in float32.
     */
    public static float[] assemble(List<PartialGradient> answers, int values) {
        Slices slices = new Slices(values, answers.size());
        float[] sum = new float[values];
        float[] part = new float[slices.length(0)];
        for (int k = 0; k < answers.size(); k++) {
            byte[] bytes = answers.get(k).slice.bytes();
            if (part.length != slices.length(k)) part = new float[slices.length(k)];
            WirePrecision.FLOAT32.decode(bytes, part);
            System.arraycopy(part, 0, sum, slices.lo(k), part.length);
        }
        return sum;
    }
}
