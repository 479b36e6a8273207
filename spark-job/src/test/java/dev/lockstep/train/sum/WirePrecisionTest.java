package dev.lockstep.train.sum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WirePrecisionTest {
    private static final float[] SPECIAL = {
        0f,
        -0f,
        1f,
        -1.5f,
        Float.MIN_VALUE,
        -Float.MIN_NORMAL,
        Float.MAX_VALUE,
        Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY,
        Float.NaN,
        3.14159265f,
        1e-30f
    };

    @Test
    void float32IsExactBitForBit() {
        float[] back = new float[SPECIAL.length];
        byte[] wire = WirePrecision.FLOAT32.encode(SPECIAL);
        assertEquals(SPECIAL.length * 4, wire.length);
        WirePrecision.FLOAT32.decode(wire, back);
        for (int i = 0; i < SPECIAL.length; i++) {
            assertEquals(Float.floatToRawIntBits(SPECIAL[i]), Float.floatToRawIntBits(back[i]), "value " + i);
        }
    }

    @Test
    void addToMakesTheSameAdditionsAsSummingDecodedArrays() {
        SplittableRandom rng = new SplittableRandom(3);
        for (WirePrecision w : WirePrecision.values()) {
            float[] a = new float[1000], sum = new float[1000], expected = new float[1000], decoded = new float[1000];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) rng.nextGaussian();
                sum[i] = expected[i] = (float) rng.nextGaussian();
            }
            byte[] wire = w.encode(a);
            w.decode(wire, decoded);
            for (int i = 0; i < a.length; i++) expected[i] += decoded[i];
            w.addTo(wire, sum);
            for (int i = 0; i < a.length; i++)
                assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(sum[i]));
        }
    }

    @Test
    void bf16RoundsToNearestEvenAndKeepsRangeAndNaN() {
        // 1 + 2^-8 is halfway between two bf16 values (1 and 1 + 2^-7): ties go to the even one, 1.
        assertEquals(1f, WirePrecision.fromBf16(WirePrecision.toBf16(1f + 0x1p-8f)));
        // 1 + 3 * 2^-8 is halfway between 1 + 2^-7 and 1 + 2^-6: the even one is 1 + 2^-6.
        assertEquals(1f + 0x1p-6f, WirePrecision.fromBf16(WirePrecision.toBf16(1f + 3 * 0x1p-8f)));
        // Just above the halfway point rounds up.
        assertEquals(1f + 0x1p-7f, WirePrecision.fromBf16(WirePrecision.toBf16(Math.nextUp(1f + 0x1p-8f))));
        assertEquals(Float.POSITIVE_INFINITY, WirePrecision.fromBf16(WirePrecision.toBf16(Float.POSITIVE_INFINITY)));
        assertTrue(Float.isNaN(WirePrecision.fromBf16(WirePrecision.toBf16(Float.NaN))));
        assertEquals(1e30f, WirePrecision.fromBf16(WirePrecision.toBf16(1e30f)), 1e30f / 128);
        assertEquals(-0f, WirePrecision.fromBf16(WirePrecision.toBf16(-0f)));
        // Every value comes back within half a unit of bf16's 8-bit mantissa.
        SplittableRandom rng = new SplittableRandom(9);
        float[] v = new float[10_000], back = new float[v.length];
        for (int i = 0; i < v.length; i++) v[i] = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(-20, 20)));
        byte[] wire = WirePrecision.BF16.encode(v);
        assertEquals(v.length * 2, wire.length);
        WirePrecision.BF16.decode(wire, back);
        for (int i = 0; i < v.length; i++) assertEquals(v[i], back[i], Math.abs(v[i]) * 0x1p-8f, "value " + v[i]);
    }

    @Test
    void roundingInPlaceIsDecodingTheEncodedBits() {
        float[] values = Arrays.copyOf(SPECIAL, SPECIAL.length + 3);
        values[SPECIAL.length] = 3.3961e38f; // rounds up to infinity in bf16
        values[SPECIAL.length + 1] = 1f + 0x1p-8f;
        values[SPECIAL.length + 2] = -1.00390625f;
        for (WirePrecision w : WirePrecision.values()) {
            float[] decoded = new float[values.length];
            w.decode(w.encode(values), decoded);
            float[] rounded = values.clone();
            w.round(rounded);
            for (int i = 0; i < values.length; i++) {
                assertEquals(
                        Float.floatToRawIntBits(decoded[i]), Float.floatToRawIntBits(rounded[i]), w + " " + values[i]);
            }
        }
    }

    @Test
    void parsesItsNamesAndRejectsOthers() {
        assertEquals(WirePrecision.BF16, WirePrecision.parse(" BF16 "));
        assertEquals(WirePrecision.FLOAT32, WirePrecision.parse("float32"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> WirePrecision.parse("fp8"))
                .getMessage()
                .contains("float32 or bf16"));
    }
}
