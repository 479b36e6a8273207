package dev.lockstep.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.SharedSpark;
import dev.lockstep.TestData;
import dev.lockstep.nn.Activation;
import dev.lockstep.nn.Architecture;
import dev.lockstep.nn.Initializer;
import org.junit.jupiter.api.Test;

/** Parameters in the task or in a broadcast of their own: the same step, bit for bit. */
class ShippedParametersTest {
    @Test
    void smallModelsRideInTheTaskLargeOnesGetABroadcast() {
        assertFalse(ShippedParameters.ship(SharedSpark.context(), new byte[ShippedParameters.MAX_IN_TASK_BYTES]).isBroadcast());
        ShippedParameters large = ShippedParameters.ship(SharedSpark.context(), new byte[ShippedParameters.MAX_IN_TASK_BYTES + 1]);
        assertTrue(large.isBroadcast());
        assertEquals(ShippedParameters.MAX_IN_TASK_BYTES + 1, large.bytes().length);
        large.release();
    }

    @Test
    void bothWaysComputeTheSameGradient() {
        Architecture arch = Architecture.parse("784,16,10", Activation.RELU);
        float[] params = Initializer.initialize(arch, 3);
        int[] batch = {1, 5, 8, 400, 999, 1500, 1999};
        InputTransform input = InputTransform.plain(784, Trainer.PIXEL_SCALE, 0f);
        try (CachedRows rows = CachedRows.cache(SharedSpark.context(), new InMemoryRows(TestData.sample().slice(0, 2000)), 3, "shipped-test")) {
            for (WirePrecision wire : WirePrecision.values()) {
                SyncStep.Result inTask = new SyncStep(SharedSpark.context(), arch, wire).gradient(rows, params, batch, 0, input, "in task");
                SyncStep.Result broadcast = new SyncStep(SharedSpark.context(), arch, wire, 0).gradient(rows, params, batch, 0, input, "broadcast");
                assertArrayEquals(bits(inTask.gradientSum()), bits(broadcast.gradientSum()), wire.toString());
                assertEquals(inTask.lossSum(), broadcast.lossSum(), 0);
                assertEquals(batch.length, inTask.rows());
            }
        }
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) b[i] = Float.floatToRawIntBits(v[i]);
        return b;
    }
}
