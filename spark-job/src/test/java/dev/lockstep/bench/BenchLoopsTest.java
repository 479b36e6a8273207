package dev.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.FloatBits;
import dev.lockstep.SharedSpark;
import dev.lockstep.TestData;
import dev.lockstep.data.LabeledImages;
import dev.lockstep.train.TrainConfig;
import dev.lockstep.train.Trainer;
import dev.lockstep.train.TrainingResult;
import dev.lockstep.train.rows.InMemoryRows;
import dev.lockstep.train.rows.PartitionJob;
import dev.lockstep.train.sum.WirePrecision;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's loops must be the training loop, or their figures say nothing about training: one epoch of each
 * gives the trainer's model bit for bit.
 */
class BenchLoopsTest {
    private static final LabeledImages TRAIN = TestData.sample().slice(0, 2000);
    private static final LabeledImages TEST = TestData.sample().slice(9000, 9500);

    private static TrainConfig config(WirePrecision wire) {
        return TrainConfig.builder()
                .layers(new int[] {784, 32, 10})
                .epochs(1)
                .batchSize(100)
                .seed(5)
                .partitions(2)
                .transfer(wire)
                .build();
    }

    @Test
    void sparkFreeLoopAndSparkStepBenchTrainTheTrainersModel() throws Exception {
        TrainConfig config = config(WirePrecision.FLOAT32);
        float[] trained = new Trainer(SharedSpark.context(), config, List.of())
                .fit(new InMemoryRows(TRAIN), new InMemoryRows(TEST), "test")
                .parameters();

        float[][] free = new float[1][];
        SparkFreeLoop.Throughput t = SparkFreeLoop.run(TRAIN, config, 2, 2, 0, 20, free);
        assertArrayEquals(FloatBits.of(trained), FloatBits.of(free[0]), "Spark-free loop, 2 threads");
        assertTrue(t.examplesPerSecond() > 0
                && t.medianComputeMillis() > 0
                && t.medianStepMillis() >= t.medianComputeMillis());
        float[][] oneThread = new float[1][];
        SparkFreeLoop.run(TRAIN, config, 2, 1, 0, 20, oneThread);
        assertArrayEquals(FloatBits.of(trained), FloatBits.of(oneThread[0]), "Spark-free loop, 1 thread");

        float[][] spark = new float[1][];
        SparkStepBench.Report r = SparkStepBench.run(SharedSpark.context(), TRAIN, config, 2, 4, 8, 8, 5, spark);
        assertArrayEquals(
                FloatBits.of(trained),
                FloatBits.of(spark[0]),
                "Spark step bench: the steps alone, then interleaved, train the same 20 steps");
        assertEquals(785.0, r.cachedBytesPerRow(), 2.0, "one byte per pixel and per label");
        assertEquals(8, r.training().steps());
        assertEquals(8, r.compareSteps());
        assertTrue(r.training().examplesPerSecond() > 0 && r.interleavedExamplesPerSecond() > 0, r.toString());
        assertTrue(
                r.interleavedStepMillis().get("overhead") > 0,
                r.interleavedStepMillis().toString());
        double parts = r.training().stepMillis().get("ship")
                + r.training().stepMillis().get("compute")
                + r.training().stepMillis().get("update");
        assertTrue(
                r.training().stepMillis().get("total") >= parts * 0.5,
                r.training().stepMillis().toString());
        assertTrue(r.emptyJobMillis() > 0 && r.heapAtFirst() > 0 && r.heapAtLast() > 0, r.toString());
        assertTrue(
                r.training().cpuMillisPerStep().get("tasks") > 0,
                "the task threads take CPU: " + r.training().cpuMillisPerStep());
    }

    @Test
    void stepsOnlyRunTheTrainersStepsInOneLifetimeBetweenItsWallClockTimes() throws Exception {
        TrainConfig config = config(WirePrecision.FLOAT32);
        float[] trained = new Trainer(SharedSpark.context(), config, List.of())
                .fit(new InMemoryRows(TRAIN), new InMemoryRows(TEST), "test")
                .parameters();
        long before = System.currentTimeMillis();
        float[][] spark = new float[1][];
        SparkStepBench.Report r = SparkStepBench.run(SharedSpark.context(), TRAIN, config, 2, 4, 16, 0, 0, spark);
        long after = System.currentTimeMillis();
        assertArrayEquals(FloatBits.of(trained), FloatBits.of(spark[0]), "the same 20 steps as one epoch of training");
        assertEquals(1, r.alone().size(), "no alternation: " + r.alone());
        assertEquals(16, r.training().steps());
        assertTrue(
                before <= r.aloneStartMillis()
                        && r.aloneStartMillis() <= r.aloneEndMillis()
                        && r.aloneEndMillis() <= after,
                before + " " + r.aloneStartMillis() + " " + r.aloneEndMillis() + " " + after);
        assertEquals(-1, r.heapAtFirst());
        assertEquals(-1, r.heapAtLast());
        assertTrue(Double.isNaN(r.emptyJobMillis()), r.toString());
    }

    @Test
    void bf16TransferIsReproducibleAndLearnsAsWellWithinAPoint() {
        TrainConfig bf16 = config(WirePrecision.BF16);
        TrainingResult a = new Trainer(SharedSpark.context(), bf16, List.of())
                .fit(new InMemoryRows(TRAIN), new InMemoryRows(TEST), "test");
        TrainingResult b = new Trainer(SharedSpark.context(), bf16, List.of())
                .fit(new InMemoryRows(TRAIN), new InMemoryRows(TEST), "test");
        assertArrayEquals(FloatBits.of(a.parameters()), FloatBits.of(b.parameters()));
        TrainingResult exact = new Trainer(SharedSpark.context(), config(WirePrecision.FLOAT32), List.of())
                .fit(new InMemoryRows(TRAIN), new InMemoryRows(TEST), "test");
        assertTrue(
                !Arrays.equals(FloatBits.of(a.parameters()), FloatBits.of(exact.parameters())),
                "bf16 must change the bits");
        assertEquals(exact.finalEvaluation().accuracy(), a.finalEvaluation().accuracy(), 0.01);
    }

    @Test
    void partitionJobsReturnResultsInPartitionOrder() {
        List<Integer> firsts = new FirstElement()
                .runOn(
                        SharedSpark.context(),
                        SharedSpark.context().parallelize(Arrays.asList(10, 11, 12, 13, 14, 15, 16), 5),
                        Integer.class);
        assertEquals(List.of(10, 11, 12, 14, 15), firsts);
    }

    private static final class FirstElement extends PartitionJob<Integer, Integer> {
        private static final long serialVersionUID = 1L;

        @Override
        protected Integer call(Iterator<Integer> partition) {
            return partition.next();
        }
    }
}
