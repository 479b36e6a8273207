package dev.lockstep.train.exchange;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link StepChannel} for tasks in the driver's own JVM (a local master): orders and answers are handed over as
 * objects, nothing is copied or serialized. Tasks find it by its id in a table of this JVM.
 */
public final class LocalStepChannel implements StepChannel {
    private static final ConcurrentHashMap<Long, LocalStepChannel> OPEN = new ConcurrentHashMap<>();
    private static final AtomicLong IDS = new AtomicLong();
    private static final Runnable NOTHING = () -> {};

    private final long id = IDS.incrementAndGet();
    private final StepBoard board;

    private LocalStepChannel(AnswerShape shape) {
        board = new StepBoard(shape);
    }

    public static LocalStepChannel open(AnswerShape shape) {
        LocalStepChannel c = new LocalStepChannel(shape);
        OPEN.put(c.id, c);
        return c;
    }

    /** Channels open in this JVM (tests check that closing removes them). */
    public static int openCount() {
        return OPEN.size();
    }

    @Override
    public void publish(StepOrder order) {
        board.publish(order, NOTHING);
    }

    @Override
    public PartialGradient[] await(long stallMillis) {
        return board.await(stallMillis);
    }

    @Override
    public void end() {
        board.end(NOTHING);
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
        return new InJvm(id);
    }

    @Override
    public void close() {
        end();
        OPEN.remove(id);
    }

    private record InJvm(long channel) implements Endpoint {
        @Override
        public Link connect(TaskAttempt attempt) {
            LocalStepChannel c = OPEN.get(channel);
            if (c == null) {
                throw new IllegalStateException(
                        "step channel " + channel + " is not open in this JVM: the epoch is over, "
                                + "or the task runs in another JVM than the driver (only local masters hand steps "
                                + "over in process)");
            }
            StepBoard board = c.board;
            if (attempt.task() >= board.tasks())
                throw new IllegalArgumentException("no task " + attempt.task() + " of " + board.tasks());
            return new Link() {
                @Override
                public StepOrder next(long after, long waitMillis) throws InterruptedException {
                    return board.next(after, waitMillis);
                }

                @Override
                public void reply(long id, PartialGradient partial) {
                    try {
                        board.answer(attempt, id, partial);
                    } catch (IllegalArgumentException e) {
                        board.refuse(e.getMessage());
                        throw e;
                    }
                }

                @Override
                public void close() {}
            };
        }
    }
}
