package dev.lockstep.train.exchange;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.SharedSpark;
import dev.lockstep.train.rows.PartitionLayout;
import dev.lockstep.train.sum.WirePrecision;
import dev.lockstep.train.timing.StepTime;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-over between the driver and resident tasks: its rules, its messages, and the RPC channel at work. */
class StepChannelTest {
    private static PartialGradient partial(int lo, int hi, byte[] gradient, double loss) {
        return new PartialGradient(
                new int[] {lo},
                new int[] {hi},
                new ExchangedBytes[] {ExchangedBytes.inline(gradient)},
                new double[] {loss},
                1,
                0,
                PartialGradient.taskTime(11, 13, 17, 19));
    }

    private static TaskAttempt attempt(int task) {
        return new TaskAttempt(task, 0, 100 + task);
    }

    /** Two tasks of one partition each, a model of one parameter: each answer is one float32 leaf. */
    private static final AnswerShape TWO_TASKS =
            new AnswerShape(new PartitionLayout(10, 2, 1), WirePrecision.FLOAT32, 1);

    @Test
    void aLateAttemptTakesUpTheCurrentStepAndOnlyTheFirstAnswerToItCounts() throws Exception {
        StepBoard board = new StepBoard(TWO_TASKS);
        assertNull(board.next(-1, 0), "nothing published yet");
        StepOrder first = new StepOrder(0, 0, new int[] {1}, new byte[] {1});
        board.publish(first, () -> {});
        assertSame(first, board.next(-1, 0));
        assertNull(board.next(0, 10), "nothing after step 0 yet");
        PartialGradient a = partial(0, 1, new byte[] {1, 0, 0, 0}, 1);
        board.answer(attempt(0), 0, a);
        board.answer(
                attempt(0), 0, partial(0, 1, new byte[] {2, 0, 0, 0}, 2)); // a second attempt's answer to the same step
        assertNull(board.await(50), "task 1 has not answered: a stall of 50 ms");
        board.answer(attempt(1), 0, partial(1, 2, new byte[] {3, 0, 0, 0}, 3));
        PartialGradient[] answers = board.await(50);
        assertSame(a, answers[0], "the first answer counts");

        StepOrder second = new StepOrder(1, 0, new int[] {2}, new byte[] {2});
        board.publish(second, () -> {});
        assertSame(second, board.next(-1, 0), "an attempt started now takes up step 1");
        PartialGradient b = partial(1, 2, new byte[] {4, 0, 0, 0}, 4);
        board.answer(attempt(1), 1, b);
        board.answer(attempt(0), 0, a); // a slow attempt's answer to the step before
        assertNull(board.await(20), "a stale answer does not stand in for task 0's answer to step 1");
        PartialGradient c = partial(0, 1, new byte[] {5, 0, 0, 0}, 5);
        board.answer(attempt(0), 1, c);
        answers = board.await(50);
        assertSame(c, answers[0]);
        assertSame(b, answers[1]);
        assertThrows(
                IllegalArgumentException.class,
                () -> board.publish(new StepOrder(1, 0, new int[0], new byte[0]), () -> {}));
        assertThrows(IllegalArgumentException.class, () -> board.answer(attempt(2), 1, a));

        board.publish(new StepOrder(2, 0, new int[] {3}, new byte[] {3}), () -> {});
        board.jobEnded(new IllegalStateException("executor lost"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> board.await(1000));
        assertTrue(
                e.getMessage().endsWith("ended before step 3 of the job was answered: executor lost"), e.getMessage());
        board.end(() -> {});
        assertTrue(board.next(2, 0).isEnd(), "waiting tasks return once the epoch ends");
        assertThrows(
                IllegalStateException.class,
                () -> board.publish(new StepOrder(3, 0, new int[0], new byte[0]), () -> {}));
    }

    @Test
    void messagesCarryOrdersAndAnswersWhole() {
        StepOrder o = new StepOrder(41, 3, new int[] {0, 5, 99_999}, new byte[] {9, 8, 7, 6});
        StepOrder back = StepMessages.readOrder(StepMessages.order(o));
        assertEquals(41, back.id());
        assertEquals(3, back.epoch());
        assertArrayEquals(o.batchRows(), back.batchRows());
        assertArrayEquals(o.parameters(), back.parameters());

        PartialGradient p = new PartialGradient(
                new int[] {0, 2},
                new int[] {2, 3},
                new ExchangedBytes[] {
                    ExchangedBytes.inline(new byte[] {1, 2, 3, 4}), ExchangedBytes.inline(new byte[] {5, 6})
                },
                new double[] {0.25, -1e-300},
                100,
                42,
                PartialGradient.taskTime(5, 6, 7, 8));
        // Task 0 of four partitions in tasks of three: the sum of partitions 0 and 1 in float32, partition 2 in bf16.
        AnswerShape shape = new AnswerShape(new PartitionLayout(1000, 4, 3), WirePrecision.BF16, 1);
        StepMessages.Answer a = StepMessages.readAnswer(StepMessages.answer(new TaskAttempt(0, 2, 57), 41, p), shape);
        assertEquals(new TaskAttempt(0, 2, 57), a.from());
        assertEquals(41, a.step());
        PartialGradient q = a.partial();
        assertArrayEquals(p.nodeLo, q.nodeLo);
        assertArrayEquals(p.nodeHi, q.nodeHi);
        assertArrayEquals(p.losses, q.losses);
        for (int i = 0; i < 2; i++) assertArrayEquals(p.gradients[i].bytes(), q.gradients[i].bytes());
        assertEquals(
                List.of(100, 42, 5L, 6L, 7000L, 8000L),
                List.of(
                        q.rows,
                        q.correct,
                        q.time.nanos(StepTime.Part.FETCH),
                        q.time.nanos(StepTime.Part.COMPUTE),
                        q.time.nanos(StepTime.Part.TASK_START),
                        q.time.nanos(StepTime.Part.TASK_END)));

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
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> StepMessages.readOrder(hugeRows));
        assertTrue(e.getMessage().startsWith("damaged step message: length "), e.getMessage());
        byte[] negative = order.clone();
        negative[1 + 8 + 4] = (byte) 0x80;
        assertThrows(IllegalArgumentException.class, () -> StepMessages.readOrder(negative));
        byte[] trailing = Arrays.copyOf(order, order.length + 1);
        e = assertThrows(IllegalArgumentException.class, () -> StepMessages.readOrder(trailing));
        assertEquals("damaged step message: 1 bytes too many", e.getMessage());

        byte[] answer = StepMessages.answer(attempt(0), 41, partial(0, 1, new byte[] {1, 2, 3, 4}, 1));
        byte[] manyNodes = answer.clone();
        manyNodes[1 + 4 + 4 + 8 + 8] = 0x10;
        assertThrows(IllegalArgumentException.class, () -> StepMessages.readAnswer(manyNodes, TWO_TASKS));
        assertThrows(
                IllegalArgumentException.class,
                () -> StepMessages.readNext(Arrays.copyOf(StepMessages.next(1, 2), 14)));
    }

