package dev.lockstep.train.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.LockstepException;
import dev.lockstep.SharedSpark;
import dev.lockstep.TestData;
import dev.lockstep.data.DataFormatException;
import dev.lockstep.data.RowBlock;
import dev.lockstep.model.InputScaling;
import dev.lockstep.nn.Activation;
import dev.lockstep.nn.Architecture;
import dev.lockstep.nn.Initializer;
import dev.lockstep.train.exchange.LocalStepChannel;
import dev.lockstep.train.rows.CachedRows;
import dev.lockstep.train.rows.DataError;
import dev.lockstep.train.rows.InMemoryRows;
import dev.lockstep.train.rows.PartitionJob;
import dev.lockstep.train.rows.RowSource;
import dev.lockstep.train.sum.WirePrecision;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkException;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.TaskKilled;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.Test;

/**
 * Bad input found on an executor ends the job with its own exception on the driver, and no task fails: a failed
 * task is what Spark retries (on a cluster) and reports with stack traces. Other failures stay Spark's.
 */
class DataErrorTest {
    /** Set by a test to make the next computation of partition 1 of {@link BadRows} find bad rows. */
    private static volatile boolean badRows;

    @Test
    void aDataErrorInATaskIsThrownOnTheDriverWithNoFailedTask() {
        JavaSparkContext sc = SharedSpark.context();
        JavaRDD<Integer> rdd = sc.parallelize(List.of(1, 2, 3, 4), 4);
        List<String> failed = failedTasks(() -> {
            DataFormatException e = assertThrows(
                    DataFormatException.class,
                    () -> PartitionJob.<Integer, Integer>of(it -> {
                                int x = it.next();
                                if (x == 3)
                                    throw new DataFormatException("part-3: label 12 of record 7 is out of range");
                                return x;
                            })
                            .runOn(sc, rdd, Integer.class));
            assertEquals("part-3: label 12 of record 7 is out of range", e.getMessage());
            assertTrue(
                    e.getStackTrace()[0].getClassName().startsWith(DataErrorTest.class.getName()),
                    "the task's own stack trace");
        });
        assertEquals(List.of(), failed, "no task failed");
        assertEquals(
                List.of(1, 2, 3, 4),
                PartitionJob.<Integer, Integer>of(it -> it.next()).runOn(sc, rdd, Integer.class),
                "later jobs run");
    }

    /** A bug, and a file that could not be read just now (which a second attempt may well read), fail the task. */
    @Test
    void otherFailuresAreStillSparks() {
        JavaSparkContext sc = SharedSpark.context();
        JavaRDD<Integer> rdd = sc.parallelize(List.of(1, 2), 2);
        for (RuntimeException thrown : List.of(
                new IllegalStateException("a bug"),
                new LockstepException("cannot read rows.bin: Connection reset by peer"))) {
            List<String> failed = failedTasks(() -> {
                Exception e = assertThrows(
                        Exception.class,
                        () -> PartitionJob.<Integer, Integer>of(it -> {
                                    throw thrown;
                                })
                                .runOn(sc, rdd, Integer.class));
                assertInstanceOf(SparkException.class, e);
                assertTrue(
                        e.getMessage().contains(thrown.getClass().getSimpleName() + ": " + thrown.getMessage()),
                        e.getMessage());
            });
            // anyMatch: a late failure of the previous case's task may still arrive here
            assertTrue(failed.stream().anyMatch(f -> f.contains(thrown.getMessage())), failed.toString());
        }
    }

    @Test
    void anErrorWhoseCauseCannotTravelKeepsItsMessageAndStack() {
        RuntimeException unserializable = new RuntimeException("held") {
            private final Object lock = new Object();
        };
        DataFormatException thrown = new DataFormatException("f: cannot read image", unserializable);
        DataError d = DataError.of(thrown);
        assertEquals("f: cannot read image", d.error().getMessage());
        assertEquals(List.of(thrown.getStackTrace()), List.of(d.error().getStackTrace()));
        assertEquals(null, d.error().getCause());
    }

