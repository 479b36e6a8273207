package dev.lockstep.train.step;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.FloatBits;
import dev.lockstep.SharedSpark;
import dev.lockstep.TestData;
import dev.lockstep.model.InputScaling;
import dev.lockstep.nn.Activation;
import dev.lockstep.nn.Architecture;
import dev.lockstep.nn.Initializer;
import dev.lockstep.train.exchange.ExchangedBytes;
import dev.lockstep.train.rows.CachedRows;
import dev.lockstep.train.rows.InMemoryRows;
import dev.lockstep.train.sum.WirePrecision;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.Test;

/**
 * Parameters held in this JVM (a local master), in the task, or in a broadcast of their own, and gradients held or
 * sent back: the same step, bit for bit.
 */
class ShippedParametersTest {
    @Test
    void smallModelsRideInTheTaskLargeOnesGetABroadcast() {
        assertFalse(ShippedParameters.ship(SharedSpark.context(), new byte[ShippedParameters.MAX_IN_TASK_BYTES])
                .isBroadcast());
        ShippedParameters large =
                ShippedParameters.ship(SharedSpark.context(), new byte[ShippedParameters.MAX_IN_TASK_BYTES + 1]);
        assertTrue(large.isBroadcast());
        assertEquals(ShippedParameters.MAX_IN_TASK_BYTES + 1, large.bytes().length);
        large.release();
    }

    @Test
    void bothWaysComputeTheSameGradient() throws Exception {
        Architecture arch = Architecture.parse("784,16,10", Activation.RELU);
        float[] params = Initializer.initialize(arch, 3);
        int[] batch = {1, 5, 8, 400, 999, 1500, 1999};
        InputTransform input = InputTransform.plain(784, InputScaling.UNIT);
        try (CachedRows rows = CachedRows.cache(
                SharedSpark.context(), new InMemoryRows(TestData.sample().slice(0, 2000)), 3, "shipped-test")) {
            int heldBefore = ExchangedBytes.heldCount();
            for (WirePrecision wire : WirePrecision.values()) {
                ResultSizes sizes = new ResultSizes();
                SharedSpark.context().sc().addSparkListener(sizes);
                try {
                    SyncStep.Result held = new SyncStep(SharedSpark.context(), arch, wire)
                            .gradient(rows, params, batch, 0, input, "held");
                    long heldResultBytes = sizes.largestSince();
                    SyncStep.Result inTask = new SyncStep(
                                    SharedSpark.context(),
                                    arch,
                                    wire,
                                    ShippedParameters.MAX_IN_TASK_BYTES,
                                    SyncStep.Layout.SENT,
                                    java.util.Optional.empty())
                            .gradient(rows, params, batch, 0, input, "in task");
                    long sentResultBytes = sizes.largestSince();
                    SyncStep.Result broadcast = new SyncStep(
                                    SharedSpark.context(),
                                    arch,
                                    wire,
                                    0,
                                    SyncStep.Layout.SENT,
                                    java.util.Optional.empty())
                            .gradient(rows, params, batch, 0, input, "broadcast");
                    assertArrayEquals(
                            FloatBits.of(held.gradientSum()), FloatBits.of(inTask.gradientSum()), wire.toString());
                    assertArrayEquals(
                            FloatBits.of(inTask.gradientSum()), FloatBits.of(broadcast.gradientSum()), wire.toString());
                    assertEquals(inTask.lossSum(), broadcast.lossSum(), 0);
                    assertEquals(held.lossSum(), inTask.lossSum(), 0);
                    assertEquals(batch.length, inTask.rows());
                    int gradientBytes = arch.parameterCount() * wire.bytesPerValue();
                    assertTrue(sentResultBytes > gradientBytes, "sent result " + sentResultBytes + " bytes");
                    assertTrue(
                            heldResultBytes < 2048,
                            "a held gradient's task result is its key, not " + heldResultBytes + " bytes");
                } finally {
                    SharedSpark.context().sc().removeSparkListener(sizes);
                }
            }
            assertEquals(heldBefore, ExchangedBytes.heldCount(), "every step drops what it held");
        }
    }

    /** The largest serialized task result since the last call (waits for the listener bus to deliver). */
    private static final class ResultSizes extends SparkListener {
        private final AtomicLong largest = new AtomicLong();

        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
            if (end.taskMetrics() != null)
                largest.accumulateAndGet(end.taskMetrics().resultSize(), Math::max);
        }

        long largestSince() throws Exception {
            SharedSpark.context().sc().listenerBus().waitUntilEmpty();
            return largest.getAndSet(0);
        }
    }
}
