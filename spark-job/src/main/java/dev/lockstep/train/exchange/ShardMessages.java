package dev.lockstep.train.exchange;

import dev.lockstep.train.timing.StepTime;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The messages between a task and the driver of a sharded exchange ({@link ShardedStepChannel}), each a plain byte
 * array as {@link StepMessages} are. Every one a task sends starts with its {@link TaskAttempt}.
 */
final class ShardMessages {
    static final byte HELLO = 20; // task -> driver: here is where my blocks can be fetched
    static final byte NEXT = 21; // task -> driver: the first step after a given one, please (long poll)
    static final byte ORDER = 22; // driver -> task: a step, with the task's slice of the parameters
    static final byte END = 23; // driver -> task: the epoch is over
    static final byte READY = 24; // task -> driver: my blocks of a phase are stored (answered when all tasks' are)
    static final byte GO = 25; // driver -> task: every task's blocks are stored; the peers, if they changed
    static final byte RESTART = 26; // driver -> task: this round of the step is over, poll for the next
    static final byte ANSWER = 27; // task -> driver: the sum of its slice, and its own losses and counts
    static final byte FAILED = 28; // task -> driver: a peer's blocks could not be fetched
    static final byte ACK = 29; // driver -> task: received

    /** READY's phases: the parameter slices are stored; the gradient slices are. */
    static final byte PARAMETERS = 0;

    static final byte GRADIENTS = 1;

    private static final int ATTEMPT_BYTES = 4 + 4 + 8;
    private static final int MAX_TEXT = 1024;

    private ShardMessages() {}

    static byte[] signal(byte type) {
        return new byte[] {type};
    }

    static byte type(byte[] m) {
        return StepMessages.type(m);
    }

    record Hello(TaskAttempt from, Peer peer) {}

    static byte[] hello(TaskAttempt from, Peer peer) {
        return putPeer(start(HELLO, from, peerBytes(peer)), peer).array();
    }

    static Hello readHello(byte[] m) {
        ByteBuffer b = StepMessages.body(m, HELLO);
        TaskAttempt from = attempt(b);
        return StepMessages.done(b, new Hello(from, readPeer(b)));
    }

    record Next(TaskAttempt from, long after) {}

    static byte[] next(TaskAttempt from, long after) {
        return start(NEXT, from, 8).putLong(after).array();
    }

    static Next readNext(byte[] m) {
        ByteBuffer b = StepMessages.body(m, NEXT);
        return StepMessages.done(b, new Next(attempt(b), b.getLong()));
    }

    /** A step as one task receives it: its slice of the parameters only. */
    record Order(long id, int epoch, int[] batchRows, byte[] slice) {}

    static byte[] order(long id, int epoch, int[] rows, byte[] slice) {
        ByteBuffer b = ByteBuffer.allocate(1 + 8 + 4 + 4 + 4 * rows.length + 4 + slice.length)
                .put(ORDER)
                .putLong(id)
                .putInt(epoch)
                .putInt(rows.length);
        b.asIntBuffer().put(rows);
        b.position(b.position() + 4 * rows.length);
        b.putInt(slice.length).put(slice);
        return b.array();
    }

    static Order readOrder(byte[] m) {
        ByteBuffer b = StepMessages.body(m, ORDER);
        long id = b.getLong();
        int epoch = b.getInt();
        int[] rows = new int[StepMessages.length(b, 4)];
        b.asIntBuffer().get(rows);
        b.position(b.position() + 4 * rows.length);
        byte[] slice = new byte[StepMessages.length(b, 1)];
        b.get(slice);
        return StepMessages.done(b, new Order(id, epoch, rows, slice));
    }

    record Ready(TaskAttempt from, long step, byte phase, int peersVersion) {}

    static byte[] ready(TaskAttempt from, long step, byte phase, int peersVersion) {
        return start(READY, from, 8 + 1 + 4)
                .putLong(step)
                .put(phase)
                .putInt(peersVersion)
                .array();
    }

    static Ready readReady(byte[] m) {
        ByteBuffer b = StepMessages.body(m, READY);
        Ready r = new Ready(attempt(b), b.getLong(), b.get(), b.getInt());
        if (r.phase() != PARAMETERS && r.phase() != GRADIENTS)
            throw new IllegalArgumentException("damaged step message: phase " + r.phase());
        return StepMessages.done(b, r);
    }

    /** GO: the peers' version, and the peers themselves when the task's version is not it (else null). */
    record Go(int peersVersion, Peer[] peers) {}

    static byte[] go(int version, Peer[] peers) {
        if (peers == null)
            return ByteBuffer.allocate(1 + 4 + 4)
                    .put(GO)
                    .putInt(version)
                    .putInt(-1)
                    .array();
        byte[][] ids = new byte[peers.length][];
        byte[][] hosts = new byte[peers.length][];
        int size = 1 + 4 + 4;
        for (int i = 0; i < peers.length; i++) {
            ids[i] = text(peers[i].executorId());
            hosts[i] = text(peers[i].host());
            size += 4 + ids[i].length + 4 + hosts[i].length + 4;
        }
        ByteBuffer b = ByteBuffer.allocate(size).put(GO).putInt(version).putInt(peers.length);
        for (int i = 0; i < peers.length; i++) {
            b.putInt(ids[i].length)
                    .put(ids[i])
                    .putInt(hosts[i].length)
                    .put(hosts[i])
                    .putInt(peers[i].port());
        }
        return b.array();
    }

