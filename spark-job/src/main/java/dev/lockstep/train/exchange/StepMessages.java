package dev.lockstep.train.exchange;

import dev.lockstep.train.timing.StepTime;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;

/**
 * The messages of {@link RpcStepChannel}, each a plain byte array: Spark's RPC deserializes what arrives on its
 * own threads, whose class loader need not see the job's classes, and a byte array needs none.
 */
public final class StepMessages {
    static final byte NEXT = 1; // task -> driver: the first step after a given one, please (long poll)
    static final byte ORDER = 2; // driver -> task: a step
    static final byte END = 3; // driver -> task: the epoch is over
    static final byte ANSWER = 5; // task -> driver: its partial gradient of a step
    static final byte ACK = 6; // driver -> task: answer received

    private StepMessages() {}

    static byte type(byte[] message) {
        if (message.length == 0) throw new IllegalArgumentException("empty step message");
        return message[0];
    }

    static byte[] signal(byte type) {
        return new byte[] {type};
    }

    record Next(int task, long after) {}

    static final int NEXT_BYTES = 1 + 4 + 8;

    static byte[] next(int task, long after) {
        return ByteBuffer.allocate(NEXT_BYTES)
                .put(NEXT)
                .putInt(task)
                .putLong(after)
                .array();
    }

    static Next readNext(byte[] m) {
        if (m.length != NEXT_BYTES)
            throw new IllegalArgumentException("damaged step message: a poll of " + m.length + " bytes");
        ByteBuffer b = body(m, NEXT);
        return done(b, new Next(b.getInt(), b.getLong()));
    }

    static byte[] order(StepOrder o) {
        ByteBuffer b = ByteBuffer.allocate(1 + 8 + 4 + 4 + 4 * o.batchRows().length + 4 + o.parameters().length)
                .put(ORDER);
        b.putLong(o.id()).putInt(o.epoch()).putInt(o.batchRows().length);
        b.asIntBuffer().put(o.batchRows());
        b.position(b.position() + 4 * o.batchRows().length);
        b.putInt(o.parameters().length).put(o.parameters());
        return b.array();
    }

    static StepOrder readOrder(byte[] m) {
        ByteBuffer b = body(m, ORDER);
        long id = b.getLong();
        int epoch = b.getInt();
        int[] rows = new int[length(b, 4)];
        b.asIntBuffer().get(rows);
        b.position(b.position() + 4 * rows.length);
        byte[] params = new byte[length(b, 1)];
        b.get(params);
        return done(b, new StepOrder(id, epoch, rows, params));
    }

    record Answer(TaskAttempt from, long step, PartialGradient partial) {}

    /** An answer's bytes before its first node: type, task, attempt number, task attempt id, step, node count. */
    public static final int ANSWER_HEADER = 1 + 4 + 4 + 8 + 8 + 4;
    /** Around each node's gradient bytes: its partitions [lo, hi), its loss, the gradient's length. */
    public static final int ANSWER_PER_NODE = 4 + 4 + 8 + 4;
    /** The parts of its time a task's answer carries, in their order on the wire. */
    static final List<StepTime.Part> TASK_PARTS =
            List.of(StepTime.Part.FETCH, StepTime.Part.COMPUTE, StepTime.Part.TASK_START, StepTime.Part.TASK_END);
    /** After the last node: rows, rows right, the task's time. */
    public static final int ANSWER_TRAILER = 4 + 4 + 8 * 4;

    static byte[] answer(TaskAttempt from, long step, PartialGradient p) {
        int size = ANSWER_HEADER + ANSWER_TRAILER;
        for (ExchangedBytes g : p.gradients) size += ANSWER_PER_NODE + g.bytes().length;
        ByteBuffer b = ByteBuffer.allocate(size)
                .put(ANSWER)
                .putInt(from.task())
                .putInt(from.attemptNumber())
                .putLong(from.taskAttemptId())
                .putLong(step)
                .putInt(p.gradients.length);
        for (int i = 0; i < p.gradients.length; i++) {
            byte[] g = p.gradients[i].bytes();
            b.putInt(p.nodeLo[i])
                    .putInt(p.nodeHi[i])
                    .putDouble(p.losses[i])
                    .putInt(g.length)
                    .put(g);
        }
        b.putInt(p.rows).putInt(p.correct);
        for (StepTime.Part part : TASK_PARTS) b.putLong(p.time.nanos(part));
        return b.array();
    }

    /**
     * An answer, its length first checked against the only one its task's answer can have ({@link AnswerShape}): a
     * malformed or oversized one is refused before anything of it is copied. The caller checks the rest of the
     * shape ({@link AnswerShape#check}).
     */
    static Answer readAnswer(byte[] m, AnswerShape shape) {
        if (m.length < ANSWER_HEADER + ANSWER_TRAILER)
            throw new IllegalArgumentException("damaged step message: an answer of " + m.length + " bytes");
        ByteBuffer b = body(m, ANSWER);
        TaskAttempt from = new TaskAttempt(b.getInt(), b.getInt(), b.getLong());
        long step = b.getLong();
        long expected = shape.messageBytes(from, ANSWER_HEADER, ANSWER_PER_NODE, ANSWER_TRAILER);
        if (m.length != expected) {
            throw AnswerShape.refused(from, String.format(Locale.ROOT, "%,d bytes, expected %,d", m.length, expected));
        }
        int nodes = length(b, ANSWER_PER_NODE);
        int[] lo = new int[nodes];
        int[] hi = new int[nodes];
        double[] losses = new double[nodes];
        ExchangedBytes[] gradients = new ExchangedBytes[nodes];
        for (int i = 0; i < nodes; i++) {
            lo[i] = b.getInt();
            hi[i] = b.getInt();
            losses[i] = b.getDouble();
            byte[] g = new byte[length(b, 1)];
            b.get(g);
            gradients[i] = ExchangedBytes.inline(g);
        }
        int rows = b.getInt();
        int correct = b.getInt();
        StepTime time = StepTime.NONE;
        for (StepTime.Part part : TASK_PARTS) time = time.with(part, b.getLong());
        PartialGradient p = new PartialGradient(lo, hi, gradients, losses, rows, correct, time);
        return done(b, new Answer(from, step, p));
    }

    /** A length just read, checked against what is left: a damaged message fails here, not with a huge allocation. */
    static int length(ByteBuffer b, int elementBytes) {
        int n = b.getInt();
        if (n < 0 || n > b.remaining() / elementBytes) {
            throw new IllegalArgumentException(
                    "damaged step message: length " + n + " with " + b.remaining() + " bytes left");
        }
        return n;
    }

    static <T> T done(ByteBuffer b, T read) {
        if (b.hasRemaining())
            throw new IllegalArgumentException("damaged step message: " + b.remaining() + " bytes too many");
        return read;
    }

    static ByteBuffer body(byte[] m, byte type) {
        if (type(m) != type) throw new IllegalArgumentException("expected step message " + type + ", got " + m[0]);
        return ByteBuffer.wrap(m, 1, m.length - 1).slice();
    }
}
