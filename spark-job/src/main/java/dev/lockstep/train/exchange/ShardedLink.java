package dev.lockstep.train.exchange;

import dev.lockstep.train.sum.NodeSum;
import dev.lockstep.train.sum.SumTree;
import dev.lockstep.train.sum.WirePrecision;
import dev.lockstep.train.timing.StepTime;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.TaskContext;
import org.apache.spark.rpc.RpcEndpointRef;
import org.apache.spark.rpc.RpcTimeout;
import org.apache.spark.util.TaskCompletionListener;
import scala.concurrent.Await;
import scala.concurrent.Future;
import scala.concurrent.duration.Duration;
import scala.concurrent.duration.FiniteDuration;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.util.Try;

/**
 * A task's end of a {@link ShardedStepChannel}. {@link #next} takes the task's slice of a step's parameters from the
 * driver and gathers the others from the peers; {@link #reply} leaves the pieces of the task's gradient for the other
 * slices with its executor, adds up its own slice over every task and sends the sum to the driver. A round the driver
 * restarts, or one whose peers' blocks cannot be fetched, is dropped; the task then takes up the next round.
 */
final class ShardedLink implements StepChannel.Link {
    private static final ClassTag<byte[]> BYTES = ClassTag$.MODULE$.apply(byte[].class);
    /** How long one call to the driver may wait there (a poll, a barrier) before the task asks again. */
    private static final long CALL_SECONDS = 60;
    /** How long fetching a phase's blocks from the peers may take before the task gives the round up. */
    static final long FETCH_MILLIS = TimeUnit.SECONDS.toMillis(60);
    /** How often a task waiting on the driver or its peers checks whether Spark killed it. */
    private static final long KILL_CHECK_MILLIS = 100;

    private final RpcEndpointRef driver;
    private final TaskAttempt attempt;
    private final String channel;
    private final AnswerShape shape;
    private final Slices slices;
    private final WirePrecision wire;
    private final int task;
    private final int tasks;
    private final RpcTimeout timeout =
            new RpcTimeout(FiniteDuration.apply(CALL_SECONDS, TimeUnit.SECONDS), "lockstep sharded step");
    /** Blocks this task stored, all of the round it works on. */
    private final List<String> stored = new ArrayList<>();

    private final DriverPoll poll;
    /** Rounds at or below this were dropped: the next poll asks for a later one, whatever the caller says. */
    private long dropped = -1;

    private Peer[] peers;
    private int peersVersion = -1;
    private long fetchNanos;

    private ShardedLink(
            RpcEndpointRef driver,
            TaskAttempt attempt,
            String channel,
            AnswerShape shape,
            Slices slices,
            WirePrecision wire) {
        this.driver = driver;
        this.attempt = attempt;
        this.channel = channel;
        this.shape = shape;
        this.slices = slices;
        this.wire = wire;
        this.task = attempt.task();
        this.tasks = slices.count();
        this.poll = new DriverPoll(driver, after -> ShardMessages.next(attempt, after), timeout);
    }

    /** Registers the task's block manager with the driver; its blocks are dropped when the task ends, however. */
    static ShardedLink connect(
            RpcEndpointRef driver,
            TaskAttempt attempt,
            String channel,
            AnswerShape shape,
            Slices slices,
            WirePrecision wire) {
        ShardedLink link = new ShardedLink(driver, attempt, channel, shape, slices, wire);
        TaskContext context = TaskContext.get();
        if (context != null) context.addTaskCompletionListener((TaskCompletionListener) c -> link.dropBlocks());
        link.call(ShardMessages.hello(attempt, PeerBlocks.self()));
        return link;
    }

