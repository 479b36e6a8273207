package dev.lockstep.train.exchange;

import dev.lockstep.LockstepException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The state a {@link StepChannel} shares between the driver and its tasks, whatever carries it: the current step,
 * the answers to it so far (by task), and whether the epoch or the job has ended; and the messages refused since
 * the driver last asked, for its warning. One lock guards it all.
 */
public final class StepBoard {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final AnswerShape shape;
    private final PartialGradient[] answers;
    private int answered;
    private StepOrder current;
    private boolean ended;
    private boolean jobDone;
    private Throwable jobFailure;
    private String firstRefused; // why the first message since the last refusals() was refused; later ones only count
    private long refused;

    StepBoard(AnswerShape shape) {
        this.shape = shape;
        answers = new PartialGradient[shape.tasks()];
    }

    int tasks() {
        return answers.length;
    }

    AnswerShape shape() {
        return shape;
    }

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
                if (jobDone) throw endedEarly(current.id(), jobFailure, firstRefused);
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

    /** How many tasks have answered the current step. */
    int answered() {
        lock.lock();
        try {
            return answered;
        } finally {
            lock.unlock();
        }
    }

    /** Whether every task has answered the current step. */
    boolean answeredAll() {
        lock.lock();
        try {
            return current != null && answered == answers.length;
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

    /**
     * An answer of {@code from} to step {@code step}: kept if that is the current step and the task's first answer
     * to it, and if it fits the {@link AnswerShape}; one that does not is never kept.
     *
     * @throws IllegalArgumentException if the answer does not fit the shape
     */
    void answer(TaskAttempt from, long step, PartialGradient partial) {
        lock.lock();
        try {
            if (current == null || current.id() != step) {
                shape.check(from, partial, Integer.MAX_VALUE); // not kept, but a malformed one is still news
                return;
            }
            shape.check(from, partial, current.batchRows().length);
            if (answers[from.task()] != null) return;
            answers[from.task()] = partial;
            answered++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Records a message the driver refused (damaged, malformed, or from no task of the epoch). */
    void refuse(String why) {
        lock.lock();
        try {
            if (firstRefused == null) firstRefused = why;
            refused++;
        } finally {
            lock.unlock();
        }
    }

    /** The messages refused since the last call, in one line; null if none was. */
    String refusals() {
        lock.lock();
        try {
            if (refused == 0) return null;
            String line = refused == 1
                    ? "refused a step message: " + firstRefused
                    : "refused " + refused + " step messages, the first: " + firstRefused;
            firstRefused = null;
            refused = 0;
            return line;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The failure of a step whose job ended first. When the driver refused an answer ({@link AnswerShape}), that is
     * the likely reason (a task whose answer is refused fails), said in one line instead of Spark's task failures.
     */
    public static RuntimeException endedEarly(long step, Throwable failure, String refused) {
        String what = "the Spark job of the epoch's resident tasks ended before step " + (step + 1)
                + " of the job was answered";
        if (refused != null)
            return new LockstepException(what + "; the driver refused a step message: " + refused, failure);
        return new IllegalStateException(failure == null ? what : what + ": " + failure.getMessage(), failure);
    }
}