    /** An answer is measured against the model and the task's partitions before any of it is copied or kept. */
    @Test
    void answersThatDoNotFitTheModelOrTheTasksPartitionsAreRefusedAndNeverKept() {
        AnswerShape shape =
                new AnswerShape(new PartitionLayout(1000, 2, 1), WirePrecision.BF16, 3); // 6 bytes per gradient
        byte[] good = StepMessages.answer(attempt(1), 7, partial(1, 2, new byte[6], 0.5));
        assertEquals(1, StepMessages.readAnswer(good, shape).from().task());

        // A gradient as long as a model of a million parameters: refused on the message's length alone.
        byte[] oversized = StepMessages.answer(attempt(1), 7, partial(1, 2, new byte[2_000_000], 0.5));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> StepMessages.readAnswer(oversized, shape));
        assertEquals("answer of task 1 attempt 0 (TID 101): 2,000,089 bytes, expected 95", e.getMessage());
        byte[] padded = Arrays.copyOf(good, good.length + 1);
        assertThrows(IllegalArgumentException.class, () -> StepMessages.readAnswer(padded, shape));
        byte[] noTask = StepMessages.answer(new TaskAttempt(5, 0, 9), 7, partial(1, 2, new byte[6], 0.5));
        e = assertThrows(IllegalArgumentException.class, () -> StepMessages.readAnswer(noTask, shape));
        assertEquals("answer of task 5 attempt 0 (TID 9): no such task: the epoch has 2", e.getMessage());
        byte[] negativeAttempt = good.clone();
        negativeAttempt[1 + 4] = (byte) 0x80;
        assertThrows(IllegalArgumentException.class, () -> StepMessages.readAnswer(negativeAttempt, shape));
        assertThrows(IllegalArgumentException.class, () -> StepMessages.readAnswer(Arrays.copyOf(good, 20), shape));

