package dev.lockstep.train.exchange;

import dev.lockstep.train.sum.WirePrecision;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkEnv;
import org.apache.spark.rpc.RpcAddress;
import org.apache.spark.rpc.RpcCallContext;
import org.apache.spark.rpc.RpcEndpointRef;
import org.apache.spark.rpc.RpcEnv;

/**
 * A {@link StepChannel} whose traffic at the driver does not grow with the tasks: a reduce-scatter among them. The
 * parameter vector is cut into one {@link Slices slice} per task. The driver sends each task only its slice of the
 * new parameters; the tasks gather the other slices from each other; each task, once it has computed its gradient,
 * leaves the pieces of it for every other slice with its own executor, and the owner of a slice fetches that slice
 * of every task's {@link dev.lockstep.train.sum.SumTree} nodes and adds them up in the tree's order, the same
 * additions as the driver makes with whole gradients ({@link dev.lockstep.train.sum.NodeSum}), so the bits are the
 * same. The driver receives each slice's sum once. About 4P bytes leave the driver per step (at the wire's precision)
 * and 4P come in (float32), whatever the number of tasks; each task moves about twice that.
 *
 * <p>Tasks reach the driver through an endpoint of its Spark RPC environment, and each other through their
 * executors' block managers ({@link PeerBlocks}): Spark's own transports, authenticated and encrypted as Spark's
 * traffic is. A task fetches a peer's blocks only once the driver has said that every task stored its own (a
 * barrier per phase, a few bytes per task).
 *
 * <p>Faults: a task attempt that replaces another (its executor was lost) registers where its blocks are; the step
 * in flight then starts again as a new round with a new id, recomputed by every task from the same parameters, so
 * the bits are the same. A task that cannot fetch a peer's blocks says so and waits for the next round. Every wait
 * is bounded; a step that does not complete within the epoch's stall time ends resident tasks for the epoch
 * ({@code ResidentEpoch}).
 */
public final class ShardedStepChannel implements StepChannel {
    private static final AtomicLong IDS = new AtomicLong();
    /** Rounds of one step before the channel stops starting new ones and leaves the step to the stall time. */
    static final int MAX_ROUNDS = 5;
    /**
     * How long after a task could not fetch a peer's blocks the step starts again if no task attempt replaced
     * another meanwhile (a lost executor's replacement usually registers within it, and restarts the step itself).
     */
    static final long FAILED_GRACE_MILLIS = 5_000;
    /** How often the driver, waiting for a step's answers, checks whether a failed round should start again. */
    private static final long CHECK_MILLIS = 500;

    private static final byte[] END = ShardMessages.signal(ShardMessages.END);
    private static final byte[] ACK = ShardMessages.signal(ShardMessages.ACK);
    private static final byte[] RESTART = ShardMessages.signal(ShardMessages.RESTART);

    private final StepBoard board;
    private final AnswerShape shape;
    private final Slices slices;
    private final WirePrecision wire;
    private final RpcEnv env;
    private final String name;
    private final RpcEndpointRef self;

    // Guarded by this.
    private final TaskAttempt[] registered;
    private final Peer[] peers;
    private int registeredCount;
    private int peersVersion;
    /** Polls waiting for the next round, by attempt: a retry and a zombie of one task each get their answer. */
    private final Map<TaskAttempt, RpcCallContext> polls = new HashMap<>();

    private final List<Map<Integer, Waiting>> barriers = List.of(new HashMap<>(), new HashMap<>());
    private StepOrder step;
    private long round = -1;
    private int roundsOfStep;
    private int roundPeersVersion;
    private boolean roundFailed;
    private long roundFailedAt;
    private String lastFailure;
    /** A fetch failure not yet told to the driver's warnings. */
    private String untoldFailure;
    /** The round whose barrier of each phase was last released: a READY of it sent again is let through. */
    private final long[] released = {-1, -1};
    /** Rounds started so far: a new round is progress for the stall time as an answer is. */
    private long roundsStarted;
    /** Why the first round restarted since the driver last asked ({@link #refusals}), and how many did. */
    private String firstRestart;

    private int restarts;
    private byte[][] orders;
    private boolean ended;
    private long bytesIn;
    private long bytesOut;

    private record Waiting(RpcCallContext context, int peersVersion) {}

    private ShardedStepChannel(AnswerShape nodes, WirePrecision wire) {
        this.slices = new Slices(nodes.parameterCount(), nodes.tasks());
        this.shape = nodes.sliced(slices);
        this.board = new StepBoard(shape);
        this.wire = wire;
        registered = new TaskAttempt[nodes.tasks()];
        peers = new Peer[nodes.tasks()];
        env = SparkEnv.get().rpcEnv();
        name = "lockstep-shards-" + IDS.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
        self = env.setupEndpoint(name, new BytesEndpoint(env, this::handle, board::refuse));
    }

