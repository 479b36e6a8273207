package dev.lockstep.nn;

import java.util.Locale;

/**
 * Hidden-layer activations. StrictMath keeps results bit-identical on every JVM an executor may run on.
 * Each knows its derivative in terms of its own output, so backprop keeps no pre-activations.
 */
public enum Activation {
    RELU {
        /** max(x, +0), as the kernels fuse it into their stores (-0 becomes +0, NaN stays NaN). */
        @Override
        public void apply(float[] a, int from, int to) {
            for (int i = from; i < to; i++) a[i] = Math.max(a[i], 0f);
        }

        @Override
        public float derivativeFromOutput(float y) {
            return y > 0f ? 1f : 0f;
        }
    },
    SIGMOID {
        @Override
        public void apply(float[] a, int from, int to) {
            for (int i = from; i < to; i++) a[i] = (float) (1.0 / (1.0 + StrictMath.exp(-a[i])));
        }

        @Override
        public float derivativeFromOutput(float y) {
            return y * (1f - y);
        }
    },
    TANH {
        @Override
        public void apply(float[] a, int from, int to) {
            for (int i = from; i < to; i++) a[i] = (float) StrictMath.tanh(a[i]);
        }

        @Override
        public float derivativeFromOutput(float y) {
            return 1f - y * y;
        }
    };

    /** Applies the activation in place to a[from, to). */
    public abstract void apply(float[] a, int from, int to);

    /** d(activation)/d(input), expressed through the activation's output y. */
    public abstract float derivativeFromOutput(float y);

    /** Stable one-byte code for the model file format; never reorder. */
    public int code() {
        return ordinal();
    }

    public static Activation fromCode(int code) {
        Activation[] all = values();
        if (code < 0 || code >= all.length) {
            throw new IllegalArgumentException("unknown activation code " + code);
        }
        return all[code];
    }

    public static Activation parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown activation '" + name + "' (expected relu, sigmoid or tanh)");
        }
    }

    public String displayName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
