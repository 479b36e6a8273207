package dev.lockstep.train.step;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lockstep.SharedSpark;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

class PlacementTest {
    @Test
    void autoGroupsPartitionsSoThatEveryTaskHasASlot() {
        // (partitions, cores per task: spark.executor.cores or a local master's, slots) -> partitions per task
        assertEquals(2, Placement.grouping(3, 1, 2), "2 one-core executors, 3 partitions: tasks of 2 and 1");
        assertEquals(1, Placement.grouping(2, 1, 2));
        assertEquals(1, Placement.grouping(4, 1, 8), "more slots than partitions: one partition a task");
        assertEquals(3, Placement.grouping(8, 1, 3));
        assertEquals(8, Placement.grouping(8, 1, 1), "one slot: one task of every partition");
        assertEquals(2, Placement.grouping(8, 2, 8), "4 executors of 2 cores: one task per executor, as before");
        assertEquals(4, Placement.grouping(8, 4, 8));
        assertEquals(4, Placement.grouping(8, 2, 2), "local[2] with 8 partitions: 2 tasks of 4, not 4 of 2");
        assertEquals(3, Placement.grouping(3, 4, 8), "never more than the partitions");
        assertEquals(1, Placement.grouping(5, 1, 0), "slots unknown: the cores alone");
        assertEquals(2, Placement.grouping(5, 2, 0));
        for (int p = 1; p <= 40; p++) {
            for (int slots = 1; slots <= 12; slots++) {
                for (int cores = 1; cores <= 6; cores++) {
                    int perTask = Placement.grouping(p, cores, slots);
                    int tasks = (p + perTask - 1) / perTask;
                    assertEquals(true, tasks <= slots, p + " partitions, " + slots + " slots: " + tasks + " tasks");
                    assertEquals(true, perTask >= Math.min(p, cores) && perTask <= p);
                }
            }
        }
    }

    @Test
    void onALocalMasterAutoUsesItsCoresAsSlots() {
        var sc = SharedSpark.context(); // local[2]
        assertEquals(2, Placement.partitionsPerTask(sc, OptionalInt.empty(), 2));
        assertEquals(2, Placement.partitionsPerTask(sc, OptionalInt.empty(), 3));
        assertEquals(3, Placement.partitionsPerTask(sc, OptionalInt.empty(), 5));
        assertEquals(1, Placement.partitionsPerTask(sc, OptionalInt.empty(), 1));
        assertEquals(1, Placement.partitionsPerTask(sc, OptionalInt.of(1), 5), "as asked");
        assertEquals(2, Placement.partitionsPerTaskNow(sc, 5), "evaluation: the cores alone");
    }

    @Test
    void theSlotsAskedForAreReadFromTheSettings() {
        SparkConf yarn = new SparkConf(false).set("spark.executor.instances", "4");
        assertEquals(OptionalInt.of(4), TaskSlots.expected(yarn, "yarn"));
        assertEquals(OptionalInt.of(12), TaskSlots.expected(yarn.clone().set("spark.executor.cores", "3"), "yarn"));
        assertEquals(
                OptionalInt.of(4),
                TaskSlots.expected(
                        yarn.clone().set("spark.executor.cores", "4").set("spark.task.cpus", "4"), "k8s://h:443"));
        assertEquals(OptionalInt.empty(), TaskSlots.expected(new SparkConf(false), "yarn"));
        assertEquals(
                OptionalInt.empty(),
                TaskSlots.expected(yarn.clone().set("spark.dynamicAllocation.enabled", "true"), "yarn"));

        SparkConf standalone = new SparkConf(false).set("spark.executor.cores", "1");
        assertEquals(OptionalInt.empty(), TaskSlots.expected(standalone, "spark://h:7077"), "all the cores there are");
        assertEquals(
                OptionalInt.empty(),
                TaskSlots.expected(standalone.clone().set("spark.executor.instances", "2"), "spark://h:7077"),
                "a standalone master grants cores, not instances");
        assertEquals(
                OptionalInt.of(3),
                TaskSlots.expected(standalone.clone().set("spark.cores.max", "3"), "spark://h:7077"));
        assertEquals(
                OptionalInt.of(4),
                TaskSlots.expected(
                        new SparkConf(false).set("spark.cores.max", "5").set("spark.executor.cores", "2"),
                        "spark://h:7077"),
                "2 executors of 2 cores in 5");
        assertEquals(
                OptionalInt.of(5), TaskSlots.expected(new SparkConf(false).set("spark.cores.max", "5"), "spark://h"));
    }

    /** A clock that the wait's pauses move on by 100 ms, and a slot count that follows it. */
    private static final class FakeCluster {
        final AtomicLong millis = new AtomicLong();
        int pauses;

        int await(IntSupplier slots, int enough, OptionalInt expected, long deadline) {
            return TaskSlots.await(slots, enough, expected, deadline, millis::get, () -> {
                pauses++;
                millis.addAndGet(100);
                return true;
            });
        }
    }

    @Test
    void theWaitEndsWithEnoughSlotsTheSlotsAskedForSettledExecutorsOrTheDeadline() {
        FakeCluster c = new FakeCluster();
        assertEquals(4, c.await(() -> 4, 3, OptionalInt.empty(), 30_000), "enough at once: no wait");
        assertEquals(0, c.pauses);

        c = new FakeCluster();
        FakeCluster c1 = c;
        IntSupplier oneThenTwo = () -> c1.millis.get() < 1_000 ? 0 : c1.millis.get() < 2_000 ? 1 : 2;
        assertEquals(2, c.await(oneThenTwo, 3, OptionalInt.of(2), 30_000), "the 2 slots asked for");
        assertEquals(2_000, c.millis.get());

        c = new FakeCluster();
        FakeCluster c2 = c;
        IntSupplier late = () -> c2.millis.get() < 1_000 ? 0 : c2.millis.get() < 2_500 ? 1 : 2;
        assertEquals(2, c.await(late, 3, OptionalInt.empty(), 30_000), "none asked for: until none registers");
        assertEquals(2_500 + TaskSlots.SETTLE_MILLIS, c.millis.get());

        c = new FakeCluster();
        assertEquals(0, c.await(() -> 0, 3, OptionalInt.empty(), 5_000), "no executor: up to the deadline");
        assertEquals(5_000, c.millis.get());
        c = new FakeCluster();
        assertEquals(1, c.await(() -> 1, 3, OptionalInt.of(4), 5_000), "fewer than asked for: up to the deadline");
        assertEquals(5_000, c.millis.get());

        assertEquals(
                1,
                TaskSlots.await(() -> 1, 3, OptionalInt.of(4), Long.MAX_VALUE, () -> 0L, () -> false),
                "an interrupted pause ends the wait");
    }
}
