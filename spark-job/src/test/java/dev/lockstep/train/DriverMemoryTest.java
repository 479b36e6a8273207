package dev.lockstep.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lockstep.UsageException;
import dev.lockstep.optim.OptimizerSpec;
import dev.lockstep.train.sum.WirePrecision;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The driver's arrays of the parameter count, counted from the settings alone. */
class DriverMemoryTest {
    private static TrainConfig config(String optimizer, WirePrecision wire, int... layers) {
        return TrainConfig.builder()
                .optimizer(OptimizerSpec.parse(optimizer))
                .transfer(wire)
                .layers(layers)
                .build();
    }

    private static double arrays(TrainConfig c, boolean checkpoints, int localThreads) {
        return DriverMemory.parts(c, checkpoints, localThreads).stream()
                .mapToDouble(DriverMemory.Part::arrays)
                .sum();
    }

    @Test
    void countsTheOptimizersBuffersTheWireCheckpointsAndLocalTasks() {
        assertEquals(4, arrays(config("sgd", WirePrecision.FLOAT32, 784, 10), false, 0));
        assertEquals(5, arrays(config("momentum", WirePrecision.FLOAT32, 784, 10), false, 0));
        assertEquals(5, arrays(config("nesterov", WirePrecision.FLOAT32, 784, 10), false, 0));
        assertEquals(6, arrays(config("adam", WirePrecision.FLOAT32, 784, 10), false, 0));
        assertEquals(5, arrays(config("adam", WirePrecision.BF16, 784, 10), false, 0));
        assertEquals(
                6 + 6,
                arrays(config("adam", WirePrecision.FLOAT32, 784, 10), true, 0),
                "a checkpoint's copy and its file");
        assertEquals(6 + 3 * 4, arrays(config("adam", WirePrecision.FLOAT32, 784, 10), false, 4));
    }

    @Test
    void onlyLocalMastersRunTasksInTheDriversHeap() {
        assertEquals(1, DriverMemory.localThreads("local", OptionalInt.empty()));
        assertEquals(4, DriverMemory.localThreads("local[4]", OptionalInt.empty()));
        assertEquals(2, DriverMemory.localThreads("local[4]", OptionalInt.of(2)), "no more threads than partitions");
        assertEquals(3, DriverMemory.localThreads("local[3,2]", OptionalInt.of(8)));
        assertEquals(
                Runtime.getRuntime().availableProcessors(), DriverMemory.localThreads("local[*]", OptionalInt.empty()));
        assertEquals(0, DriverMemory.localThreads("local-cluster[2,1,1024]", OptionalInt.empty()));
        assertEquals(0, DriverMemory.localThreads("yarn", OptionalInt.empty()));
        assertEquals(0, DriverMemory.localThreads("spark://host:7077", OptionalInt.empty()));
    }

    @Test
    void refusesOnlyWhatDoesNotFit() {
        TrainConfig standard = TrainConfig.builder().build(); // 784,256,128,10: 235,146 parameters, under 1 MB a copy
        DriverMemory.check(standard, true, 16, 64L << 20);
        TrainConfig wide = config("sgd", WirePrecision.FLOAT32, 784, 8192, 10); // 6,512,650 parameters, 25 MB a copy
        DriverMemory.check(wide, false, 0, 100L << 20);
        String message = assertThrows(UsageException.class, () -> DriverMemory.check(wide, false, 0, 99L << 20))
                .getMessage();
        assertEquals(
                "--layers 784,8192,10 has 6,512,650 parameters (25 MB a copy): training holds at least 4 copies on "
                        + "the driver "
                        + "(parameters, gradient, parameters and a gradient on the wire), 100 MB, but its heap is "
                        + "99 MB; use smaller layers, "
                        + "or raise the driver's heap with LOCKSTEP_DRIVER_MEMORY (spark-submit: --driver-memory)",
                message);
    }
}
