package dev.lockstep.train.exchange;

import java.io.Serializable;

/**
 * The driver's end of a resident epoch's hand-over: it publishes one step at a time and waits until every task
 * has answered it. Tasks reach the other end through the {@link Endpoint} they carry. A task attempt that starts
 * late (a retry) takes up whatever step is current; a reply to any other step, or a second one to the current
 * step, is dropped (the bits are the same: a step's result depends only on its order).
 */
public interface StepChannel extends AutoCloseable {
    /** Makes {@code order} the current step; its id must be higher than the last one's. */
    void publish(StepOrder order);

    /**
     * Waits until every task has answered the current step, and returns the answers in task order; null if no
     * answer came for {@code stallMillis}.
     *
     * @throws IllegalStateException when the job ended first (with its failure as the cause, if it failed)
     */
    PartialGradient[] await(long stallMillis);

    /** No more steps: waiting tasks return, and later ones return at once. */
    void end();

    /** Called once the job has ended, with its failure or null: a driver still waiting stops waiting. */
    void jobEnded(Throwable failure);

    /** The messages refused since the last call ({@link AnswerShape}), in one line for a warning; null if none was. */
    String refusals();

    Endpoint endpoint();

    /** Releases what the channel holds; tasks that connect afterwards fail. */
    @Override
    void close();

    /** How a task finds the channel; travels with the task. */
    interface Endpoint extends Serializable {
        /** The end of task attempt {@code attempt}, whose answers carry it. */
        Link connect(TaskAttempt attempt);
    }

    /** A task's end of the channel. */
    interface Link extends AutoCloseable {
        /**
         * The first step after {@code after} (-1 for any), {@link StepOrder#END} once the epoch is over, or null
         * if neither came within {@code waitMillis} (so the task can check whether it was killed).
         */
        StepOrder next(long after, long waitMillis) throws InterruptedException;

        /** This task's answer to step {@code id}. */
        void reply(long id, PartialGradient partial);

        @Override
        void close();
    }
}