    /** @param shape the answers of tasks that send whole gradients: the layout and the model's size */
    public static ShardedStepChannel open(AnswerShape shape, WirePrecision wire) {
        return new ShardedStepChannel(shape, wire);
    }

    @Override
    public synchronized void publish(StepOrder order) {
        if (ended) throw new IllegalStateException("the epoch has ended");
        step = order;
        roundsOfStep = 0;
        startRound();
    }

    /** Publishes the current step again under a new id, saying why once the driver asks. */
    private void restartRound(String why) {
        if (firstRestart == null) firstRestart = "step " + (step.id() + 1) + " of the epoch runs again: " + why;
        restarts++;
        startRound();
    }

    /** Publishes the current step under a new id: every task takes it up from the start. */
    private void startRound() {
        round = Math.max(round + 1, step.id());
        roundsOfStep++;
        roundPeersVersion = peersVersion;
        roundFailed = false;
        roundsStarted++;
        byte[][] next = new byte[slices.count()][];
        for (int k = 0; k < next.length; k++) {
            next[k] = ShardMessages.order(
                    round,
                    step.epoch(),
                    shape.batchShare(k, step.batchRows()),
                    slices.cut(step.parameters(), k, wire.bytesPerValue()));
        }
        orders = next;
        board.publish(new StepOrder(round, step.epoch(), step.batchRows(), null), () -> {});
        restartBarriers();
        answerPolls();
    }

    private void restartBarriers() {
        for (Map<Integer, Waiting> b : barriers) {
            for (Waiting w : b.values()) reply(w.context(), RESTART);
            b.clear();
        }
    }

    /** Hands the current round to the tasks waiting for it, once every task has said where its blocks are. */
    private void answerPolls() {
        if (ended) {
            polls.values().forEach(c -> reply(c, END));
            polls.clear();
            return;
        }
        if (orders == null || registeredCount < registered.length) return;
        polls.forEach((from, c) -> reply(c, orders[from.task()]));
        polls.clear();
    }

    /**
     * As {@link StepChannel#await}; a new round counts as progress, and a round a task could not complete starts
     * again after {@link #FAILED_GRACE_MILLIS} when no replacement did so first.
     */
    @Override
    public PartialGradient[] await(long stallMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(stallMillis);
        long seenRounds = rounds();
        int seenAnswers = board.answered();
        while (true) {
            long left = deadline - System.nanoTime();
            PartialGradient[] answers =
                    board.await(Math.max(1, Math.min(CHECK_MILLIS, TimeUnit.NANOSECONDS.toMillis(left))));
            if (answers != null) return answers;
            synchronized (this) {
                if (roundFailed && inFlight() && System.currentTimeMillis() - roundFailedAt >= FAILED_GRACE_MILLIS)
                    restartRound(lastFailure);
            }
            if (rounds() != seenRounds || board.answered() != seenAnswers) {
                seenRounds = rounds();
                seenAnswers = board.answered();
                deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(stallMillis);
            } else if (System.nanoTime() >= deadline) {
                return null;
            }
        }
    }

    private synchronized long rounds() {
        return roundsStarted;
    }

    @Override
    public synchronized void end() {
        ended = true;
        board.end(() -> {});
        restartBarriers();
        answerPolls();
    }

    @Override
    public void jobEnded(Throwable failure) {
        board.jobEnded(failure);
    }

    /** The messages refused and the steps that ran again since the last call, in one line; null if none. */
    @Override
    public String refusals() {
        String refused = board.refusals();
        String restarted;
        synchronized (this) {
            restarted = restarts == 0
                    ? null
                    : restarts == 1
                            ? firstRestart
                            : restarts + " rounds of steps ran again, the first: " + firstRestart;
            firstRestart = null;
            restarts = 0;
        }
        String failure;
        synchronized (this) {
            failure = untoldFailure;
            untoldFailure = null;
        }
        String line = null;
        for (String part : new String[] {refused, failure, restarted}) {
            if (part != null) line = line == null ? part : line + "; " + part;
        }
        return line;
    }

    /** Bytes the driver received and sent over the channel so far: {in, out}. */
    public synchronized long[] driverBytes() {
        return new long[] {bytesIn, bytesOut};
    }

    /** Where the driver's endpoint is, for a test to send it a message of its own. */
    RpcEndpointRef endpointRef() {
        return self;
    }

    @Override
    public Endpoint endpoint() {
        RpcAddress a = env.address();
        return new Address(a.host(), a.port(), name, shape, slices, wire);
    }

    @Override
    public void close() {
        end();
        env.stop(self);
    }

