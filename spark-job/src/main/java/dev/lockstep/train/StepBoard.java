package dev.lockstep.train;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The state a {@link StepChannel} shares between the driver and its tasks, whatever carries it: the current step,
 * the answers to it so far (by task), and whether the epoch or the job has ended. One lock guards it all.
 */
final class StepBoard {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final PartialGradient[] answers;
    private int answered;
    private StepOrder current;
    private boolean ended;
    private boolean jobDone;
    private Throwable jobFailure;

    StepBoard(int tasks) {
        if (tasks < 1) throw new IllegalArgumentException("tasks must be positive, got " + tasks);
        answers = new PartialGradient[tasks];
    }

    int tasks() { return answers.length; }

    /** {@link StepChannel#publish}; {@code then} runs under the lock once the order is current. */
    void publish(StepOrder order, Runnable then) {
        lock.lock();
        try {
            if (ended) throw new IllegalStateException("the epoch has ended");
            if (current != null && order.id() <= current.id()) {
                throw new IllegalArgumentException("step " + order.id() + " published after step " + current.id());
            }
            current = order;
            Arrays.fill(answers, null);
            answered = 0;
            then.run();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** {@link StepChannel#await}. */
    PartialGradient[] await(long stallMillis) {
        lock.lock();
        try {
            if (current == null) throw new IllegalStateException("no step published");
            long stall = TimeUnit.MILLISECONDS.toNanos(stallMillis);
            long left = stall;
            int seen = answered;
            while (answered < answers.length) {
                if (jobDone) throw ResidentEpoch.endedEarly(current.id(), jobFailure);
                if (answered > seen) {
                    seen = answered;
                    left = stall;
                }
                if (left <= 0) return null;
                try {
                    left = changed.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for step " + (current.id() + 1), e);
                }
            }
            return answers.clone();
        } finally {
            lock.unlock();
        }
    }

    /** {@link StepChannel#end}; {@code then} runs under the lock. */
    void end(Runnable then) {
        lock.lock();
        try {
            ended = true;
            then.run();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void jobEnded(Throwable failure) {
        lock.lock();
        try {
            jobDone = true;
            jobFailure = failure;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The first step after {@code after}, {@link StepOrder#END}, or null if there is neither yet. */
    StepOrder peek(long after) {
        lock.lock();
        try {
            return ended ? StepOrder.END : current != null && current.id() > after ? current : null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Under the lock, so that no step is published in between: {@code found} with what {@link #peek} finds, or
     * {@code none} when it finds nothing yet (to register a poll that the next publish answers).
     */
    void poll(long after, Consumer<StepOrder> found, Runnable none) {
        lock.lock();
        try {
            StepOrder o = peek(after);
            if (o != null) found.accept(o);
            else none.run();
        } finally {
            lock.unlock();
        }
    }

    /** As {@link #peek}, waiting up to {@code waitMillis} for one. */
    StepOrder next(long after, long waitMillis) throws InterruptedException {
        lock.lock();
        try {
            long left = TimeUnit.MILLISECONDS.toNanos(waitMillis);
            StepOrder o;
            while ((o = peek(after)) == null) {
                if (left <= 0) return null;
                left = changed.awaitNanos(left);
            }
            return o;
        } finally {
            lock.unlock();
        }
    }

    /** Task {@code task}'s answer to step {@code step}: kept if that is the current step and the first answer. */
    void answer(int task, long step, PartialGradient partial) {
        if (task < 0 || task >= answers.length) throw new IllegalArgumentException("no task " + task + " of " + answers.length);
        lock.lock();
        try {
            if (current == null || current.id() != step || answers[task] != null) return;
            answers[task] = partial;
            answered++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