        StepBoard board = new StepBoard(shape);
        board.publish(new StepOrder(7, 0, new int[] {1, 2, 3}, new byte[6]), () -> {});
        // Task 0 answering for task 1's partition: it would stand in for it in the sum.
        e = assertThrows(
                IllegalArgumentException.class, () -> board.answer(attempt(0), 7, partial(1, 2, new byte[6], 0.5)));
        assertEquals(
                "answer of task 0 attempt 0 (TID 100): node [1, 2) is not [0, 1), which its partitions 0..0 of 2 send",
                e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class, () -> board.answer(attempt(0), 7, partial(0, 1, new byte[8], 0.5)));
        assertEquals(
                "answer of task 0 attempt 0 (TID 100): gradient of node [0, 1) has 8 bytes, expected 6 (3 parameters)",
                e.getMessage());
        PartialGradient tooManyRows = new PartialGradient(
                new int[] {0},
                new int[] {1},
                new ExchangedBytes[] {ExchangedBytes.inline(new byte[6])},
                new double[] {0},
                4,
                0,
                StepTime.NONE);
        e = assertThrows(IllegalArgumentException.class, () -> board.answer(attempt(0), 7, tooManyRows));
        assertEquals("answer of task 0 attempt 0 (TID 100): 4 rows, 0 right, in a batch of 3", e.getMessage());
        board.answer(attempt(1), 7, partial(1, 2, new byte[6], 0.5));
        assertNull(board.await(20), "no refused answer was kept for task 0");
        PartialGradient ok = partial(0, 1, new byte[6], 0.25);
        board.answer(attempt(0), 7, ok);
        assertSame(ok, board.await(20)[0]);
    }

    /**
     * Over Spark's RPC, anyone who reaches the driver's endpoint can send: a bad answer fails its sender, not the step.
     */
    @Test
    void theDriversEndpointRefusesABadAnswerAndKeepsTheGoodOnes() {
        SharedSpark.context();
        AnswerShape shape = new AnswerShape(new PartitionLayout(1000, 2, 1), WirePrecision.FLOAT32, 2);
        try (RpcStepChannel channel = RpcStepChannel.open(shape)) {
            channel.publish(new StepOrder(0, 0, new int[] {1, 2}, new byte[8]));
            StepChannel.Link zero = channel.endpoint().connect(attempt(0));
            StepChannel.Link one = channel.endpoint().connect(new TaskAttempt(1, 3, 77));
            Exception e = assertThrows(Exception.class, () -> one.reply(0, partial(1, 2, new byte[4096], 1)));
            Throwable cause = e;
            while (cause.getCause() != null) cause = cause.getCause();
            assertEquals(
                    "answer of task 1 attempt 3 (TID 77): 4,185 bytes, expected 97",
                    cause.getMessage(),
                    "what the sender is told");
            assertEquals(
                    "refused a step message: answer of task 1 attempt 3 (TID 77): 4,185 bytes, expected 97",
                    channel.refusals());
            assertNull(channel.refusals(), "told once");

            PartialGradient a = partial(0, 1, new byte[8], 1);
            PartialGradient b = partial(1, 2, new byte[8], 2);
            zero.reply(0, a);
            one.reply(0, b);
            PartialGradient[] answers = channel.await(10_000);
            assertEquals(List.of(1.0, 2.0), List.of(answers[0].losses[0], answers[1].losses[0]));
            assertNull(channel.refusals());
        }
    }
}