    /**
     * On the driver's RPC threads, one message at a time. As with {@link RpcStepChannel}, a message that is damaged,
     * does not fit the model or comes from no task of the epoch is refused: nothing of it is kept, the sender gets
     * the reason as its failure, and the driver a warning.
     */
    private void handle(RpcCallContext context, byte[] message) {
        synchronized (this) {
            bytesIn += message.length;
        }
        switch (ShardMessages.type(message)) {
            case ShardMessages.HELLO -> hello(context, ShardMessages.readHello(message));
            case ShardMessages.NEXT -> next(context, ShardMessages.readNext(message));
            case ShardMessages.READY -> ready(context, ShardMessages.readReady(message));
            case ShardMessages.ANSWER -> {
                ShardMessages.Answer a = ShardMessages.readAnswer(message, shape);
                if (isRegistered(a.from())) board.answer(a.from(), a.step(), a.partial());
                reply(context, ACK);
            }
            case ShardMessages.FAILED -> failed(context, ShardMessages.readFailed(message));
            default -> throw new IllegalArgumentException("unexpected step message " + message[0]);
        }
    }

    private synchronized void hello(RpcCallContext context, ShardMessages.Hello h) {
        int task = shape.checkTask(h.from());
        boolean replacement = registered[task] != null && !registered[task].equals(h.from());
        if (registered[task] == null) registeredCount++;
        registered[task] = h.from();
        peers[task] = h.peer();
        peersVersion++;
        reply(context, ACK);
        // A task attempt that replaces another lost the blocks of its executor: the step in flight starts again.
        if ((replacement || roundFailed) && inFlight()) {
            restartRound(
                    "task " + task + " started again on " + h.peer() + (roundFailed ? " (" + lastFailure + ")" : ""));
        } else {
            answerPolls();
        }
    }

    private synchronized void next(RpcCallContext context, ShardMessages.Next n) {
        int task = shape.checkTask(n.from());
        if (!ended && (orders == null || round <= n.after() || registeredCount < registered.length)) {
            polls.put(n.from(), context); // one the same attempt made before timed out at its end
            return;
        }
        reply(context, ended ? END : orders[task]);
    }

    private synchronized void ready(RpcCallContext context, ShardMessages.Ready r) {
        int task = shape.checkTask(r.from());
        if (ended || r.step() != round || !r.from().equals(registered[task])) {
            reply(context, RESTART);
            return;
        }
        if (released[r.phase()] == round) { // sent again after its first ask timed out at the task
            reply(context, ShardMessages.go(peersVersion, r.peersVersion() == peersVersion ? null : peers.clone()));
            return;
        }
        Map<Integer, Waiting> barrier = barriers.get(r.phase());
        Waiting earlier = barrier.put(task, new Waiting(context, r.peersVersion()));
        if (earlier != null) reply(earlier.context(), RESTART);
        if (barrier.size() < registered.length) return;
        for (Waiting w : barrier.values()) {
            reply(w.context(), ShardMessages.go(peersVersion, w.peersVersion() == peersVersion ? null : peers.clone()));
        }
        barrier.clear();
        released[r.phase()] = round;
    }

    private synchronized void failed(RpcCallContext context, ShardMessages.Failed f) {
        shape.checkTask(f.from());
        reply(context, ACK);
        if (f.step() != round || !inFlight()) return;
        if (!roundFailed) roundFailedAt = System.currentTimeMillis();
        roundFailed = true;
        lastFailure = "task " + f.from().task() + " could not fetch a peer's slices: " + f.why();
        if (untoldFailure == null) untoldFailure = lastFailure;
        // Peers that changed since the round began are why; with none, the replacement's registration restarts it.
        if (peersVersion != roundPeersVersion) restartRound(lastFailure);
    }

    /** A step is published, not yet answered by every task, and may start again. */
    private boolean inFlight() {
        return !ended && step != null && !board.answeredAll() && roundsOfStep < MAX_ROUNDS;
    }

    private synchronized boolean isRegistered(TaskAttempt from) {
        return from.equals(registered[shape.checkTask(from)]);
    }

    private void reply(RpcCallContext context, byte[] message) {
        synchronized (this) {
            bytesOut += message.length;
        }
        context.reply(message);
    }

    /** Where tasks find the channel, and what they need to cut and add slices. */
    private record Address(String host, int port, String name, AnswerShape shape, Slices slices, WirePrecision wire)
            implements StepChannel.Endpoint {
        @Override
        public Link connect(TaskAttempt attempt) {
            RpcEnv executorEnv = SparkEnv.get().rpcEnv();
            RpcEndpointRef driver = executorEnv.setupEndpointRef(new RpcAddress(host, port), name);
            return ShardedLink.connect(driver, attempt, name, shape, slices, wire);
        }
    }

    @Override
    public String toString() {
        return name + " " + Arrays.toString(registered);
    }
}
