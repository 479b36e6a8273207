package dev.lockstep;

/** Floats as their raw bits, so that an array comparison is bit for bit: -0 is not 0, and a NaN is the NaN it was. */
public final class FloatBits {
    private FloatBits() {}

    public static int[] of(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) b[i] = Float.floatToRawIntBits(v[i]);
        return b;
    }
}
