package dev.lockstep.train.checkpoint;

import dev.lockstep.train.TrainingListener;

/**
 * Saves a checkpoint every N global steps; {@code --resume} continues from the newest. A fresh run's first
 * checkpoint replaces whatever checkpoints it found ({@link Checkpoints#saveFirstOfFreshRun}).
 */
public final class CheckpointListener implements TrainingListener {
    private final Checkpoints checkpoints;
    private final int every;
    private boolean replaceOthers;

    /** For a run that resumes, or adds its checkpoints to those it found. */
    public CheckpointListener(Checkpoints checkpoints, int every) {
        this(checkpoints, every, false);
    }

    /** @param freshRun whether the run started from scratch: its first checkpoint then deletes every other one */
    public CheckpointListener(Checkpoints checkpoints, int every, boolean freshRun) {
        if (every < 1) throw new IllegalArgumentException("checkpoint interval must be positive");
        this.checkpoints = checkpoints;
        this.every = every;
        this.replaceOthers = freshRun;
    }

    @Override
    public void onStep(StepInfo step) {
        if (step.globalStep() % every != 0) return;
        if (replaceOthers) {
            checkpoints.saveFirstOfFreshRun(step.state().snapshot());
            replaceOthers = false;
        } else {
            checkpoints.save(step.state().snapshot());
        }
    }
}