    /** Rows found bad while a partition is cached: caching fails with their exception, and frees what it held. */
    @Test
    void badRowsFoundWhileCachingEndCaching() {
        JavaSparkContext sc = SharedSpark.context();
        badRows = true;
        try {
            int cachedBefore = sc.sc().getPersistentRDDs().size();
            List<String> failed = failedTasks(() -> {
                DataFormatException e =
                        assertThrows(DataFormatException.class, () -> CachedRows.cache(sc, new BadRows(), 2, "bad"));
                assertEquals("rows.bin: records 500-999 fail their CRC32C check", e.getMessage());
            });
            assertEquals(List.of(), failed, "no task failed");
            assertEquals(cachedBefore, sc.sc().getPersistentRDDs().size(), "nothing left cached");
        } finally {
            badRows = false;
        }
    }

    /**
     * A cached partition is lost and read again mid-epoch, and its rows are now bad (the file changed): the
     * resident tasks' job ends at once with their exception, the other resident task cancelled, nothing left running.
     */
    @Test
    void badRowsFoundByAResidentTaskEndTheEpoch() throws InterruptedException {
        JavaSparkContext sc = SharedSpark.context();
        Architecture arch = Architecture.parse("784,8,10", Activation.RELU);
        float[] params = Initializer.initialize(arch, 1);
        InputTransform input = InputTransform.plain(784, InputScaling.UNIT);
        int[] batch = {1, 5, 600, 900};
        try (CachedRows rows = CachedRows.cache(sc, new BadRows(), 2, 1, "resident-bad-rows")) {
            SyncStep step = new SyncStep(sc, arch, WirePrecision.FLOAT32);
            EpochSteps epoch =
                    step.epoch(TaskLifetime.EPOCH, rows, 0, input, "lockstep test epoch (resident tasks)", w -> {});
            rows.rdd().unpersist(true);
            badRows = true;
            List<String> failed = failedTasks(() -> {
                IllegalStateException e =
                        assertThrows(IllegalStateException.class, () -> epoch.gradient(params, batch, "step 1"));
                Throwable cause = e.getCause();
                assertInstanceOf(DataFormatException.class, cause, "the task's exception is the cause Main reports");
                assertEquals("rows.bin: records 500-999 fail their CRC32C check", cause.getMessage());
                epoch.close();
            });
            assertTrue(
                    failed.stream().noneMatch(f -> f.contains("DataFormatException")),
                    "no task failed with it: " + failed);
            assertEquals(0, LocalStepChannel.openCount());
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (sc.statusTracker().getActiveJobIds().length > 0 && System.nanoTime() < deadline) Thread.sleep(10);
            assertEquals(0, sc.statusTracker().getActiveJobIds().length, "no job left running");
        } finally {
            badRows = false;
        }
    }

    /** The sample's first 1,000 rows; while {@link #badRows} is set, partition 1's are unreadable. */
    private static final class BadRows implements RowSource {
        private final InMemoryRows rows = new InMemoryRows(TestData.sample().slice(0, 1000));

        @Override
        public long count() {
            return rows.count();
        }

        @Override
        public int height() {
            return rows.height();
        }

        @Override
        public int width() {
            return rows.width();
        }

        @Override
        public int maxLabel() {
            return rows.maxLabel();
        }

        @Override
        public String describe() {
            return "bad rows";
        }

        @Override
        public String fingerprint() {
            return rows.fingerprint();
        }

        @Override
        public void close() {
            rows.close();
        }

        @Override
        public JavaRDD<RowBlock> blocks(JavaSparkContext sc, int partitions) {
            return rows.blocks(sc, partitions)
                    .mapPartitionsWithIndex(
                            (p, it) -> badRows && p == 1
                                    ? DataError.inPlaceOf(new DataFormatException(
                                            "rows.bin: records 500-999 fail their CRC32C check"))
                                    : it,
                            true);
        }
    }

    /** Runs {@code body} and returns the failure reasons of the tasks that failed meanwhile. */
    private static List<String> failedTasks(Runnable body) {
        JavaSparkContext sc = SharedSpark.context();
        List<String> failed = new CopyOnWriteArrayList<>();
        SparkListener spy = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd task) {
                if (task.reason() instanceof TaskFailedReason r && !(r instanceof TaskKilled)) {
                    failed.add(r.toErrorString());
                }
            }
        };
        sc.sc().addSparkListener(spy);
        try {
            body.run();
            sc.sc().listenerBus().waitUntilEmpty();
        } catch (TimeoutException e) {
            throw new AssertionError("the listener bus did not drain", e);
        } finally {
            sc.sc().removeSparkListener(spy);
        }
        return failed;
    }
}