    @Override
    public StepOrder next(long after, long waitMillis) throws InterruptedException {
        long from = Math.max(after, dropped);
        byte[] m = poll.answer(from, waitMillis);
        if (m == null) return null;
        switch (ShardMessages.type(m)) {
            case ShardMessages.END -> {
                dropBlocks();
                return StepOrder.END;
            }
            case ShardMessages.RESTART -> {
                return null;
            }
            case ShardMessages.ORDER -> {}
            default -> throw new IllegalStateException("unexpected step message " + m[0]);
        }
        ShardMessages.Order o = ShardMessages.readOrder(m);
        dropBlocks();
        long start = System.nanoTime();
        byte[] parameters = gather(o);
        if (parameters == null) {
            dropped = o.id();
            return null;
        }
        fetchNanos = System.nanoTime() - start;
        return new StepOrder(o.id(), o.epoch(), o.batchRows(), parameters);
    }

    /** The whole encoded parameter vector from the task's slice and its peers'; null if the round was dropped. */
    private byte[] gather(ShardMessages.Order o) {
        int bpv = wire.bytesPerValue();
        if (tasks == 1) return o.slice();
        store(parameterBlock(o.id(), task), o.slice());
        if (!barrier(o.id(), ShardMessages.PARAMETERS)) return null;
        byte[] whole = new byte[slices.values() * bpv];
        slices.paste(o.slice(), task, bpv, whole);
        List<CompletableFuture<byte[]>> fetches = new ArrayList<>();
        for (int k = 0; k < tasks; k++) {
            if (k != task) fetches.add(PeerBlocks.fetch(peers[k], parameterBlock(o.id(), k))[0]);
        }
        List<byte[]> got = fetched(o.id(), fetches);
        if (got == null) return null;
        for (int k = 0, i = 0; k < tasks; k++) if (k != task) slices.paste(got.get(i++), k, bpv, whole);
        return whole;
    }

    @Override
    public void reply(long id, PartialGradient partial) {
        List<SumTree.Node> own = shape.nodes(task);
        Map<SumTree.Node, NodeSum> sums = new HashMap<>();
        if (tasks > 1) {
            for (int k = 0; k < tasks; k++) {
                if (k != task) store(gradientBlock(id, task, k), pieces(partial, own, k));
            }
            if (!barrier(id, ShardMessages.GRADIENTS)) {
                dropped = id;
                return;
            }
            List<CompletableFuture<byte[]>> fetches = new ArrayList<>();
            for (int t = 0; t < tasks; t++) {
                if (t != task) fetches.add(PeerBlocks.fetch(peers[t], gradientBlock(id, t, task))[0]);
            }
            List<byte[]> got = fetched(id, fetches);
            if (got == null) {
                dropped = id;
                return;
            }
            for (int t = 0, i = 0; t < tasks; t++) if (t != task) addPieces(t, got.get(i++), sums);
        }
        addPieces(task, pieces(partial, own, task), sums);
        float[] sum = NodeSum.total(shape.partitions(), sums);
        StepTime time = PartialGradient.taskTime(
                fetchNanos,
                partial.time.nanos(StepTime.Part.COMPUTE),
                partial.time.nanos(StepTime.Part.TASK_START) / 1000,
                partial.time.nanos(StepTime.Part.TASK_END) / 1000);
        PartialGradient answer = PartialGradient.sliced(
                partial.nodeLo,
                partial.nodeHi,
                partial.losses,
                ExchangedBytes.inline(WirePrecision.FLOAT32.encode(sum)),
                partial.rows,
                partial.correct,
                time);
        call(ShardMessages.answer(attempt, id, answer));
    }

