package dev.lockstep.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.FloatBits;
import dev.lockstep.SharedSpark;
import dev.lockstep.TestData;
import dev.lockstep.nn.Activation;
import dev.lockstep.nn.Architecture;
import dev.lockstep.nn.Initializer;
import org.apache.spark.api.java.JavaSparkContext;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-over between the driver and resident tasks: its rules, its messages, and the RPC channel at work. */
class StepChannelTest {
    private static PartialGradient partial(int lo, int hi, byte[] gradient, double loss) {
        return new PartialGradient(new int[] {lo}, new int[] {hi}, new ExchangedBytes[] {ExchangedBytes.inline(gradient)},
                new double[] {loss}, 7, 3, 11, 13, 17, 19);
    }

    @Test
    void aLateAttemptTakesUpTheCurrentStepAndOnlyTheFirstAnswerToItCounts() throws Exception {
        StepBoard board = new StepBoard(2);
        assertNull(board.next(-1, 0), "nothing published yet");
        StepOrder first = new StepOrder(0, 0, new int[] {1}, new byte[] {1});
        board.publish(first, () -> {});
        assertSame(first, board.next(-1, 0));
        assertNull(board.next(0, 10), "nothing after step 0 yet");
        PartialGradient a = partial(0, 1, new byte[] {1}, 1);
        board.answer(0, 0, a);
        board.answer(0, 0, partial(0, 1, new byte[] {2}, 2)); // a second attempt's answer to the same step
        assertNull(board.await(50), "task 1 has not answered: a stall of 50 ms");
        board.answer(1, 0, partial(1, 2, new byte[] {3}, 3));
        PartialGradient[] answers = board.await(50);
        assertSame(a, answers[0], "the first answer counts");

        StepOrder second = new StepOrder(1, 0, new int[] {2}, new byte[] {2});
        board.publish(second, () -> {});
        assertSame(second, board.next(-1, 0), "an attempt started now takes up step 1");
        PartialGradient b = partial(1, 2, new byte[] {4}, 4);
        board.answer(1, 1, b);
        board.answer(0, 0, a); // a slow attempt's answer to the step before
        assertNull(board.await(20), "a stale answer does not stand in for task 0's answer to step 1");
        PartialGradient c = partial(0, 1, new byte[] {5}, 5);
        board.answer(0, 1, c);
        answers = board.await(50);
        assertSame(c, answers[0]);
        assertSame(b, answers[1]);
        assertThrows(IllegalArgumentException.class, () -> board.publish(new StepOrder(1, 0, new int[0], new byte[0]), () -> {}));
        assertThrows(IllegalArgumentException.class, () -> board.answer(2, 1, a));

        board.publish(new StepOrder(2, 0, new int[] {3}, new byte[] {3}), () -> {});
        board.jobEnded(new IllegalStateException("executor lost"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> board.await(1000));
        assertTrue(e.getMessage().endsWith("ended before step 3 of the job was answered: executor lost"), e.getMessage());
        board.end(() -> {});
        assertTrue(board.next(2, 0).isEnd(), "waiting tasks return once the epoch ends");
        assertThrows(IllegalStateException.class, () -> board.publish(new StepOrder(3, 0, new int[0], new byte[0]), () -> {}));
    }

    @Test
    void messagesCarryOrdersAndAnswersWhole() {
        StepOrder o = new StepOrder(41, 3, new int[] {0, 5, 99_999}, new byte[] {9, 8, 7, 6});
        StepOrder back = StepMessages.readOrder(StepMessages.order(o));
        assertEquals(41, back.id());
        assertEquals(3, back.epoch());
        assertArrayEquals(o.batchRows(), back.batchRows());
        assertArrayEquals(o.parameters(), back.parameters());

        PartialGradient p = new PartialGradient(new int[] {0, 2}, new int[] {2, 3},
                new ExchangedBytes[] {ExchangedBytes.inline(new byte[] {1, 2, 3, 4}), ExchangedBytes.inline(new byte[] {5, 6})},
                new double[] {0.25, -1e-300}, 100, 42, 5L, 6L, 7L, 8L);
        StepMessages.Answer a = StepMessages.readAnswer(StepMessages.answer(1, 41, p));
        assertEquals(1, a.task());
        assertEquals(41, a.step());
        PartialGradient q = a.partial();
        assertArrayEquals(p.nodeLo, q.nodeLo);
        assertArrayEquals(p.nodeHi, q.nodeHi);
        assertArrayEquals(p.losses, q.losses);
        for (int i = 0; i < 2; i++) assertArrayEquals(p.gradients[i].bytes(), q.gradients[i].bytes());
        assertEquals(List.of(100, 42, 5L, 6L, 7L, 8L), List.of(q.rows, q.correct, q.fetchNanos, q.computeNanos, q.startMicros, q.endMicros));

        StepMessages.Next n = StepMessages.readNext(StepMessages.next(2, -1));
        assertEquals(2, n.task());
        assertEquals(-1, n.after());
        assertThrows(IllegalArgumentException.class, () -> StepMessages.readOrder(StepMessages.next(2, -1)));
    }

    @Test
    void damagedMessagesAreRefusedBeforeAnythingIsAllocated() {
        byte[] order = StepMessages.order(new StepOrder(41, 3, new int[] {0, 5}, new byte[] {9, 8, 7, 6}));
        byte[] hugeRows = order.clone();
        hugeRows[1 + 8 + 4] = 0x7f; // the row count's top byte
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StepMessages.readOrder(hugeRows));
        assertTrue(e.getMessage().startsWith("damaged step message: length "), e.getMessage());
        byte[] negative = order.clone();
        negative[1 + 8 + 4] = (byte) 0x80;
        assertThrows(IllegalArgumentException.class, () -> StepMessages.readOrder(negative));
        byte[] trailing = java.util.Arrays.copyOf(order, order.length + 1);
        e = assertThrows(IllegalArgumentException.class, () -> StepMessages.readOrder(trailing));
        assertEquals("damaged step message: 1 bytes too many", e.getMessage());

        byte[] answer = StepMessages.answer(1, 41, partial(0, 1, new byte[] {1, 2}, 1));
        byte[] manyNodes = answer.clone();
        manyNodes[1 + 4 + 8] = 0x10;
        assertThrows(IllegalArgumentException.class, () -> StepMessages.readAnswer(manyNodes));
        assertThrows(IllegalArgumentException.class, () -> StepMessages.readNext(java.util.Arrays.copyOf(StepMessages.next(1, 2), 14)));
    }

