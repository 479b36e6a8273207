package dev.lockstep.train.exchange;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.SharedSpark;
import dev.lockstep.train.rows.PartitionLayout;
import dev.lockstep.train.sum.WirePrecision;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The sharded exchange at work in this JVM, its tasks played by threads: through the driver's RPC endpoint and the
 * block manager, as on a cluster. The slices' sums are the driver's whole sums, bit for bit; a task attempt that
 * replaces another restarts the step in flight; an answer of the wrong size is refused.
 */
class ShardedStepChannelTest {
    private static final int PARAMETERS = 7;
    /** Two tasks of one partition each. */
    private static final AnswerShape TWO_TASKS =
            new AnswerShape(new PartitionLayout(1000, 2, 1), WirePrecision.FLOAT32, PARAMETERS);

    /** Task {@code t}'s gradient of a step: a function of the parameters it was handed, so a wrong slice shows. */
    private static float[] gradient(int t, float[] parameters) {
        float[] g = new float[PARAMETERS];
        for (int i = 0; i < PARAMETERS; i++) g[i] = parameters[i] * (t + 1.5f) + i / 3f - 0.1f * t;
        return g;
    }

    private static PartialGradient partial(int t, float[] gradient) {
        return new PartialGradient(
                new int[] {t},
                new int[] {t + 1},
                new ExchangedBytes[] {ExchangedBytes.inline(WirePrecision.FLOAT32.encode(gradient))},
                new double[] {t + 0.25},
                1,
                t,
                PartialGradient.taskTime(1, 2, 3, 4));
    }

    /** What a resident task does, for {@code steps} steps or until the epoch ends; records the step ids it took. */
    private static CompletableFuture<Void> task(StepChannel.Link link, int t, int steps, List<Long> taken) {
        return CompletableFuture.runAsync(() -> {
            long done = -1;
            int answered = 0;
            try {
                while (answered < steps) {
                    StepOrder o = link.next(done, 100);
                    if (o == null) continue;
                    if (o.isEnd()) return;
                    taken.add(o.id());
                    float[] parameters = new float[PARAMETERS];
                    WirePrecision.FLOAT32.decode(o.parameters(), parameters);
                    link.reply(o.id(), partial(t, gradient(t, parameters)));
                    done = o.id();
                    answered++;
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static float[] parameters(int step) {
        float[] p = new float[PARAMETERS];
        for (int i = 0; i < PARAMETERS; i++) p[i] = (i + 1) * 0.37f - step;
        return p;
    }

    private static float[] expectedSum(float[] parameters) {
        float[] a = gradient(0, parameters);
        float[] b = gradient(1, parameters);
        float[] sum = new float[PARAMETERS];
        for (int i = 0; i < PARAMETERS; i++) sum[i] = (0f + a[i]) + b[i];
        return sum;
    }

    private static float[] sum(PartialGradient[] answers) {
        assertNotNull(answers, "every task answered");
        return Slices.assemble(List.of(answers), PARAMETERS);
    }

    @Test
    void slicesAddUpToTheWholeSumAndAReplacedTaskRestartsTheStep() throws Exception {
        SharedSpark.context();
        try (ShardedStepChannel channel = ShardedStepChannel.open(TWO_TASKS, WirePrecision.FLOAT32)) {
            List<Long> takenByZero = new CopyOnWriteArrayList<>();
            StepChannel.Link zero = channel.endpoint().connect(new TaskAttempt(0, 0, 100));
            StepChannel.Link lost = channel.endpoint().connect(new TaskAttempt(1, 0, 101));
            CompletableFuture<Void> zeroRuns = task(zero, 0, Integer.MAX_VALUE, takenByZero);
            CompletableFuture<Void> lostRuns = task(lost, 1, 1, new CopyOnWriteArrayList<>());

            channel.publish(new StepOrder(0, 0, new int[] {1, 2}, WirePrecision.FLOAT32.encode(parameters(0))));
            assertArrayEquals(expectedSum(parameters(0)), sum(channel.await(30_000)));
            lostRuns.get(30, TimeUnit.SECONDS); // task 1's first attempt answered step 0, and is gone

            channel.publish(new StepOrder(1, 0, new int[] {3}, WirePrecision.FLOAT32.encode(parameters(1))));
            // Task 0 takes step 1 up and waits at the barrier for task 1, whose executor is lost; its next attempt
            // registers. (Either way, the round in flight starts again: step 1 is never answered as round 1.)
            Thread.sleep(300);
            StepChannel.Link replacement = channel.endpoint().connect(new TaskAttempt(1, 1, 102));
            CompletableFuture<Void> replacementRuns =
                    task(replacement, 1, Integer.MAX_VALUE, new CopyOnWriteArrayList<>());
            assertArrayEquals(expectedSum(parameters(1)), sum(channel.await(30_000)), "the restarted step's sum");
            assertEquals(List.of(0L, 2L), takenByZero, "step 1 came again as round 2");

            channel.end();
            zeroRuns.get(30, TimeUnit.SECONDS);
            replacementRuns.get(30, TimeUnit.SECONDS);
            long[] bytes = channel.driverBytes();
            assertTrue(bytes[0] > 0 && bytes[1] > 0, "counted");
        }
    }

    /** Over Spark's RPC anyone who reaches the endpoint can send: a slice of the wrong size fails its sender only. */
    @Test
    void anAnswerWhoseSliceDoesNotFitIsRefused() {
        SharedSpark.context();
        try (ShardedStepChannel channel = ShardedStepChannel.open(TWO_TASKS, WirePrecision.FLOAT32)) {
            channel.publish(new StepOrder(0, 0, new int[] {1}, new byte[4 * PARAMETERS]));
            PartialGradient tooLong = PartialGradient.sliced(
                    new int[] {1},
                    new int[] {2},
                    new double[] {1},
                    ExchangedBytes.inline(new byte[4 * PARAMETERS]),
                    1,
                    0,
                    PartialGradient.taskTime(1, 2, 3, 4));
            byte[] message = ShardMessages.answer(new TaskAttempt(1, 0, 9), 0, tooLong);
            Exception e = assertThrows(
                    Exception.class,
                    () -> channel.endpointRef()
                            .askSync(
                                    message,
                                    new org.apache.spark.rpc.RpcTimeout(
                                            scala.concurrent.duration.FiniteDuration.apply(30, TimeUnit.SECONDS),
                                            "test"),
                                    scala.reflect.ClassTag$.MODULE$.apply(byte[].class)));
            Throwable cause = e;
            while (cause.getCause() != null) cause = cause.getCause();
            String why = "answer of task 1 attempt 0 (TID 9): a slice of 28 bytes, expected 12";
            assertEquals(why, cause.getMessage(), "what the sender is told");
            assertEquals("refused a step message: " + why, channel.refusals());
            assertEquals(null, channel.refusals(), "told once");
        }
    }

    @Test
    void slicesCoverTheValuesInOrder() {
        Slices s = new Slices(10, 3);
        assertEquals(List.of(0, 4, 7, 10), List.of(s.lo(0), s.lo(1), s.lo(2), s.hi(2)));
        byte[] whole = new byte[20];
        for (int i = 0; i < whole.length; i++) whole[i] = (byte) i;
        byte[] again = new byte[20];
        for (int k = 0; k < 3; k++) s.paste(s.cut(whole, k, 2), k, 2, again);
        assertArrayEquals(whole, again);
        assertThrows(IllegalArgumentException.class, () -> new Slices(2, 3));
        assertThrows(IllegalArgumentException.class, () -> s.paste(new byte[3], 0, 2, again));
    }
}
