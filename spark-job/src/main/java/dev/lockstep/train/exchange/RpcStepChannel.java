package dev.lockstep.train.exchange;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkEnv;
import org.apache.spark.rpc.RpcAddress;
import org.apache.spark.rpc.RpcCallContext;
import org.apache.spark.rpc.RpcEndpointRef;
import org.apache.spark.rpc.RpcEnv;
import org.apache.spark.rpc.RpcTimeout;
import scala.concurrent.duration.FiniteDuration;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * A {@link StepChannel} for tasks on executors: an endpoint of the driver's own Spark RPC environment, so the
 * hand-over is authenticated and encrypted exactly as Spark's own traffic is ({@code spark.authenticate},
 * {@code spark.network.crypto.enabled}), through the port Spark already uses. A task polls for the next step (the
 * driver answers when it publishes one) and sends its answer, which the driver acknowledges. Every message is a
 * byte array ({@link StepMessages}).
 *
 * <p>Spark's RPC classes are internal to Spark; this class is the one place Lockstep uses them.
 */
public final class RpcStepChannel implements StepChannel {
    private static final AtomicLong IDS = new AtomicLong();
    private static final ClassTag<byte[]> BYTES = ClassTag$.MODULE$.apply(byte[].class);
    /** How long one poll for the next step may wait at the driver before the task asks again. */
    private static final long POLL_SECONDS = 60;

    private static final byte[] END = StepMessages.signal(StepMessages.END);
    private static final byte[] ACK = StepMessages.signal(StepMessages.ACK);

    private final StepBoard board;
    private final RpcEnv env;
    private final String name;
    private final RpcEndpointRef self;
    /**
     * The polls waiting for the next step, and the current step as a message: guarded by the board's lock. All
     * are kept, not one per task: two live attempts of a task (a retry beside a zombie) each wait for their answer.
     * A poll the task gave up on (timed out) is answered with the next step too; the reply goes nowhere.
     */
    private final List<RpcCallContext> polls = new ArrayList<>();

    private byte[] currentMessage;

    private RpcStepChannel(AnswerShape shape) {
        board = new StepBoard(shape);
        env = SparkEnv.get().rpcEnv();
        name = "lockstep-steps-" + IDS.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
        self = env.setupEndpoint(name, new BytesEndpoint(env, this::handle, board::refuse));
    }

    public static RpcStepChannel open(AnswerShape shape) {
        return new RpcStepChannel(shape);
    }

    @Override
    public void publish(StepOrder order) {
        byte[] message = StepMessages.order(order);
        board.publish(order, () -> {
            currentMessage = message;
            polls.forEach(c -> c.reply(message));
            polls.clear();
        });
    }

    @Override
    public PartialGradient[] await(long stallMillis) {
        return board.await(stallMillis);
    }

    @Override
    public void end() {
        board.end(() -> {
            polls.forEach(c -> c.reply(END));
            polls.clear();
        });
    }

    @Override
    public void jobEnded(Throwable failure) {
        board.jobEnded(failure);
    }

    @Override
    public String refusals() {
        return board.refusals();
    }

    @Override
    public Endpoint endpoint() {
        RpcAddress a = env.address();
        return new Address(a.host(), a.port(), name);
    }

    @Override
    public void close() {
        end();
        env.stop(self);
    }

    /**
     * On the driver's RPC threads, one message at a time. A message that is damaged, does not fit the model ({@link
     * AnswerShape}) or comes from no task of the epoch throws, and is refused ({@link BytesEndpoint}): nothing of it
     * is kept.
     */
    private void handle(RpcCallContext context, byte[] message) {
        switch (StepMessages.type(message)) {
            case StepMessages.NEXT -> {
                StepMessages.Next n = StepMessages.readNext(message);
                if (n.task() < 0 || n.task() >= board.tasks())
                    throw new IllegalArgumentException("a poll of no task: " + n.task());
                board.poll(n.after(), o -> context.reply(o.isEnd() ? END : currentMessage), () -> polls.add(context));
            }
            case StepMessages.ANSWER -> {
                StepMessages.Answer a = StepMessages.readAnswer(message, board.shape());
                board.answer(a.from(), a.step(), a.partial());
                context.reply(ACK);
            }
            default -> throw new IllegalArgumentException("unexpected step message " + message[0]);
        }
    }

    /** Where tasks find the channel: the driver's RPC address and the endpoint's name. */
    private record Address(String host, int port, String name) implements StepChannel.Endpoint {
        @Override
        public Link connect(TaskAttempt attempt) {
            RpcEnv executorEnv = SparkEnv.get().rpcEnv();
            RpcEndpointRef driver = executorEnv.setupEndpointRef(new RpcAddress(host, port), name);
            return new RemoteLink(driver, attempt);
        }
    }

    /** A task's end: at most one poll outstanding, waited on in slices so the task can notice it was killed. */
    private static final class RemoteLink implements Link {
        private final RpcEndpointRef driver;
        private final TaskAttempt attempt;
        private final RpcTimeout pollTimeout =
                new RpcTimeout(FiniteDuration.apply(POLL_SECONDS, TimeUnit.SECONDS), "lockstep step poll");
        private final RpcTimeout answerTimeout =
                new RpcTimeout(FiniteDuration.apply(POLL_SECONDS, TimeUnit.SECONDS), "lockstep step answer");
        private final DriverPoll poll;

        RemoteLink(RpcEndpointRef driver, TaskAttempt attempt) {
            this.driver = driver;
            this.attempt = attempt;
            this.poll = new DriverPoll(driver, after -> StepMessages.next(attempt.task(), after), pollTimeout);
        }

        @Override
        public StepOrder next(long after, long waitMillis) throws InterruptedException {
            byte[] m = poll.answer(after, waitMillis);
            if (m == null) return null;
            return switch (StepMessages.type(m)) {
                case StepMessages.ORDER -> StepMessages.readOrder(m);
                case StepMessages.END -> StepOrder.END;
                default -> throw new IllegalStateException("unexpected step message " + m[0]);
            };
        }

        @Override
        public void reply(long id, PartialGradient partial) {
            driver.askSync(StepMessages.answer(attempt, id, partial), answerTimeout, BYTES);
        }

        @Override
        public void close() {}
    }
}