    static Go readGo(byte[] m) {
        ByteBuffer b = StepMessages.body(m, GO);
        int version = b.getInt();
        int n = b.getInt();
        if (n == -1) return StepMessages.done(b, new Go(version, null));
        if (n < 0 || n > b.remaining() / 12)
            throw new IllegalArgumentException("damaged step message: " + n + " peers");
        Peer[] peers = new Peer[n];
        for (int i = 0; i < n; i++) peers[i] = readPeer(b);
        return StepMessages.done(b, new Go(version, peers));
    }

    record Answer(TaskAttempt from, long step, PartialGradient partial) {}

    static byte[] answer(TaskAttempt from, long step, PartialGradient p) {
        byte[] slice = p.slice.bytes();
        int nodes = p.losses.length;
        ByteBuffer b =
                start(ANSWER, from, 8 + 4 + nodes * 16 + 4 + slice.length + 4 + 4 + 8 * StepMessages.TASK_PARTS.size());
        b.putLong(step).putInt(nodes);
        for (int i = 0; i < nodes; i++)
            b.putInt(p.nodeLo[i]).putInt(p.nodeHi[i]).putDouble(p.losses[i]);
        b.putInt(slice.length).put(slice).putInt(p.rows).putInt(p.correct);
        for (StepTime.Part part : StepMessages.TASK_PARTS) b.putLong(p.time.nanos(part));
        return b.array();
    }

    /**
     * An answer, its node count and slice length checked against the only ones its task's answer can have before
     * anything of it is copied; the caller checks the rest ({@link AnswerShape#check}).
     */
    static Answer readAnswer(byte[] m, AnswerShape shape) {
        ByteBuffer b = StepMessages.body(m, ANSWER);
        TaskAttempt from = attempt(b);
        long step = b.getLong();
        int nodes = b.getInt();
        int expectedNodes = shape.nodes(shape.checkTask(from)).size();
        if (nodes != expectedNodes) throw AnswerShape.refused(from, nodes + " nodes, expected " + expectedNodes);
        int[] lo = new int[nodes];
        int[] hi = new int[nodes];
        double[] losses = new double[nodes];
        for (int i = 0; i < nodes; i++) {
            lo[i] = b.getInt();
            hi[i] = b.getInt();
            losses[i] = b.getDouble();
        }
        int sliceBytes = b.getInt();
        long expected = shape.sliceBytes(from.task());
        if (sliceBytes != expected) {
            throw AnswerShape.refused(
                    from, String.format(Locale.ROOT, "a slice of %,d bytes, expected %,d", sliceBytes, expected));
        }
        if (sliceBytes > b.remaining()) throw new IllegalArgumentException("damaged step message: slice cut short");
        byte[] slice = new byte[sliceBytes];
        b.get(slice);
        int rows = b.getInt();
        int correct = b.getInt();
        StepTime time = StepTime.NONE;
        for (StepTime.Part part : StepMessages.TASK_PARTS) time = time.with(part, b.getLong());
        PartialGradient p = PartialGradient.sliced(lo, hi, losses, ExchangedBytes.inline(slice), rows, correct, time);
        return StepMessages.done(b, new Answer(from, step, p));
    }

    record Failed(TaskAttempt from, long step, String why) {}

    static byte[] failed(TaskAttempt from, long step, String why) {
        byte[] t = text(why.length() > MAX_TEXT / 4 ? why.substring(0, MAX_TEXT / 4) : why);
        return start(FAILED, from, 8 + 4 + t.length)
                .putLong(step)
                .putInt(t.length)
                .put(t)
                .array();
    }

    static Failed readFailed(byte[] m) {
        ByteBuffer b = StepMessages.body(m, FAILED);
        return StepMessages.done(b, new Failed(attempt(b), b.getLong(), readText(b)));
    }

    private static ByteBuffer start(byte type, TaskAttempt from, int rest) {
        return ByteBuffer.allocate(1 + ATTEMPT_BYTES + rest)
                .put(type)
                .putInt(from.task())
                .putInt(from.attemptNumber())
                .putLong(from.taskAttemptId());
    }

    private static TaskAttempt attempt(ByteBuffer b) {
        return new TaskAttempt(b.getInt(), b.getInt(), b.getLong());
    }

    /** A peer on the wire: executor id and host as texts, then the port. */
    private static int peerBytes(Peer p) {
        return 4 + text(p.executorId()).length + 4 + text(p.host()).length + 4;
    }

    private static ByteBuffer putPeer(ByteBuffer b, Peer p) {
        byte[] id = text(p.executorId());
        byte[] host = text(p.host());
        return b.putInt(id.length).put(id).putInt(host.length).put(host).putInt(p.port());
    }

    private static Peer readPeer(ByteBuffer b) {
        return new Peer(readText(b), readText(b), b.getInt());
    }

    private static byte[] text(String s) {
        byte[] t = s.getBytes(StandardCharsets.UTF_8);
        if (t.length > MAX_TEXT) throw new IllegalArgumentException("text of " + t.length + " bytes in a step message");
        return t;
    }

    private static String readText(ByteBuffer b) {
        int n = b.getInt();
        if (n < 0 || n > MAX_TEXT || n > b.remaining())
            throw new IllegalArgumentException("damaged step message: text of " + n + " bytes");
        byte[] t = new byte[n];
        b.get(t);
        return new String(t, StandardCharsets.UTF_8);
    }
}
