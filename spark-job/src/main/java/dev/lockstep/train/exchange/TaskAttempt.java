package dev.lockstep.train.exchange;

import java.io.Serializable;
import org.apache.spark.TaskContext;

/**
 * Which task attempt sent an answer: the task's index in the epoch's job (its partition of the cached rows) and
 * Spark's attempt number and task attempt id (the TID of Spark's logs), so that a refused answer names its sender.
 */
public record TaskAttempt(int task, int attemptNumber, long taskAttemptId) implements Serializable {
    public TaskAttempt {
        if (task < 0 || attemptNumber < 0 || taskAttemptId < 0) {
            throw new IllegalArgumentException(
                    "bad task attempt: task " + task + " attempt " + attemptNumber + " TID " + taskAttemptId);
        }
    }

    public static TaskAttempt of(TaskContext context) {
        return new TaskAttempt(context.partitionId(), context.attemptNumber(), context.taskAttemptId());
    }

    @Override
    public String toString() {
        return "task " + task + " attempt " + attemptNumber + " (TID " + taskAttemptId + ")";
    }
}