    /** Slice {@code k} of each of the task's nodes, one after the other, each at its node's precision. */
    private byte[] pieces(PartialGradient partial, List<SumTree.Node> nodes, int k) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int n = 0; n < nodes.size(); n++) {
            out.writeBytes(slices.cut(
                    partial.gradients[n].bytes(), k, precision(nodes.get(n)).bytesPerValue()));
        }
        return out.toByteArray();
    }

    /** Task {@code t}'s pieces of this task's slice, by node. */
    private void addPieces(int t, byte[] pieces, Map<SumTree.Node, NodeSum> sums) {
        int length = slices.length(task);
        int at = 0;
        for (SumTree.Node node : shape.nodes(t)) {
            WirePrecision p = precision(node);
            int bytes = length * p.bytesPerValue();
            if (at + bytes > pieces.length)
                throw new IllegalStateException("task " + t + "'s pieces of slice " + task + " are cut short");
            byte[] piece = new byte[bytes];
            System.arraycopy(pieces, at, piece, 0, bytes);
            at += bytes;
            sums.put(node, NodeSum.encoded(piece, p, length));
        }
        if (at != pieces.length)
            throw new IllegalStateException("task " + t + "'s pieces of slice " + task + " have bytes too many");
    }

    private WirePrecision precision(SumTree.Node node) {
        return node.isLeaf() ? wire : WirePrecision.FLOAT32;
    }

    /**
     * Tells the driver this task's blocks of a phase are stored and waits until every task's are; false if the driver
     * restarted the round instead. The answer carries the peers when they changed since this task last heard.
     */
    private boolean barrier(long id, byte phase) {
        byte[] m = call(ShardMessages.ready(attempt, id, phase, peersVersion));
        if (ShardMessages.type(m) == ShardMessages.RESTART) return false;
        ShardMessages.Go go = ShardMessages.readGo(m);
        if (go.peers() != null) peers = go.peers();
        peersVersion = go.peersVersion();
        if (peers == null) throw new IllegalStateException("the driver sent no peers");
        return true;
    }

    /** The fetched blocks in order; null, after telling the driver, if any could not be fetched in time. */
    private List<byte[]> fetched(long id, List<CompletableFuture<byte[]>> fetches) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FETCH_MILLIS);
        List<byte[]> out = new ArrayList<>(fetches.size());
        try {
            for (CompletableFuture<byte[]> f : fetches) {
                while (true) {
                    killCheck();
                    try {
                        out.add(f.get(KILL_CHECK_MILLIS, TimeUnit.MILLISECONDS));
                        break;
                    } catch (TimeoutException e) {
                        if (System.nanoTime() > deadline)
                            throw new TimeoutException("no answer in " + FETCH_MILLIS + " ms");
                    }
                }
            }
            return out;
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            fetches.forEach(f -> f.cancel(false));
            call(ShardMessages.failed(attempt, id, String.valueOf(cause.getMessage())));
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killCheck();
            throw new IllegalStateException("interrupted while fetching slices", e);
        }
    }

    /** A call to the driver, waited for in slices so that a killed task notices; asked again if it times out. */
    private byte[] call(byte[] message) {
        while (true) {
            Future<byte[]> f = driver.ask(message, timeout, BYTES);
            while (!f.isCompleted()) {
                killCheck();
                try {
                    Await.ready(f, Duration.create(KILL_CHECK_MILLIS, TimeUnit.MILLISECONDS));
                } catch (TimeoutException e) {
                    // not yet
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    killCheck();
                    throw new IllegalStateException("interrupted while waiting for the driver", e);
                }
            }
            Try<byte[]> r = f.value().get();
            if (r.isSuccess()) return r.get();
            Throwable t = r.failed().get();
            if (!(t instanceof TimeoutException))
                throw new IllegalStateException("the driver refused a step message: " + t.getMessage(), t);
        }
    }

    private static void killCheck() {
        TaskContext context = TaskContext.get();
        if (context != null) context.killTaskIfInterrupted();
    }

    private void store(String name, byte[] bytes) {
        PeerBlocks.put(name, bytes);
        stored.add(name);
    }

    /**
     * Drops the blocks stored so far, when a later round comes (the driver publishes one only when every peer has
     * fetched what it needs of the last, or has given that round up) and when the task ends.
     */
    private void dropBlocks() {
        stored.forEach(PeerBlocks::remove);
        stored.clear();
    }

    private String parameterBlock(long id, int slice) {
        return channel + "-" + id + "-p" + slice;
    }

    private String gradientBlock(long id, int from, int slice) {
        return channel + "-" + id + "-g" + from + "-" + slice;
    }

    @Override
    public void close() {
        dropBlocks();
    }
}
