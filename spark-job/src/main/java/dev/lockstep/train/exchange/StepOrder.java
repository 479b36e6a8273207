package dev.lockstep.train.exchange;

import java.io.Serializable;

/**
 * One step handed to resident tasks: its number in the job ({@code id}, from 0), the epoch (augmentation depends
 * on it), the batch's sorted global rows and the parameters encoded at the run's wire precision.
 */
public record StepOrder(long id, int epoch, int[] batchRows, byte[] parameters) implements Serializable {
    /** No more steps: the task returns. */
    static final StepOrder END = new StepOrder(Long.MAX_VALUE, -1, null, null);

    public boolean isEnd() {
        return id == Long.MAX_VALUE;
    }
}