    /** Spark's RPC, as on a cluster, between the driver and tasks of this JVM: the bits of a job per step. */
    @Test
    void stepsHandedOverSparksRpcGiveTheBitsOfAJobPerStep() {
        Architecture arch = Architecture.parse("784,8,10", Activation.RELU);
        float[] params = Initializer.initialize(arch, 4);
        InputTransform input = InputTransform.plain(784, Trainer.PIXEL_SCALE, 0f);
        JavaSparkContext sc = SharedSpark.context();
        int[][] batches = {{1, 5, 600, 900}, {2, 7, 501, 999}, {0, 999}};
        for (WirePrecision wire : WirePrecision.values()) {
            for (int perTask : new int[] {1, 2}) {
                try (CachedRows rows = CachedRows.cache(sc, new InMemoryRows(TestData.sample().slice(0, 1000)), 2, perTask, "rpc-channel")) {
                    SyncStep step = new SyncStep(sc, arch, wire);
                    // Before the epoch's job takes both of local[2]'s slots.
                    SyncStep.Result[] expected = new SyncStep.Result[batches.length];
                    for (int i = 0; i < batches.length; i++) expected[i] = step.gradient(rows, params, batches[i], 0, input, "reference");
                    ResidentEpoch epoch = ((ResidentEpoch) step.epoch(TaskLifetime.EPOCH, rows, 0, input, "lockstep test epoch (resident tasks)",
                            w -> {})).overRpc();
                    try {
                        for (int i = 0; i < batches.length; i++) {
                            SyncStep.Result got = epoch.gradient(params, batches[i], "over rpc");
                            String what = wire + ", " + perTask + " per task, step " + (i + 1);
                            assertArrayEquals(FloatBits.of(expected[i].gradientSum()), FloatBits.of(got.gradientSum()), what);
                            assertEquals(expected[i].lossSum(), got.lossSum(), 0, what);
                            assertEquals(expected[i].correct(), got.correct(), what);
                        }
                        assertFalse(epoch.fellBack(), "every step was answered by the resident tasks");
                    } finally {
                        epoch.close();
                    }
                }
            }
        }
    }
}
