package dev.lockstep.train.step;

/**
 * The training steps of one epoch, computed on the cluster: a Spark job per step ({@link TaskLifetime#STEP}) or
 * one job whose tasks stay for the epoch ({@link ResidentEpoch}). Both give the same {@link SyncStep.Result}s,
 * bit for bit. Closing ends whatever job is still running.
 */
public interface EpochSteps extends AutoCloseable {
    /**
     * The summed gradient of one step on {@code parameters}, without the update.
     *
     * @param description names a step's own job in the Spark UI, where it has one
     */
    SyncStep.Result gradient(float[] parameters, int[] batchRows, String description);

    @Override
    void close();
}
