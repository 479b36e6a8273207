package dev.lockstep.train;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link StepChannel} for tasks in the driver's own JVM (a local master): orders and answers are handed over as
 * objects under one lock, nothing is copied or serialized. Tasks find it by its id in a table of this JVM.
 */
final class LocalStepChannel implements StepChannel {
    private static final ConcurrentHashMap<Long, LocalStepChannel> OPEN = new ConcurrentHashMap<>();
    private static final AtomicLong IDS = new AtomicLong();

    private final long id = IDS.incrementAndGet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final PartialGradient[] answers;
    private int answered;
    private StepOrder current;
    private boolean ended;
    private boolean jobDone;
    private Throwable jobFailure;

    private LocalStepChannel(int tasks) {
        answers = new PartialGradient[tasks];
    }

    static LocalStepChannel open(int tasks) {
        if (tasks < 1) throw new IllegalArgumentException("tasks must be positive, got " + tasks);
        LocalStepChannel c = new LocalStepChannel(tasks);
        OPEN.put(c.id, c);
        return c;
    }

    /** Channels open in this JVM (tests check that closing removes them). */
    static int openCount() {
        return OPEN.size();
    }

    @Override public void publish(StepOrder order) {
        lock.lock();
        try {
            if (ended) throw new IllegalStateException("the channel has ended");
            if (current != null && order.id() <= current.id()) {
                throw new IllegalArgumentException("step " + order.id() + " published after step " + current.id());
            }
            current = order;
            Arrays.fill(answers, null);
            answered = 0;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override public PartialGradient[] await() {
        lock.lock();
        try {
            if (current == null) throw new IllegalStateException("no step published");
            while (answered < answers.length) {
                if (jobDone) throw ResidentEpoch.endedEarly(current.id(), jobFailure);
                changed.awaitUninterruptibly();
            }
            return answers.clone();
        } finally {
            lock.unlock();
        }
    }

    @Override public void end() {
        lock.lock();
        try {
            ended = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override public void jobEnded(Throwable failure) {
        lock.lock();
        try {
            jobDone = true;
            jobFailure = failure;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override public Endpoint endpoint() {
        return new InJvm(id);
    }

    @Override public void close() {
        end();
        OPEN.remove(id);
    }

    private StepOrder next(long after, long waitMillis) throws InterruptedException {
        lock.lock();
        try {
            long left = TimeUnit.MILLISECONDS.toNanos(waitMillis);
            while (!ended && (current == null || current.id() <= after)) {
                if (left <= 0) return null;
                left = changed.awaitNanos(left);
            }
            return ended ? StepOrder.END : current;
        } finally {
            lock.unlock();
        }
    }

    private void reply(long step, int task, PartialGradient partial) {
        lock.lock();
        try {
            if (current == null || current.id() != step || answers[task] != null) return;
            answers[task] = partial;
            if (++answered == answers.length) changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private record InJvm(long channel) implements Endpoint {
        @Override public Link connect(int task) {
            LocalStepChannel c = OPEN.get(channel);
            if (c == null) {
                throw new IllegalStateException("step channel " + channel + " is not open in this JVM: the epoch is over, "
                        + "or the task runs in another JVM than the driver (only local masters hand steps over in process)");
            }
            if (task < 0 || task >= c.answers.length) throw new IllegalArgumentException("no task " + task + " of " + c.answers.length);
            return new Link() {
                @Override public StepOrder next(long after, long waitMillis) throws InterruptedException {
                    return c.next(after, waitMillis);
                }

                @Override public void reply(long id, PartialGradient partial) {
                    c.reply(id, task, partial);
                }

                @Override public void close() {}
            };
        }
    }
}
