package dev.lockstep.train;

/** Saves a checkpoint every N global steps; {@code --resume} continues from the newest. */
public final class CheckpointListener implements TrainingListener {
    private final Checkpoints checkpoints;
    private final int every;

    public CheckpointListener(Checkpoints checkpoints, int every) {
        if (every < 1) throw new IllegalArgumentException("checkpoint interval must be positive");
        this.checkpoints = checkpoints;
        this.every = every;
    }

    @Override public void onStep(StepInfo step) {
        if (step.globalStep() % every == 0) checkpoints.save(step.state().snapshot());
    }
}
